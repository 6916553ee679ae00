/**
 * GRU forward and backward step for the fused driver (gate-major, G = 3, blocks z, r, h).
 *
 * reset-after:  q = hIn·W + bRec [3, B, H];  z, r = σ(p[0:2] + q[0:2]);  ĥ = act(p[2] + r ⊙ q[2])
 * reset-before: q = hIn·W[0:2]   [2, B, H];  z, r = σ(p[0:2] + q);       ĥ = act(p[2] + (r ⊙ hIn)·W[2])
 * both:         h̃ = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ                 saves: [zr, ĥ, q[2] or r ⊙ hIn]
 *
 * backward: dĥ = dh̃ ⊙ (1 − z);  dz = dh̃ ⊙ (h_{t−1} − ĥ);  dh_{t−1} (direct) = dh̃ ⊙ z;  da = dĥ ⊙ act'(ĥ)
 *   reset-after:  dr = da ⊙ q[2];  dzr = [dz, dr] ⊙ σ';  dp = [dzr, da];  dInner = [dzr, da ⊙ r];  dhIn = Σ_g dInner_g·W_gᵀ
 *   reset-before: d(r ⊙ hIn) = da·W[2]ᵀ;  dr = d(r ⊙ hIn) ⊙ hIn;  dzr = [dz, dr] ⊙ σ';  dp = dInner = [dzr, da]
 *                 dhIn = Σ_{z,r} dzr_g·W_gᵀ + d(r ⊙ hIn) ⊙ r
 */
import { add, matMul, mul, reshape, scalar, sub, sum, transpose } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { activate, activationGradFromOutput } from '../activations';
import type { GruConfig } from '../config';
import type { FusedCell } from './fused-cell';
import { block, blocks, gateMajor } from './lstm';

export function fusedGru(config: GruConfig): FusedCell {
  const H = config.units;
  return {
    gates: 3,
    hasCellState: false,
    forward({ p, hPrev, hIn }, { w, bRec }) {
      const hIn3 = reshape(hIn, [1, ...hIn.shape]);
      let zr: Tensor;
      let candidate: Tensor;
      let third: Tensor;
      if (config.resetAfter) {
        let q = matMul(hIn3, w);
        if (bRec !== null) q = add(q, bRec);
        zr = activate(config.recurrentActivation, add(blocks(p, 0, 2), blocks(q, 0, 2)));
        third = block(q, 2);
        candidate = activate(config.activation, add(block(p, 2), mul(block(zr, 1), third)));
      } else {
        const q = matMul(hIn3, blocks(w, 0, 2));
        zr = activate(config.recurrentActivation, add(blocks(p, 0, 2), q));
        third = mul(block(zr, 1), hIn);
        candidate = activate(config.activation, add(block(p, 2), matMul(third, reshape(blocks(w, 2, 3), [H, H]))));
      }
      const z = block(zr, 0);
      const h = add(mul(z, hPrev), mul(sub(scalar(1), z), candidate));
      return { h, c: null, saves: [zr, candidate, third] };
    },
    backward(dh, _dc, [zr, candidate, third], { hPrev, hIn }, _weights, wT) {
      const z = block(zr!, 0);
      const r = block(zr!, 1);
      const dCandidate = mul(dh, sub(scalar(1), z));
      const dz = mul(dh, sub(hPrev, candidate!));
      const dhPrev = mul(dh, z);
      const da = mul(dCandidate, activationGradFromOutput(config.activation, candidate!));
      const dzrGrad = activationGradFromOutput(config.recurrentActivation, zr!);
      if (config.resetAfter) {
        const dzr = mul(gateMajor([dz, mul(da, third!)]), dzrGrad);
        const dInner = gateMajor([block(dzr, 0), block(dzr, 1), mul(da, r)]);
        const dP = gateMajor([block(dzr, 0), block(dzr, 1), da]);
        return { dP, dInner, dhIn: sum(matMul(dInner, wT), 0), dhPrev, dcPrev: null };
      }
      const dResetH = matMul(da, reshape(blocks(wT, 2, 3), [H, H]));
      const dzr = mul(gateMajor([dz, mul(dResetH, hIn)]), dzrGrad);
      const dP = gateMajor([block(dzr, 0), block(dzr, 1), da]);
      const dhIn = add(sum(matMul(dzr, blocks(wT, 0, 2)), 0), mul(dResetH, r));
      return { dP, dInner: dP, dhIn, dhPrev, dcPrev: null };
    },
    ...(config.resetAfter ? {} : { recurrentKernelGrad }),
  };

  function recurrentKernelGrad(hIn: Tensor, [, , resetH]: Tensor[], dInner: Tensor): Tensor {
          // z, r blocks see hIn; the h block sees r ⊙ hIn: two batched matmuls over all steps
    const rows = hIn.shape[0] ?? 0;
    const zr = matMul(reshape(transpose(hIn), [1, H, rows]), blocks(dInner, 0, 2));
    const hBlock = matMul(transpose(reshape(resetH!, [rows, H])), reshape(blocks(dInner, 2, 3), [rows, H]));
    return gateMajor([block(zr, 0), block(zr, 1), hBlock]);
  }
}
