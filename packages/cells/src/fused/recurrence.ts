/**
 * The fused recurrence: one loop over time on precomputed input projections, with its own
 * backward (hand-written BPTT) behind `customGrad`. Time-major, in processing order.
 *
 * Shapes: T time, B batch, H units, G gate blocks.
 *   inputs:  P [T, G, B, H] (x_t·Wxh + b_in), h0 [B, H], c0 [B, H] (LSTM), W [G, H, H], bRec [G, 1, H] (GRU reset-after)
 *   output:  [T, B, H] carried h per step, or [T + 1, B, H] for the LSTM with the final c appended
 * Masking (mask m, keep = 1 − m, both [T, B, 1]): s_k = m·s̃_k + keep·s_{k−1}, exact for m ∈ {0, 1}.
 *
 * Backward per step k = T−1 … 0 (dh, dc the gradients of the carried state s_k):
 *   dh̃ = m·dh, dc̃ = m·dc;  cell backward → dp_k, dInner_k, dhIn, dhPrev, dcPrev
 *   dh_{k−1} = keep·dh + dhPrev + dhIn ⊙ m_rec + dHs_{k−1};   dc_{k−1} = keep·dc + dcPrev
 * and after the loop, over all steps at once: dW = hInᵀ·dInner (one batched matmul), dbRec = Σ dInner.
 */
import { add, concat, customGrad, matMul, mul, reshape, slice, stack, sum, tidy, transpose } from '@rnnkit/tensor';
import type { GradSaveFunc, Tensor } from '@rnnkit/tensor';
import type { FusedCell, RecurrentWeights, StepInputs } from './fused-cell';

export interface RecurrenceConstants {
  /** Float 0/1 mask [T, B, 1] in processing order, or null. */
  readonly mask: Tensor | null;
  /** 1 − mask [T, B, 1], or null. */
  readonly keep: Tensor | null;
  /** Recurrent-dropout mask [B, H], or null. */
  readonly recurrentMask: Tensor | null;
}

/** Row k of a time-major [T, …] tensor, without the leading axis. */
function step(t: Tensor, k: number): Tensor {
  const [, ...rest] = t.shape;
  return reshape(slice(t, [k, ...rest.map(() => 0)], [1, ...rest]), rest);
}

/**
 * Runs the recurrence. `inputs` is `[P, h0, c0?, W, bRec?]` as laid out above. Returns the packed
 * output; differentiable with respect to every input.
 */
