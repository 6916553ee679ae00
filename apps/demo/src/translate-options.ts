/**
 * Options of the `translate` command: English → French with an encoder–decoder and attention.
 */
import { BACKENDS, fraction, nonNegativeInteger, oneOf, parseFlags, positiveInteger, positiveNumber, stringFlag } from './cli-options';
import type { BackendChoice } from './cli-options';
import { UsageError } from './usage-error';

export const TRANSLATE_CELLS = ['lstm', 'gru'] as const;
export type TranslateCell = (typeof TRANSLATE_CELLS)[number];
export const ATTENTIONS = ['general', 'dot', 'bahdanau'] as const;
export type AttentionChoice = (typeof ATTENTIONS)[number];

export interface TranslateOptions {
  /** Extra English sentences to translate after training (positional arguments). */
  readonly sentences: readonly string[];
  /** Use the first N pairs of fra.txt (the file is sorted by length, so these are the shortest). */
  readonly pairs: number;
  /** Keep pairs whose sides have at most this many tokens (punctuation counts). */
  readonly maxLength: number;
  readonly heldOut: number;
  readonly cell: TranslateCell;
  readonly attention: AttentionChoice;
  readonly units: number;
  readonly embed: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly beamWidth: number;
  readonly seed: number;
  readonly backend: BackendChoice;
  readonly dataDir: string | undefined;
  readonly outDir: string;
}

export const TRANSLATE_HELP = `rnnkit demo translate ["english sentence" …] — English → French, an encoder–decoder with attention

  Encoder: Embedding → <cell>(units) over the English words; decoder: Embedding → <cell>(units),
  attention over the encoder outputs (Bahdanau's additive score by default), Dense(French vocabulary). Trained with teacher forcing (the
  decoder reads the true previous word), masked cross-entropy. Afterwards: greedy and beam-search
  translations of held-out sentences and of any sentences given as arguments, and an attention
  heat-map (SVG) of the first one.

Options:
  --pairs N            the first N pairs of fra.txt, i.e. the shortest sentences (default 5000)
  --max-length N       keep pairs of at most N tokens a side, punctuation included (default 6)
  --held-out X         fraction of the pairs held out for testing, in (0, 1) (default 0.05)
  --cell lstm|gru      recurrent layer (default gru)
  --attention bahdanau|general|dot   score function (default bahdanau)
  --units N            encoder and decoder units (default 128)
  --embed N            embedding width (default 64)
  --epochs N           epochs (default 12)
  --batch-size N       batch size (default 64)
  --lr X               adam learning rate (default 0.01)
  --beam N             beam width (default 4)
  --seed N             seed for weights, the split and shuffling (default 1)
  --backend wasm|cpu   tensor backend (default wasm)
  --data-dir DIR       folder holding fra.txt (default: ../shared/data/fra-eng when present, else $RNNKIT_DATA_DIR/fra-eng)
  --out DIR            where the heat-map and the model go (default out/translate)
  --help               this text
`;

/** Parses `translate` flags; throws a one-line UsageError for anything wrong. Returns null for --help. */
export function parseTranslateOptions(argv: readonly string[]): TranslateOptions | null {
  const flags = parseFlags(
    argv,
    {
      pairs: { type: 'string' },
      'max-length': { type: 'string' },
      'held-out': { type: 'string' },
      cell: { type: 'string' },
      attention: { type: 'string' },
      units: { type: 'string' },
      embed: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      beam: { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string' },
      'data-dir': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
    { positionals: true },
  );
  if (flags.values['help'] === true) return null;
  const s = (name: string) => stringFlag(flags, name);
  const heldOut = fraction('held-out', s('held-out'), 0.05, 0, 1);
  // the held-out pairs are what the loss, accuracy and translations are measured on
  if (heldOut === 0) throw new UsageError(`--held-out must be a number in (0, 1): the held-out pairs are what the results are measured on, got "${s('held-out')}"`);
  return {
    sentences: flags.positionals.filter((p) => p.trim() !== ''),
    pairs: positiveInteger('pairs', s('pairs'), 5000),
    maxLength: positiveInteger('max-length', s('max-length'), 6),
    heldOut,
    cell: oneOf('cell', s('cell'), TRANSLATE_CELLS, 'gru'),
    attention: oneOf('attention', s('attention'), ATTENTIONS, 'bahdanau'),
    units: positiveInteger('units', s('units'), 128),
    embed: positiveInteger('embed', s('embed'), 64),
    epochs: positiveInteger('epochs', s('epochs'), 12),
    batchSize: positiveInteger('batch-size', s('batch-size'), 64),
    learningRate: positiveNumber('lr', s('lr'), 0.01),
    beamWidth: positiveInteger('beam', s('beam'), 4),
    seed: nonNegativeInteger('seed', s('seed'), 1),
    backend: oneOf('backend', s('backend'), BACKENDS, 'wasm'),
    dataDir: s('data-dir'),
    outDir: s('out') ?? 'out/translate',
  };
}
