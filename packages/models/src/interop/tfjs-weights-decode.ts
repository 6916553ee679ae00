/**
 * Decoding a tfjs weights manifest into float32 values, in one place, before any layer sees a number
 * (as tfjs-core's `io.decodeWeights`). Every group's shards are concatenated in manifest order and the
 * weights lie one after the other in that byte stream.
 *
 * Stored forms (little-endian):
 *   float32, int32                      4 bytes a value (int32 is read as its float value)
 *   quantization { dtype: 'uint8' }     1 byte a value q,  w = min + scale·q    (affine, per tensor)
 *   quantization { dtype: 'uint16' }    2 bytes a value q, w = min + scale·q
 *   quantization { dtype: 'float16' }   2 bytes a value, IEEE 754 half precision
 */

/** A weight's quantisation, as tfjs' converter writes it into the manifest. */
export interface WeightQuantization {
  readonly dtype: 'uint8' | 'uint16' | 'float16';
  readonly min?: number;
  readonly scale?: number;
  readonly original_dtype?: string;
}

/** One weight's entry in a tfjs weights manifest, in buffer order. */
export interface LayersWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
  readonly quantization?: WeightQuantization;
  /** tfjs-layers marks an optimizer's saved state `'optimizer'`; a model's weights are `'model'` or unmarked. */
  readonly group?: string;
}

/** IEEE 754 binary16 → number (subnormals, infinities and NaN included). */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

function bytesPerValue(spec: LayersWeightSpec, who: string): number {
  const q = spec.quantization;
  if (q !== undefined && q !== null) {
    if (q.dtype === 'uint8') return 1;
    if (q.dtype === 'uint16' || q.dtype === 'float16') return 2;
    throw new Error(`${who}: weight '${spec.name}' has quantisation dtype ${JSON.stringify((q as { dtype?: unknown }).dtype)} (supported: uint8, uint16, float16)`);
  }
  if (spec.dtype === 'float32' || spec.dtype === 'int32') return 4;
  throw new Error(`${who}: weight '${spec.name}' has dtype ${JSON.stringify(spec.dtype)} (supported: float32, int32, or a uint8/uint16/float16 quantisation)`);
}

function checkAffine(spec: LayersWeightSpec, q: WeightQuantization, who: string): { min: number; scale: number } {
  if (typeof q.min !== 'number' || typeof q.scale !== 'number' || !Number.isFinite(q.min) || !Number.isFinite(q.scale)) {
    throw new Error(`${who}: weight '${spec.name}' is ${q.dtype}-quantised but its quantisation lacks finite 'min' and 'scale' (got ${JSON.stringify(q)})`);
  }
  return { min: q.min, scale: q.scale };
}

function decodeOne(spec: LayersWeightSpec, data: Uint8Array, offset: number, count: number, who: string): Float32Array {
  const view = new DataView(data.buffer, data.byteOffset + offset, data.byteLength - offset);
  const out = new Float32Array(count);
  const q = spec.quantization;
  if (q === undefined || q === null) {
    if (spec.dtype === 'int32') for (let k = 0; k < count; k++) out[k] = view.getInt32(4 * k, true);
    else for (let k = 0; k < count; k++) out[k] = view.getFloat32(4 * k, true);
  } else if (q.dtype === 'float16') {
    for (let k = 0; k < count; k++) out[k] = float16ToNumber(view.getUint16(2 * k, true));
  } else {
    const { min, scale } = checkAffine(spec, q, who);
    if (q.dtype === 'uint8') for (let k = 0; k < count; k++) out[k] = min + scale * view.getUint8(k);
    else for (let k = 0; k < count; k++) out[k] = min + scale * view.getUint16(2 * k, true);
  }
  return out;
}

/**
 * Throws, naming the entry, unless `specs` is a list of `{ name: string, shape: integers ≥ 0, dtype: string }`
 * with unique names (quantisations are checked where they are decoded). Run before anything reads them.
 */
export function checkWeightSpecs(specs: unknown, who: string): asserts specs is readonly LayersWeightSpec[] {
  if (!Array.isArray(specs)) throw new Error(`${who}: weightSpecs must be a list, got ${JSON.stringify(specs)?.slice(0, 80)}`);
  const names = new Set<string>();
  specs.forEach((spec: unknown, i) => {
    const s = spec as Partial<Record<keyof LayersWeightSpec, unknown>> | null;
    if (typeof s !== 'object' || s === null || typeof s.name !== 'string' || typeof s.dtype !== 'string') {
      throw new Error(`${who}: weightSpecs[${i}] must be { name, shape, dtype } with string name and dtype, got ${JSON.stringify(spec)?.slice(0, 120)}`);
    }
    if (!Array.isArray(s.shape) || s.shape.some((d: unknown) => !Number.isSafeInteger(d) || (d as number) < 0)) {
      throw new Error(`${who}: weight '${s.name}' has an invalid shape ${JSON.stringify(s.shape)}`);
    }
    if (names.has(s.name)) throw new Error(`${who}: weight '${s.name}' is listed twice in weightSpecs`);
    names.add(s.name);
  });
}

/**
 * The float32 values of every weight of the manifest (checked by {@link checkWeightSpecs}), in its order.
 * Throws, naming the weight, for an unsupported dtype or quantisation, or data that ends before the manifest does.
 */
export function decodeLayersWeights(specs: readonly LayersWeightSpec[], data: Uint8Array, who: string): Float32Array[] {
  const placed: { offset: number; count: number }[] = [];
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    placed.push({ offset, count });
    offset += bytesPerValue(spec, who) * count;
  }
  if (offset > data.byteLength) {
    const first = specs.findIndex((s, i) => placed[i]!.offset + bytesPerValue(s, who) * placed[i]!.count > data.byteLength);
    throw new Error(
      `${who}: the weight specs need ${offset} bytes, the weight data has ${data.byteLength} (truncated; weight '${specs[first]!.name}' is the first that does not fit)`,
    );
  }
  return specs.map((spec, i) => decodeOne(spec, data, placed[i]!.offset, placed[i]!.count, who));
}
