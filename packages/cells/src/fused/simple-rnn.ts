/**
 * SimpleRNN forward and backward step for the fused driver (gate-major, G = 1).
 *
 *   forward:  a = p + hIn·W;  h̃ = act(a)                          saves: [h̃]
 *   backward: da = dh̃ ⊙ act'(a), taken from h̃;  dp = dInner = da;  dhIn = da·Wᵀ
 */
import { add, matMul, mul, reshape } from '@rnnkit/tensor';
import { activate, activationGradFromOutput } from '../activations';
import type { SimpleRnnConfig } from '../config';
import type { FusedCell } from './fused-cell';

export function fusedSimpleRnn(config: SimpleRnnConfig): FusedCell {
  const H = config.units;
  return {
    gates: 1,
    hasCellState: false,
    forward({ p, hIn }, { w }) {
      const a = add(reshape(p, hIn.shape), matMul(hIn, reshape(w, [H, H])));
      const h = activate(config.activation, a);
      return { h, c: null, saves: [h] };
    },
    backward(dh, _dc, [h], { hIn }, _weights, wT) {
      const da = mul(dh, activationGradFromOutput(config.activation, h!));
      const dGate = reshape(da, [1, ...hIn.shape]);
      return { dP: dGate, dInner: dGate, dhIn: matMul(da, reshape(wT, [H, H])), dhPrev: null, dcPrev: null };
    },
  };
}
