/**
 * Keras' `imdb.load_data` post-processing, step for step, on the raw reviews as `imdb.npz`
 * stores them (word ranks, 1 = most frequent, in the archive's order):
 *
 *   1. shuffle train, then test, with one `np.random.RandomState(seed)`;
 *   2. x ← [startChar] + (rank + indexFrom)   (without startChar: rank + indexFrom);
 *   3. maxlen: DROP every review with len(x) ≥ maxlen (Keras `remove_long_seq`, although its
 *      docstring says "truncated"), counting the start id; an empty split is an error;
 *   4. numWords (default: the largest id over both splits after step 3, so that id itself
 *      becomes OOV — a Keras quirk kept for parity): every id w with not (skipTop ≤ w < numWords)
 *      becomes oovChar, or is removed when oovChar is null. The test applies to start ids too.
 *
 * Pure: no Node imports.
 */
import { checkInteger } from '../errors';
import { createMt19937, numpyShuffledRange } from '../numpy-random-state';

/** One IMDB split: each review as word ids, and its label (1 positive, 0 negative). */
export interface ImdbSplit {
  /** One Int32Array of word ids per review. */
  readonly sequences: Int32Array[];
  /** 1 = positive, 0 = negative. */
  readonly labels: Uint8Array;
}

/** IMDB as Keras' `load_data` returns it: the train and test splits. */
export interface ImdbData {
  readonly train: ImdbSplit;
  readonly test: ImdbSplit;
}

/** The options of Keras' `imdb.load_data` (`numWords`, `skipTop`, `maxlen`, `seed`, `startChar`, `oovChar`, `indexFrom`), with Keras' defaults. */
export interface ImdbOptions {
  /** Keep the ids below numWords; the others become oovChar. Default: all words. */
  readonly numWords?: number;
  /** Ids below skipTop become oovChar. Default 0. */
  readonly skipTop?: number;
  /** Drop reviews whose length (start id included) is ≥ maxlen. Default: keep all. */
  readonly maxlen?: number;
  /** Seed of numpy's RandomState for the shuffle. Default 113 (Keras). */
  readonly seed?: number;
  /** Id put in front of every review, or null for none. Default 1. */
  readonly startChar?: number | null;
  /** Id of out-of-vocabulary words, or null to remove them. Default 2. */
  readonly oovChar?: number | null;
  /** Word ids are rank + indexFrom. Default 3. */
  readonly indexFrom?: number;
}

/** Applies Keras' `load_data` options to the raw reviews (see the file header). */
export function applyKerasImdbOptions(raw: ImdbData, options: ImdbOptions = {}): ImdbData {
  const seed = options.seed ?? 113;
  const startChar = options.startChar === undefined ? 1 : options.startChar;
  const oovChar = options.oovChar === undefined ? 2 : options.oovChar;
  const indexFrom = options.indexFrom ?? 3;
  const skipTop = options.skipTop ?? 0;
  checkInteger('seed', seed, 0, 0xffffffff);
  checkInteger('indexFrom', indexFrom, 0);
  checkInteger('skipTop', skipTop, 0);
  if (startChar !== null) checkInteger('startChar', startChar, 0);
  if (oovChar !== null) checkInteger('oovChar', oovChar, 0);
  if (options.maxlen !== undefined) checkInteger('maxlen', options.maxlen, 1);
  if (options.numWords !== undefined) checkInteger('numWords', options.numWords, 1);

  const next = createMt19937(seed);
  const splits = [raw.train, raw.test].map((split) => {
    const order = numpyShuffledRange(next, split.sequences.length);
    const sequences: Int32Array[] = [];
    const labels: number[] = [];
    for (const i of order) {
      const rank = split.sequences[i] as Int32Array;
      const offset = startChar === null ? 0 : 1;
      if (options.maxlen !== undefined && rank.length + offset >= options.maxlen) continue;
      const x = new Int32Array(rank.length + offset);
      if (startChar !== null) x[0] = startChar;
      for (let k = 0; k < rank.length; k++) x[k + offset] = (rank[k] as number) + indexFrom;
      sequences.push(x);
      labels.push(split.labels[i] as number);
    }
    return { sequences, labels: Uint8Array.from(labels) };
  });
  const [train, test] = splits as [ImdbSplit, ImdbSplit];
  if (options.maxlen !== undefined && (train.sequences.length === 0 || test.sequences.length === 0)) {
    throw new Error(`maxlen ${options.maxlen} drops every review of the ${train.sequences.length === 0 ? 'train' : 'test'} split; increase maxlen`);
  }

  let numWords = options.numWords;
  if (numWords === undefined) {
    numWords = 0;
    for (const split of splits) for (const x of split.sequences) for (const w of x) if (w > numWords) numWords = w;
  }
  for (const split of splits) {
    for (let s = 0; s < split.sequences.length; s++) {
      const x = split.sequences[s] as Int32Array;
      if (oovChar !== null) {
        for (let k = 0; k < x.length; k++) {
          const w = x[k] as number;
          if (w < skipTop || w >= numWords) x[k] = oovChar;
        }
      } else {
        split.sequences[s] = x.filter((w) => w >= skipTop && w < (numWords as number));
      }
    }
  }
  return { train, test };
}
