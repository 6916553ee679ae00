/**
 * The safetensors container (https://github.com/huggingface/safetensors): an 8-byte little-endian
 * header size N, an N-byte UTF-8 JSON header `{ name: { dtype, shape, data_offsets: [start, end] },
 * __metadata__?: { key: string } }`, then the raw little-endian tensor data, contiguous and in
 * `data_offsets` order. Reading validates the whole header first, as the reference crate does;
 * writing produces what the reference crate writes (header padded with spaces to a multiple of 8
 * bytes, so the data starts aligned), in F32.
 *
 * Shapes: each tensor's shape is given in its header entry; the data of a tensor is row-major.
 */
import { tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';

/** Bytes per element of every safetensors dtype (the reference crate's `Dtype`), so any header can be checked. */
const SAFETENSORS_DTYPE_SIZES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
};

/** The largest header the reference crate reads (`MAX_HEADER_SIZE`, 100 MB). */
const SAFETENSORS_MAX_HEADER = 100_000_000;

/** One tensor of a safetensors header after validation. */
interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: 'F32' | 'F64';
  readonly shape: number[];
  readonly start: number;
  readonly end: number;
}

/** The keys of the top-level object of valid JSON `text`, in order and with repeats (JSON.parse keeps only the last). */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i += text[i] === '\\' ? 2 : 1);
      if (depth === 1 && expectKey) keys.push(JSON.parse(text.slice(start, i + 1)) as string);
      expectKey = false;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = depth === 1;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return keys;
}

/**
 * Validates a whole safetensors header, as the reference crate does, before any tensor is read:
 * the header length is bounded and inside the buffer, the header is a UTF-8 JSON object with no
 * repeated name, and every tensor has a known dtype, a shape of integers ≥ 0 and `data_offsets`
 * [start, end] with `end − start` = dtype size × elements; sorted by start, the tensors are
 * contiguous from byte 0 to the end of the data. Each error names the tensor and the rule it broke.
 */
