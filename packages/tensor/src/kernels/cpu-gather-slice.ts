/**
 * GatherV2 and Slice for the cpu backend on flat arrays.
 *
 * tfjs-backend-cpu 4.22 gathers and slices element by element through `TensorBuffer.get/set`
 * (index arithmetic per element): an IMDB batch's embedding lookup ([128, 200] ids into a
 * [10000, 32] table) took ~500 ms, and strided slices dominated seq2seq steps. Here whole rows are
 * copied with `TypedArray.set`.
 *
 * Gather shapes (batchDims 0): x [outer, axisDim, inner] (axis in the middle), indices [...S] →
 * out [outer, ...S, inner]. Other batchDims and string tensors use tfjs' kernels.
 */
import { getKernel, registerKernel, slice_util, unregisterKernel, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo, TypedArray } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { copyBlock } from './wasm-slice';

type KernelArgs = { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap };

/** Rows at least this long are copied with `TypedArray.set`; shorter ones element by element. */
const SHORT_ROW = 128;

/** Throws, naming the value, when an index is outside [0, axisDim). */
export function checkIds(ids: ArrayLike<number>, axisDim: number): void {
  for (let n = 0; n < ids.length; n++) {
    const id = ids[n]!;
    if (!(id >= 0 && id < axisDim)) throw new Error(`GatherV2: the index value ${id} is not in [0, ${axisDim - 1}]`);
  }
}

/** out[o, n, :] = x[o, ids[n], :] for x viewed as [outer, axisDim, inner]. Throws on an id outside [0, axisDim). */
export function gatherRows(x: TypedArray, outer: number, axisDim: number, inner: number, ids: ArrayLike<number>, out: TypedArray): void {
  checkIds(ids, axisDim);
  for (let o = 0; o < outer; o++) {
    for (let n = 0; n < ids.length; n++) {
      const from = (o * axisDim + ids[n]!) * inner;
      const to = (o * ids.length + n) * inner;
      if (inner >= SHORT_ROW) {
        out.set(x.subarray(from, from + inner), to);
      } else {
        // short rows (an embedding of width 32): a plain loop beats allocating a view per row
        for (let j = 0; j < inner; j++) out[to + j] = x[from + j]!;
      }
    }
  }
}

function values(backend: MathBackendCPU, info: TensorInfo): TypedArray {
  return backend.data.get(info.dataId).values as TypedArray;
}

function install(kernelName: string, kernelFunc: (args: KernelArgs) => TensorInfo): void {
  unregisterKernel(kernelName, 'cpu');
  const config: KernelConfig = { kernelName, backendName: 'cpu', kernelFunc: kernelFunc as KernelFunc };
  registerKernel(config);
}

/** Installs the flat-array GatherV2 and Slice on the cpu backend. */
export function registerCpuGatherSliceKernels(): void {
  const stockGather = getKernel('GatherV2', 'cpu')?.kernelFunc;
  const stockSlice = getKernel('Slice', 'cpu')?.kernelFunc;
  if (stockGather === undefined || stockSlice === undefined) return;

  install('GatherV2', (args) => {
    const { x, indices } = args.inputs;
    const batchDims = (args.attrs?.['batchDims'] as number | undefined) ?? 0;
    if (x === undefined || indices === undefined || batchDims !== 0 || x.dtype === 'string' || x.dtype === 'complex64') {
      return stockGather(args as Parameters<KernelFunc>[0]) as TensorInfo;
    }
    const backend = args.backend as MathBackendCPU;
    const axis = util.parseAxisParam(args.attrs?.['axis'] as number, x.shape)[0]!;
    const outer = util.sizeFromShape(x.shape.slice(0, axis));
    const axisDim = x.shape[axis]!;
    const inner = util.sizeFromShape(x.shape.slice(axis + 1));
    const ids = values(backend, indices);
    const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const out = util.getTypedArrayFromDType(x.dtype as 'float32', util.sizeFromShape(outShape));
    gatherRows(values(backend, x), outer, axisDim, inner, ids, out);
    return backend.makeTensorInfo(outShape, x.dtype, out);
  });

  install('Slice', (args) => {
    const x = args.inputs['x'];
    if (x === undefined || x.dtype === 'string' || x.dtype === 'complex64') return stockSlice(args as Parameters<KernelFunc>[0]) as TensorInfo;
    const backend = args.backend as MathBackendCPU;
    const attrs = args.attrs ?? {};
    const [begin, size] = slice_util.parseSliceParams(x, attrs['begin'] as number | number[], attrs['size'] as number | number[] | undefined);
    const out = util.getTypedArrayFromDType(x.dtype as 'float32', util.sizeFromShape(size!));
    if (out.length > 0) copyBlock(values(backend, x), x.shape, begin!, size!, out);
    return backend.makeTensorInfo(size!, x.dtype, out);
  });
}
