/**
 * The fused recurrence: one loop over time on precomputed input projections, with its own
 * backward (hand-written BPTT) behind `customGrad`. Time-major, in processing order, with time
 * and batch flattened into rows so that step k is the contiguous row block [k·B, (k+1)·B).
 *
 * Shapes: T time, B batch, H units, G gate blocks.
 *   inputs:  P [T·B, G·H] (x_t·Wxh + b_in), h0 [B, H], c0 [B, H] (LSTM), W [H, G·H], bRec [G·H] (GRU reset-after)
 *   output:  [T·B, H] carried h per step, or [(T + 1)·B, H] for the LSTM with the final c appended
 * Masking (mask m, keep = 1 − m, both [T·B, 1]): s_k = m·s̃_k + keep·s_{k−1}, exact for m ∈ {0, 1}.
 *
 * Backward per step k = T−1 … 0 (dh, dc the gradients of the carried state s_k):
 *   dh̃ = m·dh, dc̃ = m·dc;  cell backward → dp_k, dInner_k, dhIn, dhPrev, dcPrev
 *   dh_{k−1} = keep·dh + dhPrev + dhIn ⊙ m_rec + dHs_{k−1};   dc_{k−1} = keep·dc + dcPrev
 * and after the loop, over all steps at once: dW = hInᵀ·dInner (one matmul), dbRec = Σ_rows dInner.
 */
import { add, concat, customGrad, matMul, mul, onesTensor, reshape, slice, tidy, transpose } from '@rnnkit/tensor';
import type { GradSaveFunc, Tensor } from '@rnnkit/tensor';
import type { FusedCell, StepInputs } from './fused-cell';

export interface RecurrenceConstants {
  readonly batch: number;
  /** Float 0/1 mask [T·B, 1] in processing order, or null. */
  readonly mask: Tensor | null;
  /** 1 − mask [T·B, 1], or null. */
  readonly keep: Tensor | null;
  /** Recurrent-dropout mask [B, H], or null. */
  readonly recurrentMask: Tensor | null;
}

/**
 * Runs the recurrence. `inputs` is `[P, h0, c0?, W, bRec?]` as laid out above. Returns the packed
 * output; differentiable with respect to every input.
 */
