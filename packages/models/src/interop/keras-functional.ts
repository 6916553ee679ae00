/**
 * A Keras functional graph (keras-graph.ts) as rnnkit's functional topology: input layers, every layer
 * `layerFromKeras` reads (recurrent ones may return their state), the merge and attention layers, shared layers
 * (one layer called several times), and recurrent layers started from other layers' states —
 * Keras 2 lists those states after the input of the call, Keras 3 passes them as `initial_state`.
 */
import { dot } from '../layers/dot';
import { add, average, concatenate, maximum, minimum, multiply, subtract } from '../layers/merge';
import type { AnyLayerSpec } from '../layers/registry';
import type { InputSpec } from '../functional/symbolic';
import type { FunctionalTopology, FunctionalTopologyLayer, TensorRef } from '../functional/topology';
import { attentionFromKeras } from './keras-attention-config';
import { declaredInputShape, layerFromKeras, RECURRENT_CLASSES } from './keras-config';
import type { FromKerasOptions, KerasLayerJson } from './keras-config';
import type { KerasCall, KerasGraph, KerasGraphLayer } from './keras-graph';

/** Keras' merge layers, each taking the list of its inputs. */
const MERGES: Readonly<Record<string, (c: Readonly<Record<string, unknown>>, name: string, who: string) => AnyLayerSpec>> = {
  Add: (_c, name) => add({ name }),
  Subtract: (_c, name) => subtract({ name }),
  Multiply: (_c, name) => multiply({ name }),
  Average: (_c, name) => average({ name }),
  Maximum: (_c, name) => maximum({ name }),
  Minimum: (_c, name) => minimum({ name }),
  Concatenate: (c, name) => concatenate({ name, axis: typeof c['axis'] === 'number' ? c['axis'] : -1 }),
  Dot: (c, name, who) => {
    const axes = c['axes'];
    if (!(typeof axes === 'number' || (Array.isArray(axes) && axes.length === 2 && axes.every((a) => typeof a === 'number')))) {
      throw new Error(`${who}: axes must be an integer or a pair of them, got ${JSON.stringify(axes)}`);
    }
    return dot({ name, axes: axes as number | [number, number], normalize: c['normalize'] === true });
  },
};

/** The dtype of an input layer: integer inputs (token ids) as int32, everything else float32. */
function inputDtype(dtype: unknown): 'int32' | 'float32' {
  const name = typeof dtype === 'string' ? dtype : typeof dtype === 'object' && dtype !== null ? (dtype as { config?: { name?: unknown } }).config?.name : undefined;
  return typeof name === 'string' && /^u?int/.test(name) ? 'int32' : 'float32';
}

function inputSpec(layer: KerasGraphLayer, who: string): InputSpec {
  const shape = declaredInputShape(layer.raw);
  if (shape === null) throw new Error(`${who}: input layer '${layer.name}' declares no shape (batch_input_shape or batch_shape)`);
  return { kind: 'input', shape: [null, ...shape], dtype: inputDtype(layer.raw.config['dtype']), name: layer.name };
}

const isRecurrent = (raw: KerasLayerJson): boolean => RECURRENT_CLASSES.includes(raw.class_name) || raw.class_name === 'Bidirectional';

const ATTENTION_CLASSES: readonly string[] = ['Attention', 'AdditiveAttention', 'MultiHeadAttention'];
/** The call keywords an attention layer's spec holds (one meaning for every call of the layer). */
const ATTENTION_KWARGS: readonly string[] = ['use_causal_mask', 'return_attention_scores'];

/** The spec of an attention layer from its config and its calls' keywords, which must agree. */
function attentionSpec(layer: KerasGraphLayer, who: string): AnyLayerSpec {
  const kwargsOf = (call: KerasCall) => Object.fromEntries(Object.entries(call.kwargs).filter(([k]) => ATTENTION_KWARGS.includes(k)));
  const first = JSON.stringify(kwargsOf(layer.calls[0] ?? { inputs: [], initialState: [], kwargs: {} }));
  if (layer.calls.some((call) => JSON.stringify(kwargsOf(call)) !== first)) throw new Error(`${who}: its calls differ in ${ATTENTION_KWARGS.join(' or ')}; rnnkit gives each attention layer one setting`);
  return { ...attentionFromKeras(layer.raw, JSON.parse(first) as Readonly<Record<string, unknown>>), name: layer.name };
}

/** Keyword arguments rnnkit reads nothing from (`training`, an absent `mask`), besides those an attention spec holds. */
function checkKwargs(call: KerasCall, attention: boolean, who: string): void {
  for (const [key, value] of Object.entries(call.kwargs)) {
    if (attention && ATTENTION_KWARGS.includes(key)) continue;
    const harmless = (key === 'training' && (value === null || typeof value === 'boolean')) || (key === 'mask' && (value === null || value === undefined));
    if (!harmless) throw new Error(`${who}: is called with ${key}=${JSON.stringify(value)?.slice(0, 80)}, which rnnkit does not read (masks flow from Embedding and Masking layers)`);
  }
}

/** A call's inputs as references, data first and initial states after (their count in `stateInputs`). */
function callOf(layer: KerasGraphLayer, call: KerasCall, multiInput: boolean, who: string): { inputs: TensorRef[]; stateInputs: number } {
  checkKwargs(call, ATTENTION_CLASSES.includes(layer.raw.class_name), who);
  if (multiInput || isRecurrent(layer.raw)) {
    if (call.inputs.length === 0) throw new Error(`${who}: a call has no inputs`);
    const states = multiInput ? call.initialState : [...call.inputs.slice(1), ...call.initialState];
    if (multiInput && states.length > 0) throw new Error(`${who}: a merge layer takes no initial_state`);
    const data = multiInput ? call.inputs : call.inputs.slice(0, 1);
    return { inputs: [...data, ...states], stateInputs: states.length };
  }
  if (call.inputs.length !== 1 || call.initialState.length > 0) {
    throw new Error(`${who}: takes one input, but a call gives it ${call.inputs.length + call.initialState.length}`);
  }
  return { inputs: [call.inputs[0]!], stateInputs: 0 };
}

/** The functional topology of `graph` (layer specs as `layerFromKeras` reads them); errors name the layer. */
export function functionalFromKeras(graph: KerasGraph, options: FromKerasOptions, who: string): FunctionalTopology {
  const layers = graph.layers.map((layer): FunctionalTopologyLayer => {
    const label = `${who}: layer '${layer.name}' (${layer.raw.class_name})`;
    if (layer.raw.class_name === 'InputLayer') return { spec: inputSpec(layer, who), calls: [{ inputs: [], stateInputs: 0 }] };
    const merge = MERGES[layer.raw.class_name];
    const attention = ATTENTION_CLASSES.includes(layer.raw.class_name);
    if (layer.calls.length === 0) throw new Error(`${label}: the layer is never called in the graph`);
    const spec: AnyLayerSpec =
      merge !== undefined ? merge(layer.raw.config, layer.name, label) : attention ? attentionSpec(layer, label) : { ...layerFromKeras(layer.raw, { ...options, returnState: true }), name: layer.name };
    return { spec, calls: layer.calls.map((call) => callOf(layer, call, merge !== undefined || attention, label)) };
  });
  return { kind: 'functional', name: graph.name ?? 'model', layers, inputs: graph.inputs, outputs: graph.outputs };
}
