/**
 * GRU over all T steps (G = 3, column blocks z, r, h), both reset conventions. Shapes: B batch,
 * T time, H units (padded to a multiple of 4), N = 3H.
 *
 * reset-after:  q = hIn·W + bRec;  z, r = σ(p[z,r] + q[z,r]);  ĥ = act(p[h] + r ⊙ q[h])      saves: [z, r, ĥ], q[h]
 * reset-before: q = hIn·W[z,r];    z, r = σ(p[z,r] + q);       ĥ = act(p[h] + (r ⊙ hIn)·W[h]) saves: [z, r, ĥ], r ⊙ hIn
 * both:         h̃ = z ⊙ h_{k−1} + (1 − z) ⊙ ĥ;  h_k = m·h̃ + (1 − m)·h_{k−1}
 *
 * backward (dh̃ = m·dh): da = dh̃ ⊙ (1 − z) ⊙ act'(ĥ);  dz = dh̃ ⊙ (h_{k−1} − ĥ) ⊙ σ'(z);  direct = dh̃ ⊙ z
 *   reset-after:  dr = da ⊙ q[h] ⊙ σ'(r);  dp = [dz, dr, da];  dInner = [dz, dr, da ⊙ r];  dhIn = dInner·Wᵀ
 *   reset-before: d(r ⊙ hIn) = da·W[h]ᵀ;  dr = d(r ⊙ hIn) ⊙ hIn ⊙ σ'(r);  dp = [dz, dr, da]
 *                 dhIn = [dz, dr]·W[z,r]ᵀ + d(r ⊙ hIn) ⊙ r
 *   dh_{k−1} = dhIn ⊙ m_rec + direct + (1 − m)·dh + dHs_{k−1}
 */
import { gemm } from './gemm';
import { ONE4, activate4, activateInPlace, activationGrad4, flush } from './simd';
import { addColumnSums, at, carryHiddenGrad, maskAt, recurrentInput } from './common';

/** h̃ = z ⊙ h_{k−1} + (1 − z) ⊙ ĥ, masked and flushed, stored into h_k. */
// @ts-ignore: decorator
@inline function update(z: v128, hh: v128, hPrevAt: usize, hAt: usize, mask: usize, m: v128, keep: v128): void {
  const hOld = v128.load(hPrevAt);
  let h = f32x4.add(f32x4.mul(z, hOld), f32x4.mul(f32x4.sub(ONE4, z), hh));
  if (mask != 0) h = f32x4.add(f32x4.mul(m, h), f32x4.mul(keep, hOld));
  v128.store(hAt, flush(h));
}

/**
 * One row's reset-after gates into g [3H] (which may be p): z, r = recAct(p[z,r] + q[z,r]), then
 * ĥ = act(p[h] + r ⊙ q[h]), each activation one pass over a contiguous block (as the LSTM's
 * `activateGates`: their evaluations overlap; the same operations per element, so the same results).
 */
export function resetAfterGates(act: i32, recAct: i32, units: i32, p: usize, q: usize, g: usize): void {
  for (let j = 0; j < 2 * units; j += 4) v128.store(at(g, j), f32x4.add(v128.load(at(p, j)), v128.load(at(q, j))));
  activateInPlace(recAct, g, 2 * units);
  for (let j = 0; j < units; j += 4) {
    const r = v128.load(at(g, units + j));
    v128.store(at(g, 2 * units + j), f32x4.add(v128.load(at(p, 2 * units + j)), f32x4.mul(r, v128.load(at(q, 2 * units + j)))));
  }
  activateInPlace(act, at(g, 2 * units), units);
}

/**
 * p [T·B, 3H], h0 [B, H], w [H, 3H], bRec [3H] (or 0), mask [T·B] (or 0), recMask [B, H] (or 0) →
 * hSeq [T·B, H], gates [T·B, 3H] (z, r, ĥ), qh [T·B, H]. scratch: [B, H]; q: [B, 3H].
 */
export function gruResetAfterForward(
  batch: i32, steps: i32, units: i32, act: i32, recAct: i32,
  p: usize, h0: usize, w: usize, bRec: usize, mask: usize, recMask: usize,
  hSeq: usize, gates: usize, qh: usize, scratch: usize, q: usize,
): void {
  const n = 3 * units;
  const stepFloats = batch * units;
  for (let k = 0; k < steps; k++) {
    const hPrev = k == 0 ? h0 : at(hSeq, (k - 1) * stepFloats);
    const hIn = recurrentInput(hPrev, recMask, scratch, stepFloats);
    gemm(batch, n, units, hIn, units, w, n, bRec, 0, q, n);
    const pk = at(p, k * batch * n);
    const gk = at(gates, k * batch * n);
    for (let b = 0; b < batch; b++) {
      const m = f32x4.splat(maskAt(mask, batch, k, b));
      const keep = f32x4.splat(<f32>1.0 - maskAt(mask, batch, k, b));
      const prow = at(pk, b * n), qrow = at(q, b * n), grow = at(gk, b * n);
      resetAfterGates(act, recAct, units, prow, qrow, grow);
      for (let j = 0; j < units; j += 4) {
        const s = b * units + j;
        v128.store(at(qh, k * stepFloats + s), v128.load(at(qrow, 2 * units + j)));
        update(v128.load(at(grow, j)), v128.load(at(grow, 2 * units + j)), at(hPrev, s), at(hSeq, k * stepFloats + s), mask, m, keep);
      }
    }
  }
}

