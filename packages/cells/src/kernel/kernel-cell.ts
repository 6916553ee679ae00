/**
 * The contract between the kernel driver and one cell type's kernel calls. Everything is host
 * arrays in the kernel's padded layout (see `layout.ts`).
 *
 * Shapes: B batch, T time, Hp padded units, G gate blocks, N = G·Hp; sequences time-major in
 * processing order (step k = rows [k·B, (k+1)·B)).
 */
import type { KernelExports } from './kernel-module';

export interface KernelDims {
  readonly batch: number;
  readonly steps: number;
  /** Hp. */
  readonly units: number;
}

export interface KernelInputs {
  /** [T·B, N] input projections x_t·Wxh (without the input bias). */
  readonly p: Float32Array;
  /** [N] the input bias b_in, added to p by the kernel, or null. */
  readonly bIn: Float32Array | null;
  /** [B, Hp]. */
  readonly h0: Float32Array;
  /** [B, Hp] (LSTM), else null. */
  readonly c0: Float32Array | null;
  /** [Hp, N] the recurrent kernel Whh. */
  readonly w: Float32Array;
  /** [N] GRU reset-after's recurrent bias, else null. */
  readonly bRec: Float32Array | null;
  /** [T·B] 0/1, or null. */
  readonly mask: Float32Array | null;
  /** [B, Hp] recurrent-dropout mask, or null. */
  readonly recMask: Float32Array | null;
}

export interface KernelForward {
  /** [T·B, Hp] carried h per step. */
  readonly hSeq: Float32Array;
  /** [T·B, Hp] carried c per step (LSTM), else null. */
  readonly cSeq: Float32Array | null;
  /** What the backward needs besides the sequences, per cell type. */
  readonly saves: readonly Float32Array[];
}

export interface KernelBackward {
  /** [T·B, N] ∂L/∂p. */
  readonly dP: Float32Array;
  /** [T·B, N] ∂L/∂(hIn·W + bRec) (GRU reset-after), or the same array as dP. */
  readonly dInner: Float32Array;
  /** [B, Hp]. */
  readonly dh0: Float32Array;
  /** [B, Hp] (LSTM), else null. */
  readonly dc0: Float32Array | null;
  /** [N] ∂L/∂b_in = Σ_rows dP, when there is an input bias, else null. */
  readonly dbIn: Float32Array | null;
  /** [N] ∂L/∂bRec (GRU reset-after with bias), else null. */
  readonly dbRec: Float32Array | null;
  /** [Hp, T·B] hIn of every step, transposed: ∂L/∂W = hInT·dInner. */
  readonly hInT: Float32Array;
  /** [Hp, T·B] (r ⊙ hIn) of every step, transposed (GRU reset-before: its h block's left operand), else null. */
  readonly resetHT: Float32Array | null;
}

/** The gradients flowing into the recurrence from above. */
export interface KernelUpstream {
  /** [T·B, Hp] of every step's carried h, or null when only the final state was used. */
  readonly dHs: Float32Array | null;
  /** [B, Hp] of the final h (with dHs: its last block). */
  readonly dhT: Float32Array;
  /** [B, Hp] of the final c (LSTM), else null. */
  readonly dcT: Float32Array | null;
}

export interface KernelCell {
  readonly gates: number;
  readonly hasCellState: boolean;
  forward(kernel: KernelExports, dims: KernelDims, inputs: KernelInputs): KernelForward;
  backward(kernel: KernelExports, dims: KernelDims, inputs: KernelInputs, forward: KernelForward, upstream: KernelUpstream): KernelBackward;
}
