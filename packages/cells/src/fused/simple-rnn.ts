/**
 * SimpleRNN forward and backward step for the fused driver (G = 1).
 *
 *   forward:  a = p + hIn·W;  h̃ = act(a)                              saves: [h̃]
 *   backward: da = dh̃ ⊙ act'(a), taken from h̃;  dp = dInner = da;  dhIn = da·Wᵀ
 */
import { add, matMul, mul } from '@rnnkit/tensor';
import { activate, activationGradFromOutput } from '../activations';
import type { SimpleRnnConfig } from '../config';
import type { FusedCell } from './fused-cell';

export function fusedSimpleRnn(config: SimpleRnnConfig): FusedCell {
  return {
    hasCellState: false,
    forward({ p, hIn }, { w }) {
      const h = activate(config.activation, add(p, matMul(hIn, w)));
      return { h, c: null, saves: [h] };
    },
    backward(dh, _dc, [h], _inputs, _weights, wT) {
      const da = mul(dh, activationGradFromOutput(config.activation, h!));
      return { dP: da, dInner: da, dhIn: matMul(da, wT), dhPrev: null, dcPrev: null };
    },
  };
}
