/**
 * LSTM forward and backward step for the fused driver (G = 4, column blocks i, f, c, o).
 *
 *   forward:  z = p + hIn·W;  s = σ(z);  i, f, o = s[i], s[f], s[o];  g = act(z[c])
 *             c̃ = f ⊙ c_{t−1} + i ⊙ g;  k = act(c̃);  h̃ = o ⊙ k                saves: [s, g, k]
 *   backward: dc̃ += dh̃ ⊙ o ⊙ act'(k)
 *             dz = [dc̃ ⊙ g, dc̃ ⊙ c_{t−1}, dc̃ ⊙ i, dh̃ ⊙ k] ⊙ [σ'(i), σ'(f), act'(g), σ'(o)]
 *             dp = dInner = dz;  dhIn = dz·Wᵀ;  dc_{t−1} = dc̃ ⊙ f
 * σ' and act' are taken from the activations' outputs.
 */
import { add, concat, matMul, mul } from '@rnnkit/tensor';
import { activate, activationGradFromOutput } from '../activations';
import type { LstmConfig } from '../config';
import { cols } from './columns';
import type { FusedCell } from './fused-cell';

export function fusedLstm(config: LstmConfig): FusedCell {
  const H = config.units;
  return {
    hasCellState: true,
    forward({ p, hIn, cPrev }, { w }) {
      const z = add(p, matMul(hIn, w));
      const s = activate(config.recurrentActivation, z);
      const g = activate(config.activation, cols(z, H, 2));
      const c = add(mul(cols(s, H, 1), cPrev!), mul(cols(s, H, 0), g));
      const k = activate(config.activation, c);
      const h = mul(cols(s, H, 3), k);
      return { h, c, saves: [s, g, k] };
    },
    backward(dh, dc, [s, g, k], { cPrev }, _weights, wT) {
      const ds = activationGradFromOutput(config.recurrentActivation, s!);
      const dcTotal = add(dc!, mul(mul(dh, cols(s!, H, 3)), activationGradFromOutput(config.activation, k!)));
      const upstream = concat([mul(dcTotal, g!), mul(dcTotal, cPrev!), mul(dcTotal, cols(s!, H, 0)), mul(dh, k!)], 1);
      const local = concat([cols(ds, H, 0, 2), activationGradFromOutput(config.activation, g!), cols(ds, H, 3)], 1);
      const dz = mul(upstream, local);
      return { dP: dz, dInner: dz, dhIn: matMul(dz, wT), dhPrev: null, dcPrev: mul(dcTotal, cols(s!, H, 1)) };
    },
  };
}
