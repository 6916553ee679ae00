/**
 * The fused recurrence on the WebAssembly kernel: the same contract as `fused/recurrence.ts`
 * (inputs `[P, h0, c0?, W, bRec?]`, packed output, differentiable through `customGrad`), with the
 * whole loop over time — forward, and BPTT — in one kernel call each. The inputs are copied into
 * the kernel's memory (`dataSync`), the results copied out into new tensors, so it runs the same
 * on every tfjs backend. The big products stay in tfjs: the input projection (the caller's),
 * ∂Wxh = Xᵀ·∂P (autodiff of the caller's projection), and ∂W = hInᵀ·dInner, one matmul over all
 * steps on the kernel's transposed hIn.
 *
 * Shapes: T time, B batch, H units (Hp padded), G gate blocks.
 *   inputs:  P [T·B, G·H] = X·Wxh, h0 [B, H], c0 [B, H] (LSTM), W [H, G·H], bRec [G·H] (GRU reset-after),
 *            bIn [G·H] the input bias (the kernel adds it to P, and sums ∂P's rows for its gradient: a
 *            tfjs column sum, or the ones-column trick of the op path, costs more than the whole recurrence)
 *   output:  [T·B, H] carried h per step, or [(T + 1)·B, H] for the LSTM with the final c appended;
 *            with `sequence: false` only the final state: h [B, H], or [2·B, H] = [h; c] for the LSTM
 *            (no [T·B, H] tensor is made, and no zero gradient for it travels back)
 */
import { concat, customGrad, matMul, slice, tensor1d, tensor2d, tidy } from '@rnnkit/tensor';
import type { GradSaveFunc, Tensor } from '@rnnkit/tensor';
import type { RecurrenceConstants } from '../fused/recurrence';
import type { KernelCell, KernelDims, KernelForward, KernelInputs } from './kernel-cell';
import type { KernelExports } from './kernel-module';
import { padBlocks, paddedUnits, unpadBlocks } from './layout';

function hostData(t: Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/**
 * Runs the recurrence of `cell` (H = `units`) on the kernel. Returns the packed output;
 * differentiable with respect to every input. `sequence` asks for every step's h (else only the
 * final state).
 */
export function runKernelRecurrence(
  kernel: KernelExports,
  cell: KernelCell,
  units: number,
  constants: RecurrenceConstants,
  hasRecurrentBias: boolean,
  hasInputBias: boolean,
  sequence: boolean,
  inputs: Tensor[],
): Tensor {
  const batch = constants.batch;
  const gates = cell.gates;
  const dims = (rows: number): KernelDims => ({ batch, steps: rows / batch, units: paddedUnits(units) });

  const fused = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    args.pop(); // nothing is saved as tensors: the backward keeps host arrays
    const list = args as Tensor[];
    let i = 0;
    const p = list[i++]!;
    const h0 = list[i++]!;
    const c0 = cell.hasCellState ? list[i++]! : null;
    const w = list[i++]!;
    const bRec = hasRecurrentBias ? list[i++]! : null;
    const bIn = hasInputBias ? list[i++]! : null;
    const rows = p.shape[0] ?? 0;
    const host: KernelInputs = {
      p: padBlocks(hostData(p), rows, gates, units),
      bIn: bIn === null ? null : padBlocks(hostData(bIn), 1, gates, units),
      h0: padBlocks(hostData(h0), batch, 1, units),
      c0: c0 === null ? null : padBlocks(hostData(c0), batch, 1, units),
      w: padBlocks(hostData(w), units, gates, units, paddedUnits(units)),
      bRec: bRec === null ? null : padBlocks(hostData(bRec), 1, gates, units),
      mask: constants.mask === null ? null : hostData(constants.mask),
      recMask: constants.recurrentMask === null ? null : padBlocks(hostData(constants.recurrentMask), batch, 1, units),
    };
    const forward = cell.forward(kernel, dims(rows), host);
    const lastBlock = (seq: Float32Array): Float32Array => unpadBlocks(seq.subarray((rows - batch) * paddedUnits(units)), batch, 1, units);
    const hPart = sequence ? unpadBlocks(forward.hSeq, rows, 1, units) : lastBlock(forward.hSeq);
    const hRows = sequence ? rows : batch;
    let value: Tensor;
    if (forward.cSeq === null) {
      value = tensor2d(hPart, [hRows, units]);
    } else {
      const packed = new Float32Array((hRows + batch) * units);
      packed.set(hPart);
      packed.set(lastBlock(forward.cSeq), hRows * units);
      value = tensor2d(packed, [hRows + batch, units]);
    }
    const kept: KernelInputs = { ...host, p: new Float32Array(0) }; // the backward does not need P
    return { value, gradFunc: (dy: Tensor) => tidy(() => backward(dy, rows, kept, forward)) };
  });

  function backward(dy: Tensor, rows: number, host: KernelInputs, forward: KernelForward): Tensor[] {
    const upstream = hostData(dy);
    const hRows = sequence ? rows : batch;
    const dHs = sequence ? padBlocks(upstream.subarray(0, rows * units), rows, 1, units) : null;
    const dhT = dHs === null ? padBlocks(upstream.subarray(0, batch * units), batch, 1, units) : dHs.subarray((rows - batch) * paddedUnits(units));
    const dcT = cell.hasCellState ? padBlocks(upstream.subarray(hRows * units), batch, 1, units) : null;
    const back = cell.backward(kernel, dims(rows), host, forward, { dHs, dhT, dcT });

    const dP = tensor2d(unpadBlocks(back.dP, rows, gates, units), [rows, gates * units]);
    const dInner = back.dInner === back.dP ? dP : tensor2d(unpadBlocks(back.dInner, rows, gates, units), [rows, gates * units]);
    // the padded rows of the transposed hIn come after the real ones: the first H rows are [H, T·B]
    const hInT = tensor2d(back.hInT.subarray(0, units * rows), [units, rows]);
    let dW: Tensor;
    if (back.resetHT === null) {
      dW = matMul(hInT, dInner);
    } else {
      // GRU reset-before: the z, r blocks see hIn, the h block sees r ⊙ hIn
      const resetHT = tensor2d(back.resetHT.subarray(0, units * rows), [units, rows]);
      const zr = matMul(hInT, slice(dInner, [0, 0], [rows, 2 * units]));
      dW = concat([zr, matMul(resetHT, slice(dInner, [0, 2 * units], [rows, units]))], 1);
    }
    const grads: Tensor[] = [dP, tensor2d(unpadBlocks(back.dh0, batch, 1, units), [batch, units])];
    if (back.dc0 !== null) grads.push(tensor2d(unpadBlocks(back.dc0, batch, 1, units), [batch, units]));
    grads.push(dW);
    if (hasRecurrentBias) grads.push(tensor1d(unpadBlocks(back.dbRec!, 1, gates, units)));
    if (hasInputBias) grads.push(tensor1d(unpadBlocks(back.dbIn!, 1, gates, units)));
    return grads;
  }

  return fused(...inputs);
}
