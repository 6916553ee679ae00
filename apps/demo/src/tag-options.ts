/**
 * Options of the `tag` command: train a part-of-speech tagger on UD English EWT, or tag sentences with
 * the saved one.
 */
import { BACKENDS, fraction, nonNegativeInteger, oneOf, parseFlags, positiveInteger, positiveNumber, stringFlag } from './cli-options';
import type { BackendChoice } from './cli-options';
import { TAGGER_CELLS } from './tag-model';
import type { TaggerCell } from './tag-model';
import { UsageError } from './usage-error';

export interface TagOptions {
  /** Sentences to tag with the saved model (positional arguments); none: train. */
  readonly sentences: readonly string[];
  readonly cell: TaggerCell;
  readonly units: number;
  readonly embed: number;
  /** Character features (a forwards and a backwards RNN per word), or words only (`--no-chars`). */
  readonly chars: boolean;
  readonly charEmbed: number;
  readonly charUnits: number;
  readonly maxWordLength: number;
  readonly minCount: number;
  readonly dropout: number;
  readonly epochs: number;
  readonly patience: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Only the first N sentences of each split (a quick smoke run). */
  readonly limit: number | undefined;
  readonly seed: number;
  readonly backend: BackendChoice;
  readonly dataDir: string | undefined;
  readonly outDir: string;
  /** Where the model to tag sentences with is (default: <out>/model). */
  readonly modelDir: string;
}

export const TAG_HELP = `rnnkit demo tag ["sentence to tag" …] — part-of-speech tagging on UD English EWT (N→N)

  Without sentences: trains a BiLSTM tagger on the 12,544 training sentences of the Universal Dependencies
  English Web Treebank (17 UPOS tags), early-stopped on dev accuracy, then reports test accuracy (and the
  most-frequent-tag baseline), per-tag precision/recall/F1, a confusion-matrix picture (SVG) and tagged
  test sentences, and saves the model. With sentences: tags them with the saved model.

  Model: word Embedding(embed, <unk> for words seen fewer than --min-count times) concatenated with the
  final states of a forwards and a backwards <cell>(char-units) over each word's characters, Dropout,
  Bidirectional(<cell>(units)), Dropout, Dense(17) per word; cross-entropy masked to real words; Adam,
  gradients clipped to global norm 5; batches of sentences of similar length.

Options:
  --cell lstm|gru        recurrent layers, sentence and characters (default lstm)
  --units N              sentence RNN units per direction (default 100)
  --embed N              word embedding width (default 100)
  --chars, --no-chars    character features per word, or words only (default --chars)
  --char-embed N         character embedding width (default 24)
  --char-units N         units of each character RNN (default 32)
  --max-word-length N    characters read per word: longer ones keep their first and last N/2 (default 10)
  --min-count N          words seen fewer times in train read as <unk> (default 2)
  --dropout X            dropout rate before and after the sentence RNN, in [0, 1) (default 0.33)
  --epochs N             at most N epochs (default 6)
  --patience N           stop after N epochs without a better dev accuracy; the best weights are kept (default 2)
  --batch-size N         sentences per batch (default 32)
  --lr X                 Adam learning rate (default 0.002)
  --limit N              only the first N sentences of each split (a quick smoke run)
  --seed N               weights, dropout and batch order (default 1)
  --backend wasm|cpu     tensor backend (default wasm)
  --data-dir DIR         folder with en_ewt-ud-{train,dev,test}.conllu.gz (default: ../shared/data/ud-ewt when present, else $RNNKIT_DATA_DIR/ud-ewt)
  --out DIR              where the picture, the results and the model go (default out/tag)
  --model DIR            the model to tag sentences with (default <out>/model)
  --help                 this text

Example: pnpm demo tag "Time flies like an arrow ."
`;

/** Parses `tag` flags; throws a one-line UsageError for anything wrong. Returns null for --help. */
export function parseTagOptions(argv: readonly string[]): TagOptions | null {
  const flags = parseFlags(
    argv,
    {
      cell: { type: 'string' },
      units: { type: 'string' },
      embed: { type: 'string' },
      chars: { type: 'boolean' },
      'no-chars': { type: 'boolean' },
      'char-embed': { type: 'string' },
      'char-units': { type: 'string' },
      'max-word-length': { type: 'string' },
      'min-count': { type: 'string' },
      dropout: { type: 'string' },
      epochs: { type: 'string' },
      patience: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      limit: { type: 'string' },
      seed: { type: 'string' },
      backend: { type: 'string' },
      'data-dir': { type: 'string' },
      out: { type: 'string' },
      model: { type: 'string' },
      help: { type: 'boolean' },
    },
    { positionals: true },
  );
  if (flags.values['help'] === true) return null;
  const s = (name: string) => stringFlag(flags, name);
  if (flags.values['chars'] === true && flags.values['no-chars'] === true) throw new UsageError('--chars and --no-chars contradict each other: give one');
  const outDir = s('out') ?? 'out/tag';
  const limit = s('limit');
  return {
    sentences: flags.positionals.filter((p) => p.trim() !== ''),
    cell: oneOf('cell', s('cell'), TAGGER_CELLS, 'lstm'),
    units: positiveInteger('units', s('units'), 100),
    embed: positiveInteger('embed', s('embed'), 100),
    chars: flags.values['no-chars'] !== true,
    charEmbed: positiveInteger('char-embed', s('char-embed'), 24),
    charUnits: positiveInteger('char-units', s('char-units'), 32),
    maxWordLength: positiveInteger('max-word-length', s('max-word-length'), 10),
    minCount: positiveInteger('min-count', s('min-count'), 2),
    dropout: fraction('dropout', s('dropout'), 0.33, 0, 1),
    epochs: positiveInteger('epochs', s('epochs'), 6),
    patience: positiveInteger('patience', s('patience'), 2),
    batchSize: positiveInteger('batch-size', s('batch-size'), 32),
    learningRate: positiveNumber('lr', s('lr'), 0.002),
    limit: limit === undefined ? undefined : positiveInteger('limit', limit, 1),
    seed: nonNegativeInteger('seed', s('seed'), 1),
    backend: oneOf('backend', s('backend'), BACKENDS, 'wasm'),
    dataDir: s('data-dir'),
    outDir,
    modelDir: s('model') ?? `${outDir}/model`,
  };
}
