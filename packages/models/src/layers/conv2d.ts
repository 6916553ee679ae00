/**
 * Conv2D: a 2-D convolution over channels-last images (Keras' default data format), then an activation.
 *
 * Shapes: B batch, H×W image, C input channels, F filters, kh×kw kernel, sh×sw strides, Ho×Wo output.
 *   x [B, H, W, C] → y [B, Ho, Wo, F];  kernel K [kh, kw, C, F] (Keras layout), bias b [F]
 *   y[b, p, q, f] = act(b_f + Σ_{i, j, c} x̃[b, p·sh + i, q·sw + j, c] · K[i, j, c, f])
 * where x̃ is x zero-padded for `'same'` (top/left get ⌊pad/2⌋, as Keras/TensorFlow), unpadded for `'valid'`:
 *   valid: Ho = ⌊(H − kh)/sh⌋ + 1;   same: Ho = ⌈H/sh⌉.
 *
 * The convolution is `convolve2d` (convolve.ts): tfjs' Conv2D kernel forward, and a backward written there
 * because the wasm backend has no Conv2DBackpropFilter kernel.
 * Default initialisers are Keras': kernel glorotUniform (fans kh·kw·C and kh·kw·F), bias zeros.
 */
import { add, glorotUniform, zeros } from '@rnnkit/tensor';
import type { Tensor, Tensor4D } from '@rnnkit/tensor';
import { applyDenseActivation, assertDenseActivation } from '../activations';
import type { DenseActivation } from '../activations';
import { tidyOutput, weight } from '../layer';
import type { LayerImpl } from '../layer';
import { formatShape } from '../shape';
import type { Shape } from '../shape';
import { convolve2d } from './convolve';
import type { Padding } from './convolve';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

export type { Padding } from './convolve';

/** A 2-D convolution layer over `[B, H, W, C]` inputs (channels last, as Keras). */
export interface Conv2dSpec {
  readonly kind: 'conv2d';
  readonly name?: string;
  readonly filters: number;
  readonly kernelSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
  readonly activation: DenseActivation;
  readonly useBias: boolean;
}

/** Options of {@link conv2d}: filters, kernel size, strides, padding, activation and bias. */
export interface Conv2dOptions extends CommonLayerOptions {
  readonly filters: number;
  /** kh×kw, or one number for a square kernel. */
  readonly kernelSize: number | readonly [number, number];
  /** Default 1. */
  readonly strides?: number | readonly [number, number];
  /** Default `'valid'`. */
  readonly padding?: Padding;
  /** Default `'linear'`. */
  readonly activation?: DenseActivation;
  /** Default true. */
  readonly useBias?: boolean;
}

export function pair(value: number | readonly [number, number], who: string): [number, number] {
  const p: [number, number] = typeof value === 'number' ? [value, value] : [value[0], value[1]];
  if (!p.every((v) => Number.isInteger(v) && v >= 1)) throw new Error(`${who} must be a positive integer or a pair of them, got ${JSON.stringify(value)}`);
  return p;
}

export function checkPadding(padding: unknown, who: string): asserts padding is Padding {
  if (padding !== 'valid' && padding !== 'same') throw new Error(`${who} must be 'valid' or 'same', got ${JSON.stringify(padding)}`);
}

/**
 * A 2-D convolution layer over [B, H, W, C] images (channels last).
 *
 * @example conv2d({ filters: 16, kernelSize: 3, padding: 'same', activation: 'relu' })   // 3·3·C·16 + 16 params
 */
export function conv2d(options: Conv2dOptions): Layer<Conv2dSpec> {
  if (!Number.isInteger(options.filters) || options.filters < 1) throw new Error(`conv2d: filters must be a positive integer, got ${String(options.filters)}`);
  const padding = options.padding ?? 'valid';
  checkPadding(padding, 'conv2d: padding');
  const activation = options.activation ?? 'linear';
  assertDenseActivation(activation, 'conv2d: activation');
  const spec: Conv2dSpec = {
    kind: 'conv2d',
    filters: options.filters,
    kernelSize: pair(options.kernelSize, 'conv2d: kernelSize'),
    strides: pair(options.strides ?? 1, 'conv2d: strides'),
    padding,
    activation,
    useBias: options.useBias ?? true,
  };
  return finishLayer(spec, options, 'conv2d');
}

/** Output size of one spatial axis (null stays null). */
export function convOutputSize(size: number | null, kernel: number, stride: number, padding: Padding): number | null {
  if (size === null) return null;
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - kernel) / stride) + 1;
}

function channels(input: Shape, who: string): number {
  if (input.length !== 4) throw new Error(`${who}: input must have rank 4 ([B, H, W, C]), got ${formatShape(input)}`);
  const c = input[3];
  if (c === null || c === undefined) throw new Error(`${who}: the channel axis must have a known size, got ${formatShape(input)}`);
  return c;
}

export const conv2dLayer: LayerImpl<Conv2dSpec> = {
  className: () => 'Conv2D',
  outputShape: (spec, input) => {
    channels(input, 'conv2d');
    const [kh, kw] = spec.kernelSize;
    const h = convOutputSize(input[1] ?? null, kh, spec.strides[0], spec.padding);
    const w = convOutputSize(input[2] ?? null, kw, spec.strides[1], spec.padding);
    if ((h !== null && h < 1) || (w !== null && w < 1)) {
      throw new Error(`conv2d: a ${kh}×${kw} '${spec.padding}' kernel does not fit input ${formatShape(input)}`);
    }
    return [input[0] ?? null, h, w, spec.filters];
  },
  weights: (spec, input) => {
    const kernel = { name: 'kernel', shape: [spec.kernelSize[0], spec.kernelSize[1], channels(input, 'conv2d'), spec.filters] };
    return spec.useBias ? [kernel, { name: 'bias', shape: [spec.filters] }] : [kernel];
  },
  init: (spec, input, seed) => {
    const kernel = glorotUniform([spec.kernelSize[0], spec.kernelSize[1], channels(input, 'conv2d'), spec.filters], seed);
    return spec.useBias ? { kernel, bias: zeros([spec.filters], seed) } : { kernel };
  },
  apply: (spec, params, x, context) =>
    tidyOutput(() => {
      const kernel = weight(params, 'kernel', 'conv2d') as Tensor4D;
      if (x.rank !== 4 || x.shape[3] !== kernel.shape[2]) {
        throw new Error(`conv2d: input must be [B, H, W, ${kernel.shape[2]}], got shape [${x.shape.join(', ')}]`);
      }
      let z: Tensor = convolve2d(x as Tensor4D, kernel, spec.strides, spec.padding);
      if (spec.useBias) z = add(z, weight(params, 'bias', 'conv2d'));
      return { y: applyDenseActivation(spec.activation, z), mask: context.mask };
    }),
};
