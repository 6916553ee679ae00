/**
 * A functional model as a Keras 2 / tfjs-layers functional config (`class_name: 'Model'`): every
 * layer with its config and inbound nodes (`[[layer, node, tensor, {}], …]` per call; a recurrent
 * layer's initial state listed after its input, as tfjs-layers writes it), and the model's input and
 * output layers. `tf.loadLayersModel` and Keras' converter read it.
 */
import type { Functional, FunctionalLayer } from '../functional/functional';
import type { TensorRef } from '../functional/topology';
import type { AnyLayerSpec } from '../layers/registry';
import { isMultiInput } from '../layers/registry';
import { layerToKeras } from './keras-config';
import type { KerasLayerJson } from './keras-config';

const MERGE_CLASSES: Readonly<Record<string, string>> = {
  add: 'Add',
  subtract: 'Subtract',
  multiply: 'Multiply',
  average: 'Average',
  maximum: 'Maximum',
  minimum: 'Minimum',
};

/** The Keras config of a layer taking a list of inputs. */
function multiInputToKeras(spec: AnyLayerSpec, name: string): KerasLayerJson {
  switch (spec.kind) {
    case 'merge':
      return { class_name: MERGE_CLASSES[spec.op]!, config: { name, trainable: true } };
    case 'concatenate':
      return { class_name: 'Concatenate', config: { name, trainable: true, axis: spec.axis } };
    case 'dot':
      return { class_name: 'Dot', config: { name, trainable: true, axes: [...spec.axes], normalize: spec.normalize } };
    default:
      throw new Error(`layer '${name}': ${spec.kind} layers cannot be written as a tfjs-layers config`);
  }
}

function layerJson(layer: FunctionalLayer, inner: (spec: AnyLayerSpec) => string | null, batch: number | null): KerasLayerJson {
  const { spec, name } = layer;
  if (spec.kind === 'input') {
    return { class_name: 'InputLayer', config: { name, batch_input_shape: [batch, ...spec.shape.slice(1)], dtype: spec.dtype, sparse: false } };
  }
  if (isMultiInput(spec)) return multiInputToKeras(spec, name);
  const json = layerToKeras(spec, name);
  const innerName = inner(spec);
  if (spec.kind === 'bidirectional' && innerName !== null) {
    const wrapped = json.config['layer'] as KerasLayerJson;
    return { ...json, config: { ...json.config, layer: { ...wrapped, config: { ...wrapped.config, name: innerName } } } };
  }
  return json;
}

const entry = (ref: TensorRef): [string, number, number, Record<string, never>] => [ref[0], ref[1], ref[2], {}];

/**
 * The `modelTopology` of `model` in tfjs-layers' functional form. `inner` names the layer a
 * Bidirectional wraps (the weight paths use it); `batch` is the inputs' batch size (null: any).
 */
export function functionalToKeras(model: Functional, inner: (spec: AnyLayerSpec) => string | null, kerasVersion: string, batch: number | null = null): Record<string, unknown> {
  const topology = model.topology();
  const layers = model.layers.map((layer, i) => ({
    ...layerJson(layer, inner, batch),
    name: layer.name,
    inbound_nodes: layer.spec.kind === 'input' ? [] : topology.layers[i]!.calls.map((call) => call.inputs.map(entry)),
  }));
  return {
    class_name: 'Model',
    config: { name: model.name, layers, input_layers: topology.inputs.map((r) => [...r]), output_layers: topology.outputs.map((r) => [...r]) },
    keras_version: kerasVersion,
    backend: 'tensor_flow.js',
  };
}
