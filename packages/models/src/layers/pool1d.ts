/**
 * MaxPooling1D and AveragePooling1D: the maximum or the mean over windows of time steps, per channel.
 *
 * Shapes: B batch, T time, C channels, p pool size, s stride, T' output steps.   x [B, T, C] → y [B, T', C]
 *   max:      y[b, t, c] = max_{i < p} x̃[b, t·s + i, c]                      (x̃: x padded with −∞)
 *   average:  y[b, t, c] = (1/n_t) Σ_{i < p} x̃[b, t·s + i, c]                (x̃: x padded with 0)
 * with n_t the real (unpadded) steps of window t: Keras' `'same'` average leaves padding out of the mean
 * (TensorFlow's avg_pool). valid: T' = ⌊(T − p)/s⌋ + 1, no padding;  same: T' = ⌈T/s⌉, padded by TensorFlow's
 * rule (⌊pad/2⌋ before, the rest after). Strides default to the pool size (Keras). No weights.
 *
 * tfjs' AvgPoolGrad divides by p everywhere, which is wrong in the padded edge windows of `'same'`; so the
 * average is a `'valid'` average of the zero-padded x̃ rescaled by p/n_t, whose gradient needs only the
 * (exact) `'valid'` AvgPoolGrad. The max is tfjs' MaxPool and MaxPoolGrad, which sends each window's gradient to
 * its first maximum (TensorFlow's rule); on wasm @rnnkit/tensor replaces tfjs' MaxPoolGrad, which loses every
 * window whose maximum is ≤ 0.
 *
 * Masks: Keras' pooling layers do not support masking — an incoming mask is dropped (Keras 3 warns) and the
 * output has none.
 */
import { avgPool, maxPool, mul, pad, reshape, tensor } from '@rnnkit/tensor';
import type { Tensor, Tensor4D } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { formatShape } from '../shape';
import { checkPadding, convOutputSize } from './conv2d';
import { samePadding } from './convolve';
import type { Padding } from './convolve';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A 1-D max- or average-pooling layer over `[B, T, C]` sequences. */
export interface Pool1dSpec {
  readonly kind: 'maxPool1d' | 'averagePool1d';
  readonly name?: string;
  readonly poolSize: number;
  readonly strides: number;
  readonly padding: Padding;
}

/** Options of {@link maxPool1d} and {@link averagePool1d}: pool size, strides and padding. */
export interface Pool1dOptions extends CommonLayerOptions {
  /** Default 2. */
  readonly poolSize?: number;
  /** Default: the pool size. */
  readonly strides?: number;
  /** Default `'valid'`. */
  readonly padding?: Padding;
}

function pool1d(kind: Pool1dSpec['kind'], options: Pool1dOptions): Layer<Pool1dSpec> {
  const positive = (value: unknown, option: string): number => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`${kind}: ${option} must be a positive integer, got ${JSON.stringify(value)}`);
    return value;
  };
  const poolSize = positive(options.poolSize ?? 2, 'poolSize');
  const padding = options.padding ?? 'valid';
  checkPadding(padding, `${kind}: padding`);
  const spec: Pool1dSpec = { kind, poolSize, strides: positive(options.strides ?? poolSize, 'strides'), padding };
  return finishLayer(spec, options, `${kind}`);
}

/**
 * Max pooling over time, per channel (Keras `MaxPooling1D`).
 *
 * @example maxPool1d({ poolSize: 2 })   // [B, 100, C] → [B, 50, C]
 */
export function maxPool1d(options: Pool1dOptions = {}): Layer<Pool1dSpec> {
  return pool1d('maxPool1d', options);
}

/**
 * Average pooling over time, per channel (Keras `AveragePooling1D`); with `'same'`, padding is left out of the mean.
 *
 * @example averagePool1d({ poolSize: 3, strides: 1, padding: 'same' })   // a moving average that keeps T
 */
export function averagePool1d(options: Pool1dOptions = {}): Layer<Pool1dSpec> {
  return pool1d('averagePool1d', options);
}

/** T' for T steps (null stays null); throws when a `'valid'` pool is longer than the input. */
function outputSteps(spec: Pool1dSpec, steps: number | null, shown: string): number | null {
  const out = convOutputSize(steps, spec.poolSize, spec.strides, spec.padding);
  if (out !== null && out < 1) throw new Error(`${spec.kind}: a 'valid' pool of size ${spec.poolSize} is longer than the ${steps} steps of input ${shown}`);
  return out;
}

/** The mean over the real steps of each `'same'` window: a valid average of zero-padded x, times p/n_t. */
function averageSame(x4: Tensor4D, spec: Pool1dSpec): Tensor {
  const T = x4.shape[1];
  const [before, after] = samePadding(T, spec.poolSize, spec.strides);
  const steps = Math.ceil(T / spec.strides);
  const scale = new Float32Array(steps);
  for (let t = 0; t < steps; t++) {
    const start = t * spec.strides - before;
    scale[t] = spec.poolSize / (Math.min(T, start + spec.poolSize) - Math.max(0, start));
  }
  const padded = pad(x4, [[0, 0], [before, after], [0, 0], [0, 0]]);
  return mul(avgPool(padded, [spec.poolSize, 1], [spec.strides, 1], 'valid'), tensor(scale, [1, steps, 1, 1]));
}

export const pool1dLayer: LayerImpl<Pool1dSpec> = {
  className: (spec) => (spec.kind === 'maxPool1d' ? 'MaxPooling1D' : 'AveragePooling1D'),
  outputShape: (spec, input) => {
    if (input.length !== 3) throw new Error(`${spec.kind}: input must have rank 3 ([B, T, C]), got ${formatShape(input)}`);
    return [input[0] ?? null, outputSteps(spec, input[1] ?? null, formatShape(input)), input[2] ?? null];
  },
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, x) =>
    tidyOutput(() => {
      if (x.rank !== 3) throw new Error(`${spec.kind}: input must be [B, T, C], got shape [${x.shape.join(', ')}]`);
      const [B, T, C] = x.shape as [number, number, number];
      const steps = outputSteps(spec, T, `[${x.shape.join(', ')}]`)!;
      // time as the height of a [B, T, 1, C] image
      const x4 = reshape(x, [B, T, 1, C]) as Tensor4D;
      const window: [number, number] = [spec.poolSize, 1];
      const stride: [number, number] = [spec.strides, 1];
      let y4: Tensor;
      if (spec.kind === 'maxPool1d') y4 = maxPool(x4, window, stride, spec.padding);
      else y4 = spec.padding === 'same' ? averageSame(x4, spec) : avgPool(x4, window, stride, 'valid');
      // Keras' pooling layers do not support masking: the mask stops here
      return { y: reshape(y4, [B, steps, C]), mask: null };
    }),
};
