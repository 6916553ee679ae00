/**
 * LSTM over all T steps (G = 4, column blocks i, f, c, o). Shapes: B batch, T time, H units
 * (padded to a multiple of 4), N = 4H.
 *
 *   forward:  z = p_k + hIn·W;  i, f, o = σ(z_i), σ(z_f), σ(z_o);  g = act(z_c)
 *             c̃ = f ⊙ c_{k−1} + i ⊙ g;  k̃ = act(c̃);  h̃ = o ⊙ k̃
 *             c_k = m·c̃ + (1 − m)·c_{k−1};  h_k = m·h̃ + (1 − m)·h_{k−1}      saves: gates [i, f, g, o], k̃
 *   backward: dh̃ = m·dh, dc̃ = m·dc;  dcT = dc̃ + dh̃ ⊙ o ⊙ act'(k̃)
 *             dz = [dcT ⊙ g ⊙ σ'(i), dcT ⊙ c_{k−1} ⊙ σ'(f), dcT ⊙ i ⊙ act'(g), dh̃ ⊙ k̃ ⊙ σ'(o)]
 *             dp_k = dz;  dhIn = dz·Wᵀ;  dc_{k−1} = (1 − m)·dc + dcT ⊙ f
 *             dh_{k−1} = dhIn ⊙ m_rec + (1 − m)·dh + dHs_{k−1}
 */
import { gemm } from './gemm';
import { activate4, activateInPlace, activationGrad4, flush } from './simd';
import { at, carryHiddenGrad, maskAt, recurrentInput } from './common';

/**
 * One row of z [4H] in place: i, f, o = recAct(z_i, z_f, z_o), g = act(z_c). Each block is one
 * pass over contiguous vectors, whose independent evaluations overlap, where four activations
 * per vector, one after the other, stalled on their own latency (the LSTM forward and inference
 * ran 3–4% faster; the same operations per element, so the same results).
 */
export function activateGates(act: i32, recAct: i32, units: i32, row: usize): void {
  activateInPlace(recAct, row, 2 * units);
  activateInPlace(act, at(row, 2 * units), units);
  activateInPlace(recAct, at(row, 3 * units), units);
}

/**
 * p [T·B, 4H], h0, c0 [B, H], w [H, 4H], mask [T·B] (or 0), recMask [B, H] (or 0) →
 * hSeq, cSeq [T·B, H] carried states; gates [T·B, 4H] (i, f, g, o after their activations);
 * kSeq [T·B, H] act(c̃). scratch: [B, H].
 */
export function lstmForward(
  batch: i32, steps: i32, units: i32, act: i32, recAct: i32,
  p: usize, h0: usize, c0: usize, w: usize, mask: usize, recMask: usize,
  hSeq: usize, cSeq: usize, gates: usize, kSeq: usize, scratch: usize,
): void {
  const n = 4 * units;
  const stepFloats = batch * units;
  for (let k = 0; k < steps; k++) {
    const hPrev = k == 0 ? h0 : at(hSeq, (k - 1) * stepFloats);
    const cPrev = k == 0 ? c0 : at(cSeq, (k - 1) * stepFloats);
    const hIn = recurrentInput(hPrev, recMask, scratch, stepFloats);
    const z = at(gates, k * batch * n);
    gemm(batch, n, units, hIn, units, w, n, at(p, k * batch * n), n, z, n);
    for (let b = 0; b < batch; b++) {
      const m = f32x4.splat(maskAt(mask, batch, k, b));
      const keep = f32x4.splat(<f32>1.0 - maskAt(mask, batch, k, b));
      const row = at(z, b * n);
      activateGates(act, recAct, units, row);
      for (let j = 0; j < units; j += 4) {
        const i = v128.load(at(row, j)), f = v128.load(at(row, units + j));
        const g = v128.load(at(row, 2 * units + j)), o = v128.load(at(row, 3 * units + j));
        const s = b * units + j;
        const cOld = v128.load(at(cPrev, s));
        let c = f32x4.add(f32x4.mul(f, cOld), f32x4.mul(i, g));
        const kk = activate4(act, c);
        v128.store(at(kSeq, k * stepFloats + s), kk);
        let h = f32x4.mul(o, kk);
        if (mask != 0) {
          c = f32x4.add(f32x4.mul(m, c), f32x4.mul(keep, cOld));
          h = f32x4.add(f32x4.mul(m, h), f32x4.mul(keep, v128.load(at(hPrev, s))));
        }
        v128.store(at(cSeq, k * stepFloats + s), flush(c));
        v128.store(at(hSeq, k * stepFloats + s), flush(h));
      }
    }
  }
}

