/**
 * ClipByValue and Relu6 for the wasm backend that let NaN through, as tfjs' cpu kernels and
 * TensorFlow do.
 *
 * tfjs-backend-wasm 4.22 clips with `max(min(x, hi), lo)` in C++, and `std::min`/`std::max` return
 * their first argument when a comparison with NaN is false: clip(NaN, lo, hi) = lo, relu6(NaN) = 0.
 * Every loss that clips probabilities (binary and categorical cross-entropy, ε-clipping) then turned
 * all-NaN predictions into a finite loss — a silent wrong answer. Ours runs the stock kernel and
 * copies each NaN of x into the output.
 *
 * Shapes: x [...S] → out [...S], element by element.
 */
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelArgs = { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap };

/** The wasm kernels that lose NaN. */
const KERNELS = ['ClipByValue', 'Relu6'] as const;

const stock = new Map<string, KernelConfig>();

function install(config: KernelConfig): void {
  unregisterKernel(config.kernelName, 'wasm');
  registerKernel(config);
}

/** Copies every NaN of `x` into `out` (same length). */
function restoreNaN(x: ArrayLike<number>, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) if (Number.isNaN(x[i])) out[i] = NaN;
}

/** Installs the NaN-propagating ClipByValue and Relu6 on wasm. */
export function registerWasmNaNClipKernels(): void {
  for (const name of KERNELS) {
    const config = stock.get(name) ?? getKernel(name, 'wasm');
    if (config === undefined) continue;
    stock.set(name, config);
    const stockFunc = config.kernelFunc;
    const kernelFunc = (args: KernelArgs): TensorInfo => {
      const out = stockFunc(args as Parameters<KernelFunc>[0]) as TensorInfo;
      const x = args.inputs['x'];
      if (x === undefined || x.dtype !== 'float32') return out;
      const backend = args.backend as BackendWasm;
      // views taken after the output's allocation, which may grow (and so replace) the heap
      restoreNaN(backend.typedArrayFromHeap(x), backend.typedArrayFromHeap(out) as Float32Array);
      return out;
    };
    install({ ...config, kernelFunc: kernelFunc as KernelFunc });
  }
}

/** Puts tfjs-backend-wasm's own ClipByValue and Relu6 back (for benchmarks and the negative control). */
export function unregisterWasmNaNClipKernels(): void {
  for (const config of stock.values()) install(config);
}
