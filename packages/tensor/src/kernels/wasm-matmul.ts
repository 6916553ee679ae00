/**
 * BatchMatMul and _FusedMatMul on wasm with transposed operands materialised first.
 *
 * XNNPACK's matmul in tfjs-backend-wasm 4.22 runs 2–3× slower when asked to read an operand
 * transposed than a plain Transpose kernel followed by an untransposed matmul (measured here on
 * [128, 32]·[32, 128]-sized products: dy·Wᵀ 323 → 181 µs, xᵀ·dy 375 → 138 µs). Backpropagation is
 * made of exactly such products, so every gradient benefits.
 *
 * Shapes: a [..., M, K] (or [..., K, M] with transposeA), b [..., K, N] (or [..., N, K] with transposeB).
 */
import { getKernel, registerKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

type KernelArgs = { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap };

const KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;
const stock = new Map<string, KernelConfig>();
/** Ours as last installed: registering again while they are in place does nothing. */
const installed = new Map<string, KernelConfig>();

function swapLastTwo(rank: number): number[] {
  return Array.from({ length: rank }, (_, i) => (i === rank - 2 ? rank - 1 : i === rank - 1 ? rank - 2 : i));
}

function withUntransposedOperands(stockMatMul: KernelFunc, transposeKernel: KernelFunc) {
  return (args: KernelArgs): TensorInfo => {
    const attrs = args.attrs ?? {};
    const a = args.inputs['a'];
    const b = args.inputs['b'];
    if (a === undefined || b === undefined || (attrs['transposeA'] !== true && attrs['transposeB'] !== true)) {
      return stockMatMul(args as Parameters<KernelFunc>[0]) as TensorInfo;
    }
    const backend = args.backend as BackendWasm;
    const temporaries: TensorInfo[] = [];
    const plain = (x: TensorInfo, transposed: unknown): TensorInfo => {
      if (transposed !== true) return x;
      const t = transposeKernel({ inputs: { x }, backend, attrs: { perm: swapLastTwo(x.shape.length) } }) as TensorInfo;
      temporaries.push(t);
      return t;
    };
    const inputs = { ...args.inputs, a: plain(a, attrs['transposeA']), b: plain(b, attrs['transposeB']) };
    const out = stockMatMul({ inputs, backend, attrs: { ...attrs, transposeA: false, transposeB: false } }) as TensorInfo;
    for (const t of temporaries) backend.disposeData(t.dataId);
    return out;
  };
}

function install(config: KernelConfig): void {
  unregisterKernel(config.kernelName, 'wasm');
  registerKernel(config);
}

/** Installs the transpose-first matmuls on wasm. */
export function registerWasmMatMulKernels(): void {
  if (installed.size > 0 && [...installed].every(([name, config]) => getKernel(name, 'wasm') === config)) return;
  const transpose = getKernel('Transpose', 'wasm')?.kernelFunc;
  if (transpose === undefined) return;
  for (const name of KERNELS) {
    const own = stock.get(name) ?? getKernel(name, 'wasm');
    if (own === undefined) continue;
    stock.set(name, own);
    // keep the stock setupFunc: it binds the wasm entry point the stock kernelFunc calls
    const config: KernelConfig = { ...own, kernelFunc: withUntransposedOperands(own.kernelFunc, transpose) as KernelFunc };
    install(config);
    installed.set(name, config);
  }
}

/** Puts tfjs-backend-wasm's own matmul kernels back (for benchmarks that measure stock tfjs). */
export function unregisterWasmMatMulKernels(): void {
  for (const own of stock.values()) install(own);
}
