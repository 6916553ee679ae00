/**
 * Conv1D: a 1-D convolution over time, channels last (Keras' default data format), then an activation.
 *
 * Shapes: B batch, T time, C input channels, F filters, k kernel size, s stride, d dilation, T' output steps.
 *   x [B, T, C] → y [B, T', F];  kernel K [k, C, F] (Keras layout), bias b [F]
 *   y[b, t, f] = act(b_f + Σ_{i < k, c} x̃[b, t·s + i·d, c] · K[i, c, f])
 * where x̃ is x zero-padded: not at all for `'valid'`; for `'same'` by TensorFlow's rule (⌊pad/2⌋ before, the
 * rest after); for `'causal'` by d·(k − 1) zeros before only, so that y[t] sees no input after step t (WaveNet).
 * With the dilated extent k' = d·(k − 1) + 1:   valid: T' = ⌊(T − k')/s⌋ + 1;   same and causal: T' = ⌈T/s⌉.
 * A stride above 1 and a dilation above 1 exclude each other (Keras refuses the pair).
 *
 * Masks: Keras' Conv1D does not support masking — an incoming mask is dropped (Keras 3 warns) and the output
 * has none.
 * The convolution is `convolve2d` (convolve.ts) on a [B, 1, T, C] view, whose own backward pass trains on
 * every backend, dilated or not. Default initialisers are Keras': kernel glorotUniform (fans k·C and k·F), bias zeros.
 */
import { add, glorotUniform, pad, reshape, zeros } from '@rnnkit/tensor';
import type { Tensor, Tensor4D } from '@rnnkit/tensor';
import { applyDenseActivation, assertDenseActivation } from '../activations';
import type { DenseActivation } from '../activations';
import { tidyOutput, weight } from '../layer';
import type { LayerImpl } from '../layer';
import { formatShape } from '../shape';
import type { Shape } from '../shape';
import { convOutputSize } from './conv2d';
import { convolve2d } from './convolve';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** Conv1D's padding modes: Keras' `'valid'` and `'same'`, and `'causal'` (left padding only). */
export type Conv1dPadding = 'valid' | 'same' | 'causal';

/** A 1-D convolution layer over `[B, T, C]` sequences (channels last, as Keras). */
export interface Conv1dSpec {
  readonly kind: 'conv1d';
  readonly name?: string;
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: Conv1dPadding;
  readonly dilationRate: number;
  readonly activation: DenseActivation;
  readonly useBias: boolean;
}

/** Options of {@link conv1d}: filters, kernel size, strides, padding, dilation, activation and bias. */
export interface Conv1dOptions extends CommonLayerOptions {
  readonly filters: number;
  readonly kernelSize: number;
  /** Default 1. */
  readonly strides?: number;
  /** Default `'valid'`. */
  readonly padding?: Conv1dPadding;
  /** Default 1 (no dilation). */
  readonly dilationRate?: number;
  /** Default `'linear'`. */
  readonly activation?: DenseActivation;
  /** Default true. */
  readonly useBias?: boolean;
}

