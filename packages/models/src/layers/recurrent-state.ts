/**
 * A recurrent layer's state as a list of tensors — `[h]`, `[h, c]` for an LSTM, forward then backward
 * for a Bidirectional — for layers given an initial state, returning their final state, or stateful:
 * Keras' `stateful=True`, where each batch starts from the final state of the batch before (row i
 * continues row i) until `resetStates()`.
 *
 * Shapes: B batch, H units; every state tensor is [B, H].
 */
import type { CellState } from '@rnnkit/cells';
import { dispose, keep } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { runBidirectional } from './bidirectional';
import type { BidirectionalSpec } from './bidirectional';
import { runRecurrent } from './recurrent';
import type { RecurrentSpec } from './recurrent';

/** The recurrent layer inside `spec` (itself, or the one a Bidirectional wraps), or null. */
export function recurrentOf(spec: { readonly kind: string; readonly layer?: unknown }): RecurrentSpec | null {
  return spec.kind === 'rnn' ? (spec as RecurrentSpec) : spec.kind === 'bidirectional' ? (spec as BidirectionalSpec).layer : null;
}

/** How many state tensors a recurrent layer carries: 2 for an LSTM (h, c), else 1; twice that for a Bidirectional. */
export function stateCount(spec: { readonly kind: string }): number {
  const rnn = recurrentOf(spec);
  if (rnn === null) return 0;
  const one = rnn.cell.kind === 'lstm' ? 2 : 1;
  return spec.kind === 'bidirectional' ? 2 * one : one;
}

/** Whether the layer carries its state from batch to batch. */
export function isStateful(spec: { readonly kind: string }): spec is RecurrentSpec | BidirectionalSpec {
  return recurrentOf(spec)?.stateful === true;
}

function toState(spec: RecurrentSpec, tensors: readonly Tensor[]): CellState {
  return spec.cell.kind === 'lstm' ? { h: tensors[0]!, c: tensors[1]! } : { h: tensors[0]! };
}

function stateTensors(state: CellState): Tensor[] {
  return 'c' in state ? [state.h, state.c] : [state.h];
}

/**
 * Runs a recurrent (or Bidirectional) layer from `states` (none: zeros) and returns its output, the
 * output's mask and its final state. The caller owns the tensors (run it inside a `tidy`).
 */
export function runWithStates(
  spec: RecurrentSpec | BidirectionalSpec,
  params: Readonly<Record<string, Tensor>>,
  x: Tensor,
  states: readonly Tensor[],
  options: { readonly training: boolean; readonly mask: Tensor | null; readonly seed: number },
): { readonly y: Tensor; readonly mask: Tensor | null; readonly final: Tensor[] } {
  const mask = recurrentOf(spec)!.returnSequences ? options.mask : null;
  if (spec.kind === 'rnn') {
    const run = runRecurrent(spec, params, x, { ...options, ...(states.length > 0 && { initialState: toState(spec, states) }) });
    return { y: run.outputs, mask, final: stateTensors(run.state) };
  }
  const half = states.length / 2;
  const initialStates = states.length === 0 ? undefined : { forward: toState(spec.layer, states.slice(0, half)), backward: toState(spec.layer, states.slice(half)) };
  const run = runBidirectional(spec, params, x, { ...options, ...(initialStates !== undefined && { initialStates }) });
  return { y: run.outputs, mask, final: [...stateTensors(run.forwardState), ...stateTensors(run.backwardState)] };
}

/** The states a model's stateful layers carry between calls, by layer (and call) key. */
export interface StatefulStates {
  /** Marks the start of a forward pass: states replaced by the previous one are freed now (its gradients are done). */
  begin(): void;
  /** Runs stateful layer `key` from its carried state (zeros after a reset) and carries its final state on. */
  run(key: string, spec: RecurrentSpec | BidirectionalSpec, params: Readonly<Record<string, Tensor>>, x: Tensor, options: { readonly training: boolean; readonly mask: Tensor | null; readonly seed: number }): { readonly y: Tensor; readonly mask: Tensor | null; readonly final: Tensor[] };
  /** Forgets every carried state: the next batch starts from zeros. */
  reset(): void;
  /** Frees every state (the model is being disposed). */
  dispose(): void;
}

/** An empty set of carried states for the model `who` (in errors). */
export function statefulStates(who: string): StatefulStates {
  const carried = new Map<string, Tensor[]>();
  let retired: Tensor[] = [];
  return {
    begin() {
      dispose(retired);
      retired = [];
    },
    run(key, spec, params, x, options) {
      const states = carried.get(key) ?? [];
      const rows = states[0]?.shape[0];
      if (rows !== undefined && rows !== x.shape[0]) {
        throw new Error(
          `${who}: layer '${key}' is stateful and carries the state of a batch of ${rows}, but this batch has ${x.shape[0]} ` +
            `(row i continues row i: keep every batch the same size, e.g. a batch size that divides the samples, or call resetStates())`,
        );
      }
      const out = runWithStates(spec, params, x, states, options);
      // the states this pass started from may still be needed by its gradients: freed at the next begin()
      retired.push(...states);
      carried.set(key, out.final.map((t) => keep(t.clone())));
      return out;
    },
    reset() {
      for (const states of carried.values()) retired.push(...states);
      carried.clear();
    },
    dispose() {
      this.reset();
      this.begin();
    },
  };
}
