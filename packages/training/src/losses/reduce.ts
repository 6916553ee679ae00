/**
 * Reduction of per-sample (or per-timestep) losses to the scalar that training minimises, with
 * Keras' `sum_over_batch_size` semantics extended by a mask.
 *
 * Shapes: B batch, T time. A per-sample loss `l` is [B] (N→1 outputs) or [B, T] (N→N outputs).
 */
import { assertTensor, cast, div, expandDims, greater, mul, onesLike, sum, tidy, where } from '@rnnkit/tensor';
import type { Scalar, Tensor } from '@rnnkit/tensor';

/** Optional weighting of a loss: a 0/1 mask over real steps and per-sample (or per-step) weights. */
export interface LossWeights {
  /** 1 where a step is real, 0 where it is padding; shape [B] or [B, T] (a prefix of the loss shape). */
  readonly mask?: Tensor;
  /** Weights of samples ([B]) or of steps ([B, T]); broadcast over the trailing axes of the loss. */
  readonly sampleWeight?: Tensor;
}

/**
 * A loss: `(yTrue, yPred, weights?) → scalar`. The returned tensor belongs to the caller.
 */
export type Loss = (yTrue: Tensor, yPred: Tensor, weights?: LossWeights) => Scalar;

/**
 * Reduces per-sample losses `l` to their weighted mean over real steps:
 *
 *   L = Σ l·w·m / Σ m          with a mask m (masked steps contribute nothing),
 *   L = Σ l·w / N              without one (N = number of elements of l; Keras' sum_over_batch_size).
 *
 * Sample weights are not normalised (Keras). An all-masked batch gives 0, not NaN.
 */
export function reduceLoss(perSample: Tensor, weights: LossWeights = {}, name = 'loss'): Scalar {
  return tidy(() => {
    let weighted = perSample;
    if (weights.sampleWeight !== undefined) {
      weighted = mul(weighted, broadcastable(weights.sampleWeight, perSample, `${name}: sampleWeight`));
    }
    if (weights.mask === undefined) return div(sum(weighted), perSample.size);
    const mask = cast(broadcastable(weights.mask, perSample, `${name}: mask`), 'float32');
    // a [B] mask over a [B, T] loss counts each real sample T times
    const count = mul(sum(mask), perSample.size / mask.size);
    // no divNoNan: its gradient is missing in tfjs (Equal); count does not depend on the weights anyway
    const safeCount = where(greater(count, 0), count, onesLike(count));
    return div(sum(mul(weighted, mask)), safeCount);
  }) as Scalar;
}

/** Expands `w` with trailing axes until it broadcasts against `target`, checking the shared prefix. */
function broadcastable(w: Tensor, target: Tensor, label: string): Tensor {
  assertTensor(w, label);
  if (w.rank > target.rank || w.shape.some((d, i) => d !== target.shape[i])) {
    throw new Error(
      `${label}: expected a shape that is a prefix of the per-sample loss shape [${target.shape.join(', ')}], ` +
        `got [${w.shape.join(', ')}]`,
    );
  }
  let out = w;
  while (out.rank < target.rank) out = expandDims(out, -1);
  return out;
}
