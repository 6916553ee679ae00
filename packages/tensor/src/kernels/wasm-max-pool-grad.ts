/**
 * MaxPoolGrad for the wasm backend: each pooling window's gradient goes to its first maximum.
 *
 * tfjs-backend-wasm 4.22's MaxPoolGrad starts its running maximum at `FLT_MIN` — the smallest positive
 * float, not −∞ — so a window whose maximum is ≤ 0 sends its gradient to element 0 of the whole tensor
 * (or nowhere), and with `>=` it routes ties to the last maximum. Every Max-pooling layer followed by a
 * non-positive window (tanh, linear, anything but relu) trained with wrong gradients on wasm.
 *
 * Shapes: x [B, H, W, C], dy [B, Ho, Wo, C] → dx [B, H, W, C]
 *   dx[b, p·sh + i − top, q·sw + j − left, c] += dy[b, p, q, c]
 * for the first (i, j) in row-major order where window (p, q) attains its maximum over the real (unpadded)
 * positions — TensorFlow's rule, and tfjs' cpu kernel's. Dilations stay 1, as tfjs' pooling ops require.
 */
import { backend_util, getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelArgs = { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap };

let stock: KernelConfig | undefined;

function install(config: KernelConfig): void {
  unregisterKernel('MaxPoolGrad', 'wasm');
  registerKernel(config);
}

/** The first-maximum routing of the file header, on flat channels-last arrays; `dx` is overwritten. */
export function maxPoolGradFirst(x: ArrayLike<number>, dy: ArrayLike<number>, dx: Float32Array, info: backend_util.Conv2DInfo): void {
  const { batchSize: B, inHeight: H, inWidth: W, inChannels: C, outHeight: Ho, outWidth: Wo, strideHeight: sh, strideWidth: sw } = info;
  const { filterHeight: ph, filterWidth: pw } = info;
  const { top, left } = info.padInfo;
  dx.fill(0);
  // channels innermost, as the data lie: one pass over each window for all C running maxima
  const best = new Float32Array(C);
  const at = new Int32Array(C);
  for (let b = 0; b < B; b++) {
    for (let p = 0; p < Ho; p++) {
      const h0 = Math.max(0, p * sh - top);
      const h1 = Math.min(H, p * sh - top + ph);
      for (let q = 0; q < Wo; q++) {
        const w0 = Math.max(0, q * sw - left);
        const w1 = Math.min(W, q * sw - left + pw);
        at.fill(-1);
        for (let h = h0; h < h1; h++) {
          for (let w = w0; w < w1; w++) {
            const base = ((b * H + h) * W + w) * C;
            for (let c = 0; c < C; c++) {
              const v = x[base + c]!;
              if (at[c]! < 0 || v > best[c]!) {
                best[c] = v;
                at[c] = base + c;
              }
            }
          }
        }
        const o = ((b * Ho + p) * Wo + q) * C;
        for (let c = 0; c < C; c++) if (at[c]! >= 0) dx[at[c]!] = dx[at[c]!]! + dy[o + c]!;
      }
    }
  }
}

/** Installs the first-maximum MaxPoolGrad on wasm. */
export function registerWasmMaxPoolGradKernel(): void {
  stock ??= getKernel('MaxPoolGrad', 'wasm');
  if (stock === undefined) return;
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { dy, input } = args.inputs as { dy: TensorInfo; input: TensorInfo };
    const attrs = args.attrs ?? {};
    const backend = args.backend as BackendWasm;
    const info = backend_util.computePool2DInfo(
      input.shape as [number, number, number, number],
      attrs['filterSize'] as [number, number] | number,
      attrs['strides'] as [number, number] | number,
      1,
      attrs['pad'] as 'valid' | 'same' | number,
      attrs['dimRoundingMode'] as 'floor' | 'round' | 'ceil' | undefined,
    );
    const out = backend.makeOutput([...input.shape], 'float32');
    // views taken after the output's allocation, which may grow (and so replace) the heap
    maxPoolGradFirst(backend.typedArrayFromHeap(input), backend.typedArrayFromHeap(dy), backend.typedArrayFromHeap(out) as Float32Array, info);
    return out;
  };
  install({ ...stock, kernelFunc: kernelFunc as KernelFunc });
}

/** Puts tfjs-backend-wasm's own MaxPoolGrad back (for tests that show its fault). */
export function unregisterWasmMaxPoolGradKernel(): void {
  if (stock !== undefined) install(stock);
}
