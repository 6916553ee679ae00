/**
 * `applyLayer`: a layer called on symbolic tensors, as Keras' `layer(x)` and tfjs' `layer.apply(x)`.
 * It checks the shapes at once (a wrong shape fails where the graph is drawn, naming the layer) and
 * returns the output's symbolic tensors; the layer's weights are made when the model is built.
 */
import type { BidirectionalSpec } from '../layers/bidirectional';
import type { RecurrentSpec } from '../layers/recurrent';
import { isMultiInput, layerImpl, multiInputLayerImpl } from '../layers/registry';
import type { AnyLayerSpec, AttentionLayerSpec, LayerSpec, MultiInputSpec } from '../layers/registry';
import { nodeOutputShapes } from './node';
import { describeSymbolic, isSymbolic } from './symbolic';
import type { GraphNode, SymbolicTensor } from './symbolic';

/** Options of a recurrent layer's call. */
export interface ApplyLayerOptions {
  /** The initial state: `[h]`, or `[h, c]` for an LSTM; forward then backward states for a Bidirectional (Keras `initial_state`). */
  readonly initialState?: SymbolicTensor | readonly SymbolicTensor[];
}

/** `applyLayer: layer 'decoder'`, or for an unnamed layer its Keras class: `applyLayer: LSTM layer`. */
function layerLabel(layer: AnyLayerSpec): string {
  if (layer.name !== undefined) return `applyLayer: layer '${layer.name}'`;
  let className: string = layer.kind;
  try {
    className = isMultiInput(layer) ? multiInputLayerImpl(layer).className(layer) : layerImpl(layer).className(layer);
  } catch {
    // an unknown kind is reported by the checks that follow
  }
  return `applyLayer: ${className} layer`;
}

function checkSymbolic(values: readonly unknown[], what: string, who: string): readonly SymbolicTensor[] {
  values.forEach((v, i) => {
    if (!isSymbolic(v)) {
      const shown = typeof v === 'object' && v !== null && 'shape' in v ? `a tensor of shape [${String((v as { shape: unknown }).shape)}]` : JSON.stringify(v);
      throw new Error(`${who}: ${what}[${i}] must be a symbolic tensor (from input() or another layer's call), got ${shown}`);
    }
  });
  return values as readonly SymbolicTensor[];
}

/**
 * Calls `layer` on symbolic inputs and returns its outputs: one symbolic tensor, or for a recurrent layer
 * with `returnState` the list `[y, h]` / `[y, h, c]` (Keras' `return_state`). Calling the same layer
 * object again shares its weights. Layers taking several inputs (merges, dot, attention) take a list; an
 * attention layer with `returnAttentionScores` returns `[y, scores]`.
 *
 * @example
 * // Keras' LSTM seq2seq: the encoder's final state starts the decoder
 * const [, h, c] = applyLayer(lstm({ units: 256, returnState: true }), encoderInputs) as SymbolicTensor[];
 * const decoded = applyLayer(lstm({ units: 256, returnSequences: true }), decoderInputs, { initialState: [h, c] });
 */
export function applyLayer(layer: RecurrentSpec | BidirectionalSpec, input: SymbolicTensor, options?: ApplyLayerOptions): SymbolicTensor | SymbolicTensor[];
export function applyLayer(layer: AttentionLayerSpec, inputs: readonly SymbolicTensor[]): SymbolicTensor | SymbolicTensor[];
export function applyLayer(layer: MultiInputSpec, inputs: readonly SymbolicTensor[]): SymbolicTensor;
export function applyLayer(layer: LayerSpec, input: SymbolicTensor): SymbolicTensor;
export function applyLayer(
  layer: AnyLayerSpec,
  inputs: SymbolicTensor | readonly SymbolicTensor[],
  options: ApplyLayerOptions = {},
): SymbolicTensor | SymbolicTensor[] {
  return callLayer(layer, inputs, options);
}

/** {@link applyLayer} for any layer and inputs, checked when called (behind `layer.apply`). */
export function callLayer(
  layer: AnyLayerSpec,
  inputs: SymbolicTensor | readonly SymbolicTensor[],
  options: ApplyLayerOptions = {},
): SymbolicTensor | SymbolicTensor[] {
  if (typeof layer !== 'object' || layer === null || typeof (layer as { kind?: unknown }).kind !== 'string') {
    throw new Error(`applyLayer: layer must be a layer spec (from dense(), lstm(), …), got ${JSON.stringify(layer)}`);
  }
  const who = layerLabel(layer);
  const list = Array.isArray(inputs);
  if (isMultiInput(layer) !== list) {
    throw new Error(isMultiInput(layer) ? `${who} takes a list of inputs, e.g. [a, b]` : `${who} takes one input, got a list of ${(inputs as readonly unknown[]).length}`);
  }
  const data = checkSymbolic(list ? (inputs as readonly unknown[]) : [inputs], 'inputs', who);
  const given = options.initialState;
  const states = given === undefined ? [] : checkSymbolic(Array.isArray(given) ? given : [given], 'initialState', who);
  const all = [...data, ...states];
  const node: GraphNode = { layer, inputs: all, stateInputs: states.length };
  let shapes;
  try {
    shapes = nodeOutputShapes(layer, all.map((t) => t.shape), states.length, who);
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(message.startsWith(who) ? message : `${who} cannot take ${all.map(describeSymbolic).join(', ')}: ${message}`);
  }
  const outputs = shapes.map((shape, index): SymbolicTensor => ({ kind: 'symbolic', shape, dtype: 'float32', node, index }));
  return outputs.length === 1 ? outputs[0]! : outputs;
}
