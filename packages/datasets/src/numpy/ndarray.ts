/**
 * numpy arrays as plain JavaScript values.
 * Numeric data become typed arrays; int64/uint64 become Float64Array (exact below 2^53,
 * an error above); object arrays keep their elements in a JavaScript array.
 */
export type NumericArray =
  | Int8Array
  | Uint8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** A numpy array as read from a .npy file: dtype, shape and data (numbers, or objects for object arrays). */
export interface NdArray {
  /** numpy's `descr`, e.g. `'<i8'`, `'<f4'`, `'|O'`. */
  readonly dtype: string;
  readonly shape: readonly number[];
  readonly fortranOrder: boolean;
  /** Row-major (or column-major when `fortranOrder`) elements. */
  readonly data: NumericArray | readonly unknown[];
}

interface NumericKind {
  readonly size: number;
  readonly make: (n: number) => NumericArray;
  readonly read: (v: DataView, at: number, little: boolean) => number;
}

const KINDS: Record<string, NumericKind> = {
  b1: { size: 1, make: (n) => new Uint8Array(n), read: (v, at) => v.getUint8(at) },
  u1: { size: 1, make: (n) => new Uint8Array(n), read: (v, at) => v.getUint8(at) },
  i1: { size: 1, make: (n) => new Int8Array(n), read: (v, at) => v.getInt8(at) },
  i2: { size: 2, make: (n) => new Int16Array(n), read: (v, at, le) => v.getInt16(at, le) },
  u2: { size: 2, make: (n) => new Uint16Array(n), read: (v, at, le) => v.getUint16(at, le) },
  i4: { size: 4, make: (n) => new Int32Array(n), read: (v, at, le) => v.getInt32(at, le) },
  u4: { size: 4, make: (n) => new Uint32Array(n), read: (v, at, le) => v.getUint32(at, le) },
  i8: { size: 8, make: (n) => new Float64Array(n), read: (v, at, le) => safe(v.getBigInt64(at, le)) },
  u8: { size: 8, make: (n) => new Float64Array(n), read: (v, at, le) => safe(v.getBigUint64(at, le)) },
  f4: { size: 4, make: (n) => new Float32Array(n), read: (v, at, le) => v.getFloat32(at, le) },
  f8: { size: 8, make: (n) => new Float64Array(n), read: (v, at, le) => v.getFloat64(at, le) },
};

function safe(x: bigint): number {
  if (x > BigInt(Number.MAX_SAFE_INTEGER) || x < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new Error(`64-bit integer ${x} does not fit a JavaScript number exactly`);
  }
  return Number(x);
}

/** Decodes `count` numbers of numpy type `descr` (e.g. `'<i4'`) from raw bytes. */
export function decodeNumeric(descr: string, raw: Uint8Array, count: number): NumericArray {
  const order = descr[0];
  const kind = KINDS[descr.slice(1).replace(/^([a-z])$/, '$11')];
  if (kind === undefined || (order !== '<' && order !== '>' && order !== '|' && order !== '=')) {
    throw new Error(`unsupported numpy dtype '${descr}'`);
  }
  if (!Number.isInteger(count) || count < 0) throw new Error(`an array must have a non-negative integer number of elements, got ${count}`);
  if (raw.length < count * kind.size) {
    throw new Error(`truncated array data: ${count} × '${descr}' needs ${count * kind.size} bytes, got ${raw.length}`);
  }
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = kind.make(count);
  const little = order !== '>';
  for (let i = 0; i < count; i++) out[i] = kind.read(view, i * kind.size, little);
  return out;
}
