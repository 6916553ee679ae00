/**
 * SimpleRNN step (Keras `SimpleRNNCell`). Shapes: B batch, I input, H units.
 */
import { add, matMul, mul, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { activate } from '../activations';
import type { SimpleRnnConfig } from '../config';
import type { CellParams } from '../params';
import type { RnnState } from '../state';

/**
 * One SimpleRNN step:
 *
 *     h_t = act(x_t·Wxh + bh + (h_{t−1} ⊙ m_rec)·Whh),   y_t = h_t
 *
 * x [B, I], h [B, H], Wxh [I, H], Whh [H, H], bh [H]; `m_rec` is the optional recurrent-dropout mask [B, H].
 * The additions follow Keras' order. The caller owns the returned tensors.
 */
export function simpleRnnStep(
  config: SimpleRnnConfig,
  params: CellParams,
  state: RnnState,
  x: Tensor,
  recurrentMask?: Tensor,
): { state: RnnState; y: Tensor } {
  return tidy(() => {
    let z = matMul(x, params.wxh);
    if (params.bh !== undefined) z = add(z, params.bh);
    const hIn = recurrentMask === undefined ? state.h : mul(state.h, recurrentMask);
    const h = activate(config.activation, add(z, matMul(hIn, params.whh)));
    return { state: { h }, y: h };
  });
}
