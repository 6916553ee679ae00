/**
 * LSTM step (Keras `LSTMCell`). Shapes: B batch, I input, H units; fused gate columns i, f, c, o.
 */
import { add, matMul, mul, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { activate } from '../activations';
import type { LstmConfig } from '../config';
import type { CellParams } from '../params';
import type { LstmState } from '../state';
import { splitGates } from './gates';

/**
 * One LSTM step (σ = recurrentActivation, act = activation):
 *
 *     z = x_t·Wxh + (h_{t−1} ⊙ m_rec)·Whh + bh;   z_i, z_f, z_c, z_o = split(z, 4)
 *     i = σ(z_i);  f = σ(z_f);  o = σ(z_o)
 *     c_t = f ⊙ c_{t−1} + i ⊙ act(z_c);   h_t = o ⊙ act(c_t);   y_t = h_t
 *
 * x [B, I], h and c [B, H], Wxh [I, 4H], Whh [H, 4H], bh [4H]; `m_rec` is the optional
 * recurrent-dropout mask [B, H]. The additions follow Keras' order. The caller owns the result.
 */
export function lstmStep(
  config: LstmConfig,
  params: CellParams,
  state: LstmState,
  x: Tensor,
  recurrentMask?: Tensor,
): { state: LstmState; y: Tensor } {
  return tidy(() => {
    const hIn = recurrentMask === undefined ? state.h : mul(state.h, recurrentMask);
    let z = add(matMul(x, params.wxh), matMul(hIn, params.whh));
    if (params.bh !== undefined) z = add(z, params.bh);
    const [zi, zf, zc, zo] = splitGates(z, 4);
    const i = activate(config.recurrentActivation, zi);
    const f = activate(config.recurrentActivation, zf);
    const o = activate(config.recurrentActivation, zo);
    const c = add(mul(f, state.c), mul(i, activate(config.activation, zc)));
    const h = mul(o, activate(config.activation, c));
    return { state: { h, c }, y: h };
  });
}
