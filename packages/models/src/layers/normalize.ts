/**
 * What layer and batch normalisation share: the affine normalisation in the form Keras 3 computes it
 * (`tf.nn.batch_normalization`, and LayerNormalization's own call), and the one axis both support.
 *
 * Shapes: F features (the last axis); μ and σ² broadcast against x [..., F], γ and β are [F].
 *   inv = γ / √(σ² + ε)        (ε inside the square root)
 *   y   = x·inv + (β − μ·inv)  = γ·(x − μ)/√(σ² + ε) + β
 */
import { add, mul, neg, ones, rsqrt, sub, zeros } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { weight } from '../layer';
import type { WeightShape } from '../layer';
import { formatShape, lastDim } from '../shape';
import type { Shape } from '../shape';

/**
 * γ·(x − μ)/√(σ² + ε) + β, as `x·inv + (β − μ·inv)` with `inv = γ·rsqrt(σ² + ε)`; a null γ is 1, a null β is 0.
 */
export function normalize(x: Tensor, mean: Tensor, variance: Tensor, gamma: Tensor | null, beta: Tensor | null, epsilon: number): Tensor {
  let inv = rsqrt(add(variance, epsilon));
  if (gamma !== null) inv = mul(inv, gamma);
  const shift = beta === null ? neg(mul(mean, inv)) : sub(beta, mul(mean, inv));
  return add(mul(x, inv), shift);
}

/** Checks an `axis` option: an integer (−1 for the last axis). Throws naming `who`. */
export function checkAxis(axis: unknown, who: string): asserts axis is number {
  if (!Number.isInteger(axis)) throw new Error(`${who}: axis must be an integer (-1: the last axis), got ${JSON.stringify(axis)}`);
}

/**
 * The feature count F of `input` for a layer normalising over `axis`, which must be the last axis
 * (−1, or rank − 1); throws naming `who`, the axis and the input shape otherwise.
 */
export function lastAxisFeatures(axis: number, input: Shape, who: string): number {
  if (input.length < 2) throw new Error(`${who}: input must have rank ≥ 2 ([B, F] or [B, T, F]), got ${formatShape(input)}`);
  if (axis !== -1 && axis !== input.length - 1) {
    throw new Error(`${who}: only the last axis is supported (axis -1 or ${input.length - 1} for input ${formatShape(input)}), got axis ${axis}`);
  }
  return lastDim(input, who);
}

/** Throws, naming `who`, unless x has rank ≥ 2 and as many features on its last axis as `w` ([F]; null: any). */
export function checkInput(x: Tensor, w: Tensor | null, who: string): void {
  if (x.rank < 2 || (w !== null && x.shape.at(-1) !== w.shape[0])) {
    throw new Error(`${who}: input must be [B, ..., ${w?.shape[0] ?? 'F'}], got shape [${x.shape.join(', ')}]`);
  }
}

/** Whether a normalisation layer has its learned scale γ (`scale`) and offset β (`center`). */
export interface AffineOptions {
  readonly scale: boolean;
  readonly center: boolean;
}

/** The shapes of γ and β (Keras' order: gamma, then beta), those the layer has. */
export function affineWeights(spec: AffineOptions, shape: readonly number[]): WeightShape[] {
  const weights: WeightShape[] = [];
  if (spec.scale) weights.push({ name: 'gamma', shape });
  if (spec.center) weights.push({ name: 'beta', shape });
  return weights;
}

/** Fresh γ = 1 and β = 0 (Keras' initialisers), those the layer has. */
export function initAffine(spec: AffineOptions, shape: readonly number[], seed: number): Record<string, Tensor> {
  return { ...(spec.scale && { gamma: ones([...shape], seed) }), ...(spec.center && { beta: zeros([...shape], seed) }) };
}

/** γ and β from the layer's params, null where the layer has none. */
export function affineParams(spec: AffineOptions, params: Readonly<Record<string, Tensor>>, who: string): { gamma: Tensor | null; beta: Tensor | null } {
  return { gamma: spec.scale ? weight(params, 'gamma', who) : null, beta: spec.center ? weight(params, 'beta', who) : null };
}
