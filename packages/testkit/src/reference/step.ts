/**
 * The contract between the sequence driver and the reference cells: one step forward over a
 * batch, and its backward given the gradients flowing into the step's new state.
 *
 * Shapes: B batch, I input, H units, G gates; arrays flat and row-major.
 */

/** The carry between steps: `h [B, H]`, and `c [B, H]` for an LSTM (null otherwise). */
export interface StepState {
  readonly h: Float64Array;
  readonly c: Float64Array | null;
}

/** Parameter gradients, accumulated over every step by `backward`. */
export interface StepGradients {
  readonly dwxh: Float64Array;
  readonly dwhh: Float64Array;
  readonly dbh: Float64Array | null;
}

export interface StepBackward {
  /** `[B, I]` */
  readonly dx: Float64Array;
  /** `[B, H]`: gradient with respect to the previous `h`. */
  readonly dh: Float64Array;
  /** `[B, H]`: gradient with respect to the previous `c` (LSTM), else null. */
  readonly dc: Float64Array | null;
}

/**
 * One cell bound to its parameters and batch size. `Cache` holds what the forward pass saved for
 * the backward pass (min-char-rnn keeps the same things in dicts keyed by t).
 */
export interface ReferenceStep<Cache> {
  forward(x: Float64Array, state: StepState): { readonly state: StepState; readonly cache: Cache };
  /** `dh`, `dc`: gradients with respect to the new `h` and `c` of the step that made `cache`. */
  backward(cache: Cache, dh: Float64Array, dc: Float64Array | null, gradients: StepGradients): StepBackward;
}

/** Sizes a cell step works with. */
export interface StepDims {
  readonly batch: number;
  readonly inputSize: number;
  readonly units: number;
}
