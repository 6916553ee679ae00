/**
 * Bridges between tfjs tensors and the float64 reference: copy values out of a tensor, and
 * seeded random float64 data for tests.
 */
import { createRng, Tensor } from '@rnnkit/tensor';
import type { ReferenceParams } from './types';

/** A float64 copy of a tensor's values (read synchronously) or of any array of numbers. */
export function toFloat64(values: Tensor | ArrayLike<number>): Float64Array {
  return Float64Array.from(values instanceof Tensor ? values.dataSync() : values);
}

/** Float64 copies of cell parameters held as tensors (`{ wxh, whh, bh? }`, e.g. `@rnnkit/cells` `CellParams`). */
export function toReferenceParams(params: { readonly wxh: Tensor; readonly whh: Tensor; readonly bh?: Tensor }): ReferenceParams {
  const wxh = toFloat64(params.wxh);
  const whh = toFloat64(params.whh);
  return params.bh === undefined ? { wxh, whh } : { wxh, whh, bh: toFloat64(params.bh) };
}

/**
 * `length` seeded draws from 𝒰(−scale, scale), rounded to float32 so that the same numbers can be
 * put into a float32 tensor without change.
 */
export function randomFloat64(length: number, seed: number, scale = 1): Float64Array {
  const rng = createRng(seed);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) out[i] = Math.fround(scale * (2 * rng.uniform() - 1));
  return out;
}