/**
 * BPTT. hSeq, gates, qh from the forward, h0 [B, H], wT [3H, H] = Wᵀ, dHs [T·B, H] → dP, dInner
 * [T·B, 3H]; dbRec [3H] (zeroed by the caller) accumulates Σ_rows dInner; dh [B, H] holds ∂L/∂h_{T−1} on
 * entry and ∂L/∂h0 on return. dHs is 0 when only the final state is used.
 * scratch, direct: [B, H].
 */
export function gruResetAfterBackward(
  batch: i32, steps: i32, units: i32, act: i32, recAct: i32,
  h0: usize, hSeq: usize, gates: usize, qh: usize, wT: usize, mask: usize, recMask: usize,
  dHs: usize, dP: usize, dInner: usize, dbRec: usize, dh: usize, scratch: usize, direct: usize,
): void {
  const n = 3 * units;
  const stepFloats = batch * units;
  for (let k = steps - 1; k >= 0; k--) {
    const hPrev = k == 0 ? h0 : at(hSeq, (k - 1) * stepFloats);
    const gk = at(gates, k * batch * n), dpk = at(dP, k * batch * n), dik = at(dInner, k * batch * n);
    for (let b = 0; b < batch; b++) {
      const m = f32x4.splat(maskAt(mask, batch, k, b));
      const grow = at(gk, b * n), dprow = at(dpk, b * n), dirow = at(dik, b * n);
      for (let j = 0; j < units; j += 4) {
        const s = b * units + j;
        let dht = v128.load(at(dh, s));
        if (mask != 0) dht = f32x4.mul(m, dht);
        const z = v128.load(at(grow, j)), r = v128.load(at(grow, units + j)), hh = v128.load(at(grow, 2 * units + j));
        const da = flush(f32x4.mul(f32x4.mul(dht, f32x4.sub(ONE4, z)), activationGrad4(act, hh)));
        const dz = flush(f32x4.mul(f32x4.mul(dht, f32x4.sub(v128.load(at(hPrev, s)), hh)), activationGrad4(recAct, z)));
        const dr = flush(f32x4.mul(f32x4.mul(da, v128.load(at(qh, k * stepFloats + s))), activationGrad4(recAct, r)));
        v128.store(at(dprow, j), dz);
        v128.store(at(dprow, units + j), dr);
        v128.store(at(dprow, 2 * units + j), da);
        v128.store(at(dirow, j), dz);
        v128.store(at(dirow, units + j), dr);
        v128.store(at(dirow, 2 * units + j), flush(f32x4.mul(da, r)));
        v128.store(at(direct, s), f32x4.mul(dht, z));
      }
    }
    if (dbRec != 0) addColumnSums(dik, batch, n, dbRec);
    gemm(batch, units, n, dik, n, wT, units, 0, 0, scratch, units);
    carryHiddenGrad(batch, units, k, scratch, recMask, direct, mask, dh, dHs);
  }
}

/**
 * p [T·B, 3H], h0 [B, H], w [H, 3H], mask, recMask as above → hSeq [T·B, H], gates [T·B, 3H]
 * (z, r, ĥ), resetH [T·B, H] (r ⊙ hIn). scratch: [B, H]; q: [B, 2H]; u: [B, H].
 */
