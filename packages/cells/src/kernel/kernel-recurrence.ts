/**
 * Recurrent layers on the WebAssembly kernel, input projection included: one `customGrad` whose
 * forward and backward are each a few kernel calls per layer. Inputs are copied into the kernel's
 * memory (`dataSync`), results copied out into new tensors, so it runs the same on every tfjs
 * backend. The passes themselves (layout, calls, the packed output) are in `kernel-passes.ts` and
 * `kernel-inference.ts`.
 *
 * Shapes: B batch, T time, H units, G gate blocks, N = G·Hp (Hp padded to a multiple of 4).
 *   inputs per layer: [xs [B, T, I], Wxh, h0, c0 (LSTM), Whh, bRec (GRU reset-after), bIn]
 *   output per layer: packed rows [hs (B·T, with `sequence`); h_T (B); c_T (B, LSTM)] × H
 *
 * Why the projection and the layout changes are in the kernel too: tfjs-backend-wasm's matmul packs
 * its right operand on every call with a fresh tensor, and at these shapes (K = T·B) the packing
 * costs more than the product (Xᵀ·dP for [25600, 32]ᵀ·[25600, 128]: 24–31 ms there, 7–8 ms step
 * by step here); tfjs-backend-cpu's transpose of a [128, 200, 32] sequence takes ~100 ms.
 *
 * Threads: a call's work (B·T·N summed over its layers) decides how many threads it may use
 * (`kernelThreads`). One layer splits its batch into that many parts; several independent layers
 * in one call (a bidirectional pair) share the threads out — with two threads and two layers each
 * layer runs whole on its own thread — so each layer's recurrence keeps its full batch and the
 * threads meet once per pass. Every part's calls are recorded, then run at once
 * (`kernel-threads.ts`); the parts' partial weight gradients are added when collected. The layers'
 * forward results stay resident in the kernel memory together until their joint backward.
 */
import { customGrad, engine, reshape, slice, tensor1d, tidy } from '@rnnkit/tensor';
import type { GradSaveFunc, Tensor } from '@rnnkit/tensor';
import { hostInputs, splitBatch } from './batch-parts';
import type { KernelExports } from './kernel-module';
import { planInference } from './kernel-inference';
import { packedFloats, planBackward, planForward } from './kernel-passes';
import type { KernelLayer, KeptLayer, LayerRun, PlannedForward, PlannedPass } from './kernel-passes';
import { kernelParts, kernelThreads, runOnThreads } from './kernel-threads';
import { hold, paddedUnits, release } from './layout';

export type { KernelLayer } from './kernel-passes';

/** One layer of a call and its inputs `[xs, Wxh, h0, c0?, Whh, bRec?, bIn?]`. */
export interface KernelLayerCall {
  readonly layer: KernelLayer;
  readonly inputs: readonly Tensor[];
}

/** Lays out the passes one after the other from the heap base; returns them, their call lists and their end. */
function planAll<P extends PlannedPass<unknown>>(count: number, plan: (i: number, base: number) => P): { passes: P[]; run: (kernel: KernelExports, threads: number) => void; end: number } {
  let end = 0;
  const passes: P[] = [];
  for (let i = 0; i < count; i++) {
    const pass = plan(i, end);
    end = pass.end;
    passes.push(pass);
  }
  const phases = [passes.flatMap((p) => p.before), passes.flatMap((p) => p.calls), passes.flatMap((p) => p.after)];
  const run = (kernel: KernelExports, threads: number): void => {
    for (const lists of phases) if (lists.length > 0) runOnThreads(kernel, lists, threads);
  };
  return { passes, run, end };
}

/**
 * Runs independent layers on the kernel in one call (their calls at once on the kernel's threads);
 * returns each layer's packed output (file comment), differentiable with respect to every input.
 * The layers share one kernel.
 */
export function runKernelRecurrences(calls: readonly KernelLayerCall[]): Tensor[] {
  const kernel = calls[0]!.layer.kernel;
  const works = calls.map(({ layer, inputs }) => {
    // xs [B, T, I], or an embedded layer's ids [B, T] (its input 0 is the table)
    const [batch, steps] = (layer.embedded?.ids ?? inputs[0]!).shape as [number, number];
    return { batch, steps, work: batch * steps * layer.cell.gates * paddedUnits(layer.units) };
  });
  const threads = kernelThreads(works.reduce((sum, w) => sum + w.work, 0));
  const perLayer = Math.max(1, Math.floor(threads / calls.length));
  const runs: LayerRun[] = calls.map(({ layer }, i) => {
    const { batch, steps, work } = works[i]!;
    return { layer, batch, steps, parts: splitBatch(batch, kernelParts(batch, work, perLayer)) };
  });
  const sizes = runs.map(packedFloats);
  const offsets = sizes.map((_, i) => sizes.slice(0, i).reduce((a, b) => a + b, 0));
  const total = sizes.reduce((a, b) => a + b, 0);

  const fused = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    args.pop(); // nothing is saved as tensors: the backward keeps host arrays and held results
    let next = 0;
    const hosts = runs.map((r, i) => {
      const { layer } = r;
      const list = args.slice(next, (next += calls[i]!.inputs.length)) as Tensor[];
      return hostInputs({ ...layer, gates: layer.cell.gates, hasCellState: layer.cell.hasCellState, steps: r.steps }, list);
    });
    const recording = engine().state.gradientDepth > 0;
    // no gradient is being recorded: forward-only kernels where the cell has one, which keep nothing
    const { passes, run, end } = planAll(runs.length, (i, base) =>
      !recording && runs[i]!.layer.cell.infer !== undefined ? planInference(runs[i]!, hosts[i]!, base) : planForward(runs[i]!, hosts[i]!, base),
    );
    run(kernel, threads);
    const packed = new Float32Array(total);
    passes.forEach((p, i) => packed.set(p.collect(), offsets[i]));
    const value = tensor1d(packed);
    if (!recording) return { value, gradFunc: () => [] };

    // what the backward needs stays in the kernel memory until another call needs the space
    const forwards = passes as PlannedForward[]; // every pass is a training forward when recording
    const buffers = forwards.map((f) => f.buffers);
    const held = hold(kernel, buffers.flat()[0]?.ptr ?? 0, end, buffers.flat());
    let at = 0;
    const kept: KeptLayer[] = forwards.map((f, i) => f.keep(held.slice(at, (at += buffers[i]!.length))));
    const gradFunc = (dy: Tensor): Tensor[] =>
      tidy(() => {
        const upstream = dy.dataSync() as Float32Array;
        const backward = planAll(runs.length, (i, base) => planBackward(runs[i]!, kept[i]!, upstream.subarray(offsets[i], offsets[i]! + sizes[i]!), base));
        backward.run(kernel, threads);
        release(held);
        return backward.passes.flatMap((p) => p.collect());
      });
    return { value, gradFunc };
  });

  const value = fused(...calls.flatMap((c) => c.inputs));
  return runs.map((r, i) => {
    const rows = sizes[i]! / r.layer.units;
    return calls.length === 1 ? reshape(value, [rows, r.layer.units]) : reshape(slice(value, offsets[i]!, sizes[i]!), [rows, r.layer.units]);
  });
}

/** Runs one layer on the kernel; `inputs` is `[xs, Wxh, h0, c0?, Whh, bRec?, bIn?]`. Returns its packed output. */
export function runKernelRecurrence(layer: KernelLayer, inputs: readonly Tensor[]): Tensor {
  return runKernelRecurrences([{ layer, inputs }])[0]!;
}
