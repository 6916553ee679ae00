/**
 * @rnnkit/tensor — the tensor backend of rnnkit, and the only package that imports @tensorflow/*.
 *
 * Importing it registers tfjs-core's gradients and chained methods, the cpu and wasm backends, and
 * a fast `UnsortedSegmentSum` (the gradient of every Embedding). Call {@link initBackend} once.
 */
import './register-tfjs';

export { initBackend } from './backend';
export type { BackendInfo, BackendName, BackendOptions, WasmPaths } from './backend';
export { createRng } from './random';
export type { Rng } from './random';
export {
  computeFans,
  glorotNormal,
  glorotUniform,
  ones,
  orthogonal,
  randomUniform,
  truncatedNormal,
  zeros,
} from './initializers';
export type { Initializer } from './initializers';
export { assertDtype, assertIndicesInRange, assertRank, assertShape, assertTensor } from './assert';
export type { Dim } from './assert';
export { scatterAdd } from './kernels/unsorted-segment-sum';
export { embeddingLookup, embeddingSource } from './embedding-lookup';
export type { EmbeddingSource } from './embedding-lookup';
export { adamUpdate } from './adam-update';
export type { AdamConstants, AdamResult } from './adam-update';
export { crc32 } from './crc32';
export { registerWasmSliceKernels, unregisterWasmSliceKernels } from './kernels/wasm-slice';
export { registerWasmMatMulKernels, unregisterWasmMatMulKernels } from './kernels/wasm-matmul';
export { registerWasmGatherKernel, unregisterWasmGatherKernel } from './kernels/wasm-gather';
export { registerWasmMaxPoolGradKernel, unregisterWasmMaxPoolGradKernel } from './kernels/wasm-max-pool-grad';
export * from './ops';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads } from './gradients';
