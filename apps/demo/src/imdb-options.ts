/**
 * Options of the `imdb` command (the default): Keras' IMDB sentiment script, faithfully, with the
 * cell and sizes switchable.
 */
import { BACKENDS, nonNegativeInteger, oneOf, parseFlags, positiveInteger, stringFlag } from './cli-options';
import type { BackendChoice } from './cli-options';
import { UsageError } from './usage-error';

export const CELLS = ['simplernn', 'lstm', 'gru', 'bilstm'] as const;
export type CellChoice = (typeof CELLS)[number];

export interface ImdbOptions {
  readonly cell: CellChoice;
  readonly units: number;
  readonly embed: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly maxlen: number;
  readonly numWords: number;
  readonly seed: number;
  readonly backend: BackendChoice;
  readonly dataDir: string | undefined;
  readonly outDir: string;
  readonly resume: boolean;
  readonly limit: number | undefined;
  readonly validationSplit: number;
}

export const IMDB_HELP = `rnnkit demo imdb — Keras' IMDB sentiment script, reproduced (the default command)

  Embedding(num-words, embed) → <cell>(units) → Dense(1, sigmoid); adam, binary cross-entropy,
  validation split 0.2 (the last 20 % of the training set), then test loss and accuracy.

Options:
  --cell simplernn|lstm|gru|bilstm   recurrent layer (default simplernn)
  --units N          recurrent units (default 32)
  --embed N          embedding width (default 32)
  --epochs N         epochs (default 5)
  --batch-size N     batch size (default 128)
  --maxlen N         padSequences length, pre-padding and pre-truncation (default 200)
  --num-words N      vocabulary: the N most frequent words (default 10000)
  --seed N           seed for weights and shuffling (default 1)
  --backend wasm|cpu tensor backend (default wasm)
  --data-dir DIR     a local copy of the IMDB files (default: ../shared/data/imdb when present, else the Keras download cache)
  --out DIR          where the plot, the model and checkpoints go (default out/imdb-<cell>)
  --resume           continue from the checkpoint of an interrupted run in --out
  --limit N          quick run on the first N training and N test reviews
  --help             this text
`;

/** Parses `imdb` flags; throws a one-line UsageError for anything wrong. Returns null for --help. */
export function parseImdbOptions(argv: readonly string[]): ImdbOptions | null {
  const flags = parseFlags(argv, {
    cell: { type: 'string' },
    units: { type: 'string' },
    embed: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    maxlen: { type: 'string' },
    'num-words': { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    'data-dir': { type: 'string' },
    out: { type: 'string' },
    resume: { type: 'boolean' },
    limit: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (flags.values['help'] === true) return null;
  const v = (name: string): string | undefined => stringFlag(flags, name);
  const cell = oneOf('cell', v('cell'), CELLS, 'simplernn');
  const limit = v('limit') === undefined ? undefined : positiveInteger('limit', v('limit'), 0);
  const validationSplit = 0.2;
  // Keras' split: the first ⌊N·(1 − split)⌋ samples train, the rest validate; both need one
  if (limit !== undefined && Math.floor(limit * (1 - validationSplit)) < 1) {
    throw new UsageError(`--limit ${limit} leaves no training sample after the validation split of ${validationSplit}: use --limit 2 or more`);
  }
  return {
    cell,
    units: positiveInteger('units', v('units'), 32),
    embed: positiveInteger('embed', v('embed'), 32),
    epochs: positiveInteger('epochs', v('epochs'), 5),
    batchSize: positiveInteger('batch-size', v('batch-size'), 128),
    maxlen: positiveInteger('maxlen', v('maxlen'), 200),
    numWords: positiveInteger('num-words', v('num-words'), 10_000),
    seed: nonNegativeInteger('seed', v('seed'), 1),
    backend: oneOf('backend', v('backend'), BACKENDS, 'wasm'),
    dataDir: v('data-dir'),
    outDir: v('out') ?? `out/imdb-${cell}`,
    resume: flags.values['resume'] === true,
    limit,
    validationSplit,
  };
}
