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
 *   forward:  P = X·Wxh + bIn (kernel gemm); the recurrence over P (`KernelCell.forward`)
 *   backward: BPTT (`KernelCell.backward`) → dP, dh0, dc0, dWhh, dbRec; then
 *             dX = dP·Wxhᵀ, dWxh = Xᵀ·dP (summed step by step), dbIn = Σ_rows dP
 *
 * Why the projection and the layout changes are in the kernel too: tfjs-backend-wasm's matmul packs
 * its right operand on every call with a fresh tensor, and at these shapes (K = T·B) the packing
 * costs more than the product (Xᵀ·dP for [25600, 32]ᵀ·[25600, 128]: 24–31 ms there, 7–8 ms step
 * by step here); tfjs-backend-cpu's transpose of a [128, 200, 32] sequence takes ~100 ms.
 */
import { customGrad, engine, tensor1d, tensor2d, tensor3d, tidy } from '@rnnkit/tensor';
import type { GradSaveFunc, Tensor } from '@rnnkit/tensor';
import type { KernelCell, KernelDims, KernelForward, KernelInputs } from './kernel-cell';
import type { KernelExports } from './kernel-module';
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

/** What the backward keeps from the forward: host arrays in the padded layout, or held results. */
interface Kept {
  /** [T·B, Ip] time-major, processing order. */
  readonly x: Held;
  readonly wxh: Float32Array;
  readonly bIn: Float32Array | null;
  readonly inputs: KernelInputs;
  readonly forward: KernelForward;
  /** Every held buffer, released after the backward. */
  readonly held: readonly Held[];
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
  const dims: KernelDims = { batch, steps, units: hp };
  const seqRows = sequence ? rows : 0;

  const fused = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    args.pop(); // nothing is saved as tensors: the backward keeps host arrays and held results
    const list = args as Tensor[];
    let i = 0;
    const xs = list[i++]!;
    const wxh = list[i++]!;
    const h0 = list[i++]!;
    const c0 = cell.hasCellState ? list[i++]! : null;
    const whh = list[i++]!;
    const bRec = hasRecurrentBias ? list[i++]! : null;
    const bIn = hasInputBias ? list[i++]! : null;
    const host: KernelInputs = {
      h0: padBlocks(hostData(h0), batch, 1, units),
      c0: c0 === null ? null : padBlocks(hostData(c0), batch, 1, units),
      w: padBlocks(hostData(whh), units, gates, units, hp),
      bRec: bRec === null ? null : padBlocks(hostData(bRec), 1, gates, units),
      mask: layer.mask === null ? null : toTimeMajor(hostData(layer.mask), batch, steps, 1, goBackwards, 1),
      recMask: layer.recurrentMask === null ? null : padBlocks(hostData(layer.recurrentMask), batch, 1, units),
    };
    const xsHost = hostData(xs);
    const wxhHost = padBlocks(hostData(wxh), inputSize, gates, units, ip);
    const bInHost = bIn === null ? null : padBlocks(hostData(bIn), 1, gates, units);

    const { pointers, end } = place(kernel, [rows * ip, wxhHost, bInHost, rows * n, xsHost]);
    const [pX, pWxh, pBIn, pP, pXs] = pointers;
    kernel.batchToTimeMajor(pXs!, batch, steps, inputSize, goBackwards ? 1 : 0, ip, pX!);
    kernel.gemm(rows, n, ip, pX!, ip, pWxh!, n, pBIn!, 0, pP!, n); // P = X·Wxh + bIn (a broadcast row)
    const results = cell.forward(kernel, dims, host, { ptr: pP!, end });
    const seqOut = sequence ? place(kernel, [rows * units], results.end).pointers[0]! : 0;
    if (sequence) kernel.timeToBatchMajor(results.hSeq, batch, steps, hp, 0, units, seqOut);

    const lastBlock = (ptr: number): Float32Array => unpadBlocks(read(kernel, ptr + (rows - batch) * hp * 4, batch * hp), batch, 1, units);
    const packed = new Float32Array((seqRows + (cell.hasCellState ? 2 : 1) * batch) * units);
    if (sequence) packed.set(read(kernel, seqOut, rows * units));
    packed.set(lastBlock(results.hSeq), seqRows * units);
    if (cell.hasCellState) packed.set(lastBlock(results.cSeq), (seqRows + batch) * units);
    const value = tensor2d(packed, [packed.length / units, units]);

