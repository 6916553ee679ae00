/**
 * Kernel calls as data: a layer's work is planned first — buffers laid out, calls recorded — and run
 * afterwards, so that the calls of several batch parts can run at once on several threads
 * (`kernel-threads.ts`) over one shared memory. Every argument of every kernel function is an
 * integer (a size, an activation code or a byte address), so a call list encodes into a
 * Float64Array that another thread decodes.
 */
import type { KernelExports } from './kernel-module';

/** The kernel's functions, in a fixed order (a call's encoded function index). */
export const KERNEL_FUNCTIONS = [
  'gemm',
  'transpose',
  'weightGrad',
  'activateInPlace',
  'activationGradInPlace',
  'batchToTimeMajor',
  'timeToBatchMajor',
  'addColumnSums',
  'recurrentInputsTransposed',
  'simpleRnnForward',
  'simpleRnnBackward',
  'lstmForward',
  'lstmBackward',
  'gruResetAfterForward',
  'gruResetAfterBackward',
  'gruResetBeforeForward',
  'gruResetBeforeBackward',
  'simpleRnnInfer',
  'lstmInfer',
  'gruResetAfterInfer',
  'gatherToTimeMajor',
  'scatterFromTimeMajor',
  'productT',
] as const satisfies ReadonlyArray<keyof KernelExports>;

export type KernelFunction = (typeof KERNEL_FUNCTIONS)[number];

export interface KernelCall {
  readonly fn: KernelFunction;
  readonly args: readonly number[];
}

type AnyKernelFunction = (...args: number[]) => void;

/**
 * A kernel whose memory is `kernel`'s but whose functions only append to `calls`: cells and the
 * driver lay out their buffers and "call" as usual, and {@link runCalls} (or a helper thread) runs
 * the list later. Reading results back must wait until then.
 */
export function recordingKernel(kernel: KernelExports): { kernel: KernelExports; calls: KernelCall[] } {
  const calls: KernelCall[] = [];
  const recorder: Record<string, unknown> = {
    memory: kernel.memory,
    heapBase: () => kernel.heapBase(),
  };
  for (const fn of KERNEL_FUNCTIONS) {
    recorder[fn] = (...args: number[]): void => {
      calls.push({ fn, args });
    };
  }
  return { kernel: recorder as unknown as KernelExports, calls };
}

/** Runs the calls in order on this thread. */
export function runCalls(kernel: KernelExports, calls: readonly KernelCall[]): void {
  for (const { fn, args } of calls) (kernel[fn] as AnyKernelFunction)(...args);
}

/**
 * Writes the calls into `out` as [count, (function index, argument count, arguments…)…];
 * throws when they do not fit.
 */
export function encodeCalls(calls: readonly KernelCall[], out: Float64Array): void {
  let at = 1;
  for (const { fn, args } of calls) {
    if (at + 2 + args.length > out.length) throw new Error(`kernel: ${calls.length} calls do not fit the ${out.length}-slot command buffer`);
    out[at++] = KERNEL_FUNCTIONS.indexOf(fn);
    out[at++] = args.length;
    for (const a of args) out[at++] = a;
  }
  out[0] = calls.length;
}
