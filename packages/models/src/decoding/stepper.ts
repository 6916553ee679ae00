/**
 * The one-step interface every decoder implements (generator, encoder–decoder, a sequential
 * language model): stateful streaming generation — one token in, the next state out — without
 * re-running the prefix.
 *
 * Shapes: N rows (batch, or batch × beam), V vocabulary, S source length.
 * Every tensor of a state has the rows on axis 0, so decoders can reorder rows (beam search) generically.
 */
import { dispose, gather, tensor1d, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';

/** A decoder's state: named tensors with the rows on axis 0 (e.g. `{ h, c }`, plus encoder outputs). */
export type StepState = Readonly<Record<string, Tensor>>;

/** What one step returns; the caller owns every tensor. */
export interface StepOutput {
  /** Unnormalised next-token scores [N, V]. */
  readonly logits: Tensor;
  readonly state: StepState;
  /** Attention weights over the source [N, S], for decoders with attention. */
  readonly attention?: Tensor;
}

/** A decoder that can be run one step at a time. */
export interface Stepper {
  /** Feeds `tokens` [N] int32 with `state`; returns the logits of the next token and the next state. Does not dispose `state`. */
  step(state: StepState, tokens: Tensor): StepOutput;
  /**
   * One row's step on plain arrays, where the stepper has such a path (a sequential model on the
   * recurrence kernel): `state` (one row) sets the state first, null continues from the last step;
   * returns the logits [V] as a view valid until the next step, or null when the path cannot run
   * (then use {@link Stepper.step}). The state stays inside; no tensor is made.
   */
  stepRow?(state: StepState | null, token: number): Float32Array | null;
}

/** Rows `rows` of every tensor of `state`, as new tensors. */
export function gatherState(state: StepState, rows: readonly number[]): StepState {
  return tidy(() => {
    const index = tensor1d([...rows], 'int32');
    const out: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(state)) out[name] = gather(t, index);
    return out;
  });
}

/** Disposes every tensor of `state`. */
export function disposeState(state: StepState): void {
  dispose(Object.values(state));
}

/** The number of rows of `state` (axis 0 of its tensors); throws when they disagree. */
export function stateRows(state: StepState, who: string): number {
  const sizes = new Set(Object.values(state).map((t) => t.shape[0]));
  if (sizes.size !== 1) throw new Error(`${who}: every tensor of the state must have the same number of rows on axis 0, got ${[...sizes].join(', ')}`);
  return [...sizes][0]!;
}
