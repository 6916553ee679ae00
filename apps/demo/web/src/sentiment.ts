/**
 * Sentiment on the IMDB slice: the text ↔ id mapping of Keras' imdb.load_data, padding, and the
 * per-word contributions of a classified review by occlusion.
 *
 * Shapes: N reviews, T = maxlen steps (pre-padded, pre-truncated as Keras' pad_sequences).
 */
import { padSequences, wordTokens } from '@rnnkit/datasets';
import type { Sequential } from '@rnnkit/models';
import { tensor, tidy } from '@rnnkit/tensor';
import type { ImdbSlice } from './imdb-slice';
import type { WordScore } from './protocol';

/** Keras' imdb ids: 0 padding, 1 start, 2 out of vocabulary, rank r → r + 3. */
export const START_ID = 1;
export const OOV_ID = 2;
const INDEX_FROM = 3;

export interface Lexicon {
  /** words[rank − 1]: the words the model knows (ids 4 … numWords − 1). */
  readonly words: readonly string[];
  readonly ranks: ReadonlyMap<string, number>;
  readonly numWords: number;
}

export function lexicon(words: readonly string[], numWords: number): Lexicon {
  return { words, ranks: new Map(words.map((w, i) => [w, i + 1])), numWords };
}

/** The id of a word as imdb.load_data(num_words) would give it. */
export function wordId(lex: Lexicon, word: string): number {
  const rank = lex.ranks.get(word);
  return rank === undefined || rank + INDEX_FROM >= lex.numWords ? OOV_ID : rank + INDEX_FROM;
}

/** Text of a review's ids (padding dropped; the start id and unknown words shown as markers). */
export function reviewText(lex: Lexicon, ids: ArrayLike<number>): string {
  const out: string[] = [];
  for (const id of Array.from(ids)) {
    if (id === 0 || id === START_ID) continue;
    out.push(id === OOV_ID ? '▯' : (lex.words[id - INDEX_FROM - 1] ?? '▯'));
  }
  return out.join(' ');
}

/** Padded inputs [N, maxlen] int32 and labels [N, 1] of a split, in fit's plain-data form. */
export function splitData(slice: ImdbSlice, split: 'train' | 'test') {
  const s = slice[split];
  const padded = padSequences(s.sequences, { maxlen: slice.maxlen, padding: 'pre', truncating: 'pre', dtype: 'int32' });
  return {
    x: { values: padded.data as Int32Array, shape: [...padded.shape], dtype: 'int32' as const },
    y: { values: Float32Array.from(s.labels), shape: [s.labels.length, 1] },
  };
}

/**
 * Scores `text` with the sentiment model and measures each word's contribution by occlusion, in
 * log-odds (so a word still counts when the probability is already close to 0 or 1):
 *
 *   c_i = logit p(w_1 … w_n) − logit p(w_1 … w_{i−1} w_{i+1} … w_n),   logit p = ln(p / (1 − p))
 *
 * All n + 1 variants run as one batch [n + 1, maxlen]. Words cut off by pre-truncation get c = 0.
 */
export function classifyReview(model: Sequential, lex: Lexicon, maxlen: number, text: string): { score: number; words: WordScore[] } {
  const tokens = wordTokens(text);
  const ids = [START_ID, ...tokens.map((w) => wordId(lex, w))];
  const firstRead = Math.max(0, ids.length - maxlen); // pre-truncation keeps the last maxlen ids
  const variants: Int32Array[] = [Int32Array.from(ids.slice(firstRead))];
  const readWords: number[] = [];
  tokens.forEach((_, w) => {
    const position = w + 1;
    if (position < firstRead) return;
    readWords.push(w);
    variants.push(Int32Array.from(ids.filter((_, i) => i !== position).slice(-maxlen)));
  });
  const padded = padSequences(variants, { maxlen, padding: 'pre', truncating: 'pre', dtype: 'int32' });
  const p = tidy(() => model.apply(tensor(padded.data as Int32Array, [...padded.shape], 'int32'), { training: false }).dataSync());
  const score = p[0] ?? Number.NaN;
  const contribution = new Map(readWords.map((w, k) => [w, logit(score) - logit(p[k + 1] ?? score)]));
  return {
    score,
    words: tokens.map((word, w) => ({
      word,
      known: wordId(lex, word) !== OOV_ID,
      read: contribution.has(w),
      contribution: contribution.get(w) ?? 0,
    })),
  };
}

function logit(p: number): number {
  const q = Math.min(1 - 1e-7, Math.max(1e-7, p));
  return Math.log(q / (1 - q));
}

/** The tokens and ids the model reads for `text`: [start] and the last maxlen − 1 words. */
export function readTokens(lex: Lexicon, maxlen: number, text: string): { labels: string[]; ids: number[] } {
  const tokens = wordTokens(text);
  const ids = [START_ID, ...tokens.map((w) => wordId(lex, w))];
  const labels = ['[start]', ...tokens.map((w) => (wordId(lex, w) === OOV_ID ? `${w}?` : w))];
  const from = Math.max(0, ids.length - maxlen);
  return { labels: labels.slice(from), ids: ids.slice(from) };
}

/** What the page may say about a classified review: whether to give a verdict, and a warning. */
export interface ScoreReading {
  readonly verdict: boolean;
  readonly warning: string | null;
  /** Words the model reads, and those of them it knows (not read as the unknown id). */
  readonly read: number;
  readonly known: number;
}

/** Below this share of known words among those read, a score gets a warning. */
const THIN_SHARE = 0.5;
/** With fewer known words than this, a score gets a warning. */
const THIN_COUNT = 3;

/**
 * Reads the words of a classified review: no verdict for an empty review or one with no word the
 * model knows (it would score the start marker and unknown ids alone), and a warning when the
 * known words are few.
 */
export function readScore(words: readonly WordScore[], numWords: number): ScoreReading {
  const read = words.filter((w) => w.read);
  const known = read.filter((w) => w.known).length;
  const vocabulary = `the ${(numWords - 4).toLocaleString('en-US')} words it knows`;
  if (words.length === 0) return { verdict: false, warning: 'There are no words to score: type or paste a review.', read: 0, known: 0 };
  if (known === 0) {
    return {
      verdict: false,
      warning: `No verdict: none of the ${read.length} word${read.length === 1 ? '' : 's'} the model reads is among ${vocabulary} (it reads English words only), so it has nothing to go on.`,
      read: read.length,
      known,
    };
  }
  const thin = known < THIN_COUNT || known / read.length < THIN_SHARE;
  return {
    verdict: true,
    warning: thin ? `Only ${known} of the ${read.length} words the model reads ${known === 1 ? 'is' : 'are'} among ${vocabulary}; the rest read as [unknown], so this score rests on little.` : null,
    read: read.length,
    known,
  };
}
