/**
 * LSTM forward and backward step for the fused driver (gate-major, G = 4, blocks i, f, c, o).
 *
 *   forward:  z = p + hIn·W  [4, B, H];  s = σ(z);  i, f, o = s[0], s[1], s[3];  g = act(z[2])
 *             c̃ = f ⊙ c_{t−1} + i ⊙ g;  k = act(c̃);  h̃ = o ⊙ k             saves: [s, g, k]
 *   backward: dc̃ += dh̃ ⊙ o ⊙ act'(k);  dz_i = dc̃ ⊙ g ⊙ σ'(i);  dz_f = dc̃ ⊙ c_{t−1} ⊙ σ'(f)
 *             dz_c = dc̃ ⊙ i ⊙ act'(g);  dz_o = dh̃ ⊙ k ⊙ σ'(o);  dp = dInner = dz
 *             dhIn = Σ_g dz_g·W_gᵀ;  dc_{t−1} = dc̃ ⊙ f
 * σ' and act' are taken from the activations' outputs.
 */
import { add, concat, matMul, mul, reshape, slice, sum } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { activate, activationGradFromOutput } from '../activations';
import type { LstmConfig } from '../config';
import type { FusedCell } from './fused-cell';

/** Block `g` of a gate-major [G, B, H] tensor, as [B, H]. */
export function block(t: Tensor, g: number): Tensor {
  const [, b, h] = t.shape as [number, number, number];
  return reshape(slice(t, [g, 0, 0], [1, b, h]), [b, h]);
}

/** Blocks `from`…`to − 1` of a gate-major [G, B, H] tensor. */
export function blocks(t: Tensor, from: number, to: number): Tensor {
  const [, b, h] = t.shape as [number, number, number];
  return slice(t, [from, 0, 0], [to - from, b, h]);
}

/** Stacks [B, H] tensors into a gate-major [G, B, H] tensor. */
export function gateMajor(parts: Tensor[]): Tensor {
  return concat(parts.map((t) => reshape(t, [1, ...t.shape])), 0);
}

export function fusedLstm(config: LstmConfig): FusedCell {
  return {
    gates: 4,
    hasCellState: true,
    forward({ p, hIn, cPrev }, { w }) {
      const z = add(p, matMul(reshape(hIn, [1, ...hIn.shape]), w));
      const s = activate(config.recurrentActivation, z);
      const g = activate(config.activation, block(z, 2));
      const c = add(mul(block(s, 1), cPrev!), mul(block(s, 0), g));
      const k = activate(config.activation, c);
      const h = mul(block(s, 3), k);
      return { h, c, saves: [s, g, k] };
    },
    backward(dh, dc, [s, g, k], { cPrev }, _weights, wT) {
      const i = block(s!, 0);
      const f = block(s!, 1);
      const o = block(s!, 3);
      const ds = activationGradFromOutput(config.recurrentActivation, s!);
      const dcTotal = add(dc!, mul(mul(dh, o), activationGradFromOutput(config.activation, k!)));
      const dz = gateMajor([
        mul(mul(dcTotal, g!), block(ds, 0)),
        mul(mul(dcTotal, cPrev!), block(ds, 1)),
        mul(mul(dcTotal, i), activationGradFromOutput(config.activation, g!)),
        mul(mul(dh, k!), block(ds, 3)),
      ]);
      const dhIn = sum(matMul(dz, wT), 0);
      return { dP: dz, dInner: dz, dhIn, dhPrev: null, dcPrev: mul(dcTotal, f) };
    },
  };
}
