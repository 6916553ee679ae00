/**
 * GRU step (Keras `GRUCell`, both reset conventions). Shapes: B batch, I input, H units;
 * fused gate columns z, r, h.
 */
import { add, matMul, mul, scalar, sub, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { activate } from '../activations';
import type { GruConfig } from '../config';
import type { CellParams } from '../params';
import type { RnnState } from '../state';
import { biasRow, gateColumns, splitGates } from './gates';

/**
 * One GRU step (σ = recurrentActivation, act = activation, h' = h_{t−1} ⊙ m_rec with the optional
 * recurrent-dropout mask [B, H]):
 *
 * resetAfter = true (Keras 3 default, PyTorch's GRU; bh [2, 3H] = [b_in; b_rec]):
 *
 *     xz, xr, xh = split(x_t·Wxh + b_in, 3);   hz, hr, hh = split(h'·Whh + b_rec, 3)
 *     z = σ(xz + hz);  r = σ(xr + hr);  ĥ = act(xh + r ⊙ hh)
 *
 * resetAfter = false (tfjs-layers, Keras 2; bh [3H]):
 *
 *     xz, xr, xh = split(x_t·Wxh + bh, 3);   hz, hr = split(h'·Whh[:, :2H], 2)
 *     z = σ(xz + hz);  r = σ(xr + hr);  ĥ = act(xh + (r ⊙ h')·Whh[:, 2H:])
 *
 * and in both:  h_t = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ,   y_t = h_t.
 * x [B, I], h [B, H], Wxh [I, 3H], Whh [H, 3H]. The caller owns the returned tensors.
 */
export function gruStep(
  config: GruConfig,
  params: CellParams,
  state: RnnState,
  x: Tensor,
  recurrentMask?: Tensor,
): { state: RnnState; y: Tensor } {
  return tidy(() => {
    const H = config.units;
    const hPrev = state.h;
    const hIn = recurrentMask === undefined ? hPrev : mul(hPrev, recurrentMask);
    let matrixX = matMul(x, params.wxh);
    if (params.bh !== undefined) matrixX = add(matrixX, config.resetAfter ? biasRow(params.bh, 0) : params.bh);
    const [xz, xr, xh] = splitGates(matrixX, 3);
    let z: Tensor;
    let r: Tensor;
    let candidate: Tensor;
    if (config.resetAfter) {
      let inner = matMul(hIn, params.whh);
      if (params.bh !== undefined) inner = add(inner, biasRow(params.bh, 1));
      const [hz, hr, hh] = splitGates(inner, 3);
      z = activate(config.recurrentActivation, add(xz, hz));
      r = activate(config.recurrentActivation, add(xr, hr));
      candidate = activate(config.activation, add(xh, mul(r, hh)));
    } else {
      const inner = matMul(hIn, gateColumns(params.whh, H, 0, 2));
      const [hz, hr] = splitGates(inner, 2);
      z = activate(config.recurrentActivation, add(xz, hz));
      r = activate(config.recurrentActivation, add(xr, hr));
      candidate = activate(config.activation, add(xh, matMul(mul(r, hIn), gateColumns(params.whh, H, 2, 3))));
    }
    const h = add(mul(z, hPrev), mul(sub(scalar(1), z), candidate));
    return { state: { h }, y: h };
  });
}
