/**
 * Types of the float64 reference cells. They mirror `@rnnkit/cells` field by field (testkit may not
 * import cells), so a cells `CellConfig` can be passed where a {@link ReferenceCellConfig} is asked for.
 *
 * Shapes: B batch, T time, I input features, H units, G gates (SimpleRNN 1, LSTM 4, GRU 3).
 * Every array is flat and row-major.
 */

/** Activation names, as in `@rnnkit/cells` (hard sigmoids: see NUMERICS.md §2.1). */
export type ReferenceActivation =
  | 'tanh'
  | 'sigmoid'
  | 'relu'
  | 'linear'
  | 'hardSigmoidKeras2' // clip(0.2x + 0.5, 0, 1): tfjs and Keras 2
  | 'hardSigmoidKeras3'; // clip(x/6 + 0.5, 0, 1): Keras 3

export interface ReferenceSimpleRnnConfig {
  readonly kind: 'simpleRnn';
  readonly inputSize: number;
  readonly units: number;
  readonly activation: ReferenceActivation;
  readonly useBias: boolean;
}

export interface ReferenceLstmConfig {
  readonly kind: 'lstm';
  readonly inputSize: number;
  readonly units: number;
  readonly activation: ReferenceActivation;
  readonly recurrentActivation: ReferenceActivation;
  readonly useBias: boolean;
}

export interface ReferenceGruConfig {
  readonly kind: 'gru';
  readonly inputSize: number;
  readonly units: number;
  readonly activation: ReferenceActivation;
  readonly recurrentActivation: ReferenceActivation;
  readonly useBias: boolean;
  readonly resetAfter: boolean;
}

export type ReferenceCellConfig = ReferenceSimpleRnnConfig | ReferenceLstmConfig | ReferenceGruConfig;

/**
 * Cell parameters in the canonical Keras row-vector layout, flat row-major:
 * `wxh [I, G·H]`, `whh [H, G·H]`, `bh [G·H]` (GRU resetAfter: `[2, 3H]`, row 0 input bias, row 1
 * recurrent bias). Gate blocks in Keras order: LSTM i, f, c, o; GRU z, r, h. `bh` is absent when
 * `useBias` is false.
 */
export interface ReferenceParams {
  readonly wxh: Float64Array;
  readonly whh: Float64Array;
  readonly bh?: Float64Array;
}

/** Recurrent state: `h [B, H]`, and `c [B, H]` for an LSTM. */
export interface ReferenceState {
  readonly h: Float64Array;
  readonly c?: Float64Array;
}

/** `[B, T, I]`: the shape of the input sequence. */
export type SequenceShape = readonly [batch: number, time: number, features: number];

/**
 * Options of a reference run, with Keras semantics.
 *
 * - `mask [B, T]` (1 = real step, 0 = padding) is indexed by the original time `t`. At a masked step
 *   the state is carried over unchanged and the output is the carried `h` (that is the previous
 *   output, and at the first processed step the initial `h`, as tfjs-layers does), or 0 with
 *   `zeroOutputForMask`.
 * - `goBackwards` processes `t = T−1 … 0`; outputs stay in processing order (Keras), so output
 *   step `s` belongs to input step `T−1−s`.
 */
export interface ReferenceOptions {
  readonly initialState?: ReferenceState;
  readonly mask?: ArrayLike<number>;
  readonly goBackwards?: boolean;
  readonly zeroOutputForMask?: boolean;
}

/** Forward results. The caller owns the arrays. */
export interface ReferenceForward {
  /** `[B, T, H]`, in processing order. */
  readonly outputs: Float64Array;
  /** `[B, H]`: the output of the last processed step (what `returnSequences: false` returns). */
  readonly lastOutput: Float64Array;
  /** The final state: `h [B, H]` and, for an LSTM, `c [B, H]`. */
  readonly state: ReferenceState;
}

/**
 * Upstream gradients, i.e. the coefficients `R` of the linear loss
 * `L = Σ outputs⊙R_outputs + Σ lastOutput⊙R_lastOutput + Σ h_T⊙R_h + Σ c_T⊙R_c`.
 * Absent entries count as zero.
 */
export interface ReferenceUpstream {
  /** `[B, T, H]`, processing order like `outputs`. */
  readonly outputs?: ArrayLike<number>;
  /** `[B, H]`. */
  readonly lastOutput?: ArrayLike<number>;
  /** `[B, H]`: gradient with respect to the final `h`. */
  readonly h?: ArrayLike<number>;
  /** `[B, H]`: gradient with respect to the final `c` (LSTM only). */
  readonly c?: ArrayLike<number>;
}

/** Gradients of the loss of {@link ReferenceUpstream}, each shaped like what it differentiates. */
export interface ReferenceGradients {
  readonly forward: ReferenceForward;
  /** The loss value `L` at the forward pass. */
  readonly loss: number;
  /** `[B, T, I]`, original time order. */
  readonly dxs: Float64Array;
  /** `[B, H]`: gradient with respect to the initial `h`. */
  readonly dh0: Float64Array;
  /** `[B, H]`: gradient with respect to the initial `c` (LSTM only). */
  readonly dc0?: Float64Array;
  readonly dwxh: Float64Array;
  readonly dwhh: Float64Array;
  /** Present when `useBias` is true; shaped like `bh`. */
  readonly dbh?: Float64Array;
}
