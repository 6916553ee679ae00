/**
 * GRU in float64, forward and backward by hand, both variants. Gate blocks in Keras order z, r, h.
 *
 * resetAfter: true (Keras 3 default, PyTorch's GRU), bh [2, 3H] = [input bias; recurrent bias]:
 *   ax = x_t·Wxh + bh[0]     ah = h_{t−1}·Whh + bh[1]
 *   z = ra(ax_z + ah_z)   r = ra(ax_r + ah_r)   ĥ = act(ax_h + r ⊙ ah_h)
 * resetAfter: false (tfjs, Keras 2), bh [3H]:
 *   ax = x_t·Wxh + bh
 *   z = ra(ax_z + h_{t−1}·Whh_z)   r = ra(ax_r + h_{t−1}·Whh_r)   ĥ = act(ax_h + (r ⊙ h_{t−1})·Whh_h)
 * both:
 *   h_t = z ⊙ h_{t−1} + (1 − z) ⊙ ĥ          output y_t = h_t
 *
 * Backward, given dh_t (p_z, p_r, p_h the pre-activations of z, r, ĥ):
 *   dz = dh_t ⊙ (h_{t−1} − ĥ);  dp_h = dh_t ⊙ (1 − z) ⊙ act'(p_h);  dh_{t−1} = dh_t ⊙ z + …
 *   reset-after:  dr = dp_h ⊙ ah_h;  dah = [dp_z, dp_r, dp_h ⊙ r] flows into Whh, bh[1] and h_{t−1}
 *   reset-before: d(r⊙h) = dp_h·Whh_hᵀ;  dr = d(r⊙h) ⊙ h_{t−1};  dh_{t−1} += d(r⊙h) ⊙ r
 *   dp_z = dz ⊙ ra'(p_z);  dp_r = dr ⊙ ra'(p_r);  dax = [dp_z, dp_r, dp_h] flows into Wxh, bh and x_t.
 */
import { scalarActivation } from './activations';
import { addArrays, addColumnSums, addTransposedProduct, matmul, matmulTransposed } from './linalg';
import type { ReferenceStep, StepDims } from './step';
import type { ReferenceGruConfig, ReferenceParams } from './types';

interface GruCache {
  readonly x: Float64Array;
  readonly hPrev: Float64Array;
  /** `x·Wxh + input bias`, `[B, 3H]` */
  readonly ax: Float64Array;
  /** reset-after: `h·Whh + recurrent bias`; reset-before: `[h·Whh_z, h·Whh_r, (r⊙h)·Whh_h]`; `[B, 3H]` */
  readonly ah: Float64Array;
  /** reset-before only: `r ⊙ h_{t−1}`, `[B, H]` */
  readonly rh: Float64Array | null;
}

