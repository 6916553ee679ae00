/**
 * UnsortedSegmentSum as one O(N·D) scatter-add, for the cpu and wasm backends.
 *
 * Shapes: x [N, ...D], segmentIds [N] (or any prefix of x's shape, flattened to N),
 * output [numSegments, ...D]. out[s] = Σ_{i : ids[i] = s} x[i]; ids outside [0, numSegments) are
 * dropped, as in TensorFlow.
 *
 * tfjs-backend-wasm 4.22 has no such kernel, and tfjs-backend-cpu runs one pass over the whole
 * input per segment (10,000 passes for a 10,000-word Embedding), holding every intermediate. On
 * wasm, float32 values with int32 ids run on the row kernel in the backend's heap (`wasm-rows.ts`:
 * 0.2 ms for an IMDB batch's embedding gradient, against ~2 ms for the JS loop and its copies); the
 * rows are added in the same order either way, so both give the same bits.
 */
import { getKernel, registerKernel, unregisterKernel, util } from '@tensorflow/tfjs-core';
import type { DataType, KernelBackend, KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapAddress, rowsKernel } from './wasm-rows';

const KERNEL_NAME = 'UnsortedSegmentSum';
const BACKENDS = ['cpu', 'wasm'] as const;

type NumericArray = Float32Array | Int32Array;

function readNumbers(backend: KernelBackend, info: TensorInfo): NumericArray {
  const values = backend.readSync(info.dataId);
  if (values instanceof Float32Array || values instanceof Int32Array) return values;
  if (values instanceof Uint8Array) return Int32Array.from(values);
  throw new Error(`${KERNEL_NAME}: unsupported dtype ${info.dtype}`);
}

/** The scatter-add itself, on plain arrays. Exported for tests. */
export function scatterAdd(values: NumericArray, ids: Int32Array, numSegments: number, outDtype: DataType): NumericArray {
  const inner = ids.length === 0 ? 0 : values.length / ids.length;
  const out = outDtype === 'int32' ? new Int32Array(numSegments * inner) : new Float32Array(numSegments * inner);
  for (let i = 0; i < ids.length; i++) {
    const segment = ids[i]!;
    if (segment < 0 || segment >= numSegments) continue;
    const from = i * inner;
    const to = segment * inner;
    for (let j = 0; j < inner; j++) out[to + j]! += values[from + j]!;
  }
  return out;
}

function unsortedSegmentSum(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }, backendName: (typeof BACKENDS)[number]): TensorInfo {
  const backend = args.backend as KernelBackend;
  const x = args.inputs['x'];
  const segmentIds = args.inputs['segmentIds'];
  if (x === undefined || segmentIds === undefined) throw new Error(`${KERNEL_NAME}: needs inputs x and segmentIds`);
  const numSegments = args.attrs?.['numSegments'];
  if (typeof numSegments !== 'number') throw new Error(`${KERNEL_NAME}: attr numSegments must be a number`);
  const outShape = [numSegments, ...x.shape.slice(segmentIds.shape.length)];
  const count = util.sizeFromShape(segmentIds.shape);
  const inner = util.sizeFromShape(outShape.slice(1));
  if (count * inner !== util.sizeFromShape(x.shape) || segmentIds.shape.some((d, i) => d !== x.shape[i])) {
    throw new Error(`${KERNEL_NAME}: segmentIds shape [${segmentIds.shape}] is not a prefix of x shape [${x.shape}]`);
  }
  const dtype: DataType = x.dtype === 'int32' ? 'int32' : 'float32';
  const wasm = backendName === 'wasm' ? (args.backend as BackendWasm) : null;
  const rows = wasm !== null && x.dtype === 'float32' && segmentIds.dtype === 'int32' ? rowsKernel(wasm) : null;
  if (wasm !== null && rows !== null) {
    const out = wasm.makeOutput(outShape, dtype);
    rows.scatterAddRows(heapAddress(wasm, x), heapAddress(wasm, segmentIds), count, inner, numSegments, heapAddress(wasm, out));
    return out;
  }
  const out = scatterAdd(readNumbers(backend, x), Int32Array.from(readNumbers(backend, segmentIds)), numSegments, dtype);
  return { dataId: backend.write(out, outShape, dtype), shape: outShape, dtype };
}

/** Registers the scatter-add as `UnsortedSegmentSum` on cpu and wasm, replacing tfjs' own. */
export function registerScatterAddKernels(): void {
  for (const backendName of BACKENDS) {
    if (getKernel(KERNEL_NAME, backendName) !== undefined) unregisterKernel(KERNEL_NAME, backendName);
    const kernelFunc = (args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo => unsortedSegmentSum(args, backendName);
    const config: KernelConfig = { kernelName: KERNEL_NAME, backendName, kernelFunc };
    registerKernel(config);
  }
}
