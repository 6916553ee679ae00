/**
 * The contract between the fused recurrence driver and one cell type: a forward step and its
 * hand-written backward step, on fused gate columns (Keras order; column slices are cheap, batched
 * or gate-major matmuls are not, on wasm).
 *
 * Shapes: B batch, H units, G gate blocks; T·B rows when steps are stacked.
 *   p [B, G·H]     this step's input projection x_t·Wxh + b_in
 *   w [H, G·H]     the recurrent kernel Whh;  wT [G·H, H] its transpose (backward only)
 *   bRec [G·H]     GRU reset-after's recurrent bias, else null
 *   hIn [B, H]     h_{t−1} as it enters the recurrent matmul (after recurrent dropout)
 */
import type { Tensor } from '@rnnkit/tensor';

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
  /** ∂L/∂p [B, G·H]. */
  readonly dP: Tensor;
  /** ∂L/∂(recurrent matmul output) [B, G·H], accumulated into ∂L/∂Whh over all steps at once. */
  readonly dInner: Tensor;
  /** ∂L/∂hIn [B, H]. */
  readonly dhIn: Tensor;
  /** ∂L/∂h_{t−1} through paths other than hIn (GRU's z ⊙ h_{t−1}), else null. */
  readonly dhPrev: Tensor | null;
  /** ∂L/∂c_{t−1} (LSTM), else null. */
  readonly dcPrev: Tensor | null;
}

export interface FusedCell {
  readonly hasCellState: boolean;
  forward(inputs: StepInputs, weights: RecurrentWeights): ForwardStep;
  /**
   * Backward of one step, given ∂L/∂h̃ and ∂L/∂c̃ of this step's unmasked outputs (`dc` null for
   * cells without c), this step's saves (without the time axis) and inputs, and wT.
   */
  backward(dh: Tensor, dc: Tensor | null, saves: Tensor[], inputs: StepInputs, weights: RecurrentWeights, wT: Tensor): BackwardStep;
  /**
   * ∂L/∂w [H, G·H] from every step at once, given hIn [T·B, H], the saves stacked over time
   * [T·B, …] and dInner [T·B, G·H]. Default (when absent): one matmul hInᵀ·dInner.
   */
  recurrentKernelGrad?(hIn: Tensor, saves: Tensor[], dInner: Tensor): Tensor;
}
