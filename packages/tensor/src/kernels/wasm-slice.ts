/**
 * Slice and Unpack (unstack) for the wasm backend without copying the whole input out of the wasm heap.
 *
 * tfjs-backend-wasm 4.22's Slice reads the entire input with `readSync` (a copy of the heap bytes)
 * before taking the slice, so taking T steps of a [T, B, F] tensor costs O(T²·B·F) — the reason
 * `tf.unstack` dominates tfjs-layers' RNN inference on wasm. Here the input is read through a view
 * of the heap, and only the sliced elements are copied.
 *
 * Shapes: x [d0, …, dn] → out = size, starting at `begin`; strings fall back to tfjs' kernel.
 */
import { getKernel, registerKernel, slice_util, unregisterKernel, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

/** Runs shorter than this are copied element by element: a view per run costs more than the copy. */
const SHORT_RUN = 64;

/**
 * Copies the block `begin`…`begin+size` of a row-major array `x` of shape `shape` into `out`, as
 * contiguous runs: the trailing dimensions taken whole are merged into one run (slicing one clip
 * of [B, 16, 64, 64, 1] frames is a single run of 65,536 values, not 65,536 runs of 1).
 */
export function copyBlock(x: TypedArray, shape: readonly number[], begin: readonly number[], size: readonly number[], out: TypedArray): void {
  const rank = shape.length;
  if (rank === 0) {
    out[0] = x[0]!;
    return;
  }
  // the block is contiguous from dimension `k` on when every later dimension is taken whole
  let k = rank - 1;
  while (k > 0 && size[k] === shape[k]) k--; // a dimension taken whole starts at 0
  const strides = util.computeStrides([...shape]);
  const run = util.sizeFromShape(size.slice(k));
  const runs = util.sizeFromShape([...size]) / Math.max(1, run);
  const index = new Array<number>(k).fill(0); // position among the dimensions before `k`
  const stride = (d: number): number => (d === rank - 1 ? 1 : strides[d]!);
  for (let r = 0; r < runs; r++) {
    let from = begin[k]! * stride(k);
    for (let d = 0; d < k; d++) from += (begin[d]! + index[d]!) * stride(d);
    const to = r * run;
    if (run >= SHORT_RUN) {
      out.set(x.subarray(from, from + run), to);
    } else {
      for (let j = 0; j < run; j++) out[to + j] = x[from + j]!;
    }
    for (let d = k - 1; d >= 0; d--) {
      if (++index[d]! < size[d]!) break;
      index[d] = 0;
    }
  }
}

/** Slices `x` on the wasm heap: one allocation, one copy of the selected elements. */
function sliceOnHeap(backend: BackendWasm, x: TensorInfo, begin: readonly number[], size: readonly number[]): TensorInfo {
  const out = backend.makeOutput([...size], x.dtype);
  if (util.sizeFromShape([...size]) === 0) return out;
  // views taken after the output's allocation, which may grow (and so replace) the heap
  copyBlock(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
}

type KernelArgs = { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap };

function replaceKernel(kernelName: string, kernelFunc: (args: KernelArgs) => TensorInfo | TensorInfo[]): KernelConfig {
  unregisterKernel(kernelName, 'wasm');
  const config: KernelConfig = { kernelName, backendName: 'wasm', kernelFunc };
  registerKernel(config);
  return config;
}

let stock: { slice: KernelFunc; unpack: KernelFunc } | undefined;
/** Ours as last installed: registering again while they are in place does nothing. */
let installed: { slice: KernelConfig; unpack: KernelConfig } | undefined;

/**
 * Puts tfjs-backend-wasm's own `Slice` and `Unpack` back (for benchmarks that measure stock tfjs).
 * {@link registerWasmSliceKernels} installs ours again.
 */
export function unregisterWasmSliceKernels(): void {
  if (stock === undefined) return;
  replaceKernel('Slice', stock.slice as (args: KernelArgs) => TensorInfo);
  replaceKernel('Unpack', stock.unpack as (args: KernelArgs) => TensorInfo[]);
}

/** Replaces wasm's `Slice` and `Unpack` (unstack), which slices the same way, with heap-view versions. */
export function registerWasmSliceKernels(): void {
  if (installed !== undefined && getKernel('Slice', 'wasm') === installed.slice && getKernel('Unpack', 'wasm') === installed.unpack) return;
  if (stock === undefined) {
    const slice = getKernel('Slice', 'wasm')?.kernelFunc;
    const unpack = getKernel('Unpack', 'wasm')?.kernelFunc;
    if (slice === undefined || unpack === undefined) return;
    stock = { slice, unpack };
  }
  const stockSlice = stock.slice;
  const stockUnpack = stock.unpack;

  const slice = replaceKernel('Slice', (args) => {
    const x = args.inputs['x'];
    if (x === undefined || x.dtype === 'string') return stockSlice(args as Parameters<KernelFunc>[0]) as TensorInfo;
    const attrs = args.attrs ?? {};
    const [begin, size] = slice_util.parseSliceParams(x, attrs['begin'] as number | number[], attrs['size'] as number | number[] | undefined);
    return sliceOnHeap(args.backend as BackendWasm, x, begin!, size!);
  });

  const unpack = replaceKernel('Unpack', (args) => {
    const value = args.inputs['value'];
    if (value === undefined || value.dtype === 'string') return stockUnpack(args as Parameters<KernelFunc>[0]);
    const rank = value.shape.length;
    const rawAxis = (args.attrs?.['axis'] as number | undefined) ?? 0;
    const axis = rawAxis < 0 ? rawAxis + rank : rawAxis;
    const outShape = value.shape.filter((_, d) => d !== axis);
    const size = value.shape.map((d, i) => (i === axis ? 1 : d));
    return Array.from({ length: value.shape[axis]! }, (_, i) => {
      const begin = value.shape.map((_, d) => (d === axis ? i : 0));
      const { dataId, dtype } = sliceOnHeap(args.backend as BackendWasm, value, begin, size);
      return { dataId, dtype, shape: outShape };
    });
  });
  installed = { slice, unpack };
}
