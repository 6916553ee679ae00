/**
 * rnnkit's fused recurrence kernel: the whole recurrence of a SimpleRNN, LSTM or GRU layer —
 * forward over all T steps, and its backpropagation through time — in one call, in f32x4 SIMD.
 * Built by `scripts/build-kernel.mjs` into `src/kernel/recurrence-wasm.generated.ts`; driven from
 * `src/kernel/kernel-recurrence.ts`, which owns the memory layout.
 */
export { gemm, productT, transpose, weightGrad } from './gemm';
export { activateInPlace, activationGradInPlace } from './simd';
export { addColumnSums, batchToTimeMajor, gatherToTimeMajor, recurrentInputsTransposed, scatterFromTimeMajor, timeToBatchMajor } from './common';
export { simpleRnnForward, simpleRnnBackward } from './simple-rnn';

/** First free byte after the module's static data: the TypeScript side allocates from here. */
export function heapBase(): usize {
  return __heap_base;
}
export { lstmForward, lstmBackward } from './lstm';
export { gruResetAfterForward, gruResetAfterBackward, gruResetBeforeForward, gruResetBeforeBackward } from './gru';
export { simpleRnnInfer, lstmInfer, gruResetAfterInfer } from './infer';
export { lstmStep, rowProduct } from './step';
