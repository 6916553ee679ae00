/**
 * A recurrent layer on the WebAssembly kernel, input projection included: one `customGrad` whose
 * forward and backward are each a few kernel calls. Inputs are copied into the kernel's memory
 * (`dataSync`), results copied out into new tensors, so it runs the same on every tfjs backend.
 *
 * Shapes: T time, B batch, I input size, H units (Hp, Ip padded to multiples of 4), G gate blocks,
 * N = G·Hp; rows are time-major in processing order (step k = rows [k·B, (k+1)·B)).
 *   inputs:  X [T·B, I], Wxh [I, G·H], h0 [B, H], c0 [B, H] (LSTM), Whh [H, G·H],
 *            bRec [G·H] (GRU reset-after's recurrent bias), bIn [G·H] (the input bias)
 *   output:  every step's carried h [T·B, H] (`sequence`), or the final h [B, H]; the LSTM appends
 *            its final c as B more rows
 *
 *   forward:  P = X·Wxh + bIn (kernel gemm); the recurrence over P (`KernelCell.forward`)
 *   backward: BPTT (`KernelCell.backward`) → dP, dh0, dc0, dWhh, dbRec; then
 *             dX = dP·Wxhᵀ, dWxh = Xᵀ·dP (summed step by step), dbIn = Σ_rows dP
 *
 * Why the projection is in the kernel too: tfjs-backend-wasm's matmul packs its right operand on
 * every call with a fresh tensor, and at these shapes (K = T·B) the packing costs more than the
 * product: Xᵀ·dP for [25600, 32]ᵀ·[25600, 128] took 24–31 ms there, 7–8 ms step by step here.
 */
import { customGrad, engine, tensor1d, tensor2d, tidy } from '@rnnkit/tensor';
import type { GradSaveFunc, Tensor } from '@rnnkit/tensor';
import type { RecurrenceConstants } from '../fused/recurrence';
import type { KernelCell, KernelDims, KernelForward, KernelInputs } from './kernel-cell';
import type { KernelExports } from './kernel-module';
import { hold, padBlocks, paddedUnits, place, read, release, unpadBlocks, zerosOrNull } from './layout';
import type { Held } from './layout';

