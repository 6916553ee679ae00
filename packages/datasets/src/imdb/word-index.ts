/**
 * The IMDB word index (`imdb_word_index.json`: word → frequency rank, 1 = most frequent) and
 * decoding ids back to text. Pure: no Node imports.
 */
import { DataFileError } from '../errors';

/** Keras' `get_word_index()`: word → frequency rank (1 = most frequent). */
export type WordIndex = ReadonlyMap<string, number>;

/** Parses the text of `imdb_word_index.json`. */
export function parseWordIndex(json: string, file = 'imdb_word_index.json'): WordIndex {
  let obj: unknown;
  try {
    obj = JSON.parse(json);
  } catch (e) {
    throw new DataFileError(file, `not valid JSON: ${(e as Error).message}`);
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) throw new DataFileError(file, 'expected a JSON object word → rank');
  const index = new Map<string, number>();
  for (const [word, rank] of Object.entries(obj)) {
    if (typeof rank !== 'number' || !Number.isInteger(rank) || rank < 1) {
      throw new DataFileError(file, `rank of "${word}" must be an integer ≥ 1, got ${JSON.stringify(rank)}`);
    }
    index.set(word, rank);
  }
  return index;
}

/** Options of {@link decodeReview}: the id offset used when the review was encoded, and the text of the start/padding/unknown markers. */
export interface DecodeReviewOptions {
  /** Word ids are rank + indexFrom. Default 3 (Keras). */
  readonly indexFrom?: number;
  /** Default 1, shown as `markers.start`. */
  readonly startChar?: number;
  /** Default 2, shown as `markers.oov`. */
  readonly oovChar?: number;
  /** Default 0, shown as `markers.pad`. */
  readonly padChar?: number;
  /** Text for the special ids and for ids without a word; an empty string leaves the id out. */
  readonly markers?: { readonly start?: string; readonly oov?: string; readonly pad?: string; readonly unknown?: string };
}

const inverseCache = new WeakMap<WordIndex, string[]>();

/**
 * Turns ids back into words: id ≥ indexFrom → the word of rank id − indexFrom; the start,
 * OOV and padding ids → their markers ('[START]', '[OOV]', '' by default); anything else → '?'.
 *
 * @example decodeReview([1, 14, 22], wordIndex) // '[START] this film'
 */
export function decodeReview(ids: ArrayLike<number>, wordIndex: WordIndex, options: DecodeReviewOptions = {}): string {
  const indexFrom = options.indexFrom ?? 3;
  const markers = { start: '[START]', oov: '[OOV]', pad: '', unknown: '?', ...options.markers };
  let inverse = inverseCache.get(wordIndex);
  if (inverse === undefined) {
    inverse = [];
    for (const [word, rank] of wordIndex) inverse[rank] = word;
    inverseCache.set(wordIndex, inverse);
  }
  const words: string[] = [];
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k] as number;
    let word: string | undefined;
    if (id === (options.padChar ?? 0)) word = markers.pad;
    else if (id === (options.startChar ?? 1)) word = markers.start;
    else if (id === (options.oovChar ?? 2)) word = markers.oov;
    else word = id >= indexFrom ? inverse[id - indexFrom] : undefined;
    word ??= markers.unknown;
    if (word !== '') words.push(word);
  }
  return words.join(' ');
}
