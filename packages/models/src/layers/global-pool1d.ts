/**
 * GlobalAveragePooling1D and GlobalMaxPooling1D: the mean or the maximum over all time steps, per channel.
 *
 * Shapes: B batch, T time, C channels.   x [B, T, C] → y [B, C]  ([B, 1, C] with `keepdims`, as Keras 3)
 *   average:  y[b, c] = Σ_t m[b, t]·x[b, t, c] / Σ_t m[b, t]       (m the incoming mask, or all ones)
 *   max:      y[b, c] = max_t x[b, t, c]
 *   ∂y[b, c]/∂x[b, t, c] = [x[b, t, c] = y[b, c]] / #ties          (each tied maximum gets an equal share, as
 *                                                                   TensorFlow, JAX and PyTorch; tfjs gives each the whole)
 *
 * Masks, as Keras 2 and 3: the average consumes the mask — masked steps are left out of the mean (through
 * `where`, so they may hold anything finite or not), and a row with no real step gives 0/0 = NaN, as in Keras.
 * The max does not support masking: it ignores the mask (padded steps count) and drops it. Neither has an
 * output mask. No weights.
 */
import { cast, customGrad, div, equal, expandDims, greater, max, mean, mul, squeeze, sum, where, zerosLike } from '@rnnkit/tensor';
import type { GradSaveFunc, Tensor } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { formatShape } from '../shape';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A global average- or max-pooling layer over the time axis of `[B, T, C]` sequences. */
export interface GlobalPool1dSpec {
  readonly kind: 'globalAveragePool1d' | 'globalMaxPool1d';
  readonly name?: string;
  readonly keepdims: boolean;
}

/** Options of {@link globalAveragePool1d} and {@link globalMaxPool1d}. */
export interface GlobalPool1dOptions extends CommonLayerOptions {
  /** Keep the time axis with length 1: [B, 1, C]. Default false (Keras). */
  readonly keepdims?: boolean;
}

function globalPool1d(kind: GlobalPool1dSpec['kind'], options: GlobalPool1dOptions): Layer<GlobalPool1dSpec> {
  const keepdims = options.keepdims ?? false;
  if (typeof keepdims !== 'boolean') throw new Error(`${kind}: keepdims must be a boolean, got ${JSON.stringify(keepdims)}`);
  const spec: GlobalPool1dSpec = { kind, keepdims };
  return finishLayer(spec, options, `${kind}`);
}

/**
 * The mean over time of each channel, over the real steps only when a mask arrives (Keras `GlobalAveragePooling1D`).
 *
 * @example sequential([embedding({ inputDim: 10000, outputDim: 16, maskZero: true }), globalAveragePool1d(), dense({ units: 1, activation: 'sigmoid' })])
 */
export function globalAveragePool1d(options: GlobalPool1dOptions = {}): Layer<GlobalPool1dSpec> {
  return globalPool1d('globalAveragePool1d', options);
}

/**
 * The maximum over time of each channel (Keras `GlobalMaxPooling1D`; a mask is ignored, as in Keras).
 *
 * @example sequential([embedding({ inputDim: 5000, outputDim: 32 }), conv1d({ filters: 64, kernelSize: 3, activation: 'relu' }), globalMaxPool1d()])
 */
export function globalMaxPool1d(options: GlobalPool1dOptions = {}): Layer<GlobalPool1dSpec> {
  return globalPool1d('globalMaxPool1d', options);
}

/** max over axis 1, kept: [B, T, C] → [B, 1, C], with the tie-sharing gradient of the file header. */
const maxOverTime = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
  const [x, save] = args as [Tensor, GradSaveFunc];
  save([x]);
  return {
    value: max(x, 1, true),
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [xs] = saved as [Tensor];
      const ties = cast(equal(xs, max(xs, 1, true)), 'float32');
      return mul(div(ties, sum(ties, 1, true)), dy);
    },
  };
});

/** Σ_t m·x / Σ_t m, kept: [B, T, C] → [B, 1, C]. */
function maskedMean(x: Tensor, mask: Tensor): Tensor {
  const real = expandDims(mask, -1);
  const kept = where(greater(real, 0), x, zerosLike(x));
  return div(sum(kept, 1, true), sum(real, 1, true));
}

export const globalPool1dLayer: LayerImpl<GlobalPool1dSpec> = {
  className: (spec) => (spec.kind === 'globalAveragePool1d' ? 'GlobalAveragePooling1D' : 'GlobalMaxPooling1D'),
  outputShape: (spec, input) => {
    if (input.length !== 3) throw new Error(`${spec.kind}: input must have rank 3 ([B, T, C]), got ${formatShape(input)}`);
    if (input[1] === 0) throw new Error(`${spec.kind}: the time axis must not be empty, got input ${formatShape(input)}`);
    return spec.keepdims ? [input[0] ?? null, 1, input[2] ?? null] : [input[0] ?? null, input[2] ?? null];
  },
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, x, context) =>
    tidyOutput(() => {
      if (x.rank !== 3 || x.shape[1] === 0) throw new Error(`${spec.kind}: input must be [B, T, C] with T ≥ 1, got shape [${x.shape.join(', ')}]`);
      const mask = context.mask;
      if (mask !== null && (mask.rank !== 2 || mask.shape[0] !== x.shape[0] || mask.shape[1] !== x.shape[1])) {
        throw new Error(`${spec.kind}: the mask must be [${x.shape[0]}, ${x.shape[1]}], got shape [${mask.shape.join(', ')}]`);
      }
      let y: Tensor;
      if (spec.kind === 'globalMaxPool1d') y = maxOverTime(x);
      else y = mask === null ? mean(x, 1, true) : maskedMean(x, mask);
      return { y: spec.keepdims ? y : squeeze(y, [1]), mask: null };
    }),
};