export function runRecurrence(cell: FusedCell, constants: RecurrenceConstants, hasRecurrentBias: boolean, inputs: Tensor[]): Tensor {
  const batch = constants.batch;
  // constants are saved with the forward, since the caller's scope has ended when the backward runs
  const constantList = [constants.mask, constants.keep, constants.recurrentMask].filter((t): t is Tensor => t !== null);
  const rows = (t: Tensor, k: number): Tensor => slice(t, [k * batch, 0], [batch, t.shape[1] ?? 0]);
  const unpack = (list: Tensor[]) => {
    let i = 0;
    const p = list[i++]!;
    const h0 = list[i++]!;
    const c0 = cell.hasCellState ? list[i++]! : null;
    const w = list[i++]!;
    const bRec = hasRecurrentBias ? list[i++]! : null;
    return { p, h0, c0, weights: { w, bRec } };
  };

  const fused = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const save = args.pop() as GradSaveFunc;
    const list = args as Tensor[];
    const { mask, keep, recurrentMask } = constants;
    const { p, h0, c0, weights } = unpack(list);
    const steps = (p.shape[0] ?? 0) / batch;
    const blend = (k: number, fresh: Tensor, old: Tensor): Tensor =>
      mask === null ? fresh : add(mul(rows(mask, k), fresh), mul(rows(keep!, k), old));
    let h = h0;
    let c = c0;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    const saves: Tensor[][] = [];
    for (let k = 0; k < steps; k++) {
      const hIn = recurrentMask === null ? h : mul(h, recurrentMask);
      const out = cell.forward({ p: rows(p, k), hPrev: h, hIn, cPrev: c }, weights);
      h = blend(k, out.h, h);
      if (c !== null) c = blend(k, out.c!, c);
      hs.push(h);
      if (c !== null) cs.push(c);
      out.saves.forEach((s, j) => (saves[j] ??= []).push(s));
    }
    const hSeq = concat(hs);
    const cSeq = c === null ? null : concat(cs);
    const savedStacks = saves.map((list) => concat(list));
    save([hSeq, ...(cSeq === null ? [] : [cSeq]), ...savedStacks, ...list, ...constantList]);
    const value = cSeq === null ? hSeq : concat([hSeq, c!]);
    return { value, gradFunc: (dy: Tensor, saved: Tensor[]) => tidy(() => backward(dy, saved)) };
  });

  function backward(dy: Tensor, saved: Tensor[]): Tensor[] {
    let i = 0;
    const hSeq = saved[i++]!;
    const cSeq = cell.hasCellState ? saved[i++]! : null;
    const saveCount = saved.length - i - inputs.length - constantList.length;
    const savedStacks = saved.slice(i, i + saveCount);
    const { p, h0, c0, weights } = unpack(saved.slice(i + saveCount, i + saveCount + inputs.length));
    let j = i + saveCount + inputs.length;
    const mask = constants.mask === null ? null : saved[j++]!;
    const keep = constants.keep === null ? null : saved[j++]!;
    const recurrentMask = constants.recurrentMask === null ? null : saved[j++]!;
    const dropIn = (t: Tensor): Tensor => (recurrentMask === null ? t : mul(t, recurrentMask));

    const rowCount = p.shape[0] ?? 0;
    const steps = rowCount / batch;
    const units = hSeq.shape[1] ?? 0;
    const hPrevSeq = concat([h0, slice(hSeq, [0, 0], [rowCount - batch, units])]);
    const cPrevSeq = cSeq === null ? null : concat([c0!, slice(cSeq, [0, 0], [rowCount - batch, units])]);
    const dHs = cSeq === null ? dy : slice(dy, [0, 0], [rowCount, units]);
    const wT = transpose(weights.w);

    let dh = rows(dHs, steps - 1);
    let dc = cSeq === null ? null : rows(dy, steps);
    const dPs: Tensor[] = new Array<Tensor>(steps);
    const dInners: Tensor[] = new Array<Tensor>(steps);
    for (let k = steps - 1; k >= 0; k--) {
      const hPrev = rows(hPrevSeq, k);
      const inputsK: StepInputs = { p: rows(p, k), hPrev, hIn: dropIn(hPrev), cPrev: cPrevSeq === null ? null : rows(cPrevSeq, k) };
      const m = mask === null ? null : rows(mask, k);
      const kp = keep === null ? null : rows(keep, k);
      const dhFresh = m === null ? dh : mul(m, dh);
      const dcFresh = dc === null || m === null ? dc : mul(m, dc);
      const back = cell.backward(dhFresh, dcFresh, savedStacks.map((s) => rows(s, k)), inputsK, weights, wT);
      dPs[k] = back.dP;
      dInners[k] = back.dInner;
      let next = dropIn(back.dhIn);
      if (back.dhPrev !== null) next = add(next, back.dhPrev);
      if (kp !== null) next = add(next, mul(kp, dh));
      if (k > 0) next = add(next, rows(dHs, k - 1));
      dh = next;
      if (dc !== null) dc = kp === null ? back.dcPrev! : add(mul(kp, dc), back.dcPrev!);
    }

    const dP = concat(dPs);
    const dInner = dInners.every((t, k) => t === dPs[k]) ? dP : concat(dInners);
    const hIn = recurrentMask === null ? hPrevSeq : reshape(mul(reshape(hPrevSeq, [steps, batch, units]), recurrentMask), [rowCount, units]);
    const dW = cell.recurrentKernelGrad !== undefined ? cell.recurrentKernelGrad(hIn, savedStacks, dInner) : matMul(transpose(hIn), dInner);
    const grads = [dP, dh];
    if (dc !== null) grads.push(dc);
    grads.push(dW);
    // Σ over rows as a matmul with a row of ones: a column sum over T·B rows is slow on wasm
    if (hasRecurrentBias) grads.push(reshape(matMul(onesTensor([1, rowCount]), dInner), [dInner.shape[1] ?? 0]));
    return grads;
  }

  return fused(...inputs);
}
