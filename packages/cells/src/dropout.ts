/**
 * Keras-style (variational) dropout masks: one mask per sequence, reused at every timestep,
 * with inverted scaling, drawn in JavaScript from a seed so every backend gets the same mask.
 *
 * Shapes: B batch, F features (I for the input mask, H for the recurrent mask).
 */
import { createRng, tensor2d } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';

/**
 * A [B, F] mask whose entries are 1/(1 − rate) with probability 1 − rate and 0 otherwise
 * (Keras `dropout(ones, rate)`: keep where u ≥ rate, u ~ 𝒰[0, 1)). The caller owns the tensor.
 */
export function dropoutMask(batch: number, features: number, rate: number, seed: number): Tensor {
  const rng = createRng(seed);
  const scale = 1 / (1 - rate);
  const values = new Float32Array(batch * features);
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform() >= rate ? scale : 0;
  return tensor2d(values, [batch, features]);
}

/** Throws unless `rate` is a number in [0, 1). */
export function assertRate(rate: unknown, name: string): asserts rate is number {
  if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw new Error(`${name} must be a number in [0, 1), got ${String(rate)}`);
}
