/**
 * LayerNormalization (Ba et al., 2016), as Keras 3: each position normalised over its own features.
 *
 * Shapes: F features (the last axis); any leading axes (B, or B and T) are kept.
 *   x [..., F] → y [..., F];  gamma γ [F] (if scale), beta β [F] (if center), in that order (Keras')
 *   μ = mean_f x[..., f],  σ² = mean_f (x[..., f] − μ)²       (the biased variance)
 *   y = γ·(x − μ)/√(σ² + ε) + β                              (ε inside the square root, default 1e-3)
 * The same in training and inference; a mask passes through unchanged (Keras: supports_masking, unused).
 * Keras 3's `rms_scaling` is a different function and is not supported.
 */
import { mean, square, sub } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { affineParams, affineWeights, checkAxis, checkInput, initAffine, lastAxisFeatures, normalize } from './normalize';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A layer normalisation over the last axis. */
export interface LayerNormalizationSpec {
  readonly kind: 'layerNormalization';
  readonly name?: string;
  /** The normalised axis: −1 (the last), or the index of the last axis. */
  readonly axis: number;
  readonly epsilon: number;
  /** Add β. */
  readonly center: boolean;
  /** Multiply by γ. */
  readonly scale: boolean;
}

/** Options of {@link layerNormalization}; Keras' defaults. */
export interface LayerNormalizationOptions extends CommonLayerOptions {
  /** Only the last axis is supported: −1 (default) or its index. */
  readonly axis?: number;
  /** Added to σ² inside the square root. Default 1e-3. */
  readonly epsilon?: number;
  /** Default true. */
  readonly center?: boolean;
  /** Default true. */
  readonly scale?: boolean;
}

/**
 * A layer normalisation, `y = γ·(x − μ)/√(σ² + ε) + β` over the last axis of each position, with
 * Keras' defaults (ε = 1e-3, γ = 1 and β = 0 initially).
 *
 * @example sequential([lstm({ units: 32, returnSequences: true }), layerNormalization(), dense({ units: 4 })], { inputShape: [null, 8] })
 */
export function layerNormalization(options: LayerNormalizationOptions = {}): Layer<LayerNormalizationSpec> {
  const axis = options.axis ?? -1;
  checkAxis(axis, 'layerNormalization');
  const epsilon = options.epsilon ?? 1e-3;
  if (!(epsilon > 0)) throw new Error(`layerNormalization: epsilon must be > 0, got ${String(epsilon)}`);
  const spec: LayerNormalizationSpec = { kind: 'layerNormalization', axis, epsilon, center: options.center ?? true, scale: options.scale ?? true };
  return finishLayer(spec, options, 'layerNormalization');
}

const WHO = 'layerNormalization';

export const layerNormalizationLayer: LayerImpl<LayerNormalizationSpec> = {
  className: () => 'LayerNormalization',
  outputShape: (spec, input) => {
    lastAxisFeatures(spec.axis, input, WHO);
    return input;
  },
  weights: (spec, input) => {
    return affineWeights(spec, [lastAxisFeatures(spec.axis, input, WHO)]);
  },
  init: (spec, input, seed) => {
    return initAffine(spec, [lastAxisFeatures(spec.axis, input, WHO)], seed);
  },
  apply: (spec, params, x, context) =>
    tidyOutput(() => {
      const { gamma, beta } = affineParams(spec, params, WHO);
      checkInput(x, gamma ?? beta, WHO);
      const mu = mean(x, -1, true);
      const variance = mean(square(sub(x, mu)), -1, true);
      return { y: normalize(x, mu, variance, gamma, beta, spec.epsilon), mask: context.mask };
    }),
};
