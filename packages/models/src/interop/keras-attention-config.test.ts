import { additiveAttention, attention, multiHeadAttention } from '../index';
import { attentionFromKeras, attentionToKeras } from './keras-attention-config';

// configs as Keras 3's get_config writes them (keras/src/layers/attention/*.py), dtype policy left out
const glorot = { module: 'keras.initializers', class_name: 'GlorotUniform', config: { seed: null }, registered_name: null };
const zeros = { module: 'keras.initializers', class_name: 'Zeros', config: {}, registered_name: null };
const MHA = {
  name: 'multi_head_attention',
  trainable: true,
  num_heads: 2,
  key_dim: 4,
  value_dim: 3,
  dropout: 0.1,
  use_bias: false,
  output_shape: [5],
  attention_axes: [1],
  kernel_initializer: glorot,
  bias_initializer: zeros,
  kernel_regularizer: null,
  bias_regularizer: null,
  activity_regularizer: null,
  kernel_constraint: null,
  bias_constraint: null,
  seed: null,
};

describe('Keras configs of the attention layers', () => {
  it('reads Attention, AdditiveAttention and MultiHeadAttention, with the call’s kwargs', () => {
    expect(attentionFromKeras({ class_name: 'Attention', config: { name: 'att', trainable: true, use_scale: true, score_mode: 'concat', dropout: 0.2 } }, { use_causal_mask: true })).toEqual(
      attention({ name: 'att', useScale: true, scoreMode: 'concat', dropout: 0.2, useCausalMask: true }),
    );
    expect(attentionFromKeras({ class_name: 'AdditiveAttention', config: { name: 'add', trainable: true, use_scale: true, dropout: 0 } }, { return_attention_scores: true })).toEqual(
      additiveAttention({ name: 'add', returnAttentionScores: true }),
    );
    expect(attentionFromKeras({ class_name: 'MultiHeadAttention', config: MHA })).toEqual(
      multiHeadAttention({ name: 'multi_head_attention', numHeads: 2, keyDim: 4, valueDim: 3, dropout: 0.1, useBias: false, outputShape: 5 }),
    );
    // tf.keras 2's deprecated constructor argument
    expect(attentionFromKeras({ class_name: 'Attention', config: { name: 'old', causal: true } }).useCausalMask).toBe(true);
  });

  it('writes what it reads', () => {
    for (const spec of [
      attention({ useScale: true, scoreMode: 'concat', useCausalMask: true }),
      additiveAttention({ useScale: false, dropout: 0.3, returnAttentionScores: true }),
      multiHeadAttention({ numHeads: 3, keyDim: 2, outputShape: 7, useCausalMask: true }),
      multiHeadAttention({ numHeads: 1, keyDim: 5 }),
    ]) {
      const { layer, kwargs } = attentionToKeras(spec, 'x');
      expect(attentionFromKeras(JSON.parse(JSON.stringify(layer)), kwargs)).toEqual({ ...spec, name: 'x' });
    }
  });

  it('refuses what it cannot compute, naming the layer and field', () => {
    expect(() => attentionFromKeras({ class_name: 'MultiHeadAttention', config: { ...MHA, attention_axes: [1, 2] } })).toThrow('attentionAxes [1,2] is not supported');
    expect(() => attentionFromKeras({ class_name: 'MultiHeadAttention', config: { ...MHA, kernel_regularizer: { class_name: 'L2' } } })).toThrow(
      "layer 'multi_head_attention' (MultiHeadAttention): config.kernel_regularizer is not supported",
    );
    expect(() => attentionFromKeras({ class_name: 'MultiHeadAttention', config: { ...MHA, kernel_initializer: 'he_normal' } })).toThrow('config.kernel_initializer "he_normal" is not supported');
    expect(() => attentionFromKeras({ class_name: 'Attention', config: { name: 'a', score_mode: 'general' } })).toThrow("layer 'a' (Attention): config.score_mode has an unsupported value \"general\"");
    expect(() => attentionFromKeras({ class_name: 'Dense', config: { name: 'd' } })).toThrow("layer 'd' (Dense): not an attention layer");
  });
});
