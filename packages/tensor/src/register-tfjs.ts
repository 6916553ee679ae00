/**
 * Side-effect module: makes tfjs-core complete enough to train recurrent models.
 *
 * - tfjs-core's CommonJS bundle registers no gradients and no chained tensor methods
 *   (`x.square()`); both registrations exist only as ES modules, which our build inlines.
 * - Both backends are registered, so `initBackend` can pick either.
 * - `UnsortedSegmentSum` (the gradient of `gather`, hence of every Embedding) is missing on wasm
 *   and unusably slow on cpu; our scatter-add replaces it on both.
 * - wasm's `Slice` copies its whole input out of the heap for every slice (O(T²) over a sequence);
 *   ours reads the input through a heap view.
 * - wasm's matmul is 2–3× slower with a transposed operand than transpose-then-multiply; ours
 *   transposes first.
 * - cpu's `GatherV2` and `Slice` go element by element through index arithmetic, and wasm's
 *   `GatherV2` computes an index per element; ours copy rows.
 * - wasm's `MaxPoolGrad` starts its running maximum at FLT_MIN (> 0), losing every window whose
 *   maximum is ≤ 0; ours routes each window's gradient to its first maximum, as TensorFlow.
 * - wasm's `ClipByValue` and `Relu6` turn NaN into the lower bound (so a clipped cross-entropy of
 *   NaN predictions was finite); ours let NaN through, as cpu and TensorFlow.
 * - `RnnkitAdam` (ours, cpu and wasm): Adam's per-element update in one pass, for `adamUpdate`.
 */
// tfjs-core's main bundle first: it must create the global engine and Tensor class (with its op
// handler, which `clone()` and friends call). The ES-module registrations below bring a second copy
// of tfjs-core's modules; loaded first, that copy would create an engine whose tensors have no op handler.
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { registerScatterAddKernels } from './kernels/unsorted-segment-sum';
import { registerAdamKernels } from './kernels/adam-kernel';
import { registerCpuGatherSliceKernels } from './kernels/cpu-gather-slice';
import { registerWasmGatherKernel } from './kernels/wasm-gather';
import { registerWasmMatMulKernels } from './kernels/wasm-matmul';
import { registerWasmMaxPoolGradKernel } from './kernels/wasm-max-pool-grad';
import { registerWasmSliceKernels } from './kernels/wasm-slice';
import { registerWasmNaNClipKernels } from './kernels/wasm-nan-clip';

registerScatterAddKernels();
registerAdamKernels();
registerWasmSliceKernels();
registerWasmMatMulKernels();
registerWasmGatherKernel();
registerWasmMaxPoolGradKernel();
registerWasmNaNClipKernels();
registerCpuGatherSliceKernels();
