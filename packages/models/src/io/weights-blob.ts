/**
 * Named float32 tensors to one little-endian binary blob and back, with a manifest of names,
 * shapes and byte offsets.
 */
import { tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';

/** Where one weight lies in the blob. */
export interface WeightEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32';
  /** Byte offset in the blob. */
  readonly offset: number;
}

const LITTLE_ENDIAN = new Uint8Array(new Float32Array([1]).buffer)[3] === 0x3f;

/** Packs the tensors, in the record's order, into one blob (float32, little-endian). Reads the data synchronously. */
export function packWeights(weights: Readonly<Record<string, Tensor>>): { entries: WeightEntry[]; data: Uint8Array } {
  const entries: WeightEntry[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(weights)) {
    if (t.dtype !== 'float32') throw new Error(`packWeights: weight '${name}' must have dtype float32, got ${t.dtype}`);
    entries.push({ name, shape: [...t.shape], dtype: 'float32', offset });
    offset += t.size * 4;
  }
  const data = new Uint8Array(offset);
  const view = new DataView(data.buffer);
  entries.forEach((entry, i) => {
    const values = Object.values(weights)[i]!.dataSync() as Float32Array;
    if (LITTLE_ENDIAN) data.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), entry.offset);
    else for (let k = 0; k < values.length; k++) view.setFloat32(entry.offset + 4 * k, values[k]!, true);
  });
  return { entries, data };
}

/** Float32 values of `count` elements at `offset` in `data` (little-endian). */
export function readFloat32(data: Uint8Array, offset: number, count: number): Float32Array {
  const out = new Float32Array(count);
  if (LITTLE_ENDIAN) {
    new Uint8Array(out.buffer).set(data.subarray(offset, offset + 4 * count));
    return out;
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  for (let k = 0; k < count; k++) out[k] = view.getFloat32(offset + 4 * k, true);
  return out;
}

/**
 * Unpacks a blob by its manifest. Throws, naming the weight, when an entry does not fit in the
 * blob. Creates tensors only after every entry is checked; the caller owns them.
 */
export function unpackWeights(entries: readonly WeightEntry[], data: Uint8Array, who: string): Record<string, Tensor> {
  const sizes = entries.map((e) => {
    if (e.dtype !== 'float32') throw new Error(`${who}: weight '${e.name}' has dtype ${String(e.dtype)}; only float32 is supported`);
    if (!Array.isArray(e.shape) || e.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new Error(`${who}: weight '${e.name}' has an invalid shape ${JSON.stringify(e.shape)}`);
    }
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset + 4 * count > data.byteLength) {
      throw new Error(
        `${who}: weight '${e.name}' needs bytes [${e.offset}, ${e.offset + 4 * count}) but the weights data has ${data.byteLength} bytes (truncated?)`,
      );
    }
    return count;
  });
  const out: Record<string, Tensor> = {};
  entries.forEach((e, i) => {
    out[e.name] = tensor(readFloat32(data, e.offset, sizes[i]!), [...e.shape], 'float32');
  });
  return out;
}
