/**
 * The contract between the kernel driver and one cell type's kernel calls. Host arrays are in the
 * kernel's padded layout (see `layout.ts`); the input projection P and its gradient stay in the
 * kernel memory, where the driver computes them (`kernel-recurrence.ts`).
 *
 * Shapes: B batch, T time, Hp padded units, G gate blocks, N = G·Hp; sequences time-major in
 * processing order (step k = rows [k·B, (k+1)·B)).
 */
import type { KernelExports } from './kernel-module';
import type { Held } from './layout';

export interface KernelDims {
  readonly batch: number;
  readonly steps: number;
  /** Hp. */
  readonly units: number;
}

/** The recurrence's own inputs besides P. */
export interface KernelInputs {
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

/** A buffer already in the kernel memory, and the first free byte after everything placed so far. */
export interface InMemory {
  readonly ptr: number;
  readonly end: number;
}

/** Where the forward left its results in the kernel memory (byte addresses; sizes in floats). */
export interface ForwardInMemory {
  /** [T·B, Hp] carried h per step. */
  readonly hSeq: number;
  /** [T·B, Hp] carried c per step (LSTM), else 0. */
  readonly cSeq: number;
  readonly saves: ReadonlyArray<{ readonly ptr: number; readonly floats: number }>;
  /** The first free byte after the forward's buffers. */
  readonly end: number;
}

/** The forward's results kept for the backward (resident in the kernel memory, or copied out). */
export interface KernelForward {
  /** [T·B, Hp] carried h per step. */
  readonly hSeq: Held;
  /** [T·B, Hp] carried c per step (LSTM), else null. */
  readonly cSeq: Held | null;
  /** What the backward needs besides the sequences, per cell type. */
  readonly saves: readonly Held[];
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

/** Where the backward's calls will leave their results (byte addresses; 0 for an absent one). */
export interface KernelBackward {
  /** [T·B, N] ∂L/∂P (with the end of the call's buffers). */
  readonly dP: InMemory;
  /** [B, Hp]. */
  readonly dh0: number;
  /** [B, Hp] (LSTM), else 0. */
  readonly dc0: number;
  /** [Hp, N] ∂L/∂Whh. */
  readonly dW: number;
  /** [N] ∂L/∂bRec (GRU reset-after with bias), else 0. */
  readonly dbRec: number;
}

/**
 * The time-major input of a forward-only pass and its projection's weights, in the kernel memory
 * (byte addresses); or, with `ids`, an embedding's ids and its projected table.
 */
export interface KernelProjection {
  /** X [T·B, Ip], processing order; with `ids` the projected table [V, N] = bIn + table·Wxh. */
  readonly x: number;
  /** Ip. */
  readonly inputSize: number;
  /** [Ip, N] Wxh. */
  readonly wxh: number;
  /** [N] the input bias, or 0. */
  readonly bIn: number;
  /** An embedding's ids [B, T] int32, or 0 (then x is X). */
  readonly ids: number;
  /** 1 when the ids are read from the last time step back (goBackwards), else 0. */
  readonly reversed: number;
}

/** Where a forward-only pass writes every step's h: [B, T, width] batch-major, processing order (ptr 0: nowhere). */
export interface SequenceOutput {
  readonly ptr: number;
  readonly width: number;
}

/** Where a forward-only pass leaves the final state (byte addresses of [B, Hp] blocks; c 0 without a cell state). */
export interface FinalState {
  readonly h: number;
  readonly c: number;
  /** The first free byte after the pass's buffers. */
  readonly end: number;
}

/**
 * One cell type's kernel calls. Both passes lay out their buffers and make their calls, and return
 * where the results will be: the kernel may be a recording one (`kernel-calls.ts`) whose calls run
 * later, so neither pass reads results back.
 */
export interface KernelCell {
  readonly gates: number;
  readonly hasCellState: boolean;
  /** Runs the forward over P [T·B, N] (input bias included), placing its buffers after `p.end`. */
  forward(kernel: KernelExports, dims: KernelDims, inputs: KernelInputs, p: InMemory): ForwardInMemory;
  /**
   * Runs a forward-only pass (inference: nothing kept for a backward, each step's projection made
   * just before its recurrent product), placing its buffers from byte address `base` up; the same
   * results as the projection plus {@link KernelCell.forward}, bit for bit. Absent where the cell
   * has no such kernel (GRU reset-before): the driver then runs the training forward.
   */
  infer?(kernel: KernelExports, dims: KernelDims, inputs: KernelInputs, projection: KernelProjection, sequence: SequenceOutput, base: number): FinalState;
  /** Runs the BPTT, placing its buffers from byte address `base` up (0: the heap base). */
  backward(kernel: KernelExports, dims: KernelDims, inputs: KernelInputs, forward: KernelForward, upstream: KernelUpstream, base: number): KernelBackward;
}