    // what the backward needs stays in the kernel memory until another call needs the space
    if (engine().state.gradientDepth === 0) return { value, gradFunc: () => [] };
    const held = hold(kernel, pX!, results.end, [
      { ptr: pX!, floats: rows * ip },
      { ptr: results.hSeq, floats: rows * hp },
      ...(cell.hasCellState ? [{ ptr: results.cSeq, floats: rows * hp }] : []),
      ...results.saves,
    ]);
    const [xHeld, hSeqHeld, ...rest] = held;
    const forward: KernelForward = {
      hSeq: hSeqHeld!,
      cSeq: cell.hasCellState ? rest[0]! : null,
      saves: cell.hasCellState ? rest.slice(1) : rest,
    };
    const kept: Kept = { x: xHeld!, wxh: wxhHost, bIn: bInHost, inputs: host, forward, held };
    return { value, gradFunc: (dy: Tensor) => tidy(() => backward(dy, kept)) };
  });

  function backward(dy: Tensor, { x, wxh, bIn, inputs: host, forward, held }: Kept): Tensor[] {
    const upstream = hostData(dy);
    const dHs = sequence ? toTimeMajor(upstream, batch, steps, units, false, hp) : null;
    const dhT = padBlocks(upstream.subarray(seqRows * units, (seqRows + batch) * units), batch, 1, units).slice();
    if (dHs !== null) {
      const last = dHs.subarray((rows - batch) * hp);
      for (let j = 0; j < dhT.length; j++) dhT[j] = dhT[j]! + last[j]!;
    }
    const dcT = cell.hasCellState ? padBlocks(upstream.subarray((seqRows + batch) * units), batch, 1, units) : null;
    const back = cell.backward(kernel, dims, host, forward, { dHs, dhT, dcT });

    // the projection's gradients, from dP where the cell's backward left it
    const dP = back.dP.ptr;
    const [pX, pXT, pWxh, pWxhT, pDX, pDWxh, pDbIn, pDxs] = place(
      kernel,
      [x, ip * rows, wxh, n * ip, rows * ip, ip * n, zerosOrNull(bIn), rows * inputSize],
      back.dP.end,
    ).pointers;
    kernel.transpose(pX!, rows, ip, pXT!);
    kernel.weightGrad(steps, batch, ip, n, pXT!, dP, n, pDWxh!, n);
    kernel.transpose(pWxh!, ip, n, pWxhT!);
    kernel.gemm(rows, ip, n, dP, n, pWxhT!, ip, 0, 0, pDX!, ip);
    if (pDbIn !== 0) kernel.addColumnSums(dP, rows, n, pDbIn!);
    kernel.timeToBatchMajor(pDX!, batch, steps, ip, goBackwards ? 1 : 0, inputSize, pDxs!);
    release(held);

    const firstRows = (a: Float32Array, count: number): Float32Array => a.subarray(0, count * n);
    const grads: Tensor[] = [
      tensor3d(read(kernel, pDxs!, rows * inputSize), [batch, steps, inputSize]),
      tensor2d(unpadBlocks(firstRows(read(kernel, pDWxh!, ip * n), inputSize), inputSize, gates, units), [inputSize, gates * units]),
      tensor2d(unpadBlocks(back.dh0, batch, 1, units), [batch, units]),
    ];
    if (back.dc0 !== null) grads.push(tensor2d(unpadBlocks(back.dc0, batch, 1, units), [batch, units]));
    grads.push(tensor2d(unpadBlocks(firstRows(back.dW, units), units, gates, units), [units, gates * units]));
    if (hasRecurrentBias) grads.push(tensor1d(unpadBlocks(back.dbRec!, 1, gates, units)));
    if (hasInputBias) grads.push(tensor1d(unpadBlocks(read(kernel, pDbIn!, n), 1, gates, units)));
    return grads;
  }

  return fused(...inputs);
}
