/**
 * The 2-D convolution behind Conv1D and Conv2D, channels last, with its backward pass written here
 * (customGrad): the wasm backend has no Conv2DBackpropFilter kernel, and tfjs' own conv2d gradient
 * refuses dilations above 1.
 *
 * Shapes: B batch, H×W image, C input channels, F filters, kh×kw kernel, sh×sw strides, dh×dw dilations, Ho×Wo output.
 *   x [B, H, W, C], kernel K [kh, kw, C, F] → y [B, Ho, Wo, F]
 *   y[b, p, q, f] = Σ_{i, j, c} x̃[b, p·sh + i·dh, q·sw + j·dw, c] · K[i, j, c, f]
 * where x̃ is x zero-padded for `'same'` (before gets ⌊pad/2⌋, as TensorFlow), unpadded for `'valid'`. With the
 * dilated kernel extent k' = (k − 1)·d + 1:   valid: Ho = ⌊(H − k'h)/sh⌋ + 1;   same: Ho = ⌈H/sh⌉.
 * Strides above 1 and dilations above 1 do not mix (Keras and TensorFlow refuse the pair).
 *
 * Backward:
 *   ∂L/∂K[i, j] = x̃[:, i·dh + p·sh, j·dw + q·sw]ᵀ · ∂L/∂y     (stride 1: one [C, F] matMul over all B·Ho·Wo positions per offset)
 *   ∂L/∂K, strides above 1: the same sum as one convolution with batch and channels swapped,
 *     ∂L/∂K[i, j, c, f] = Σ_{b, p, q} x̃ᵀ[c, i + p·sh, j + q·sw, b] · ∂L/∂yᵀ[p, q, b, f]
 *                       = conv2d(x̃ᵀ [C, H̃, W̃, B], ∂L/∂yᵀ [Ho, Wo, B, F] as the kernel, dilations sh×sw)ᵀ
 *     (the offsets' strided windows are many small slices; one convolution is ~5× faster on wasm, measured)
 *   ∂L/∂x, stride 1: the full correlation with the flipped, transposed kernel, cropped to x:
 *     ∂L/∂x̃[s, u] = Σ_{i, j} ∂L/∂y[s − i·dh, u − j·dw] · K[i, j]ᵀ
 *                 = conv2d(∂L/∂y zero-padded by k' − 1 on every side, K[kh−1−i, kw−1−j]ᵀ, dilations dh×dw)
 *     (a forward convolution: wasm's Conv2DBackpropInput is a plain loop, 6–8× slower than its Conv2D, measured)
 *   ∂L/∂x, strides above 1: conv2dTranspose(∂L/∂y, K)            (Conv2DBackpropInput, on every backend)
 */
import { conv2d, conv2dTranspose, customGrad, matMul, pad, reshape, reverse, slice, stack, transpose } from '@rnnkit/tensor';
import type { GradSaveFunc, Tensor, Tensor4D } from '@rnnkit/tensor';

/** Keras' padding modes: `'valid'` (no padding, the output shrinks) or `'same'` (zero padding so that stride 1 keeps the size). */
export type Padding = 'valid' | 'same';

