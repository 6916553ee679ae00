/**
 * What a layer does as a node of a functional graph, whichever kind it is: a one-input layer, a layer
 * taking a list (merge, dot), or a recurrent layer fed an initial state or returning its final state.
 *
 * Shapes: B batch, T time, H units.
 *   recurrent with returnState: outputs [y, h] (SimpleRNN, GRU) or [y, h, c] (LSTM), each state [B, H];
 *   Bidirectional: [y, forward states…, backward states…]. An initial state is given in the same order.
 * Masks ([B, T] or null) go with each output; a state has none.
 */
import type { CellState } from '@rnnkit/cells';
import type { Tensor } from '@rnnkit/tensor';
import type { LayerOutput, WeightShape } from '../layer';
import { runBidirectional } from '../layers/bidirectional';
import type { BidirectionalSpec } from '../layers/bidirectional';
import { runRecurrent } from '../layers/recurrent';
import type { RecurrentSpec } from '../layers/recurrent';
import { isMultiInput, layerImpl, multiInputLayerImpl } from '../layers/registry';
import type { AnyLayerSpec } from '../layers/registry';
import { formatShape } from '../shape';
import type { Shape } from '../shape';

/** The recurrent layer inside `spec` (itself, or the one a Bidirectional wraps), or null. */
function recurrentOf(spec: AnyLayerSpec): RecurrentSpec | null {
  return spec.kind === 'rnn' ? spec : spec.kind === 'bidirectional' ? spec.layer : null;
}

/** How many state tensors a recurrent layer carries: 2 for an LSTM (h, c), else 1; twice that for a Bidirectional. */
export function stateCount(spec: AnyLayerSpec): number {
  const rnn = recurrentOf(spec);
  if (rnn === null) return 0;
  const one = rnn.cell.kind === 'lstm' ? 2 : 1;
  return spec.kind === 'bidirectional' ? 2 * one : one;
}

/** Whether the layer outputs its final state besides its output. */
export function returnsState(spec: AnyLayerSpec): boolean {
  return recurrentOf(spec)?.returnState === true;
}

/** The layer's input shapes split into its data inputs and the initial-state inputs at the end. */
function dataShapes(inputs: readonly Shape[], stateInputs: number): readonly Shape[] {
  return inputs.slice(0, inputs.length - stateInputs);
}

/** The node's output shapes for its input shapes; throws, naming the layer, on inputs that do not fit. */
export function nodeOutputShapes(spec: AnyLayerSpec, inputs: readonly Shape[], stateInputs: number, who: string): Shape[] {
  if (isMultiInput(spec)) {
    const impl = multiInputLayerImpl(spec);
    return [impl.outputShape(spec, inputs), ...(impl.moreOutputShapes?.(spec, inputs) ?? [])];
  }
  const data = dataShapes(inputs, stateInputs);
  if (data.length !== 1) throw new Error(`${who} takes one input, got ${data.length}`);
  const y = layerImpl(spec).outputShape(spec, data[0]!);
  if (stateInputs > 0) {
    const units = recurrentOf(spec)?.cell.units;
    if (units === undefined) throw new Error(`${who} is not a recurrent layer; only recurrent layers take an initialState`);
    if (stateInputs !== stateCount(spec)) throw new Error(`${who} takes an initialState of ${stateCount(spec)} tensor(s), got ${stateInputs}`);
    inputs.slice(data.length).forEach((s, i) => {
      if (s.length !== 2 || (s[1] !== null && s[1] !== units)) throw new Error(`${who}: initialState[${i}] must have shape (None, ${units}), got ${formatShape(s)}`);
    });
  }
  if (!returnsState(spec)) return [y];
  const units = recurrentOf(spec)!.cell.units;
  return [y, ...Array.from({ length: stateCount(spec) }, (): Shape => [null, units])];
}

/** The node's weights for its input shapes (a shared layer has the same ones at every call). */
export function nodeWeights(spec: AnyLayerSpec, inputs: readonly Shape[], stateInputs: number): readonly WeightShape[] {
  return isMultiInput(spec) ? multiInputLayerImpl(spec).weights(spec, inputs) : layerImpl(spec).weights(spec, dataShapes(inputs, stateInputs)[0]!);
}

