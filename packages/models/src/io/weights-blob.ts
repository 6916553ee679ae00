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

/** A manifest entry after validation: its element count is known and its bytes lie in the blob. */
interface CheckedEntry {
  readonly name: string;
  readonly shape: number[];
  readonly offset: number;
  readonly count: number;
}

/** One manifest entry, validated field by field; throws naming the entry, the field and the value. */
function checkEntry(e: unknown, index: number, who: string): CheckedEntry {
  const what = `${who}: weights.entries[${index}]`;
  if (typeof e !== 'object' || e === null || Array.isArray(e)) throw new Error(`${what} must be an object { name, shape, dtype, offset }, got ${JSON.stringify(e)}`);
  const { name, shape, dtype, offset } = e as Record<string, unknown>;
  if (typeof name !== 'string' || name === '') throw new Error(`${what}: 'name' must be a non-empty string, got ${JSON.stringify(name)}`);
  if (dtype !== 'float32') throw new Error(`${who}: weight '${name}' has dtype ${JSON.stringify(dtype)}; only float32 is supported`);
  if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) {
    throw new Error(`${who}: weight '${name}' has an invalid shape ${JSON.stringify(shape)} (expected an array of integers ≥ 0)`);
  }
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
    throw new Error(`${who}: weight '${name}' has an invalid offset ${JSON.stringify(offset)} (expected an integer ≥ 0)`);
  }
  const count = (shape as number[]).reduce((a, b) => a * b, 1);
  return { name, shape: [...(shape as number[])], offset, count };
}

/**
 * Unpacks a blob by its manifest. The manifest is validated whole before any tensor is made: every
 * entry well-formed, names unique, and the entries' byte ranges contiguous from byte 0 to the end of
 * the blob — no overlap (two weights reading the same bytes), no gap, nothing past the end. Throws,
 * naming the weight and the rule; the caller owns the tensors.
 */
export function unpackWeights(entries: unknown, data: Uint8Array, who: string): Record<string, Tensor> {
  if (!Array.isArray(entries)) throw new Error(`${who}: weights.entries must be an array, got ${JSON.stringify(entries)}`);
  const checked = entries.map((e: unknown, i) => checkEntry(e, i, who));
  const names = new Set<string>();
  for (const e of checked) {
    if (names.has(e.name)) throw new Error(`${who}: weight '${e.name}' appears twice in the manifest`);
    names.add(e.name);
  }
  // in offset order (empty weights first at a tie), each weight must start where the one before it ends
  const order = [...checked].sort((a, b) => a.offset - b.offset || a.count - b.count);
  let end = 0;
  let before = '';
  for (const e of order) {
    const range = `bytes [${e.offset}, ${e.offset + 4 * e.count})`;
    if (e.offset < end) throw new Error(`${who}: weight '${e.name}' (${range}) overlaps weight '${before}', which ends at byte ${end}`);
    if (e.offset > end) throw new Error(`${who}: weight '${e.name}' (${range}) starts after a gap: the weights before it end at byte ${end}`);
    end = e.offset + 4 * e.count;
    before = e.name;
    if (end > data.byteLength) throw new Error(`${who}: weight '${e.name}' needs ${range} but the weights data has ${data.byteLength} bytes (truncated?)`);
  }
  if (end !== data.byteLength) throw new Error(`${who}: the manifest describes ${end} bytes of weights, the weights data has ${data.byteLength}`);
  // fromEntries defines own properties: a weight named '__proto__' stays a weight (and is refused later as unexpected)
  return Object.fromEntries(checked.map((e) => [e.name, tensor(readFloat32(data, e.offset, e.count), e.shape, 'float32')] as const));
}
