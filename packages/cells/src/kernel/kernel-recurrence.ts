/**
 * A recurrent layer on the WebAssembly kernel, input projection included: one `customGrad` whose
 * forward and backward are each a few kernel calls. Inputs are copied into the kernel's memory
 * (`dataSync`), results copied out into new tensors, so it runs the same on every tfjs backend.
 *
 * Shapes: B batch, T time, I input size, H units (Hp, Ip padded to multiples of 4), G gate blocks,
 * N = G·Hp. Tensors are batch-major as the caller has them; inside, rows are time-major in
 * processing order (step k = rows [k·B, (k+1)·B), time t = k, or T − 1 − k with `goBackwards`).
 *   inputs:  xs [B, T, I], Wxh [I, G·H], h0 [B, H], c0 [B, H] (LSTM), Whh [H, G·H],
 *            bRec [G·H] (GRU reset-after's recurrent bias), bIn [G·H] (the input bias)
 *   output:  packed rows [hs (B·T rows, with `sequence`: h of every step, batch-major in processing
 *            order); h_T (B rows); c_T (B rows, LSTM)] × H
 *
 *   forward:  P = X·Wxh + bIn (kernel gemm); the recurrence over P (`KernelCell.forward`) — or,
 *             when no gradient is being recorded, the cell's forward-only kernel (`kernel-inference.ts`)
 *   backward: BPTT (`KernelCell.backward`) → dP, dh0, dc0, dWhh, dbRec; then
 *             dX = dP·Wxhᵀ, dWxh = Xᵀ·dP (summed step by step), dbIn = Σ_rows dP
 *
 * Why the projection and the layout changes are in the kernel too: tfjs-backend-wasm's matmul packs
 * its right operand on every call with a fresh tensor, and at these shapes (K = T·B) the packing
 * costs more than the product (Xᵀ·dP for [25600, 32]ᵀ·[25600, 128]: 24–31 ms there, 7–8 ms step
 * by step here); tfjs-backend-cpu's transpose of a [128, 200, 32] sequence takes ~100 ms.
 *
 * Batch parts: every call is independent per batch row except the weight and bias gradients (sums
 * over rows). A large layer runs as `kernelParts` sub-problems of contiguous batch rows, each with
 * its own buffers, projection, recurrence and BPTT, laid out one after the other; their calls are
 * recorded, then run at once on several threads (`kernel-threads.ts`), and the parts' partial
 * weight gradients are added here. One part is the same code path with nothing to add.
 */
import { customGrad, engine, tensor1d, tensor2d, tensor3d, tidy } from '@rnnkit/tensor';
import type { GradSaveFunc, Tensor } from '@rnnkit/tensor';
import { hostInputs, rowsOf, splitBatch } from './batch-parts';
import type { Part } from './batch-parts';
import { recordingKernel } from './kernel-calls';
import type { KernelBackward, KernelCell, KernelDims, KernelForward, KernelInputs } from './kernel-cell';
import type { KernelExports } from './kernel-module';
import { inferPacked } from './kernel-inference';
import { kernelParts, runParts } from './kernel-threads';
import { hold, padBlocks, paddedUnits, place, read, release, toTimeMajor, unpadBlocks, zerosOrNull } from './layout';
import type { Held } from './layout';