function positiveInteger(value: unknown, who: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new Error(`${who} must be a positive integer, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * A 1-D convolution layer over [B, T, C] sequences (channels last).
 *
 * @example conv1d({ filters: 64, kernelSize: 5, padding: 'causal', dilationRate: 2, activation: 'relu' })   // 5·C·64 + 64 params
 */
export function conv1d(options: Conv1dOptions): Layer<Conv1dSpec> {
  const padding = options.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same' && padding !== 'causal') throw new Error(`conv1d: padding must be 'valid', 'same' or 'causal', got ${JSON.stringify(padding)}`);
  const activation = options.activation ?? 'linear';
  assertDenseActivation(activation, 'conv1d: activation');
  const strides = positiveInteger(options.strides ?? 1, 'conv1d: strides');
  const dilationRate = positiveInteger(options.dilationRate ?? 1, 'conv1d: dilationRate');
  if (strides > 1 && dilationRate > 1) throw new Error(`conv1d: strides > 1 cannot be combined with dilationRate > 1 (Keras refuses it too), got strides ${strides} and dilationRate ${dilationRate}`);
  const spec: Conv1dSpec = {
    kind: 'conv1d',
    filters: positiveInteger(options.filters, 'conv1d: filters'),
    kernelSize: positiveInteger(options.kernelSize, 'conv1d: kernelSize'),
    strides,
    padding,
    dilationRate,
    activation,
    useBias: options.useBias ?? true,
  };
  return finishLayer(spec, options, 'conv1d');
}

/** The dilated kernel extent k' = d·(k − 1) + 1. */
function extent(spec: Conv1dSpec): number {
  return spec.dilationRate * (spec.kernelSize - 1) + 1;
}

/** T' for T steps (null stays null); throws when a `'valid'` kernel is longer than the input. */
function outputSteps(spec: Conv1dSpec, steps: number | null, shown: string): number | null {
  const out = convOutputSize(steps, extent(spec), spec.strides, spec.padding === 'valid' ? 'valid' : 'same');
  if (out !== null && out < 1) {
    throw new Error(`conv1d: a 'valid' kernel of extent ${extent(spec)} (kernelSize ${spec.kernelSize}, dilationRate ${spec.dilationRate}) is longer than the ${steps} steps of input ${shown}`);
  }
  return out;
}

function channels(input: Shape): number {
  if (input.length !== 3) throw new Error(`conv1d: input must have rank 3 ([B, T, C]), got ${formatShape(input)}`);
  const c = input[2];
  if (c === null || c === undefined) throw new Error(`conv1d: the channel axis must have a known size, got ${formatShape(input)}`);
  return c;
}

export const conv1dLayer: LayerImpl<Conv1dSpec> = {
  className: () => 'Conv1D',
  outputShape: (spec, input) => {
    channels(input);
    return [input[0] ?? null, outputSteps(spec, input[1] ?? null, formatShape(input)), spec.filters];
  },
  weights: (spec, input) => {
    const kernel = { name: 'kernel', shape: [spec.kernelSize, channels(input), spec.filters] };
    return spec.useBias ? [kernel, { name: 'bias', shape: [spec.filters] }] : [kernel];
  },
  init: (spec, input, seed) => {
    const kernel = glorotUniform([spec.kernelSize, channels(input), spec.filters], seed);
    return spec.useBias ? { kernel, bias: zeros([spec.filters], seed) } : { kernel };
  },
  apply: (spec, params, x) =>
    tidyOutput(() => {
      const kernel = weight(params, 'kernel', 'conv1d');
      const C = kernel.shape[1]!;
      if (x.rank !== 3 || x.shape[2] !== C) throw new Error(`conv1d: input must be [B, T, ${C}], got shape [${x.shape.join(', ')}]`);
      const [B, T] = x.shape as [number, number, number];
      const steps = outputSteps(spec, T, `[${x.shape.join(', ')}]`)!;
      const left = spec.padding === 'causal' ? extent(spec) - 1 : 0;
      const padded = left > 0 ? pad(x, [[0, 0], [left, 0], [0, 0]]) : x;
      const z4 = convolve2d(
        reshape(padded, [B, 1, T + left, C]) as Tensor4D,
        reshape(kernel, [1, spec.kernelSize, C, spec.filters]) as Tensor4D,
        [1, spec.strides],
        spec.padding === 'same' ? 'same' : 'valid',
        [1, spec.dilationRate],
      );
      let z: Tensor = reshape(z4, [B, steps, spec.filters]);
      if (spec.useBias) z = add(z, weight(params, 'bias', 'conv1d'));
      // Keras' Conv1D does not support masking: the mask stops here
      return { y: applyDenseActivation(spec.activation, z), mask: null };
    }),
};
