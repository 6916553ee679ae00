/**
 * The deterministic inputs of the real-file suites (tfjs-layers, Keras, ONNX): each file's committed
 * reference was computed on these exact values, by the suites' Python and Node reference scripts.
 *
 *   seed = FNV-1a 32-bit hash of the slug (UTF-8 bytes); mulberry32 draws u in [0, 1), row-major over `shape`;
 *   int32 ids lo + floor(u·(hi − lo + 1)), float32 values fround(lo + u·(hi − lo)).
 */

/** FNV-1a, 32 bits, of `text`'s UTF-8 bytes. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const c of new TextEncoder().encode(text)) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return h;
}

/** The mulberry32 generator: uniform draws in [0, 1) from a 32-bit seed. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The input values of corpus entry `slug` for `shape` (batch first): ids in [lo, hi] or floats in [lo, hi). */
export function corpusInput(slug: string, shape: readonly number[], dtype: 'int32' | 'float32', range: readonly [number, number]): Int32Array | Float32Array {
  const draw = mulberry32(fnv1a(slug));
  const n = shape.reduce((a, d) => a * d, 1);
  const [lo, hi] = range;
  return dtype === 'int32' ? Int32Array.from({ length: n }, () => lo + Math.floor(draw() * (hi - lo + 1))) : Float32Array.from({ length: n }, () => lo + draw() * (hi - lo));
}