function hostData(t: Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/** What the driver needs besides the differentiable inputs. */
export interface KernelLayer {
  readonly kernel: KernelExports;
  readonly cell: KernelCell;
  readonly inputSize: number;
  readonly units: number;
  /** Float 0/1 [B, T] in time order, or null. */
  readonly mask: Tensor | null;
  /** [B, H], or null. */
  readonly recurrentMask: Tensor | null;
  readonly goBackwards: boolean;
  /** Output every step's h (else only the final state: no [B·T, H] tensor, no zero gradient for it). */
  readonly sequence: boolean;
  readonly hasRecurrentBias: boolean;
  readonly hasInputBias: boolean;
}

/** What a part's backward keeps from its forward: host arrays in the padded layout, or held results. */
interface KeptPart {
  readonly part: Part;
  /** [T·b, Ip] time-major, processing order. */
  readonly x: Held;
  readonly inputs: KernelInputs;
  readonly forward: KernelForward;
}

interface Kept {
  readonly parts: readonly KeptPart[];
  readonly wxh: Float32Array;
  readonly bIn: Float32Array | null;
  /** Every held buffer, released after the backward. */
  readonly held: readonly Held[];
}

/** Adds `x` into `sum` elementwise (the parts' partial weight gradients). */
function addInto(sum: Float32Array, x: Float32Array): void {
  for (let j = 0; j < sum.length; j++) sum[j] = sum[j]! + x[j]!;
}

/**
 * Runs the layer on the kernel; `inputs` is `[xs, Wxh, h0, c0?, Whh, bRec?, bIn?]`. Returns the
 * packed output (file comment); differentiable with respect to every input.
 */
export function runKernelRecurrence(layer: KernelLayer, inputs: Tensor[]): Tensor {
  const { kernel, cell, inputSize, units, goBackwards, sequence, hasRecurrentBias, hasInputBias } = layer;
  const gates = cell.gates;
  const hp = paddedUnits(units);
  const ip = paddedUnits(inputSize);
  const n = gates * hp;
  const [batch, steps] = inputs[0]!.shape as [number, number, number];
  const rows = steps * batch;
  const seqRows = sequence ? rows : 0;
  const parts = splitBatch(batch, kernelParts(batch, rows * n));
  const dimsOf = (part: Part): KernelDims => ({ batch: part.batch, steps, units: hp });

  const fused = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    args.pop(); // nothing is saved as tensors: the backward keeps host arrays and held results
    const host = hostInputs({ ...layer, gates, hasCellState: cell.hasCellState, steps }, args as Tensor[]);
    const { xs: xsHost, wxh: wxhHost, bIn: bInHost } = host;
    const infer = cell.infer;
    if (engine().state.gradientDepth === 0 && infer !== undefined) {
      // no gradient is being recorded: the forward-only kernel, which keeps nothing for a backward
      const packed = inferPacked(kernel, { ...cell, infer }, { steps, inputSize, units, goBackwards, sequence }, host, parts);
      return { value: tensor2d(packed, [packed.length / units, units]), gradFunc: () => [] };
    }

    // lay out and record every part's calls, one part's buffers after the other's
    let base = 0;
    const planned = parts.map((part) => {
      const partRows = steps * part.batch;
      const inputs = host.forPart(part);
      const recording = recordingKernel(kernel);
      const k = recording.kernel;
      const { pointers, end } = place(k, [partRows * ip, wxhHost, bInHost, partRows * n, rowsOf(xsHost, part, steps * inputSize)], base);
      const [pX, pWxh, pBIn, pP, pXs] = pointers;
      k.batchToTimeMajor(pXs!, part.batch, steps, inputSize, goBackwards ? 1 : 0, ip, pX!);
      k.gemm(partRows, n, ip, pX!, ip, pWxh!, n, pBIn!, 0, pP!, n); // P = X·Wxh + bIn (a broadcast row)
      const results = cell.forward(k, dimsOf(part), inputs, { ptr: pP!, end });
      const placedSeq = sequence ? place(k, [partRows * units], results.end) : null;
      if (placedSeq !== null) k.timeToBatchMajor(results.hSeq, part.batch, steps, hp, 0, units, placedSeq.pointers[0]!);
      base = placedSeq?.end ?? results.end;
      return { part, inputs, pX: pX!, results, seqOut: placedSeq?.pointers[0] ?? 0, calls: recording.calls };
    });
    runParts(kernel, planned.map((p) => p.calls));

    // packed rows: [hs (B·T, batch-major); h_T (B); c_T (B)], each part's rows in place
    const packed = new Float32Array((seqRows + (cell.hasCellState ? 2 : 1) * batch) * units);
    for (const { part, results, seqOut } of planned) {
      const partRows = steps * part.batch;
      const lastBlock = (ptr: number): Float32Array =>
        unpadBlocks(read(kernel, ptr + (partRows - part.batch) * hp * 4, part.batch * hp), part.batch, 1, units);
      if (sequence) packed.set(read(kernel, seqOut, partRows * units), part.row0 * steps * units);
      packed.set(lastBlock(results.hSeq), (seqRows + part.row0) * units);
      if (cell.hasCellState) packed.set(lastBlock(results.cSeq), (seqRows + batch + part.row0) * units);
    }
    const value = tensor2d(packed, [packed.length / units, units]);

    // what the backward needs stays in the kernel memory until another call needs the space
    if (engine().state.gradientDepth === 0) return { value, gradFunc: () => [] };
    const buffers = planned.map(({ part, pX, results }) => {
      const partRows = steps * part.batch;
      return [
        { ptr: pX, floats: partRows * ip },
        { ptr: results.hSeq, floats: partRows * hp },
        ...(cell.hasCellState ? [{ ptr: results.cSeq, floats: partRows * hp }] : []),
        ...results.saves,
      ];
    });
    const held = hold(kernel, planned[0]!.pX, base, buffers.flat());
    let next = 0;
    const keptParts = planned.map(({ part, inputs }, p): KeptPart => {
      const [x, hSeq, ...rest] = held.slice(next, (next += buffers[p]!.length));
      const forward: KernelForward = {
        hSeq: hSeq!,
        cSeq: cell.hasCellState ? rest[0]! : null,
        saves: cell.hasCellState ? rest.slice(1) : rest,
      };
      return { part, x: x!, inputs, forward };
    });
    const kept: Kept = { parts: keptParts, wxh: wxhHost, bIn: bInHost, held };
    return { value, gradFunc: (dy: Tensor) => tidy(() => backward(dy, kept)) };
  });

  function backward(dy: Tensor, { parts: keptParts, wxh, bIn, held }: Kept): Tensor[] {
    const upstream = hostData(dy);
    let base = 0;
    const planned = keptParts.map(({ part, x, inputs: host, forward }) => {
      const partRows = steps * part.batch;
      const dHs = sequence ? toTimeMajor(rowsOf(upstream, part, steps * units), part.batch, steps, units, false, hp) : null;
      const dhT = padBlocks(rowsOf(upstream.subarray(seqRows * units), part, units), part.batch, 1, units).slice();
      if (dHs !== null) addInto(dhT, dHs.subarray((partRows - part.batch) * hp));
      const dcT = cell.hasCellState ? padBlocks(rowsOf(upstream.subarray((seqRows + batch) * units), part, units), part.batch, 1, units) : null;
      const recording = recordingKernel(kernel);
      const k = recording.kernel;
      const back: KernelBackward = cell.backward(k, dimsOf(part), host, forward, { dHs, dhT, dcT }, base);

      // the projection's gradients, from dP where the cell's backward leaves it
      const dP = back.dP.ptr;
      const { pointers, end } = place(
        k,
        [x, ip * partRows, wxh, n * ip, partRows * ip, ip * n, zerosOrNull(bIn), partRows * inputSize],
        back.dP.end,
      );
      const [pX, pXT, pWxh, pWxhT, pDX, pDWxh, pDbIn, pDxs] = pointers;
      k.transpose(pX!, partRows, ip, pXT!);
      k.weightGrad(steps, part.batch, ip, n, pXT!, dP, n, pDWxh!, n);
      k.transpose(pWxh!, ip, n, pWxhT!);
      k.gemm(partRows, ip, n, dP, n, pWxhT!, ip, 0, 0, pDX!, ip);
      if (pDbIn !== 0) k.addColumnSums(dP, partRows, n, pDbIn!);
      k.timeToBatchMajor(pDX!, part.batch, steps, ip, goBackwards ? 1 : 0, inputSize, pDxs!);
      base = end;
      return { part, back, pDWxh: pDWxh!, pDbIn: pDbIn!, pDxs: pDxs!, calls: recording.calls };
    });
    runParts(kernel, planned.map((p) => p.calls));
    release(held);

    // per-row results into their rows, weight and bias gradients summed over the parts
    const dxs = new Float32Array(rows * inputSize);
    const dh0 = new Float32Array(batch * hp);
    const dc0 = cell.hasCellState ? new Float32Array(batch * hp) : null;
    const dWxh = new Float32Array(inputSize * n);
    const dW = new Float32Array(units * n);
    const dbRec = hasRecurrentBias ? new Float32Array(n) : null;
    const dbIn = hasInputBias ? new Float32Array(n) : null;
    for (const { part, back, pDWxh, pDbIn, pDxs } of planned) {
      dxs.set(read(kernel, pDxs, steps * part.batch * inputSize), part.row0 * steps * inputSize);
      dh0.set(read(kernel, back.dh0, part.batch * hp), part.row0 * hp);
      if (dc0 !== null) dc0.set(read(kernel, back.dc0, part.batch * hp), part.row0 * hp);
      addInto(dWxh, read(kernel, pDWxh, inputSize * n));
      addInto(dW, read(kernel, back.dW, units * n));
      if (dbRec !== null) addInto(dbRec, read(kernel, back.dbRec, n));
      if (dbIn !== null) addInto(dbIn, read(kernel, pDbIn, n));
    }

    const grads: Tensor[] = [
      tensor3d(dxs, [batch, steps, inputSize]),
      tensor2d(unpadBlocks(dWxh, inputSize, gates, units), [inputSize, gates * units]),
      tensor2d(unpadBlocks(dh0, batch, 1, units), [batch, units]),
    ];
    if (dc0 !== null) grads.push(tensor2d(unpadBlocks(dc0, batch, 1, units), [batch, units]));
    grads.push(tensor2d(unpadBlocks(dW, units, gates, units), [units, gates * units]));
    if (dbRec !== null) grads.push(tensor1d(unpadBlocks(dbRec, 1, gates, units)));
    if (dbIn !== null) grads.push(tensor1d(unpadBlocks(dbIn, 1, gates, units)));
    return grads;
  }

  return fused(...inputs);
}
