/**
 * Batching: seeded shuffling, fixed-size batches with a remainder policy, bucketing by length,
 * and padding a batch with its mask. Pure: no Node imports.
 *
 * Shapes: N examples, b rows in a batch, T the longest sequence of the batch.
 */
import { checkInteger, checkOneOf } from '../errors';
import { createRandom, shuffleInPlace } from '../random';

/** What to do with the last, smaller batch: keep it, or drop it. */
export type Remainder = 'keep' | 'drop';

/** Options of {@link batchIndices}: batch size, an optional shuffling seed and the remainder policy. */
export interface BatchOptions {
  readonly batchSize: number;
  /** Shuffle with this seed; without a seed the order is kept. */
  readonly seed?: number;
  /** What to do with a last batch smaller than batchSize. Default 'keep'. */
  readonly remainder?: Remainder;
}

/** Index batches over N examples: [0 … N) (shuffled when seeded) cut into batches of batchSize. */
export function batchIndices(n: number, options: BatchOptions): Int32Array[] {
  checkInteger('n', n, 0);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (options.seed !== undefined) shuffleInPlace(order, createRandom(options.seed));
  return chunk(order, options);
}

function chunk(order: Int32Array, options: BatchOptions): Int32Array[] {
  checkInteger('batchSize', options.batchSize, 1);
  const remainder = options.remainder ?? 'keep';
  checkOneOf('remainder', remainder, ['keep', 'drop']);
  const batches: Int32Array[] = [];
  for (let start = 0; start < order.length; start += options.batchSize) {
    const batch = order.slice(start, start + options.batchSize);
    if (batch.length < options.batchSize && remainder === 'drop') break;
    batches.push(batch);
  }
  return batches;
}

/** Options of {@link bucketByLength}: those of {@link BatchOptions} and the length boundaries of the buckets. */
export interface BucketOptions extends BatchOptions {
  /**
   * Length boundaries: bucket k holds lengths in [boundaries[k−1], boundaries[k]). Default: one
   * bucket, sorted by length, so each batch holds sequences of nearly equal length.
   */
  readonly boundaries?: readonly number[];
}

/**
 * Index batches whose sequences have similar lengths: examples are (seeded) shuffled, grouped by
 * bucket and sorted by length within it (stable, so ties keep the shuffled order), cut into
 * batches per bucket (remainder policy per bucket), and the batch order is shuffled again.
 */
export function bucketByLength(lengths: ArrayLike<number>, options: BucketOptions): Int32Array[] {
  const boundaries = options.boundaries ?? [];
  boundaries.forEach((b, k) => {
    if (k > 0 && b <= (boundaries[k - 1] as number)) throw new Error(`boundaries must ascend, got ${JSON.stringify(boundaries)}`);
  });
  const random = options.seed === undefined ? undefined : createRandom(options.seed);
  const order = Array.from({ length: lengths.length }, (_, i) => i);
  if (random !== undefined) shuffleInPlace(order, random);
  const bucketOf = (len: number): number => {
    const k = boundaries.findIndex((b) => len < b);
    return k < 0 ? boundaries.length : k;
  };
  const buckets: number[][] = Array.from({ length: boundaries.length + 1 }, () => []);
  for (const i of order) buckets[bucketOf(lengths[i] as number)]?.push(i);
  const batches: Int32Array[] = [];
  for (const bucket of buckets) {
    bucket.sort((a, b) => (lengths[a] as number) - (lengths[b] as number));
    batches.push(...chunk(Int32Array.from(bucket), options));
  }
  if (random !== undefined) shuffleInPlace(batches, random);
  return batches;
}

/** A batch of sequences padded to one length: ids `[B, T]` row-major, the 0/1 mask of real steps, and each row's length. */
export interface PaddedBatch {
  /** `[b, T]` ids, padded after the sequence ('post') or before it ('pre'). */
  readonly data: Int32Array;
  /** `[b, T]`: 1 where data is a real token, 0 where it is padding. */
  readonly mask: Uint8Array;
  /** `[b]`: the length of each row. */
  readonly lengths: Int32Array;
  readonly shape: readonly [number, number];
}

/**
 * Gathers the rows `indices` of ragged `sequences` into one padded matrix with its mask.
 * T = the longest selected sequence (or `length` when given; longer rows are an error).
 */
export function padBatch(
  sequences: readonly ArrayLike<number>[],
  indices: ArrayLike<number>,
  options: { readonly padding?: 'pre' | 'post'; readonly value?: number; readonly length?: number } = {},
): PaddedBatch {
  const padding = options.padding ?? 'post';
  checkOneOf('padding', padding, ['pre', 'post']);
  const b = indices.length;
  const lengths = new Int32Array(b);
  for (let r = 0; r < b; r++) {
    const s = sequences[indices[r] as number];
    if (s === undefined) throw new Error(`indices[${r}] = ${indices[r]} is outside [0, ${sequences.length})`);
    lengths[r] = s.length;
  }
  const longest = lengths.reduce((a, l) => Math.max(a, l), 0);
  const t = options.length ?? longest;
  if (t < longest) throw new Error(`length ${t} is shorter than the longest sequence of the batch (${longest})`);
  const data = new Int32Array(b * t).fill(options.value ?? 0);
  const mask = new Uint8Array(b * t);
  for (let r = 0; r < b; r++) {
    const s = sequences[indices[r] as number] as ArrayLike<number>;
    const at = r * t + (padding === 'pre' ? t - s.length : 0);
    for (let k = 0; k < s.length; k++) {
      data[at + k] = s[k] as number;
      mask[at + k] = 1;
    }
  }
  return { data, mask, lengths, shape: [b, t] };
}

/** Rows `indices` of a row-major `[N, …]` array whose rows have `rowSize` elements. */
export function takeRows<A extends Int32Array | Float32Array | Uint8Array | Float64Array>(data: A, rowSize: number, indices: ArrayLike<number>): A {
  checkInteger('rowSize', rowSize, 1);
  const n = data.length / rowSize;
  const out = new (data.constructor as new (length: number) => A)(indices.length * rowSize);
  for (let r = 0; r < indices.length; r++) {
    const i = indices[r] as number;
    if (!(i >= 0 && i < n)) throw new Error(`indices[${r}] = ${i} is outside [0, ${n})`);
    out.set(data.subarray(i * rowSize, (i + 1) * rowSize), r * rowSize);
  }
  return out;
}