/** Zero padding (before, after) of one axis for `'same'` — TensorFlow's rule, extra on the after side. `extent` is the dilated kernel size. */
export function samePadding(size: number, extent: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + extent - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

/** ∂L/∂K for stride 1 (any dilation): one matMul per kernel offset over the windows of the padded input. */
function kernelGradient(xs: Tensor4D, dy: Tensor4D, kernel: readonly number[], dilations: readonly [number, number], pads: readonly [number, number, number, number]): Tensor {
  const [kh, kw, C, F] = kernel as [number, number, number, number];
  const [B, Ho, Wo] = dy.shape;
  const [, H, W] = xs.shape;
  const [dh, dw] = dilations;
  const [top, bottom, left, right] = pads;
  // x̃, then zeros below and right so that every offset's window of Ho × Wo fits
  const extraH = Math.max(0, (kh - 1) * dh + Ho - (H + top + bottom));
  const extraW = Math.max(0, (kw - 1) * dw + Wo - (W + left + right));
  const padded = pad(xs, [[0, 0], [top, bottom + extraH], [left, right + extraW], [0, 0]]);
  const dyFlat = reshape(dy, [B * Ho * Wo, F]);
  const offsets: Tensor[] = [];
  for (let i = 0; i < kh; i++) {
    for (let j = 0; j < kw; j++) {
      // x̃[:, i·dh + p, j·dw + q, :] for p < Ho, q < Wo
      const window = slice(padded, [0, i * dh, j * dw, 0], [B, Ho, Wo, C]);
      offsets.push(matMul(reshape(window, [B * Ho * Wo, C]), dyFlat, true, false));
    }
  }
  return reshape(stack(offsets), [kh, kw, C, F]);
}

/** ∂L/∂K for strides above 1 (dilation 1): one convolution of the transposed padded input with the transposed ∂L/∂y. */
function stridedKernelGradient(xs: Tensor4D, dy: Tensor4D, kernel: readonly number[], strides: readonly [number, number], top: number, left: number): Tensor {
  const [kh, kw] = kernel as [number, number, number, number];
  const [, Ho, Wo] = dy.shape;
  const [, H, W] = xs.shape;
  const [sh, sw] = strides;
  // x̃ with exactly the rows and columns the windows reach: (Ho − 1)·sh + kh by (Wo − 1)·sw + kw
  const needH = (Ho - 1) * sh + kh;
  const needW = (Wo - 1) * sw + kw;
  const padded = pad(xs, [[0, 0], [top, Math.max(0, needH - H - top)], [left, Math.max(0, needW - W - left)], [0, 0]]);
  const cropped = slice(padded, [0, 0, 0, 0], [-1, needH, needW, -1]);
  const perChannel = conv2d(transpose(cropped, [3, 1, 2, 0]) as Tensor4D, transpose(dy, [1, 2, 0, 3]) as Tensor4D, 1, 'valid', 'NHWC', [sh, sw]);
  return transpose(perChannel, [1, 2, 0, 3]);
}

/** ∂L/∂x for stride 1 (any dilation): the full correlation of ∂L/∂y with the flipped kernel, cropped from x̃ to x. */
function flippedInputGradient(xs: Tensor4D, ks: Tensor4D, dy: Tensor4D, dilations: readonly [number, number], top: number, left: number): Tensor {
  const [kh, kw] = ks.shape;
  const [B, H, W, C] = xs.shape;
  const spanH = (kh - 1) * dilations[0];
  const spanW = (kw - 1) * dilations[1];
  const flipped = transpose(reverse(ks, [0, 1]), [0, 1, 3, 2]) as Tensor4D;
  const padded = pad(dy, [[0, 0], [spanH, spanH], [spanW, spanW], [0, 0]]);
  const full = conv2d(padded, flipped, 1, 'valid', 'NHWC', [dilations[0], dilations[1]]);
  return slice(full, [0, top, left, 0], [B, H, W, C]);
}

/**
 * y = conv2d(x, K) with strides, `'valid'`/`'same'` padding and dilations, differentiable on every backend
 * (see the top of this file for the equations of both passes).
 *
 * @example convolve2d(x, kernel, [1, 1], 'same', [1, 2])   // a 1×2-dilated 'same' convolution
 */
export function convolve2d(x: Tensor4D, kernel: Tensor4D, strides: readonly [number, number], padding: Padding, dilations: readonly [number, number] = [1, 1]): Tensor4D {
  const [sh, sw] = strides;
  const [dh, dw] = dilations;
  if ((sh > 1 || sw > 1) && (dh > 1 || dw > 1)) {
    throw new Error(`convolve2d: strides above 1 cannot be combined with dilations above 1, got strides [${sh}, ${sw}] and dilations [${dh}, ${dw}]`);
  }
  const run = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const [input, filter, save] = args as [Tensor4D, Tensor4D, GradSaveFunc];
    const value = conv2d(input, filter, [sh, sw], padding, 'NHWC', [dh, dw]);
    // the tape keeps saved tensors alive until the backward pass (the caller's tidy may dispose the inputs)
    save([input, filter]);
    return {
      value,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [xs, ks] = saved as [Tensor4D, Tensor4D];
        const [kh, kw] = ks.shape;
        const [, H, W] = xs.shape;
        const [top, bottom] = padding === 'same' ? samePadding(H, (kh - 1) * dh + 1, sh) : [0, 0];
        const [left, right] = padding === 'same' ? samePadding(W, (kw - 1) * dw + 1, sw) : [0, 0];
        const dy4 = dy as Tensor4D;
        const strided = sh > 1 || sw > 1;
        const dx = strided ? conv2dTranspose(dy4, ks, xs.shape, [sh, sw], padding) : flippedInputGradient(xs, ks, dy4, dilations, top, left);
        const dk = strided ? stridedKernelGradient(xs, dy4, ks.shape, strides, top, left) : kernelGradient(xs, dy4, ks.shape, dilations, [top, bottom, left, right]);
        return [dx, dk];
      },
    };
  });
  return run(x, kernel) as Tensor4D;
}
