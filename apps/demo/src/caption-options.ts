/**
 * Options of the `caption` command: describe a picture of MNIST digits in words (1→N).
 */
import { BACKENDS, nonNegativeInteger, nonNegativeNumber, oneOf, parseFlags, positiveInteger, positiveNumber, stringFlag } from './cli-options';
import type { BackendChoice } from './cli-options';
import { CAPTION_CELLS } from './caption-model';
import type { CaptionCell } from './caption-model';
import { UsageError } from './usage-error';

export interface CaptionOptions {
  /** Phase 1: steps that train the encoder and layout head alone, on the layout loss (0: none). */
  readonly encoderSteps: number;
  /** Phase 2 also trains the encoder (with the layout loss beside the captions'); otherwise it is frozen. */
  readonly fineTune: boolean;
  /** Phase 1's Adam learning rate, decaying exponentially to 1/20 of it over the phase. */
  readonly encoderLearningRate: number;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly batchSize: number;
  readonly filters: number;
  readonly features: number;
  readonly units: number;
  readonly embed: number;
  readonly cell: CaptionCell;
  readonly learningRate: number;
  /** Weight of the layout loss on z when the encoder trains with the captions (0: the captions' loss alone). */
  readonly layoutLoss: number;
  /** Held-out scenes scored after every epoch and at the end. */
  readonly testScenes: number;
  readonly beamWidth: number;
  /** Scenes drawn in sheet.svg. */
  readonly sheet: number;
  readonly seed: number;
  readonly backend: BackendChoice;
  readonly dataDir: string | undefined;
  readonly outDir: string;
}

export const CAPTION_HELP = `rnnkit demo caption — describe a picture in words (1→N): CNN encoder → LSTM decoder

  Scenes: a 64×64 canvas, a 2×2 grid of cells holding one to three real MNIST digits, each large (28 px)
  or small (16 px), captioned by a small grammar in reading order, e.g. "a large seven to the left of a
  small two"; each size and each relation has two wordings ("big", "left of", "over", …), so a scene
  has up to 32 phrasings, and training draws one at random.
  Training scenes use MNIST test images 0–7,999, held-out scenes only images 8,000–9,999 (unseen
  handwriting); every training step draws fresh scenes.

  Model: Conv 5×5/2 (f) → MaxPool 2 → Conv 3×3 (2f) → MaxPool 2 → Conv 3×3 (4f) → MaxPool 4 (one
  position per cell) → Flatten → Dense(features, relu), batch-normalised after each, = one vector z;
  the decoder (conditionalGenerator) starts from h_0 = tanh(z·W + b).
  Training, in two phases:
    1. the encoder alone, as a digit and layout recogniser: a dense layer on z must say what each cell
       holds (empty, or digit and size), the layout loss; then its held-out reading is printed;
    2. the decoder on the frozen encoder, teacher forcing (cross-entropy on the next word); a step is
       then ~4× cheaper, as the convolutions' backward pass is most of a step's time.
  Adam, clipping by global norm 5. After every epoch of phase 2: greedy captions of the held-out
  scenes; at the end also beam search. Reports corpus BLEU-4 (all phrasings of a scene as
  references), exact match and digit accuracy (the digits a caption names that are in the picture);
  writes sheet.svg (scenes with their captions), results.json and the model.

Options:
  --encoder-steps N     phase 1's steps (default 800; 0: no phase 1, encoder and decoder learn together)
  --encoder-lr X        phase 1's Adam learning rate, decaying to 1/20 of it over the phase (default 0.004)
  --fine-tune           phase 2 trains the encoder too, with the layout loss beside the captions'
  --epochs N            phase 2's epochs (default 3)
  --steps-per-epoch N   batches per epoch (default 800)
  --batch-size N        scenes per batch, both phases (default 48)
  --filters N           f, filters of the first convolution (default 16)
  --features N          the image vector z (default 256)
  --units N             decoder units (default 128)
  --embed N             word embedding width (default 32)
  --cell lstm|gru       decoder cell (default lstm)
  --lr X                phase 2's Adam learning rate, decaying to 1/5 of it over the phase (default 0.004)
  --layout-loss X       weight of the layout loss when the encoder learns with the captions (--fine-tune
                        or --encoder-steps 0; default 1; 0: the caption loss alone)
  --test-scenes N       held-out scenes scored (default 500)
  --beam-width N        beam search width (default 4)
  --sheet N             scenes in sheet.svg (default 12; 0: none)
  --seed N              weights and scenes (default 1)
  --backend wasm|cpu    default wasm
  --data-dir DIR        folder with t10k-images-idx3-ubyte.gz (default: ../shared/data/mnist when present, else $RNNKIT_DATA_DIR/mnist)
  --out DIR             where sheet.svg, results.json and the model go (default out/caption)
  --help                this text
`;

/** Parses `caption` flags; throws a one-line UsageError for anything wrong. Returns null for --help. */
export function parseCaptionOptions(argv: readonly string[]): CaptionOptions | null {
  const flags = parseFlags(argv, {
    'encoder-steps': { type: 'string' },
    'fine-tune': { type: 'boolean' },
    'encoder-lr': { type: 'string' },
    epochs: { type: 'string' },
    'steps-per-epoch': { type: 'string' },
    'batch-size': { type: 'string' },
    filters: { type: 'string' },
    features: { type: 'string' },
    units: { type: 'string' },
    embed: { type: 'string' },
    cell: { type: 'string' },
    lr: { type: 'string' },
    'layout-loss': { type: 'string' },
    'test-scenes': { type: 'string' },
    'beam-width': { type: 'string' },
    sheet: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    'data-dir': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean' },
  }, { positionals: true });
  if (flags.values['help'] === true) return null;
  if (flags.positionals.length > 0) throw new UsageError(`caption: unexpected argument "${flags.positionals[0]}" (the command takes only options; see pnpm demo caption --help)`);
  const s = (name: string) => stringFlag(flags, name);
  return {
    encoderSteps: nonNegativeInteger('encoder-steps', s('encoder-steps'), 800),
    fineTune: flags.values['fine-tune'] === true,
    encoderLearningRate: positiveNumber('encoder-lr', s('encoder-lr'), 0.004),
    epochs: positiveInteger('epochs', s('epochs'), 3),
    stepsPerEpoch: positiveInteger('steps-per-epoch', s('steps-per-epoch'), 800),
    batchSize: positiveInteger('batch-size', s('batch-size'), 48),
    filters: positiveInteger('filters', s('filters'), 16),
    features: positiveInteger('features', s('features'), 256),
    units: positiveInteger('units', s('units'), 128),
    embed: positiveInteger('embed', s('embed'), 32),
    cell: oneOf('cell', s('cell'), CAPTION_CELLS, 'lstm'),
    learningRate: positiveNumber('lr', s('lr'), 0.004),
    layoutLoss: nonNegativeNumber('layout-loss', s('layout-loss'), 1),
    testScenes: positiveInteger('test-scenes', s('test-scenes'), 500),
    beamWidth: positiveInteger('beam-width', s('beam-width'), 4),
    sheet: nonNegativeInteger('sheet', s('sheet'), 12),
    seed: nonNegativeInteger('seed', s('seed'), 1),
    backend: oneOf('backend', s('backend'), BACKENDS, 'wasm'),
    dataDir: s('data-dir'),
    outDir: s('out') ?? 'out/caption',
  };
}