function checkSafetensorsHeader(
  bytes: Uint8Array,
  who: string,
): { readonly base: number; readonly entries: SafetensorsEntry[]; readonly metadata: Readonly<Record<string, string>> } {
  if (bytes.byteLength < 8) throw new Error(`${who}: ${bytes.byteLength} bytes is too short for a safetensors file`);
  const declared = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (declared > BigInt(SAFETENSORS_MAX_HEADER)) throw new Error(`${who}: the header size ${declared} exceeds the limit of ${SAFETENSORS_MAX_HEADER} bytes`);
  const headerSize = Number(declared);
  if (8 + headerSize > bytes.byteLength) throw new Error(`${who}: header of ${headerSize} bytes does not fit in ${bytes.byteLength} bytes (truncated)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerSize));
  } catch {
    throw new Error(`${who}: the header is not valid UTF-8`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new Error(`${who}: the header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error(`${who}: the header must be a JSON object`);
  const seen = new Set<string>();
  for (const key of topLevelKeys(text)) {
    if (seen.has(key)) throw new Error(`${who}: tensor '${key}' is named twice in the header`);
    seen.add(key);
  }
  const base = 8 + headerSize;
  const dataLength = bytes.byteLength - base;
  const entries: SafetensorsEntry[] = [];
  let metadata: Readonly<Record<string, string>> = {};
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    const bad = (rule: string): never => {
      throw new Error(`${who}: tensor '${name}' ${rule}`);
    };
    if (name === '__metadata__') {
      const ok = typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
      if (!ok) throw new Error(`${who}: __metadata__ must be an object of strings`);
      metadata = value as Record<string, string>;
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('must be an object { dtype, shape, data_offsets }');
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (typeof dtype !== 'string' || !Object.prototype.hasOwnProperty.call(SAFETENSORS_DTYPE_SIZES, dtype)) bad(`has an unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) bad(`has an invalid shape ${JSON.stringify(shape)} (expected integers ≥ 0)`);
    const ok = Array.isArray(offsets) && offsets.length === 2 && offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0);
    if (!ok) bad(`has invalid data_offsets ${JSON.stringify(offsets)} (expected [start, end], integers ≥ 0)`);
    const [start, end] = offsets as [number, number];
    if (start > end) bad(`has data_offsets [${start}, ${end}] that end before they start`);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const width = SAFETENSORS_DTYPE_SIZES[dtype as string] as number;
    if (end - start !== count * width) bad(`has data_offsets [${start}, ${end}] (${end - start} bytes) but ${dtype} × shape [${(shape as number[]).join(', ')}] needs ${count * width}`);
    if (end > dataLength) bad(`needs bytes [${start}, ${end}) of the data, which has ${dataLength} (truncated)`);
    if (dtype !== 'F32' && dtype !== 'F64') bad(`has dtype ${dtype}; only F32 and F64 are supported`);
    entries.push({ name, dtype: dtype as 'F32' | 'F64', shape: [...(shape as number[])], start, end });
  }
  const order = [...entries].sort((a, b) => a.start - b.start || a.end - b.end);
  let at = 0;
  let before = '';
  for (const e of order) {
    if (e.start < at) throw new Error(`${who}: tensor '${e.name}' (data bytes [${e.start}, ${e.end})) overlaps tensor '${before}', which ends at ${at}`);
    if (e.start > at) throw new Error(`${who}: tensor '${e.name}' starts at data byte ${e.start}, after a gap: the tensors before it end at ${at}`);
    at = e.end;
    before = e.name;
  }
  if (at !== dataLength) throw new Error(`${who}: the tensors cover ${at} bytes of data, the file has ${dataLength} after the header`);
  return { base, entries, metadata };
}

/**
 * Parses a safetensors file (8-byte little-endian header size, JSON header, raw data) holding F32
 * (or F64, converted) tensors. The whole header is validated before any tensor is read (see
 * `checkSafetensorsHeader`). The caller owns the returned tensors.
 */
export function parseSafetensors(bytes: Uint8Array): Record<string, Tensor> {
  return readSafetensors(bytes, 'parseSafetensors').tensors;
}

/**
 * {@link parseSafetensors} with the `__metadata__` (`{}` when absent) and `who` (e.g.
 * `loadSafetensors: ./model.safetensors`) starting every message. The caller owns the tensors.
 */
export function readSafetensors(bytes: Uint8Array, who: string): { readonly tensors: Record<string, Tensor>; readonly metadata: Readonly<Record<string, string>> } {
  const { base, entries, metadata } = checkSafetensorsHeader(bytes, who);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // fromEntries defines own properties: a tensor named '__proto__' stays a tensor
  const tensors = Object.fromEntries(
    entries.map((e) => {
      const count = e.shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        values[i] = e.dtype === 'F32' ? view.getFloat32(base + e.start + 4 * i, true) : view.getFloat64(base + e.start + 8 * i, true);
      }
      return [e.name, tensor(values, e.shape, 'float32')] as const;
    }),
  );
  return { tensors, metadata };
}

/** A tensor to write: its shape and its row-major float32 values. */
export interface SafetensorsTensor {
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/**
 * Encodes F32 tensors (in the order given) and string metadata as a safetensors file. The header
 * is padded with spaces to a multiple of 8 bytes, as the reference crate pads it.
 */
export function encodeSafetensors(tensors: Readonly<Record<string, SafetensorsTensor>>, metadata: Readonly<Record<string, string>> = {}): Uint8Array {
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header['__metadata__'] = metadata;
  let offset = 0;
  for (const [name, t] of Object.entries(tensors)) {
    const count = t.shape.reduce((a, b) => a * b, 1);
    if (count !== t.values.length) throw new Error(`encodeSafetensors: tensor '${name}' has shape [${t.shape.join(', ')}] (${count} values) but ${t.values.length} values`);
    header[name] = { dtype: 'F32', shape: [...t.shape], data_offsets: [offset, offset + 4 * count] };
    offset += 4 * count;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerSize = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerSize + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(headerSize), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerSize);
  let at = 8 + headerSize;
  for (const t of Object.values(tensors)) {
    for (let i = 0; i < t.values.length; i++, at += 4) view.setFloat32(at, t.values[i]!, true);
  }
  return out;
}
