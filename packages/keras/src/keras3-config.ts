/**
 * rnnkit's layer configs (as `toLayersArtifacts` of `@rnnkit/models` describes them, Keras 2 style)
 * written as Keras 3 writes them into `config.json`: `{ module, class_name, config, registered_name,
 * build_config }`, each config with its `dtype` policy object and the keys Keras 3.12 writes for the
 * class (initialisers, regularisers and constraints at Keras' defaults, which change nothing a
 * loaded model computes), an `InputLayer` first, and Bidirectional's mirrored `backward_layer`.
 */
import type { KerasLayerJson } from './keras-json';

/** The Keras version whose layout `saveKerasModel` writes (checked against files Keras 3.12.1 wrote). */
export const KERAS_VERSION = '3.12.1';

const POLICY = { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null };

function initializer(className: string, config: Record<string, unknown> = {}): object {
  return { module: 'keras.initializers', class_name: className, config, registered_name: null };
}

const RECURRENT_COMMON = {
  return_sequences: false,
  return_state: false,
  go_backwards: false,
  stateful: false,
  unroll: false,
  zero_output_for_mask: false,
  kernel_initializer: initializer('GlorotUniform', { seed: null }),
  recurrent_initializer: initializer('Orthogonal', { seed: null, gain: 1.0 }),
  bias_initializer: initializer('Zeros'),
  kernel_regularizer: null,
  recurrent_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  recurrent_constraint: null,
  bias_constraint: null,
  dropout: 0.0,
  recurrent_dropout: 0.0,
  seed: null,
};

/** What Keras 3.12 writes for a class beyond what rnnkit's config carries (its defaults). */
const KERAS3_DEFAULTS: Readonly<Record<string, Readonly<Record<string, unknown>>>> = {
  SimpleRNN: RECURRENT_COMMON,
  LSTM: { ...RECURRENT_COMMON, unit_forget_bias: true },
  GRU: { ...RECURRENT_COMMON, reset_after: true },
  Dense: {
    kernel_initializer: initializer('GlorotUniform', { seed: null }),
    bias_initializer: initializer('Zeros'),
    kernel_regularizer: null,
    bias_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  },
  Embedding: {
    embeddings_initializer: initializer('RandomUniform', { seed: null, minval: -0.05, maxval: 0.05 }),
    embeddings_regularizer: null,
    activity_regularizer: null,
    embeddings_constraint: null,
  },
  BatchNormalization: {
    beta_initializer: initializer('Zeros'),
    gamma_initializer: initializer('Ones'),
    moving_mean_initializer: initializer('Zeros'),
    moving_variance_initializer: initializer('Ones'),
    beta_regularizer: null,
    gamma_regularizer: null,
    beta_constraint: null,
    gamma_constraint: null,
    synchronized: false,
  },
  LayerNormalization: {
    rms_scaling: false,
    beta_initializer: initializer('Zeros'),
    gamma_initializer: initializer('Ones'),
    beta_regularizer: null,
    gamma_regularizer: null,
    beta_constraint: null,
    gamma_constraint: null,
  },
  Conv1D: {
    groups: 1,
    kernel_initializer: initializer('GlorotUniform', { seed: null }),
    bias_initializer: initializer('Zeros'),
    kernel_regularizer: null,
    bias_regularizer: null,
    activity_regularizer: null,
    kernel_constraint: null,
    bias_constraint: null,
  },
  Dropout: { seed: null, noise_shape: null },
  SpatialDropout1D: { seed: null, noise_shape: null },
  GaussianNoise: { seed: null },
};

/** One rnnkit layer (tfjs-layers style JSON) as Keras 3 writes it; `inputShape` with the batch axis. */
export function keras3Layer(layer: KerasLayerJson, inputShape: readonly (number | null)[] | null): KerasLayerJson {
  const who = `saveKerasModel: layer '${String(layer.config['name'])}' (${layer.class_name})`;
  if (JSON.stringify(layer.config).includes('"hard_sigmoid"')) {
    throw new Error(`${who}: uses Keras 2's hard sigmoid, clip(0.2x + 0.5); 'hard_sigmoid' in a Keras 3 file means clip(x/6 + 0.5), so this model cannot be written as a .keras file`);
  }
  const config: Record<string, unknown> = { name: layer.config['name'], trainable: true, dtype: POLICY, ...(KERAS3_DEFAULTS[layer.class_name] ?? {}), ...layer.config };
  delete config['batch_input_shape'];
  if (layer.class_name === 'Bidirectional' || layer.class_name === 'TimeDistributed') {
    const inner = keras3Layer(layer.config['layer'] as KerasLayerJson, null);
    config['layer'] = inner;
    if (layer.class_name === 'Bidirectional') {
      const innerConfig = inner.config;
      config['backward_layer'] = { ...inner, config: { ...innerConfig, name: `backward_${String(innerConfig['name'])}`, go_backwards: !(innerConfig['go_backwards'] as boolean) } };
    }
  }
  const out: KerasLayerJson = { module: 'keras.layers', class_name: layer.class_name, config, registered_name: null };
  return inputShape === null ? out : { ...out, build_config: { input_shape: [...inputShape] } };
}

/** An `InputLayer` as Keras 3 writes it (the one it puts first in a Sequential config is `input_layer`, float32). */
export function keras3InputLayer(batchShape: readonly (number | null)[], name = 'input_layer', dtype = 'float32'): KerasLayerJson {
  return { module: 'keras.layers', class_name: 'InputLayer', config: { batch_shape: [...batchShape], dtype, sparse: false, ragged: false, name }, registered_name: null };
}
