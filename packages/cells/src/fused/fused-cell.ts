/**
 * The contract between the fused recurrence driver and one cell type: a forward step and its
 * hand-written backward step, both in gate-major layout.
 *
 * Shapes: B batch, H units, G gate blocks; T·B rows when steps are stacked.
 *   p [G, B, H]     this step's input projection x_t·Wxh + b_in, gate-major
 *   w [G, H, H]     the recurrent kernel Whh, gate-major (block g = Whh[:, g·H:(g+1)·H])
 *   bRec [G, 1, H]  GRU reset-after's recurrent bias, else null
 *   hIn [B, H]      h_{t−1} as it enters the recurrent matmul (after recurrent dropout)
 */
import type { Tensor } from '@rnnkit/tensor';

/** Recurrent weights as the fused step sees them. `wT` is `w` with each block transposed (backward only). */
export interface RecurrentWeights {
  readonly w: Tensor;
  readonly bRec: Tensor | null;
}

export interface StepInputs {
  readonly p: Tensor;
  readonly hPrev: Tensor;
  readonly hIn: Tensor;
  /** LSTM only. */
  readonly cPrev: Tensor | null;
}

export interface ForwardStep {
  /** Unmasked new h̃ [B, H]. */
  readonly h: Tensor;
  /** Unmasked new c̃ [B, H] (LSTM), else null. */
  readonly c: Tensor | null;
  /** What the backward step needs, in a fixed per-cell order; stacked over time by the driver. */
  readonly saves: Tensor[];
}

export interface BackwardStep {
  /** ∂L/∂p [G, B, H]. */
  readonly dP: Tensor;
  /** ∂L/∂(recurrent matmul output) [G, B, H], accumulated into ∂L/∂Whh over all steps. */
  readonly dInner: Tensor;
  /** ∂L/∂hIn [B, H]. */
  readonly dhIn: Tensor;
  /** ∂L/∂h_{t−1} through paths other than hIn (GRU's z ⊙ h_{t−1}), else null. */
  readonly dhPrev: Tensor | null;
  /** ∂L/∂c_{t−1} (LSTM), else null. */
  readonly dcPrev: Tensor | null;
}

export interface FusedCell {
  readonly gates: 1 | 3 | 4;
  readonly hasCellState: boolean;
  forward(inputs: StepInputs, weights: RecurrentWeights): ForwardStep;
  /**
   * Backward of one step, given ∂L/∂h̃ and ∂L/∂c̃ of this step's unmasked outputs (`dc` null for
   * cells without c), this step's saves and inputs, and `wT` [G, H, H] (each block of w transposed).
   */
  backward(dh: Tensor, dc: Tensor | null, saves: Tensor[], inputs: StepInputs, weights: RecurrentWeights, wT: Tensor): BackwardStep;
  /**
   * ∂L/∂w [G, H, H] from every step at once: hIn [T·B, H], the saves stacked over time [T, …], dInner [G, T·B, H].
   * Default (when absent): one batched matmul hInᵀ·dInner.
   */
  recurrentKernelGrad?(hIn: Tensor, saves: Tensor[], dInner: Tensor): Tensor;
}