/** Fresh weights of the layer for its first call's input shapes. */
export function initNode(spec: AnyLayerSpec, inputs: readonly Shape[], stateInputs: number, seed: number): Record<string, Tensor> {
  return isMultiInput(spec) ? multiInputLayerImpl(spec).init(spec, inputs, seed) : layerImpl(spec).init(spec, dataShapes(inputs, stateInputs)[0]!, seed);
}

/** What one node's run gives: its outputs with their masks, and non-trainable weight updates. */
export interface NodeOutput {
  readonly ys: readonly Tensor[];
  readonly masks: readonly (Tensor | null)[];
  readonly updates?: Readonly<Record<string, Tensor>>;
}

function toState(spec: RecurrentSpec, tensors: readonly Tensor[]): CellState {
  return spec.cell.kind === 'lstm' ? { h: tensors[0]!, c: tensors[1]! } : { h: tensors[0]! };
}

function stateTensors(state: CellState): Tensor[] {
  return 'c' in state ? [state.h, state.c] : [state.h];
}

/** Runs a recurrent (or Bidirectional) layer with its initial state and/or returning its final state. */
function runWithState(
  spec: RecurrentSpec | BidirectionalSpec,
  params: Readonly<Record<string, Tensor>>,
  x: Tensor,
  states: readonly Tensor[],
  options: { readonly training: boolean; readonly mask: Tensor | null; readonly seed: number },
): NodeOutput {
  const returnSequences = recurrentOf(spec)!.returnSequences;
  const outMask = returnSequences ? options.mask : null;
  let y: Tensor;
  let final: Tensor[];
  if (spec.kind === 'rnn') {
    const run = runRecurrent(spec, params, x, { ...options, ...(states.length > 0 && { initialState: toState(spec, states) }) });
    y = run.outputs;
    final = stateTensors(run.state);
  } else {
    const half = states.length / 2;
    const initialStates = states.length === 0 ? undefined : { forward: toState(spec.layer, states.slice(0, half)), backward: toState(spec.layer, states.slice(half)) };
    const run = runBidirectional(spec, params, x, { ...options, ...(initialStates !== undefined && { initialStates }) });
    y = run.outputs;
    final = [...stateTensors(run.forwardState), ...stateTensors(run.backwardState)];
  }
  if (spec.kind === 'rnn' ? spec.returnState !== true : spec.layer.returnState !== true) return { ys: [y], masks: [outMask] };
  return { ys: [y, ...final], masks: [outMask, ...final.map(() => null)] };
}

/** Runs one node on its input tensors and masks. The caller owns the returned tensors (run it inside a `tidy`). */
export function runNode(
  spec: AnyLayerSpec,
  params: Readonly<Record<string, Tensor>>,
  inputs: readonly Tensor[],
  masks: readonly (Tensor | null)[],
  stateInputs: number,
  options: { readonly training: boolean; readonly seed: number },
): NodeOutput {
  if (isMultiInput(spec)) {
    const out = multiInputLayerImpl(spec).apply(spec, params, inputs, { training: options.training, masks, seed: options.seed });
    const more = out.more ?? [];
    return { ys: [out.y, ...more], masks: [out.mask, ...more.map(() => null)] };
  }
  const mask = masks[0] ?? null;
  if ((spec.kind === 'rnn' || spec.kind === 'bidirectional') && (stateInputs > 0 || returnsState(spec))) {
    return runWithState(spec, params, inputs[0]!, inputs.slice(inputs.length - stateInputs), { ...options, mask });
  }
  return outputOf(layerImpl(spec).apply(spec, params, inputs[0]!, { training: options.training, mask, seed: options.seed }));
}

function outputOf(out: LayerOutput): NodeOutput {
  return { ys: [out.y], masks: [out.mask], ...(out.updates !== undefined && { updates: out.updates }) };
}
