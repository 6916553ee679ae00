/**
 * Options of the `classify` command: score a review with a sentiment model saved by `imdb`.
 */
import { BACKENDS, oneOf, parseFlags, positiveInteger, stringFlag } from './cli-options';
import type { BackendChoice } from './cli-options';
import { UsageError } from './usage-error';

export interface ClassifyOptions {
  readonly text: string;
  readonly modelDir: string;
  /** Words shown in the list of those that moved the score most. */
  readonly top: number;
  readonly backend: BackendChoice;
  readonly dataDir: string | undefined;
}

export const CLASSIFY_HELP = `rnnkit demo classify "review text" — score a review with the sentiment model that \`pnpm demo imdb\` saved

  The text is split into words as Keras' text_to_word_sequence does, mapped to ids with the Keras IMDB
  word index under the same rules as training (start id 1, a word of rank r is id r + 3, ids beyond
  the model's vocabulary become the out-of-vocabulary id 2), padded like training, and scored.
  Then each word is removed in turn and the review rescored: the difference is how much that word
  moved the prediction (occlusion).

Options:
  --model DIR          the saved model (default out/imdb-simplernn/model; other cells: out/imdb-<cell>/model)
  --top N              how many words to list (default 10)
  --backend wasm|cpu   tensor backend (default wasm)
  --data-dir DIR       a local copy of the IMDB files with imdb_word_index.json (default: ../shared/data/imdb when present, else the Keras download cache)
  --help               this text
`;

/** Parses `classify` arguments; throws a one-line UsageError for anything wrong. Returns null for --help. */
export function parseClassifyOptions(argv: readonly string[]): ClassifyOptions | null {
  const flags = parseFlags(
    argv,
    {
      model: { type: 'string' },
      top: { type: 'string' },
      backend: { type: 'string' },
      'data-dir': { type: 'string' },
      help: { type: 'boolean' },
    },
    { positionals: true },
  );
  if (flags.values['help'] === true) return null;
  const s = (name: string) => stringFlag(flags, name);
  const text = flags.positionals.join(' ').trim();
  if (text === '') throw new UsageError('classify needs the review to score: pnpm demo classify "a wonderful, moving film" (see --help)');
  return {
    text,
    modelDir: s('model') ?? 'out/imdb-simplernn/model',
    top: positiveInteger('top', s('top'), 10),
    backend: oneOf('backend', s('backend'), BACKENDS, 'wasm'),
    dataDir: s('data-dir'),
  };
}
