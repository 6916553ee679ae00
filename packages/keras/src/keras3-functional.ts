/**
 * An rnnkit functional model's `config.json` as Keras 3 writes a Functional model (checked against
 * Keras 3.14 files, fixtures/real-models/turbofan-lstm-ae-keras314 and shard-siem-lstm-ae-keras314):
 *
 *   { module: 'keras.src.models.functional', class_name: 'Functional', registered_name: 'Functional',
 *     config: { name, trainable, layers, input_layers, output_layers }, build_config: { input_shape: null } }
 *
 * every layer as in a Sequential (keras3-config.ts) plus its `name` and `inbound_nodes`: one entry
 * per call, `{ args: [tensor] | [[tensor, …]], kwargs }`, a tensor being
 * `{ class_name: '__keras_tensor__', config: { shape, dtype, keras_history: [layer, node, index] } }`;
 * a recurrent layer's initial state goes in `kwargs.initial_state`. One model input (output) is
 * written as one `[layer, node, index]`, several as a list of them.
 */
import type { Functional } from '@rnnkit/models';
import { toLayersArtifacts } from '@rnnkit/models';
import { keras3InputLayer, keras3Layer } from './keras3-config';
import type { KerasLayerJson } from './keras-json';

type Ref = readonly [string, number, number];

/** A layer of tfjs-layers' functional config (what `toLayersArtifacts` writes). */
interface TfjsFunctionalLayer extends KerasLayerJson {
  readonly name: string;
  readonly inbound_nodes: readonly (readonly (readonly [string, number, number, unknown])[])[];
}

/** The call arguments Keras 3 records per class (its call signature's defaults as they were at the call). */
const CALL_KWARGS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  SimpleRNN: { training: false, mask: null },
  LSTM: { training: false, mask: null },
  GRU: { training: false, mask: null },
  Bidirectional: { training: false, mask: null },
  Dropout: { training: false },
  SpatialDropout1D: { training: false },
  GaussianNoise: { training: false },
  BatchNormalization: { mask: null },
  TimeDistributed: { mask: null },
};

const RECURRENT = new Set(['SimpleRNN', 'LSTM', 'GRU', 'Bidirectional']);

/** `[a]` for one reference, `[[a], [b]]` for several — how Keras 3 writes `input_layers` and `output_layers`. */
function refs(list: readonly Ref[]): unknown {
  return list.length === 1 ? [...list[0]!] : list.map((r) => [...r]);
}

/** The `config.json` of `model` in Keras 3's Functional form, and its layers (InputLayers included) in order. */
export function keras3FunctionalConfig(model: Functional): { config: Record<string, unknown>; layers: KerasLayerJson[] } {
  const tfjs = toLayersArtifacts(model).modelTopology as { config: { layers: TfjsFunctionalLayer[] } };
  const topology = model.topology();
  const outputShapes = new Map(model.layers.map((l) => [l.name, l.calls.map((c) => c.outputShapes)] as const));
  const dtypes = new Map(tfjs.config.layers.filter((l) => l.class_name === 'InputLayer').map((l) => [l.name, String(l.config['dtype'] ?? 'float32')] as const));
  const dtypeOf = (layer: string): string => dtypes.get(layer) ?? 'float32';
  const tensor = (ref: Ref): object => {
    const shape = outputShapes.get(ref[0])?.[ref[1]]?.[ref[2]];
    if (shape === undefined) throw new Error(`saveKerasModel: model '${model.name}': no output ${ref[2]} of call ${ref[1]} of layer '${ref[0]}'`);
    // float32, but an input tensor has its input layer's dtype (int32 ids for an Embedding)
    return { class_name: '__keras_tensor__', config: { shape: [...shape], dtype: dtypeOf(ref[0]), keras_history: [...ref] } };
  };
  const layers = tfjs.config.layers.map((raw, i): KerasLayerJson => {
    const layer = model.layers[i]!;
    if (raw.class_name === 'InputLayer') {
      const shape = raw.config['batch_input_shape'] as (number | null)[];
      return { ...keras3InputLayer(shape, raw.name, dtypeOf(raw.name)), name: raw.name, inbound_nodes: [] };
    }
    const calls = topology.layers[i]!.calls;
    const firstInputs = layer.calls[0]!.inputShapes;
    const json = keras3Layer(raw, firstInputs.length === 1 || RECURRENT.has(raw.class_name) ? firstInputs[0]! : null);
    const built = firstInputs.length > 1 && !RECURRENT.has(raw.class_name) ? { ...json, build_config: { input_shape: firstInputs.map((s) => [...s]) } } : json;
    const inboundNodes = calls.map((call) => {
      const inputs = call.inputs.slice(0, call.inputs.length - call.stateInputs);
      const states = call.inputs.slice(call.inputs.length - call.stateInputs);
      const kwargs = { ...(CALL_KWARGS[raw.class_name] ?? {}), ...(states.length > 0 ? { initial_state: states.map(tensor) } : {}) };
      return { args: inputs.length === 1 ? [tensor(inputs[0]!)] : [inputs.map(tensor)], kwargs };
    });
    return { ...built, name: raw.name, inbound_nodes: inboundNodes };
  });
  const config = {
    module: 'keras.src.models.functional',
    class_name: 'Functional',
    config: { name: model.name, trainable: true, layers, input_layers: refs(topology.inputs), output_layers: refs(topology.outputs) },
    registered_name: 'Functional',
    build_config: { input_shape: null },
  };
  return { config, layers };
}
