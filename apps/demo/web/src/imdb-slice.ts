/**
 * The page's IMDB slice: a few thousand Keras-preprocessed reviews in one small binary file, so the
 * browser needs neither the 17 MB shared copy nor a download from Keras' servers.
 *
 * Layout (little-endian):
 *   magic "RNNIMDB1" (8 bytes)
 *   u32 numWords, u32 maxlen, u32 trainCount, u32 testCount
 *   u8  labels[trainCount + testCount]          (train first, then test)
 *   u16 lengths[trainCount + testCount]         (each ≤ maxlen)
 *   u16 ids[Σ lengths]                          (each < numWords; already pre-truncated to maxlen)
 *
 * Ids follow Keras' `imdb.load_data`: 1 = start, 2 = out of vocabulary, word of rank r = r + 3.
 */

export const IMDB_SLICE_MAGIC = 'RNNIMDB1';

export interface ImdbSplitSlice {
  /** One review per entry, ids as Keras gives them, at most `maxlen` long. */
  readonly sequences: readonly Int32Array[];
  /** 1 = positive, 0 = negative. */
  readonly labels: Uint8Array;
}

export interface ImdbSlice {
  readonly numWords: number;
  readonly maxlen: number;
  readonly train: ImdbSplitSlice;
  readonly test: ImdbSplitSlice;
}

/** Serialises a slice in the layout above. */
export function encodeImdbSlice(slice: ImdbSlice): Uint8Array {
  const all = [...slice.train.sequences, ...slice.test.sequences];
  const labels = [...slice.train.labels, ...slice.test.labels];
  const idCount = all.reduce((n, s) => n + s.length, 0);
  const bytes = new Uint8Array(8 + 16 + labels.length + 2 * all.length + 2 * idCount);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 8; i++) bytes[i] = IMDB_SLICE_MAGIC.charCodeAt(i);
  [slice.numWords, slice.maxlen, slice.train.sequences.length, slice.test.sequences.length].forEach((v, i) => view.setUint32(8 + 4 * i, v, true));
  let at = 24;
  for (const label of labels) bytes[at++] = label;
  for (const s of all) {
    if (s.length > slice.maxlen) throw new Error(`encodeImdbSlice: a review has ${s.length} ids, more than maxlen ${slice.maxlen}`);
    view.setUint16(at, s.length, true);
    at += 2;
  }
  for (const s of all) {
    for (const id of s) {
      if (!(id >= 0 && id < slice.numWords)) throw new Error(`encodeImdbSlice: id ${id} is outside [0, ${slice.numWords})`);
      view.setUint16(at, id, true);
      at += 2;
    }
  }
  return bytes;
}

/** Reads a slice written by {@link encodeImdbSlice}; throws when the bytes are not one. */
export function decodeImdbSlice(bytes: Uint8Array): ImdbSlice {
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== IMDB_SLICE_MAGIC) throw new Error(`decodeImdbSlice: expected the magic "${IMDB_SLICE_MAGIC}", got "${magic}"`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [numWords, maxlen, trainCount, testCount] = [0, 1, 2, 3].map((i) => view.getUint32(8 + 4 * i, true)) as [number, number, number, number];
  const count = trainCount + testCount;
  const size = (ids: number): number => 24 + 3 * count + 2 * ids;
  if (bytes.length < size(0)) throw new Error(`decodeImdbSlice: expected at least ${size(0)} bytes for ${count} reviews, got ${bytes.length}`);
  let at = 24;
  const labels = bytes.slice(at, at + count);
  at += count;
  const lengths: number[] = [];
  for (let i = 0; i < count; i++, at += 2) lengths.push(view.getUint16(at, true));
  const expected = size(lengths.reduce((a, b) => a + b, 0));
  if (bytes.length !== expected) throw new Error(`decodeImdbSlice: expected ${expected} bytes, got ${bytes.length}`);
  const sequences = lengths.map((length) => {
    const ids = new Int32Array(length);
    for (let t = 0; t < length; t++, at += 2) ids[t] = view.getUint16(at, true);
    return ids;
  });
  return {
    numWords,
    maxlen,
    train: { sequences: sequences.slice(0, trainCount), labels: labels.slice(0, trainCount) },
    test: { sequences: sequences.slice(trainCount), labels: labels.slice(trainCount) },
  };
}