/**
 * BPTT. cSeq, gates, kSeq from the forward, c0 [B, H], wT [4H, H] = Wᵀ, dHs [T·B, H] the upstream
 * gradient of every carried h (0 when only the final state is used) → dP [T·B, 4H]. dh, dc [B, H]
 * hold ∂L/∂h_{T−1}, ∂L/∂c_{T−1} on entry and ∂L/∂h0, ∂L/∂c0 on return. scratch: [B, H].
 */
export function lstmBackward(
  batch: i32, steps: i32, units: i32, act: i32, recAct: i32,
  c0: usize, cSeq: usize, gates: usize, kSeq: usize, wT: usize, mask: usize, recMask: usize,
  dHs: usize, dP: usize, dh: usize, dc: usize, scratch: usize,
): void {
  const n = 4 * units;
  const stepFloats = batch * units;
  for (let k = steps - 1; k >= 0; k--) {
    const cPrev = k == 0 ? c0 : at(cSeq, (k - 1) * stepFloats);
    const dz = at(dP, k * batch * n);
    const gk = at(gates, k * batch * n);
    for (let b = 0; b < batch; b++) {
      const mScalar = maskAt(mask, batch, k, b);
      const m = f32x4.splat(mScalar);
      const keep = f32x4.splat(<f32>1.0 - mScalar);
      const row = at(gk, b * n);
      const drow = at(dz, b * n);
      for (let j = 0; j < units; j += 4) {
        const s = b * units + j;
        let dht = v128.load(at(dh, s));
        const dcOld = v128.load(at(dc, s));
        let dct = dcOld;
        if (mask != 0) {
          dht = f32x4.mul(m, dht);
          dct = f32x4.mul(m, dct);
        }
        const i = v128.load(at(row, j)), f = v128.load(at(row, units + j));
        const g = v128.load(at(row, 2 * units + j)), o = v128.load(at(row, 3 * units + j));
        const kk = v128.load(at(kSeq, k * stepFloats + s));
        const dcT = f32x4.add(dct, f32x4.mul(f32x4.mul(dht, o), activationGrad4(act, kk)));
        v128.store(at(drow, j), flush(f32x4.mul(f32x4.mul(dcT, g), activationGrad4(recAct, i))));
        v128.store(at(drow, units + j), flush(f32x4.mul(f32x4.mul(dcT, v128.load(at(cPrev, s))), activationGrad4(recAct, f))));
        v128.store(at(drow, 2 * units + j), flush(f32x4.mul(f32x4.mul(dcT, i), activationGrad4(act, g))));
        v128.store(at(drow, 3 * units + j), flush(f32x4.mul(f32x4.mul(dht, kk), activationGrad4(recAct, o))));
        let dcNext = f32x4.mul(dcT, f);
        if (mask != 0) dcNext = f32x4.add(f32x4.mul(keep, dcOld), dcNext);
        v128.store(at(dc, s), flush(dcNext));
      }
    }
    gemm(batch, units, n, dz, n, wT, units, 0, 0, scratch, units);
    carryHiddenGrad(batch, units, k, scratch, recMask, 0, mask, dh, dHs);
  }
}
