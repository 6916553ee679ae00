/**
 * Parsers that turn the two on-disk forms of IMDB into the raw reviews of `imdb.npz`
 * (word ranks, archive order), ready for `applyKerasImdbOptions`. Pure: bytes in, arrays out.
 *
 * - Keras' `imdb.npz`: object arrays x_train/x_test of rank lists, int labels y_train/y_test.
 * - The shared copy (`keras_imdb_{train,test}.jsonl.gz`): one JSON object per line,
 *   `{"y":1,"x":[1, rank+3, …],"src":…}`, already shuffled with RandomState(113). The
 *   shuffle is undone here (row k of the file is review perm[k] of the archive), so that
 *   every option, seed included, goes through the one Keras pipeline.
 */
import { DataFileError } from '../errors';
import { gunzipChecked } from '../gzip';
import { createMt19937, numpyShuffledRange } from '../numpy-random-state';
import type { NdArray } from '../numpy/ndarray';
import { readNpz } from '../numpy/npz';
import type { ImdbData, ImdbSplit } from './imdb-keras';

/** Raw IMDB reviews from the bytes of Keras' `imdb.npz`. */
export function imdbFromNpz(bytes: Uint8Array, file = 'imdb.npz'): ImdbData {
  const arrays = readNpz(bytes, file);
  const split = (x: string, y: string): ImdbSplit => {
    const xs = arrays[x];
    const ys = arrays[y];
    if (xs === undefined || ys === undefined) throw new DataFileError(file, `missing member ${xs === undefined ? x : y}.npy`);
    if (xs.dtype !== '|O') throw new DataFileError(file, `${x} must be an object array of reviews, got dtype '${xs.dtype}'`);
    const sequences = (xs.data as readonly unknown[]).map((item, i) => toInt32(item, `${x}[${i}]`, file));
    if (ys.data.length !== sequences.length) {
      throw new DataFileError(file, `${y} has ${ys.data.length} labels for ${sequences.length} reviews in ${x}`);
    }
    const labels = new Uint8Array(ys.data.length);
    for (let i = 0; i < labels.length; i++) {
      const label = ys.data[i];
      if (label !== 0 && label !== 1) throw new DataFileError(file, `${y}[${i}] is ${describe(label)}, expected the label 0 or 1`);
      labels[i] = label;
    }
    return { sequences, labels };
  };
  return { train: split('x_train', 'y_train'), test: split('x_test', 'y_test') };
}

/** A review's word ranks: a list of ints or a numeric array, every value an integer in [0, 2^31). */
function toInt32(item: unknown, where: string, file: string): Int32Array {
  const nd = item as Partial<NdArray>;
  const values: ArrayLike<unknown> | undefined = Array.isArray(item)
    ? (item as unknown[])
    : typeof nd === 'object' && nd !== null && nd.data !== undefined && nd.dtype !== '|O'
      ? nd.data
      : undefined;
  if (values === undefined) throw new DataFileError(file, `${where} is neither a list of ints nor an int array`);
  const out = new Int32Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const w = values[k];
    if (typeof w !== 'number' || !Number.isInteger(w) || w < 0 || w > 0x7fffffff) {
      throw new DataFileError(file, `${where}[${k}] is ${describe(w)}, not a word rank (an integer ≥ 0)`);
    }
    out[k] = w;
  }
  return out;
}

/** A short description of a decoded value for an error message. */
function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'bigint') return 'an integer beyond 2^53';
  if (typeof v === 'object' && v !== null) return 'an object';
  return String(v).slice(0, 40);
}

/**
 * Raw IMDB reviews from the shared copy: the gzip bytes of the train and test JSON-lines files.
 * `files` name them in errors.
 */
export function imdbFromSharedJsonl(
  trainGz: Uint8Array,
  testGz: Uint8Array,
  files: { readonly train: string; readonly test: string } = { train: 'keras_imdb_train.jsonl.gz', test: 'keras_imdb_test.jsonl.gz' },
): ImdbData {
  const next = createMt19937(113);
  const train = unshuffle(parseSharedSplit(trainGz, files.train), next);
  const test = unshuffle(parseSharedSplit(testGz, files.test), next);
  return { train, test };
}

function parseSharedSplit(gz: Uint8Array, file: string): ImdbSplit {
  const raw = gunzipChecked(gz, file);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    throw new DataFileError(file, 'the unpacked data is not valid UTF-8 text');
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  const sequences: Int32Array[] = [];
  const labels = new Uint8Array(lines.length);
  lines.forEach((line, i) => {
    let row: { x?: unknown; y?: unknown };
    try {
      row = JSON.parse(line) as { x?: unknown; y?: unknown };
    } catch (e) {
      throw new DataFileError(file, `not valid JSON: ${(e as Error).message}`, i + 1);
    }
    const { x, y } = row;
    if ((y !== 0 && y !== 1) || !Array.isArray(x) || x[0] !== 1) {
      throw new DataFileError(file, 'expected {"y": 0|1, "x": [1, …]} (the Keras form with start id 1)', i + 1);
    }
    const ranks = new Int32Array(x.length - 1);
    for (let k = 1; k < x.length; k++) {
      const w = x[k] as unknown;
      if (typeof w !== 'number' || !Number.isInteger(w) || w < 4) {
        throw new DataFileError(file, `word id ${String(w)} at position ${k} is not an integer ≥ 4`, i + 1);
      }
      ranks[k - 1] = w - 3;
    }
    sequences.push(ranks);
    labels[i] = y;
  });
  return { sequences, labels };
}

/** Row k of a file shuffled by `perm` is review perm[k] of the archive; put it back there. */
function unshuffle(split: ImdbSplit, next: () => number): ImdbSplit {
  const perm = numpyShuffledRange(next, split.sequences.length);
  const sequences = new Array<Int32Array>(perm.length);
  const labels = new Uint8Array(perm.length);
  perm.forEach((original, k) => {
    sequences[original] = split.sequences[k] as Int32Array;
    labels[original] = split.labels[k] as number;
  });
  return { sequences, labels };
}
