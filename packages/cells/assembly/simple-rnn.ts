/**
 * SimpleRNN over all T steps (G = 1). Shapes: B batch, T time, H units (padded to a multiple of 4).
 *
 *   forward:  a = p_k + hIn·W;  h̃ = act(a);  h_k = m·h̃ + (1 − m)·h_{k−1}
 *   backward: da = (m·dh) ⊙ act'(h̃) (h̃ = h_k wherever m = 1, and da = 0 where m = 0)
 *             dp_k = da;  dhIn = da·Wᵀ;  dh_{k−1} = dhIn ⊙ m_rec + (1 − m)·dh + dHs_{k−1}
 */
import { gemm } from './gemm';
import { activate4, activationGrad4, flush } from './simd';
import { at, carryHiddenGrad, maskAt, recurrentInput } from './common';

/**
 * p [T·B, H], h0 [B, H], w [H, H], mask [T·B] (or 0), recMask [B, H] (or 0) → hSeq [T·B, H], the
 * carried h of every step. scratch: [B, H].
 */
export function simpleRnnForward(
  batch: i32, steps: i32, units: i32, act: i32,
  p: usize, h0: usize, w: usize, mask: usize, recMask: usize, hSeq: usize, scratch: usize,
): void {
  const stepFloats = batch * units;
  for (let k = 0; k < steps; k++) {
    const hPrev = k == 0 ? h0 : at(hSeq, (k - 1) * stepFloats);
    const hIn = recurrentInput(hPrev, recMask, scratch, stepFloats);
    const out = at(hSeq, k * stepFloats);
    gemm(batch, units, units, hIn, units, w, units, at(p, k * stepFloats), units, out, units);
    for (let b = 0; b < batch; b++) {
      const m = f32x4.splat(maskAt(mask, batch, k, b));
      const keep = f32x4.splat(<f32>1.0 - maskAt(mask, batch, k, b));
      for (let j = 0; j < units; j += 4) {
        const i = b * units + j;
        let h = activate4(act, v128.load(at(out, i)));
        if (mask != 0) h = f32x4.add(f32x4.mul(m, h), f32x4.mul(keep, v128.load(at(hPrev, i))));
        v128.store(at(out, i), flush(h));
      }
    }
  }
}

/**
 * BPTT. hSeq [T·B, H] from the forward, wT [H, H] = Wᵀ, dHs [T·B, H] the upstream gradient of every
 * step's carried h (0 when only the final state is used) → dP [T·B, H]. dh [B, H] holds ∂L/∂h_{T−1}
 * on entry and ∂L/∂h0 on return. scratch: [B, H].
 */
export function simpleRnnBackward(
  batch: i32, steps: i32, units: i32, act: i32,
  hSeq: usize, wT: usize, mask: usize, recMask: usize, dHs: usize, dP: usize, dh: usize, scratch: usize,
): void {
  const stepFloats = batch * units;
  for (let k = steps - 1; k >= 0; k--) {
    const h = at(hSeq, k * stepFloats);
    const da = at(dP, k * stepFloats);
    for (let b = 0; b < batch; b++) {
      const m = f32x4.splat(maskAt(mask, batch, k, b));
      for (let j = 0; j < units; j += 4) {
        const i = b * units + j;
        let g = v128.load(at(dh, i));
        if (mask != 0) g = f32x4.mul(m, g);
        v128.store(at(da, i), flush(f32x4.mul(g, activationGrad4(act, v128.load(at(h, i))))));
      }
    }
    gemm(batch, units, units, da, units, wT, units, 0, 0, scratch, units);
    carryHiddenGrad(batch, units, k, scratch, recMask, 0, mask, dh, dHs);
  }
}