export function gruStep(config: ReferenceGruConfig, params: ReferenceParams, dims: StepDims): ReferenceStep<GruCache> {
  const { batch: B, inputSize: I, units: H } = dims;
  const G = 3 * H;
  const act = scalarActivation(config.activation, 'config.activation');
  const ra = scalarActivation(config.recurrentActivation, 'config.recurrentActivation');
  const inputBias = params.bh?.subarray(0, G);
  const recurrentBias = config.resetAfter ? params.bh?.subarray(G, 2 * G) : undefined;

  /** z, r and the candidate's pre-activation at batch row b, unit j. */
  function gates(ax: Float64Array, ah: Float64Array, row: number): { z: number; r: number; ph: number; pz: number; pr: number } {
    const pz = ax[row]! + ah[row]!;
    const pr = ax[row + H]! + ah[row + H]!;
    const z = ra.value(pz);
    const r = ra.value(pr);
    const ph = config.resetAfter ? ax[row + 2 * H]! + r * ah[row + 2 * H]! : ax[row + 2 * H]! + ah[row + 2 * H]!;
    return { z, r, ph, pz, pr };
  }

  return {
    forward(x, state) {
      const hPrev = state.h;
      const ax = matmul(x, params.wxh, B, I, G, inputBias);
      const ah = matmul(hPrev, params.whh, B, H, G, recurrentBias);
      let rh: Float64Array | null = null;
      if (!config.resetAfter) {
        // reset-before: the candidate's recurrent term is (r ⊙ h)·Whh_h, which needs r first
        rh = new Float64Array(B * H);
        for (let b = 0; b < B; b++) {
          for (let j = 0; j < H; j++) rh[b * H + j] = ra.value(ax[b * G + H + j]! + ah[b * G + H + j]!) * hPrev[b * H + j]!;
        }
        const candidate = matmul(rh, params.whh, B, H, G);
        for (let b = 0; b < B; b++) {
          for (let j = 0; j < H; j++) ah[b * G + 2 * H + j] = candidate[b * G + 2 * H + j]!;
        }
      }
      const h = new Float64Array(B * H);
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          const { z, ph } = gates(ax, ah, b * G + j);
          const k = b * H + j;
          h[k] = z * hPrev[k]! + (1 - z) * act.value(ph);
        }
      }
      return { state: { h, c: null }, cache: { x, hPrev, ax, ah, rh } };
    },
    backward(cache, dh, _dc, gradients) {
      const { x, hPrev, ax, ah, rh } = cache;
      const dax = new Float64Array(B * G);
      const dah = new Float64Array(B * G);
      const dhPrev = new Float64Array(B * H);
      const dzGate = new Float64Array(B * H);
      const drGate = new Float64Array(B * H);
      // through h_t = z ⊙ h_{t−1} + (1 − z) ⊙ act(p_h)
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          const row = b * G + j;
          const k = b * H + j;
          const { z, r, ph } = gates(ax, ah, row);
          dzGate[k] = dh[k]! * (hPrev[k]! - act.value(ph));
          dhPrev[k] = dh[k]! * z;
          const dph = dh[k]! * (1 - z) * act.derivative(ph);
          dax[row + 2 * H] = dph;
          if (config.resetAfter) {
            // reset-after: p_h = ax_h + r ⊙ ah_h
            drGate[k] = dph * ah[row + 2 * H]!;
            dah[row + 2 * H] = dph * r;
          }
        }
      }
      if (rh !== null) {
        // reset-before: p_h = ax_h + (r ⊙ h_{t−1})·Whh_h; dax holds dp_h in its h block only
        const dCandidate = new Float64Array(B * G);
        for (let k = 0; k < B * G; k++) if (k % G >= 2 * H) dCandidate[k] = dax[k]!;
        addTransposedProduct(gradients.dwhh, rh, dCandidate, B, H, G);
        const drh = matmulTransposed(dCandidate, params.whh, B, H, G);
        for (let b = 0; b < B; b++) {
          for (let j = 0; j < H; j++) {
            const k = b * H + j;
            const { r } = gates(ax, ah, b * G + j);
            drGate[k] = drh[k]! * hPrev[k]!;
            dhPrev[k] = dhPrev[k]! + drh[k]! * r;
          }
        }
      }
      // through z = ra(p_z), r = ra(p_r); the z and r blocks of ax and ah share their gradients
      for (let b = 0; b < B; b++) {
        for (let j = 0; j < H; j++) {
          const row = b * G + j;
          const k = b * H + j;
          const { pz, pr } = gates(ax, ah, row);
          dax[row] = dah[row] = dzGate[k]! * ra.derivative(pz);
          dax[row + H] = dah[row + H] = drGate[k]! * ra.derivative(pr);
        }
      }
      addTransposedProduct(gradients.dwxh, x, dax, B, I, G);
      addTransposedProduct(gradients.dwhh, hPrev, dah, B, H, G);
      if (gradients.dbh !== null) {
        addColumnSums(gradients.dbh, dax, B, G);
        if (config.resetAfter) addColumnSums(gradients.dbh, dah, B, G, G);
      }
      return {
        dx: matmulTransposed(dax, params.wxh, B, I, G),
        dh: addArrays(dhPrev, matmulTransposed(dah, params.whh, B, H, G)),
        dc: null,
      };
    },
  };
}