export function gruResetBeforeForward(
  batch: i32, steps: i32, units: i32, act: i32, recAct: i32,
  p: usize, h0: usize, w: usize, mask: usize, recMask: usize,
  hSeq: usize, gates: usize, resetH: usize, scratch: usize, q: usize, u: usize,
): void {
  const n = 3 * units;
  const stepFloats = batch * units;
  for (let k = 0; k < steps; k++) {
    const hPrev = k == 0 ? h0 : at(hSeq, (k - 1) * stepFloats);
    const hIn = recurrentInput(hPrev, recMask, scratch, stepFloats);
    gemm(batch, 2 * units, units, hIn, units, w, n, 0, 0, q, 2 * units);
    const pk = at(p, k * batch * n);
    const gk = at(gates, k * batch * n);
    const rk = at(resetH, k * stepFloats);
    for (let b = 0; b < batch; b++) {
      const prow = at(pk, b * n), qrow = at(q, b * 2 * units), grow = at(gk, b * n);
      for (let j = 0; j < units; j += 4) {
        const z = activate4(recAct, f32x4.add(v128.load(at(prow, j)), v128.load(at(qrow, j))));
        const r = activate4(recAct, f32x4.add(v128.load(at(prow, units + j)), v128.load(at(qrow, units + j))));
        v128.store(at(grow, j), z);
        v128.store(at(grow, units + j), r);
        const s = b * units + j;
        v128.store(at(rk, s), f32x4.mul(r, v128.load(at(hIn, s))));
      }
    }
    gemm(batch, units, units, rk, units, at(w, 2 * units), n, at(pk, 2 * units), n, u, units);
    for (let b = 0; b < batch; b++) {
      const m = f32x4.splat(maskAt(mask, batch, k, b));
      const keep = f32x4.splat(<f32>1.0 - maskAt(mask, batch, k, b));
      const grow = at(gk, b * n);
      for (let j = 0; j < units; j += 4) {
        const s = b * units + j;
        const hh = activate4(act, v128.load(at(u, s)));
        v128.store(at(grow, 2 * units + j), hh);
        update(v128.load(at(grow, j)), hh, at(hPrev, s), at(hSeq, k * stepFloats + s), mask, m, keep);
      }
    }
  }
}

/**
 * BPTT. hSeq, gates from the forward, h0 [B, H], wT [3H, H] = Wᵀ, recMask, dHs [T·B, H] → dP
 * [T·B, 3H] (also dInner); dh [B, H] holds ∂L/∂h_{T−1} on entry and ∂L/∂h0 on return (dHs 0 as above). scratch, direct, dResetH, hIn: [B, H].
 */
export function gruResetBeforeBackward(
  batch: i32, steps: i32, units: i32, act: i32, recAct: i32,
  h0: usize, hSeq: usize, gates: usize, wT: usize, mask: usize, recMask: usize,
  dHs: usize, dP: usize, dh: usize, scratch: usize, direct: usize, dResetH: usize, hInBuffer: usize,
): void {
  const n = 3 * units;
  const stepFloats = batch * units;
  for (let k = steps - 1; k >= 0; k--) {
    const hPrev = k == 0 ? h0 : at(hSeq, (k - 1) * stepFloats);
    const hIn = recurrentInput(hPrev, recMask, hInBuffer, stepFloats);
    const gk = at(gates, k * batch * n), dpk = at(dP, k * batch * n);
    for (let b = 0; b < batch; b++) {
      const m = f32x4.splat(maskAt(mask, batch, k, b));
      const grow = at(gk, b * n), dprow = at(dpk, b * n);
      for (let j = 0; j < units; j += 4) {
        const s = b * units + j;
        let dht = v128.load(at(dh, s));
        if (mask != 0) dht = f32x4.mul(m, dht);
        const z = v128.load(at(grow, j)), hh = v128.load(at(grow, 2 * units + j));
        const da = flush(f32x4.mul(f32x4.mul(dht, f32x4.sub(ONE4, z)), activationGrad4(act, hh)));
        v128.store(at(dprow, j), flush(f32x4.mul(f32x4.mul(dht, f32x4.sub(v128.load(at(hPrev, s)), hh)), activationGrad4(recAct, z))));
        v128.store(at(dprow, 2 * units + j), da);
        v128.store(at(direct, s), f32x4.mul(dht, z));
      }
    }
    gemm(batch, units, units, at(dpk, 2 * units), n, at(wT, 2 * units * units), units, 0, 0, dResetH, units);
    for (let b = 0; b < batch; b++) {
      const grow = at(gk, b * n), dprow = at(dpk, b * n);
      for (let j = 0; j < units; j += 4) {
        const s = b * units + j;
        const r = v128.load(at(grow, units + j));
        v128.store(at(dprow, units + j), flush(f32x4.mul(f32x4.mul(v128.load(at(dResetH, s)), v128.load(at(hIn, s))), activationGrad4(recAct, r))));
      }
    }
    gemm(batch, units, 2 * units, dpk, n, wT, units, 0, 0, scratch, units);
    for (let b = 0; b < batch; b++) {
      const grow = at(gk, b * n);
      for (let j = 0; j < units; j += 4) {
        const s = b * units + j;
        const r = v128.load(at(grow, units + j));
        v128.store(at(scratch, s), f32x4.add(v128.load(at(scratch, s)), f32x4.mul(v128.load(at(dResetH, s)), r)));
      }
    }
    carryHiddenGrad(batch, units, k, scratch, recMask, direct, mask, dh, dHs);
  }
}
