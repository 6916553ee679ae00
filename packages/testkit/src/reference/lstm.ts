/**
 * LSTM in float64, forward and backward by hand. Gate blocks in Keras order i, f, c, o.
 *
 *   z = x_t·Wxh + h_{t−1}·Whh + bh          Wxh [I, 4H], Whh [H, 4H], bh [4H]
 *   i = ra(z_i)   f = ra(z_f)   g = act(z_c)   o = ra(z_o)      (ra = recurrentActivation)
 *   c_t = f ⊙ c_{t−1} + i ⊙ g
 *   h_t = o ⊙ act(c_t)                      output y_t = h_t
 *
 * Backward, given dh_t and dc_t (from the step after):
 *   dc = dc_t + dh_t ⊙ o ⊙ act'(c_t)
 *   dz_i = dc ⊙ g ⊙ ra'(z_i)    dz_f = dc ⊙ c_{t−1} ⊙ ra'(z_f)
 *   dz_c = dc ⊙ i ⊙ act'(z_c)   dz_o = dh_t ⊙ act(c_t) ⊙ ra'(z_o)
 *   dc_{t−1} = dc ⊙ f;  dh_{t−1} = dz·Whhᵀ;  dx_t = dz·Wxhᵀ;  dWxh += x_tᵀ·dz;  dWhh += h_{t−1}ᵀ·dz
 */
import { scalarActivation } from './activations';
import { addColumnSums, addTransposedProduct, matmul, matmulTransposed } from './linalg';
import type { ReferenceStep, StepDims } from './step';
import type { ReferenceLstmConfig, ReferenceParams } from './types';

interface LstmCache {
  readonly x: Float64Array;
  readonly hPrev: Float64Array;
  readonly cPrev: Float64Array;
  /** gate pre-activations `[B, 4H]` */
  readonly z: Float64Array;
  readonly c: Float64Array;
}

export function lstmStep(config: ReferenceLstmConfig, params: ReferenceParams, dims: StepDims): ReferenceStep<LstmCache> {
  const { batch: B, inputSize: I, units: H } = dims;
  const G = 4 * H;
  const act = scalarActivation(config.activation, 'config.activation');
  const ra = scalarActivation(config.recurrentActivation, 'config.recurrentActivation');
  return {
    forward(x, state) {
      if (state.c === null) throw new Error('lstm reference: the state needs c');
      const z = matmul(x, params.wxh, B, I, G, params.bh);
      const recurrent = matmul(state.h, params.whh, B, H, G);
      for (let k = 0; k < B * G; k++) z[k] = z[k]! + recurrent[k]!;
      const h = new Float64Array(B * H);
      const c = new Float64Array(B * H);
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          const row = b * G + j;
          const i = ra.value(z[row]!);
          const f = ra.value(z[row + H]!);
          const g = act.value(z[row + 2 * H]!);
          const o = ra.value(z[row + 3 * H]!);
          const k = b * H + j;
          c[k] = f * state.c[k]! + i * g;
          h[k] = o * act.value(c[k]!);
        }
      }
      return { state: { h, c }, cache: { x, hPrev: state.h, cPrev: state.c, z, c } };
    },
    backward(cache, dh, dcNext, gradients) {
      const dz = new Float64Array(B * G);
      const dcPrev = new Float64Array(B * H);
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          const row = b * G + j;
          const k = b * H + j;
          const [zi, zf, zc, zo] = [cache.z[row]!, cache.z[row + H]!, cache.z[row + 2 * H]!, cache.z[row + 3 * H]!];
          const i = ra.value(zi);
          const f = ra.value(zf);
          const g = act.value(zc);
          const o = ra.value(zo);
          const ct = cache.c[k]!;
          const dc = (dcNext === null ? 0 : dcNext[k]!) + dh[k]! * o * act.derivative(ct);
          dz[row] = dc * g * ra.derivative(zi);
          dz[row + H] = dc * cache.cPrev[k]! * ra.derivative(zf);
          dz[row + 2 * H] = dc * i * act.derivative(zc);
          dz[row + 3 * H] = dh[k]! * act.value(ct) * ra.derivative(zo);
          dcPrev[k] = dc * f;
        }
      }
      addTransposedProduct(gradients.dwxh, cache.x, dz, B, I, G);
      addTransposedProduct(gradients.dwhh, cache.hPrev, dz, B, H, G);
      if (gradients.dbh !== null) addColumnSums(gradients.dbh, dz, B, G);
      return {
        dx: matmulTransposed(dz, params.wxh, B, I, G),
        dh: matmulTransposed(dz, params.whh, B, H, G),
        dc: dcPrev,
      };
    },
  };
}
