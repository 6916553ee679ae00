/**
 * GatherV2 for the wasm backend by row copies on the heap.
 *
 * tfjs-backend-wasm 4.22's gather computes an index per element in C++ — about 20 ms for an
 * IMDB batch's embedding lookup ([128, 200] ids into a [10000, 32] table), a quarter of a fused
 * SimpleRNN training step. Copying whole rows with the row kernel on the heap (`wasm-rows.ts`)
 * takes about 0.15 ms; the JS row copy it falls back to, about 1.7 ms.
 *
 * Shapes (batchDims 0): x [outer, axisDim, inner] (axis in the middle), indices [...S] →
 * out [outer, ...S, inner]. Other batchDims and string tensors use tfjs' kernel.
 */
import { getKernel, registerKernel, unregisterKernel, util } from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { checkIds, gatherRows } from './cpu-gather-slice';
import { heapAddress, rowsKernel } from './wasm-rows';

type KernelArgs = { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap };

let stock: KernelConfig | undefined;
/** Ours as last installed: registering again while it is in place does nothing. */
let installed: KernelConfig | undefined;

function install(config: KernelConfig): void {
  unregisterKernel('GatherV2', 'wasm');
  registerKernel(config);
}

/** Installs the row-copy GatherV2 on wasm. */
export function registerWasmGatherKernel(): void {
  if (installed !== undefined && getKernel('GatherV2', 'wasm') === installed) return;
  stock ??= getKernel('GatherV2', 'wasm');
  if (stock === undefined) return;
  const stockGather = stock.kernelFunc;
  const kernelFunc = (args: KernelArgs): TensorInfo => {
    const { x, indices } = args.inputs;
    const batchDims = (args.attrs?.['batchDims'] as number | undefined) ?? 0;
    if (x === undefined || indices === undefined || batchDims !== 0 || x.dtype === 'string') {
      return stockGather(args as Parameters<KernelFunc>[0]) as TensorInfo;
    }
    const backend = args.backend as BackendWasm;
    const axis = util.parseAxisParam(args.attrs?.['axis'] as number, x.shape)[0]!;
    const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const out = backend.makeOutput(outShape, x.dtype);
    if (util.sizeFromShape(outShape) === 0) return out;
    const outer = util.sizeFromShape(x.shape.slice(0, axis));
    const axisDim = x.shape[axis]!;
    const inner = util.sizeFromShape(x.shape.slice(axis + 1));
    // views and addresses taken after the output's allocation, which may grow (and so replace) the heap
    const ids = backend.typedArrayFromHeap(indices);
    const rows = x.dtype === 'float32' || x.dtype === 'int32' ? rowsKernel(backend) : null;
    if (rows === null || indices.dtype !== 'int32') {
      gatherRows(backend.typedArrayFromHeap(x), outer, axisDim, inner, ids, backend.typedArrayFromHeap(out));
      return out;
    }
    checkIds(ids, axisDim);
    const [table, idsAt, outAt] = [heapAddress(backend, x), heapAddress(backend, indices), heapAddress(backend, out)];
    const blockBytes = 4 * axisDim * inner;
    const outBlockBytes = 4 * ids.length * inner;
    for (let o = 0; o < outer; o++) rows.gatherRows(table + o * blockBytes, inner, idsAt, ids.length, outAt + o * outBlockBytes);
    return out;
  };
  installed = { ...stock, kernelFunc: kernelFunc as KernelFunc };
  install(installed);
}

/** Puts tfjs-backend-wasm's own GatherV2 back (for benchmarks that measure stock tfjs). */
export function unregisterWasmGatherKernel(): void {
  if (stock !== undefined) install(stock);
}
