/**
 * SimpleRNN in float64, forward and backward by hand.
 *
 *   a_t = x_t·Wxh + h_{t−1}·Whh + bh        x [B, I], Wxh [I, H], Whh [H, H], bh [H]
 *   h_t = act(a_t)                          output y_t = h_t
 *
 * Backward, given dh_t:  da = dh_t ⊙ act'(a_t);  dWxh += x_tᵀ·da;  dWhh += h_{t−1}ᵀ·da;
 * dbh += Σ_B da;  dx_t = da·Wxhᵀ;  dh_{t−1} = da·Whhᵀ.
 */
import { scalarActivation } from './activations';
import { addColumnSums, addTransposedProduct, matmul, matmulTransposed } from './linalg';
import type { ReferenceStep, StepDims } from './step';
import type { ReferenceParams, ReferenceSimpleRnnConfig } from './types';

interface SimpleRnnCache {
  readonly x: Float64Array;
  readonly hPrev: Float64Array;
  /** pre-activation `a_t [B, H]` */
  readonly a: Float64Array;
}

export function simpleRnnStep(config: ReferenceSimpleRnnConfig, params: ReferenceParams, dims: StepDims): ReferenceStep<SimpleRnnCache> {
  const { batch: B, inputSize: I, units: H } = dims;
  const act = scalarActivation(config.activation, 'config.activation');
  return {
    forward(x, state) {
      const a = matmul(x, params.wxh, B, I, H, params.bh);
      const recurrent = matmul(state.h, params.whh, B, H, H);
      const h = new Float64Array(B * H);
      for (let k = 0; k < B * H; k++) {
        a[k] = a[k]! + recurrent[k]!;
        h[k] = act.value(a[k]!);
      }
      return { state: { h, c: null }, cache: { x, hPrev: state.h, a } };
    },
    backward(cache, dh, _dc, gradients) {
      const da = new Float64Array(B * H);
      for (let k = 0; k < B * H; k++) da[k] = dh[k]! * act.derivative(cache.a[k]!);
      addTransposedProduct(gradients.dwxh, cache.x, da, B, I, H);
      addTransposedProduct(gradients.dwhh, cache.hPrev, da, B, H, H);
      if (gradients.dbh !== null) addColumnSums(gradients.dbh, da, B, H);
      return {
        dx: matmulTransposed(da, params.wxh, B, I, H),
        dh: matmulTransposed(da, params.whh, B, H, H),
        dc: null,
      };
    },
  };
}