export function runRecurrence(cell: FusedCell, constants: RecurrenceConstants, hasRecurrentBias: boolean, inputs: Tensor[]): Tensor {
  // constants are saved with the forward, since the caller's scope has ended when the backward runs
  const constantList = [constants.mask, constants.keep, constants.recurrentMask].filter((t): t is Tensor => t !== null);
  let { mask, keep, recurrentMask } = constants;
  const unpack = (list: Tensor[]): { p: Tensor; h0: Tensor; c0: Tensor | null; weights: RecurrentWeights } => {
    let i = 0;
    const p = list[i++]!;
    const h0 = list[i++]!;
    const c0 = cell.hasCellState ? list[i++]! : null;
    const w = list[i++]!;
    const bRec = hasRecurrentBias ? list[i++]! : null;
    return { p, h0, c0, weights: { w, bRec } };
  };
  const dropIn = (h: Tensor): Tensor => (recurrentMask === null ? h : mul(h, recurrentMask));
  const blend = (k: number, fresh: Tensor, old: Tensor): Tensor =>
    mask === null ? fresh : add(mul(step(mask, k), fresh), mul(step(keep!, k), old));

  const fused = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const save = args.pop() as GradSaveFunc;
    const list = args as Tensor[];
    const { p, h0, c0, weights } = unpack(list);
    const steps = p.shape[0] ?? 0;
    let h = h0;
    let c = c0;
    const hs: Tensor[] = [];
    const cs: Tensor[] = [];
    const saves: Tensor[][] = [];
    for (let k = 0; k < steps; k++) {
      const out = cell.forward({ p: step(p, k), hPrev: h, hIn: dropIn(h), cPrev: c }, weights);
      h = blend(k, out.h, h);
      if (c !== null) c = blend(k, out.c!, c);
      hs.push(h);
      if (c !== null) cs.push(c);
      out.saves.forEach((s, j) => (saves[j] ??= []).push(s));
    }
    const hSeq = stack(hs);
    const cSeq = c === null ? null : stack(cs);
    const savedStacks = saves.map((list) => stack(list));
    save([hSeq, ...(cSeq === null ? [] : [cSeq]), ...savedStacks, ...list, ...constantList]);
    const value = cSeq === null ? hSeq : concat([hSeq, reshape(c!, [1, ...c!.shape])]);
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
    if (mask !== null) mask = saved[j++]!;
    if (keep !== null) keep = saved[j++]!;
    if (recurrentMask !== null) recurrentMask = saved[j++]!;
    const steps = p.shape[0] ?? 0;
    const [, batch, units] = hSeq.shape as [number, number, number];
    const hPrevSeq = concat([reshape(h0, [1, batch, units]), slice(hSeq, [0, 0, 0], [steps - 1, batch, units])]);
    const cPrevSeq = cSeq === null ? null : concat([reshape(c0!, [1, batch, units]), slice(cSeq, [0, 0, 0], [steps - 1, batch, units])]);
    const dHs = cSeq === null ? dy : slice(dy, [0, 0, 0], [steps, batch, units]);
    const wT = transpose(weights.w, [0, 2, 1]);

    let dh = step(dHs, steps - 1);
    let dc = cSeq === null ? null : step(dy, steps);
    const dPs: Tensor[] = new Array<Tensor>(steps);
    const dInners: Tensor[] = new Array<Tensor>(steps);
    for (let k = steps - 1; k >= 0; k--) {
      const hPrev = step(hPrevSeq, k);
      const inputsK: StepInputs = { p: step(p, k), hPrev, hIn: dropIn(hPrev), cPrev: cPrevSeq === null ? null : step(cPrevSeq, k) };
      const m = mask === null ? null : step(mask, k);
      const kp = keep === null ? null : step(keep, k);
      const dhFresh = m === null ? dh : mul(m, dh);
      const dcFresh = dc === null || m === null ? dc : mul(m, dc);
      const back = cell.backward(dhFresh, dcFresh, savedStacks.map((s) => step(s, k)), inputsK, weights, wT);
      dPs[k] = back.dP;
      dInners[k] = back.dInner;
      const terms = [recurrentMask === null ? back.dhIn : mul(back.dhIn, recurrentMask)];
      if (back.dhPrev !== null) terms.push(back.dhPrev);
      if (kp !== null) terms.push(mul(kp, dh));
      if (k > 0) terms.push(step(dHs, k - 1));
      dh = terms.reduce((a, b) => add(a, b));
      if (dc !== null) dc = kp === null ? back.dcPrev! : add(mul(kp, dc), back.dcPrev!);
    }

    const gates = cell.gates;
    const rows = steps * batch;
    const dP = stack(dPs);
    // dInner as [G, T·B, H] for the one-matmul accumulation over time
    const dInner = reshape(transpose(stack(dInners), [1, 0, 2, 3]), [gates, rows, units]);
    const hIn = reshape(dropIn(hPrevSeq), [rows, units]);
    const dW =
      cell.recurrentKernelGrad !== undefined
        ? cell.recurrentKernelGrad(hIn, savedStacks, dInner)
        : matMulT(hIn, dInner, units, rows);
    const grads = [dP, dh];
    if (dc !== null) grads.push(dc);
    grads.push(dW);
    if (hasRecurrentBias) grads.push(reshape(sum(dInner, 1), [gates, 1, units]));
    return grads;
  }

  return fused(...inputs);
}

/** hInᵀ·dInner for every gate at once: [1, H, T·B] × [G, T·B, H] → [G, H, H]. */
function matMulT(hIn: Tensor, dInner: Tensor, units: number, rows: number): Tensor {
  return tidy(() => matMul(reshape(transpose(hIn), [1, units, rows]), dInner));
}
