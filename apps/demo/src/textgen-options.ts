/**
 * Options of the `textgen` command: a character-level language model on tiny-shakespeare,
 * trained by truncated BPTT, sampled at several temperatures as it learns.
 */
import { BACKENDS, nonNegativeInteger, oneOf, parseFlags, positiveInteger, positiveNumber, positiveNumbers, stringFlag } from './cli-options';
import type { BackendChoice } from './cli-options';
import { UsageError } from './usage-error';
import { TEXTGEN_CELLS } from './textgen-model';
import type { TextgenCell } from './textgen-model';

export interface TextgenOptions {
  readonly cell: TextgenCell;
  readonly units: number;
  readonly embed: number;
  readonly batchSize: number;
  /** Truncation length k of BPTT. */
  readonly steps: number;
  readonly epochs: number;
  /** Train on the first N characters of the corpus (undefined: all of it). */
  readonly chars: number | undefined;
  readonly learningRate: number;
  readonly clipNorm: number;
  /** Print samples after every this many chunks (and at the end of each epoch). */
  readonly sampleEvery: number;
  readonly sampleLength: number;
  readonly temperatures: readonly number[];
  readonly prompt: string;
  readonly seed: number;
  readonly backend: BackendChoice;
  readonly dataDir: string | undefined;
  readonly outDir: string;
}

export const TEXTGEN_HELP = `rnnkit demo textgen — a character-level language model on tiny-shakespeare (char-rnn)

  Embedding(V, embed) → <cell>(units) → Dense(V); truncated BPTT over batch-size parallel streams in
  chunks of steps characters (the state carries over, its gradient is cut), adam, gradient clipping.
  Prints samples at several temperatures as it learns, the validation loss (last 10 % of the text)
  per epoch, and saves the model.

Options:
  --cell lstm|gru        recurrent layer (default lstm)
  --units N              recurrent units (default 128)
  --embed N              embedding width (default 32)
  --batch-size N         parallel streams B (default 16)
  --steps N              truncation length k, characters per chunk (default 64)
  --epochs N             passes over the training text (default 1)
  --chars N              use only the first N characters of the corpus (default: all 1,115,394)
  --lr X                 adam learning rate (default 0.01)
  --clip X               clip gradients to this global norm (default 5)
  --sample-every N       print samples every N chunks (default 250)
  --sample-length N      characters per sample (default 200)
  --temperatures LIST    comma-separated sampling temperatures (default 0.5,0.8,1)
  --prompt TEXT          text the samples start from (default "ROMEO:")
  --seed N               seed for weights and sampling (default 1)
  --backend wasm|cpu     tensor backend (default wasm)
  --data-dir DIR         folder holding input.txt (default: ../shared/data/tiny-shakespeare when present, else a cached download)
  --out DIR              where the model goes (default out/textgen)
  --help                 this text
`;

/** Parses `textgen` flags; throws a one-line UsageError for anything wrong. Returns null for --help. */
export function parseTextgenOptions(argv: readonly string[]): TextgenOptions | null {
  const flags = parseFlags(argv, {
    cell: { type: 'string' },
    units: { type: 'string' },
    embed: { type: 'string' },
    'batch-size': { type: 'string' },
    steps: { type: 'string' },
    epochs: { type: 'string' },
    chars: { type: 'string' },
    lr: { type: 'string' },
    clip: { type: 'string' },
    'sample-every': { type: 'string' },
    'sample-length': { type: 'string' },
    temperatures: { type: 'string' },
    prompt: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    'data-dir': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (flags.values['help'] === true) return null;
  const s = (name: string) => stringFlag(flags, name);
    const prompt = s('prompt') ?? 'ROMEO:';
  if (prompt === '') throw new UsageError('--prompt must not be empty');
  return {
    cell: oneOf('cell', s('cell'), TEXTGEN_CELLS, 'lstm'),
    units: positiveInteger('units', s('units'), 128),
    embed: positiveInteger('embed', s('embed'), 32),
    batchSize: positiveInteger('batch-size', s('batch-size'), 16),
    steps: positiveInteger('steps', s('steps'), 64),
    epochs: positiveInteger('epochs', s('epochs'), 1),
    chars: s('chars') === undefined ? undefined : positiveInteger('chars', s('chars'), 0),
    learningRate: positiveNumber('lr', s('lr'), 0.01),
    clipNorm: positiveNumber('clip', s('clip'), 5),
    sampleEvery: positiveInteger('sample-every', s('sample-every'), 250),
    sampleLength: positiveInteger('sample-length', s('sample-length'), 200),
    temperatures: positiveNumbers('temperatures', s('temperatures'), [0.5, 0.8, 1]),
    prompt,
    seed: nonNegativeInteger('seed', s('seed'), 1),
    backend: oneOf('backend', s('backend'), BACKENDS, 'wasm'),
    dataDir: s('data-dir'),
    outDir: s('out') ?? 'out/textgen',
  };
}
