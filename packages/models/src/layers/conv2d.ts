/**
 * Conv2D: a 2-D convolution over channels-last images (Keras' default data format), then an activation.
 *
 * Shapes: B batch, H×W image, C input channels, F filters, kh×kw kernel, sh×sw strides, Ho×Wo output.
 *   x [B, H, W, C] → y [B, Ho, Wo, F];  kernel K [kh, kw, C, F] (Keras layout), bias b [F]
 *   y[b, p, q, f] = act(b_f + Σ_{i, j, c} x̃[b, p·sh + i, q·sw + j, c] · K[i, j, c, f])
 * where x̃ is x zero-padded for `'same'` (top/left get ⌊pad/2⌋, as Keras/TensorFlow), unpadded for `'valid'`:
 *   valid: Ho = ⌊(H − kh)/sh⌋ + 1;   same: Ho = ⌈H/sh⌉.
 *
 * The forward pass is tfjs' Conv2D kernel. Its backward is written here (customGrad) because the wasm
 * backend has no Conv2DBackpropFilter kernel:
 *   ∂L/∂x = conv2dTranspose(∂L/∂y, K)                                   (Conv2DBackpropInput, on every backend)
 *   ∂L/∂K[i, j] = x̃[:, i :: sh, j :: sw]ᵀ · ∂L/∂y    (one [C, F] matMul over all B·Ho·Wo positions per offset)
 * Default initialisers are Keras': kernel glorotUniform (fans kh·kw·C and kh·kw·F), bias zeros.
 */
import { add, conv2d as conv2dOp, conv2dTranspose, customGrad, glorotUniform, matMul, pad, reshape, slice, stack, zeros } from '@rnnkit/tensor';
import type { GradSaveFunc, Tensor, Tensor4D } from '@rnnkit/tensor';
import { applyDenseActivation, assertDenseActivation } from '../activations';
import type { DenseActivation } from '../activations';
import { tidyOutput, weight } from '../layer';
import type { LayerImpl } from '../layer';
import { formatShape } from '../shape';
import type { Shape } from '../shape';

/** Keras' padding modes: `'valid'` (no padding, the output shrinks) or `'same'` (zero padding so that stride 1 keeps the size). */
export type Padding = 'valid' | 'same';

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
export interface Conv2dOptions {
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
  readonly name?: string;
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
export function conv2d(options: Conv2dOptions): Conv2dSpec {
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
  return options.name === undefined ? spec : { ...spec, name: options.name };
}

/** Output size of one spatial axis (null stays null). */
export function convOutputSize(size: number | null, kernel: number, stride: number, padding: Padding): number | null {
  if (size === null) return null;
  return padding === 'same' ? Math.ceil(size / stride) : Math.floor((size - kernel) / stride) + 1;
}

/** Zero padding (before, after) of one axis for `'same'` — TensorFlow's rule, extra on the after side. */
function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function channels(input: Shape, who: string): number {
  if (input.length !== 4) throw new Error(`${who}: input must have rank 4 ([B, H, W, C]), got ${formatShape(input)}`);
  const c = input[3];
  if (c === null || c === undefined) throw new Error(`${who}: the channel axis must have a known size, got ${formatShape(input)}`);
  return c;
}

/** conv2d(x, K) with the backward pass described at the top of this file. */
function convolve(x: Tensor4D, kernel: Tensor4D, strides: readonly [number, number], padding: Padding): Tensor4D {
  const run = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const [input, filter, save] = args as [Tensor4D, Tensor4D, GradSaveFunc];
    const value = conv2dOp(input, filter, [strides[0], strides[1]], padding);
    // the tape keeps saved tensors alive until the backward pass (the caller's tidy may dispose the inputs)
    save([input, filter]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ks] = saved as [Tensor4D, Tensor4D];
        const [kh, kw, C, F] = ks.shape;
        const dy4 = dy as Tensor4D;
        const [B, Ho, Wo] = dy4.shape;
        const dx = conv2dTranspose(dy4, ks, xs.shape, [strides[0], strides[1]], padding);
        const [, H, W] = xs.shape;
        const [sh, sw] = strides;
        // x̃, then zeros below and right so that every offset's window of Ho·sh × Wo·sw fits
        const [top, bottom] = padding === 'same' ? samePadding(H, kh, sh) : [0, 0];
        const [left, right] = padding === 'same' ? samePadding(W, kw, sw) : [0, 0];
        const extraH = Math.max(0, kh - 1 + Ho * sh - (H + top + bottom));
        const extraW = Math.max(0, kw - 1 + Wo * sw - (W + left + right));
        const padded = pad(xs, [[0, 0], [top, bottom + extraH], [left, right + extraW], [0, 0]]);
        const dyFlat = reshape(dy4, [B * Ho * Wo, F]);
        const offsets: Tensor[] = [];
        for (let i = 0; i < kh; i++) {
          for (let j = 0; j < kw; j++) {
            // x̃[:, i + p·sh, j + q·sw, :] for p < Ho, q < Wo, by slice and reshape (no strided slice: its
            // wasm kernel fails on some inputs)
            let window: Tensor = slice(padded, [0, i, j, 0], [B, Ho * sh, Wo * sw, C]);
            if (sh > 1 || sw > 1) window = slice(reshape(window, [B, Ho, sh, Wo, sw, C]), [0, 0, 0, 0, 0, 0], [B, Ho, 1, Wo, 1, C]);
            offsets.push(matMul(reshape(window, [B * Ho * Wo, C]), dyFlat, true, false));
          }
        }
        return [dx, reshape(stack(offsets), [kh, kw, C, F])];
      },
    };
  });
  return run(x, kernel) as Tensor4D;
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
      let z: Tensor = convolve(x as Tensor4D, kernel, spec.strides, spec.padding);
      if (spec.useBias) z = add(z, weight(params, 'bias', 'conv2d'));
      return { y: applyDenseActivation(spec.activation, z), mask: context.mask };
    }),
};
