/**
 * BatchNormalization (Ioffe & Szegedy, 2015), as Keras 3, over the last axis.
 *
 * Shapes: B batch, T time, F features (the last axis, the only one supported).
 *   x [B, F] or [B, T, F] (any rank ≥ 2) → y of the same shape
 *   weights, in Keras' order: gamma γ [F] (if scale), beta β [F] (if center), then the non-trainable
 *   moving_mean [F] and moving_variance [F]
 * Training: μ, σ² are the batch statistics over every axis but the last, σ² the biased variance
 *   (mean of squared deviations), both for normalising and for the moving averages (Keras 3 and
 *   tfjs-layers; tf.keras 2's fused kernel and PyTorch use the unbiased variance for the moving one):
 *   y = γ·(x − μ)/√(σ² + ε) + β
 *   moving_mean ← moving_mean·momentum + μ·(1 − momentum)         (returned as updates, which the
 *   moving_variance ← moving_variance·momentum + σ²·(1 − momentum)  model assigns after the pass)
 * With a mask m [B, T] (1 = real step) the statistics cover the real steps only, as Keras 3 computes them:
 *   μ = Σ m·x / (Σ m + 1e-7),  σ² = Σ m·(m·x − μ)² / (Σ m + 1e-7)
 *   (tfjs-layers ignores the mask in its statistics.) Every step is normalised; the mask passes through.
 * Inference: μ = moving_mean, σ² = moving_variance.
 * Defaults are Keras': momentum 0.99, ε = 1e-3, γ = 1, β = 0, moving mean 0, moving variance 1.
 */
import { add, div, expandDims, mean, mul, ones, square, sub, sum, zeros } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { tidyOutput, weight } from '../layer';
import type { LayerImpl } from '../layer';
import { affineParams, affineWeights, checkAxis, checkInput, initAffine, lastAxisFeatures, normalize } from './normalize';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A batch normalisation over the last axis. */
export interface BatchNormalizationSpec {
  readonly kind: 'batchNormalization';
  readonly name?: string;
  /** The normalised axis: −1 (the last), or the index of the last axis. */
  readonly axis: number;
  readonly momentum: number;
  readonly epsilon: number;
  /** Add β. */
  readonly center: boolean;
  /** Multiply by γ. */
  readonly scale: boolean;
}

/** Options of {@link batchNormalization}; Keras' defaults. */
export interface BatchNormalizationOptions extends CommonLayerOptions {
  /** Only the last axis is supported: −1 (default) or its index. */
  readonly axis?: number;
  /** Weight of the old value in the moving averages, in [0, 1]. Default 0.99. */
  readonly momentum?: number;
  /** Added to σ² inside the square root. Default 1e-3. */
  readonly epsilon?: number;
  /** Default true. */
  readonly center?: boolean;
  /** Default true. */
  readonly scale?: boolean;
}

/** Keras' backend epsilon, which its masked statistics add to the count of real steps. */
const COUNT_EPSILON = 1e-7;

const WHO = 'batchNormalization';

/**
 * A batch normalisation of the last axis: batch statistics (and moving-average updates) in training,
 * the moving statistics in inference; `y = γ·(x − μ)/√(σ² + ε) + β`.
 *
 * @example sequential([lstm({ units: 32, returnSequences: true }), batchNormalization(), dense({ units: 4 })], { inputShape: [null, 8] })
 */
export function batchNormalization(options: BatchNormalizationOptions = {}): Layer<BatchNormalizationSpec> {
  const axis = options.axis ?? -1;
  checkAxis(axis, WHO);
  const momentum = options.momentum ?? 0.99;
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`${WHO}: momentum must be in [0, 1], got ${String(momentum)}`);
  const epsilon = options.epsilon ?? 1e-3;
  if (!(epsilon > 0)) throw new Error(`${WHO}: epsilon must be > 0, got ${String(epsilon)}`);
  const spec: BatchNormalizationSpec = { kind: 'batchNormalization', axis, momentum, epsilon, center: options.center ?? true, scale: options.scale ?? true };
  return finishLayer(spec, options, 'batchNormalization');
}

/** μ and σ² [F] over every axis but the last; with a mask (x's shape without its last axis) over the real positions only. */
function batchMoments(x: Tensor, mask: Tensor | null): { mean: Tensor; variance: Tensor } {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  if (mask === null) {
    const mu = mean(x, axes);
    return { mean: mu, variance: mean(square(sub(x, mu)), axes) };
  }
  if (mask.shape.join(',') !== x.shape.slice(0, -1).join(',')) {
    throw new Error(`${WHO}: the mask must have the input's shape without its last axis, [${x.shape.slice(0, -1).join(', ')}], got [${mask.shape.join(', ')}]`);
  }
  const m = expandDims(mask, -1);
  const count = add(sum(m), COUNT_EPSILON);
  const weighted = mul(m, x);
  const mu = div(sum(weighted, axes), count);
  return { mean: mu, variance: div(sum(mul(m, square(sub(weighted, mu))), axes), count) };
}

export const batchNormalizationLayer: LayerImpl<BatchNormalizationSpec> = {
  className: () => 'BatchNormalization',
  outputShape: (spec, input) => {
    lastAxisFeatures(spec.axis, input, WHO);
    return input;
  },
  weights: (spec, input) => {
    const shape = [lastAxisFeatures(spec.axis, input, WHO)];
    return [...affineWeights(spec, shape), { name: 'moving_mean', shape, trainable: false }, { name: 'moving_variance', shape, trainable: false }];
  },
  init: (spec, input, seed) => {
    const shape = [lastAxisFeatures(spec.axis, input, WHO)];
    return {
      ...initAffine(spec, shape, seed),
      moving_mean: zeros(shape, seed),
      moving_variance: ones(shape, seed),
    };
  },
  apply: (spec, params, x, context) =>
    tidyOutput(() => {
      const movingMean = weight(params, 'moving_mean', WHO);
      const movingVariance = weight(params, 'moving_variance', WHO);
      checkInput(x, movingMean, WHO);
      const { gamma, beta } = affineParams(spec, params, WHO);
      if (!context.training) return { y: normalize(x, movingMean, movingVariance, gamma, beta, spec.epsilon), mask: context.mask };
      const batch = batchMoments(x, context.mask);
      const m = spec.momentum;
      return {
        y: normalize(x, batch.mean, batch.variance, gamma, beta, spec.epsilon),
        mask: context.mask,
        updates: {
          moving_mean: add(mul(movingMean, m), mul(batch.mean, 1 - m)),
          moving_variance: add(mul(movingVariance, m), mul(batch.variance, 1 - m)),
        },
      };
    }),
};
