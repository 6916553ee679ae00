/**
 * GRU forward and backward step for the fused driver (G = 3, column blocks z, r, h).
 *
 * reset-after:  q = hIn·W + bRec;  zr = σ(p[z,r] + q[z,r]);  ĥ = act(p[h] + r ⊙ q[h])       saves: [zr, ĥ, q[h]]
 * reset-before: q = hIn·W[z,r];    zr = σ(p[z,r] + q);       ĥ = act(p[h] + (r ⊙ hIn)·W[h])  saves: [zr, ĥ, r ⊙ hIn]
 * both:         h̃ = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ
 *
 * backward: dĥ = dh̃ ⊙ (1 − z);  dz = dh̃ ⊙ (h_{t−1} − ĥ);  dh_{t−1} (direct) = dh̃ ⊙ z;  da = dĥ ⊙ act'(ĥ)
 *   reset-after:  dzr = [dz, da ⊙ q[h]] ⊙ σ';  dp = [dzr, da];  dInner = [dzr, da ⊙ r];  dhIn = dInner·Wᵀ
 *   reset-before: d(r ⊙ hIn) = da·W[h]ᵀ;  dzr = [dz, d(r ⊙ hIn) ⊙ hIn] ⊙ σ';  dp = dInner = [dzr, da]
 *                 dhIn = dzr·W[z,r]ᵀ + d(r ⊙ hIn) ⊙ r
 */
import { add, concat, matMul, mul, scalar, slice, sub, transpose } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { activate, activationGradFromOutput } from '../activations';
import type { GruConfig } from '../config';
import { cols } from './columns';
import type { FusedCell } from './fused-cell';

/** Rows `from`…`from + count − 1` of wT [3H, H] (the transposed blocks). */
function rowBlocks(wT: Tensor, units: number, from: number, count: number): Tensor {
  return slice(wT, [from * units, 0], [count * units, units]);
}

export function fusedGru(config: GruConfig): FusedCell {
  const H = config.units;
  const mix = (z: Tensor, hPrev: Tensor, candidate: Tensor): Tensor => add(mul(z, hPrev), mul(sub(scalar(1), z), candidate));
  if (config.resetAfter) {
    return {
      hasCellState: false,
      forward({ p, hPrev, hIn }, { w, bRec }) {
        let q = matMul(hIn, w);
        if (bRec !== null) q = add(q, bRec);
        const zr = activate(config.recurrentActivation, add(cols(p, H, 0, 2), cols(q, H, 0, 2)));
        const qh = cols(q, H, 2);
        const candidate = activate(config.activation, add(cols(p, H, 2), mul(cols(zr, H, 1), qh)));
        return { h: mix(cols(zr, H, 0), hPrev, candidate), c: null, saves: [zr, candidate, qh] };
      },
      backward(dh, _dc, [zr, candidate, qh], { hPrev }, _weights, wT) {
        const z = cols(zr!, H, 0);
        const da = mul(mul(dh, sub(scalar(1), z)), activationGradFromOutput(config.activation, candidate!));
        const dzr = mul(concat([mul(dh, sub(hPrev, candidate!)), mul(da, qh!)], 1), activationGradFromOutput(config.recurrentActivation, zr!));
        const dInner = concat([dzr, mul(da, cols(zr!, H, 1))], 1);
        return { dP: concat([dzr, da], 1), dInner, dhIn: matMul(dInner, wT), dhPrev: mul(dh, z), dcPrev: null };
      },
    };
  }
  return {
    hasCellState: false,
    forward({ p, hPrev, hIn }, { w }) {
      const zr = activate(config.recurrentActivation, add(cols(p, H, 0, 2), matMul(hIn, cols(w, H, 0, 2))));
      const resetH = mul(cols(zr, H, 1), hIn);
      const candidate = activate(config.activation, add(cols(p, H, 2), matMul(resetH, cols(w, H, 2))));
      return { h: mix(cols(zr, H, 0), hPrev, candidate), c: null, saves: [zr, candidate, resetH] };
    },
    backward(dh, _dc, [zr, candidate], { hPrev, hIn }, _weights, wT) {
      const z = cols(zr!, H, 0);
      const da = mul(mul(dh, sub(scalar(1), z)), activationGradFromOutput(config.activation, candidate!));
      const dResetH = matMul(da, rowBlocks(wT, H, 2, 1));
      const dzr = mul(concat([mul(dh, sub(hPrev, candidate!)), mul(dResetH, hIn)], 1), activationGradFromOutput(config.recurrentActivation, zr!));
      const dP = concat([dzr, da], 1);
      const dhIn = add(matMul(dzr, rowBlocks(wT, H, 0, 2)), mul(dResetH, cols(zr!, H, 1)));
      return { dP, dInner: dP, dhIn, dhPrev: mul(dh, z), dcPrev: null };
    },
    recurrentKernelGrad(hIn, [, , resetH], dInner) {
      // the z, r blocks see hIn, the h block sees r ⊙ hIn: one matmul each over all steps
      const zrBlocks = matMul(transpose(hIn), cols(dInner, H, 0, 2));
      const hBlock = matMul(transpose(resetH!), cols(dInner, H, 2));
      return concat([zrBlocks, hBlock], 1);
    },
  };
}