function hostData(t: Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/** What the backward keeps from the forward: host arrays in the padded layout. */
interface Kept {
  readonly rows: number;
  readonly x: Held;
  readonly wxh: Float32Array;
  readonly bIn: Float32Array | null;
  readonly inputs: KernelInputs;
  readonly forward: KernelForward;
  /** Every held buffer, released after the backward. */
  readonly held: readonly Held[];
}

/**
 * Runs the layer `cell` (I = `inputSize`, H = `units`) on the kernel. Returns the packed output;
 * differentiable with respect to every input. `sequence` asks for every step's h (else only the
 * final state: no [T·B, H] tensor is made, and no zero gradient for it travels back).
 */
export function runKernelRecurrence(
  kernel: KernelExports,
  cell: KernelCell,
  inputSize: number,
  units: number,
  constants: RecurrenceConstants,
  hasRecurrentBias: boolean,
  hasInputBias: boolean,
  sequence: boolean,
  inputs: Tensor[],
): Tensor {
  const batch = constants.batch;
  const gates = cell.gates;
  const hp = paddedUnits(units);
  const ip = paddedUnits(inputSize);
  const n = gates * hp;
  const dims = (rows: number): KernelDims => ({ batch, steps: rows / batch, units: hp });

  const fused = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    args.pop(); // nothing is saved as tensors: the backward keeps host arrays
    const list = args as Tensor[];
    let i = 0;
    const x = list[i++]!;
    const wxh = list[i++]!;
    const h0 = list[i++]!;
    const c0 = cell.hasCellState ? list[i++]! : null;
    const whh = list[i++]!;
    const bRec = hasRecurrentBias ? list[i++]! : null;
    const bIn = hasInputBias ? list[i++]! : null;
    const rows = x.shape[0] ?? 0;
    const host: KernelInputs = {
      h0: padBlocks(hostData(h0), batch, 1, units),
      c0: c0 === null ? null : padBlocks(hostData(c0), batch, 1, units),
      w: padBlocks(hostData(whh), units, gates, units, hp),
      bRec: bRec === null ? null : padBlocks(hostData(bRec), 1, gates, units),
      mask: constants.mask === null ? null : hostData(constants.mask),
      recMask: constants.recurrentMask === null ? null : padBlocks(hostData(constants.recurrentMask), batch, 1, units),
    };
    const xHost = padBlocks(hostData(x), rows, 1, inputSize);
    const wxhHost = padBlocks(hostData(wxh), inputSize, gates, units, ip);
    const bInHost = bIn === null ? null : padBlocks(hostData(bIn), 1, gates, units);

    const { pointers, end } = place(kernel, [xHost, wxhHost, bInHost, rows * n]);
    const start = pointers[0]!;
    const [pX, pWxh, pBIn, pP] = pointers;
    kernel.gemm(rows, n, ip, pX!, ip, pWxh!, n, pBIn!, 0, pP!, n); // P = X·Wxh + bIn (a broadcast row)
    const results = cell.forward(kernel, dims(rows), host, { ptr: pP!, end });

    // copy out what the output needs, and what the backward needs only when a gradient is being taken
    const taping = engine().state.gradientDepth > 0;
    const hSeq = sequence ? read(kernel, results.hSeq, rows * hp) : null;
    const lastBlock = (ptr: number): Float32Array => unpadBlocks(read(kernel, ptr + (rows - batch) * hp * 4, batch * hp), batch, 1, units);
    const hPart = sequence ? unpadBlocks(hSeq!, rows, 1, units) : lastBlock(results.hSeq);
    const hRows = sequence ? rows : batch;
    let value: Tensor;
    if (!cell.hasCellState) {
      value = tensor2d(hPart, [hRows, units]);
    } else {
      const packed = new Float32Array((hRows + batch) * units);
      packed.set(hPart);
      packed.set(lastBlock(results.cSeq), hRows * units);
      value = tensor2d(packed, [hRows + batch, units]);
    }
    if (!taping) return { value, gradFunc: () => [] };
    // what the backward needs stays in the kernel memory until another call needs the space
    const held = hold(kernel, start, results.end, [
      { ptr: pX!, floats: xHost.length },
      { ptr: results.hSeq, floats: rows * hp },
      ...(cell.hasCellState ? [{ ptr: results.cSeq, floats: rows * hp }] : []),
      ...results.saves,
    ]);
    const [x0, hSeqHeld, ...rest] = held;
    const forward: KernelForward = {
      hSeq: hSeqHeld!,
      cSeq: cell.hasCellState ? rest[0]! : null,
      saves: cell.hasCellState ? rest.slice(1) : rest,
    };
    const kept: Kept = { rows, x: x0!, wxh: wxhHost, bIn: bInHost, inputs: host, forward, held };
    return { value, gradFunc: (dy: Tensor) => tidy(() => backward(dy, kept)) };
  });

  function backward(dy: Tensor, { rows, x, wxh, bIn, inputs: host, forward, held }: Kept): Tensor[] {
    const upstream = hostData(dy);
    const hRows = sequence ? rows : batch;
    const dHs = sequence ? padBlocks(upstream.subarray(0, rows * units), rows, 1, units) : null;
    const dhT = dHs === null ? padBlocks(upstream.subarray(0, batch * units), batch, 1, units) : dHs.subarray((rows - batch) * hp);
    const dcT = cell.hasCellState ? padBlocks(upstream.subarray(hRows * units), batch, 1, units) : null;
    const back = cell.backward(kernel, dims(rows), host, forward, { dHs, dhT, dcT });

    // the projection's gradients, from dP where the cell's backward left it
    const dP = back.dP.ptr;
    const [pX, pXT, pWxh, pWxhT, pDX, pDWxh, pDbIn] = place(
      kernel,
      [x, ip * rows, wxh, n * ip, rows * ip, ip * n, zerosOrNull(bIn)],
      back.dP.end,
    ).pointers;
    kernel.transpose(pX!, rows, ip, pXT!);
    kernel.weightGrad(rows / batch, batch, ip, n, pXT!, dP, n, pDWxh!, n);
    kernel.transpose(pWxh!, ip, n, pWxhT!);
    kernel.gemm(rows, ip, n, dP, n, pWxhT!, ip, 0, 0, pDX!, ip);
    if (pDbIn !== 0) kernel.addColumnSums(dP, rows, n, pDbIn!);
    release(held);

    const firstRows = (a: Float32Array, count: number): Float32Array => a.subarray(0, count * n);
    const grads: Tensor[] = [
      tensor2d(unpadBlocks(read(kernel, pDX!, rows * ip), rows, 1, inputSize), [rows, inputSize]),
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
