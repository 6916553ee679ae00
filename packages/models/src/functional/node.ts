/**
 * What a layer does as a node of a functional graph, whichever kind it is: a one-input layer, a layer
 * taking a list (merge, dot), or a recurrent layer fed an initial state or returning its final state.
 *
 * Shapes: B batch, T time, H units.
 *   recurrent with returnState: outputs [y, h] (SimpleRNN, GRU) or [y, h, c] (LSTM), each state [B, H];
 *   Bidirectional: [y, forward states…, backward states…]. An initial state is given in the same order.
 * Masks ([B, T] or null) go with each output; a state has none.
 */
import type { Tensor } from '@rnnkit/tensor';
import type { LayerOutput, WeightShape } from '../layer';
import { isStateful, recurrentOf, runWithStates, stateCount } from '../layers/recurrent-state';
import type { StatefulStates } from '../layers/recurrent-state';
import { isMultiInput, layerImpl, multiInputLayerImpl } from '../layers/registry';
import type { AnyLayerSpec } from '../layers/registry';
import { formatShape } from '../shape';
import type { Shape } from '../shape';

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
    if (isStateful(spec)) throw new Error(`${who} is stateful: it starts from the state it carries, not from an initialState`);
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

/** A recurrent node's outputs: y, and its final state when it returns it. */
function withStates(spec: AnyLayerSpec, run: { readonly y: Tensor; readonly mask: Tensor | null; readonly final: readonly Tensor[] }): NodeOutput {
  if (!returnsState(spec)) return { ys: [run.y], masks: [run.mask] };
  return { ys: [run.y, ...run.final], masks: [run.mask, ...run.final.map(() => null)] };
}

/**
 * Runs one node on its input tensors and masks. The caller owns the returned tensors (run it inside a `tidy`).
 * A stateful layer runs from the state `stateful` carries under `stateful.key`.
 */
export function runNode(
  spec: AnyLayerSpec,
  params: Readonly<Record<string, Tensor>>,
  inputs: readonly Tensor[],
  masks: readonly (Tensor | null)[],
  stateInputs: number,
  options: { readonly training: boolean; readonly seed: number; readonly stateful?: { readonly states: StatefulStates; readonly key: string } },
): NodeOutput {
  if (isMultiInput(spec)) {
    const out = multiInputLayerImpl(spec).apply(spec, params, inputs, { training: options.training, masks, seed: options.seed });
    const more = out.more ?? [];
    return { ys: [out.y, ...more], masks: [out.mask, ...more.map(() => null)] };
  }
  const mask = masks[0] ?? null;
  if (spec.kind === 'rnn' || spec.kind === 'bidirectional') {
    const run = { training: options.training, seed: options.seed, mask };
    if (isStateful(spec) && options.stateful !== undefined) return withStates(spec, options.stateful.states.run(options.stateful.key, spec, params, inputs[0]!, run));
    if (stateInputs > 0 || returnsState(spec)) return withStates(spec, runWithStates(spec, params, inputs[0]!, inputs.slice(inputs.length - stateInputs), run));
  }
  return outputOf(layerImpl(spec).apply(spec, params, inputs[0]!, { training: options.training, mask, seed: options.seed }));
}

function outputOf(out: LayerOutput): NodeOutput {
  return { ys: [out.y], masks: [out.mask], ...(out.updates !== undefined && { updates: out.updates }) };
}
