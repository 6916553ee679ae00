/**
 * Keras configurations of the attention layers (`Attention`, `AdditiveAttention`, `MultiHeadAttention`)
 * to and from rnnkit specs. Keras 3 passes `use_causal_mask` and `return_attention_scores` at call time:
 * a functional config keeps them in the node's `kwargs`, which rnnkit's spec holds (one call per layer);
 * tf.keras 2's deprecated `causal` config field means `use_causal_mask`.
 */
import { additiveAttention } from '../layers/additive-attention';
import { attention } from '../layers/attention';
import type { AttentionScoreMode } from '../layers/attention';
import { multiHeadAttention } from '../layers/multi-head-attention';
import type { AttentionLayerSpec } from '../layers/registry';
import type { KerasLayerJson } from './keras-config';

/** Keras' class names of the attention layers. */
export const ATTENTION_CLASSES: readonly string[] = ['Attention', 'AdditiveAttention', 'MultiHeadAttention'];

type Config = Readonly<Record<string, unknown>>;

function read<T>(c: Config, key: string, fallback: T, who: string, check: (v: unknown) => boolean): T {
  const v = c[key];
  if (v === undefined || v === null) return fallback;
  if (!check(v)) throw new Error(`${who}: config.${key} has an unsupported value ${JSON.stringify(v)}`);
  return v as T;
}
const isBool = (v: unknown): boolean => typeof v === 'boolean';
const isNumber = (v: unknown): boolean => typeof v === 'number';

/** Initialisers, regularisers and constraints other than Keras' defaults change training; they are refused, naming the field. */
function checkDefaults(c: Config, who: string): void {
  const defaults: Readonly<Record<string, string>> = { kernel_initializer: 'GlorotUniform', bias_initializer: 'Zeros' };
  for (const [key, className] of Object.entries(defaults)) {
    const v = c[key] as { class_name?: unknown } | string | null | undefined;
    const name = typeof v === 'string' ? v : v?.class_name;
    if (v !== undefined && v !== null && name !== className && name !== className.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()) {
      throw new Error(`${who}: config.${key} ${JSON.stringify(v)} is not supported (only ${className})`);
    }
  }
  for (const key of ['kernel_regularizer', 'bias_regularizer', 'activity_regularizer', 'kernel_constraint', 'bias_constraint']) {
    if (c[key] !== undefined && c[key] !== null) throw new Error(`${who}: config.${key} is not supported (regularisers and constraints are not read)`);
  }
}

/**
 * The rnnkit spec of a Keras attention layer config, named as in the file; `kwargs` are the call's
 * keyword arguments from the functional config's node (Keras 3: `use_causal_mask`, `return_attention_scores`).
 */
export function attentionFromKeras(layer: KerasLayerJson, kwargs: Config = {}): AttentionLayerSpec {
  const c = layer.config;
  const name = typeof c['name'] === 'string' ? c['name'] : undefined;
  const who = `layer '${name ?? '?'}' (${layer.class_name})`;
  const call = {
    useCausalMask: read(kwargs, 'use_causal_mask', read(c, 'causal', false, who, isBool), who, isBool),
    returnAttentionScores: read(kwargs, 'return_attention_scores', false, who, isBool),
    dropout: read(c, 'dropout', 0, who, isNumber),
    ...(name !== undefined && { name }),
  };
  switch (layer.class_name) {
    case 'Attention':
      return attention({ ...call, useScale: read(c, 'use_scale', false, who, isBool), scoreMode: read<AttentionScoreMode>(c, 'score_mode', 'dot', who, (v) => v === 'dot' || v === 'concat') });
    case 'AdditiveAttention':
      return additiveAttention({ ...call, useScale: read(c, 'use_scale', true, who, isBool) });
    case 'MultiHeadAttention': {
      checkDefaults(c, who);
      const keyDim = read(c, 'key_dim', 0, who, isNumber);
      const outputShape = c['output_shape'];
      return multiHeadAttention({
        ...call,
        numHeads: read(c, 'num_heads', 0, who, isNumber),
        keyDim,
        valueDim: read(c, 'value_dim', keyDim, who, isNumber),
        useBias: read(c, 'use_bias', true, who, isBool),
        outputShape: outputShape === undefined || outputShape === null ? null : (outputShape as number | [number]),
        attentionAxes: (c['attention_axes'] ?? null) as number | number[] | null,
      });
    }
    default:
      throw new Error(`${who}: not an attention layer (${ATTENTION_CLASSES.join(', ')})`);
  }
}

/** The Keras config of an attention spec and the call's keyword arguments (for the functional node). */
export function attentionToKeras(spec: AttentionLayerSpec, name: string): { readonly layer: KerasLayerJson; readonly kwargs: Config } {
  const kwargs = { use_causal_mask: spec.useCausalMask, return_attention_scores: spec.returnAttentionScores };
  const base = { name, trainable: true, dropout: spec.dropout };
  switch (spec.kind) {
    case 'attention':
      return { layer: { class_name: 'Attention', config: { ...base, use_scale: spec.useScale, score_mode: spec.scoreMode } }, kwargs };
    case 'additiveAttention':
      return { layer: { class_name: 'AdditiveAttention', config: { ...base, use_scale: spec.useScale } }, kwargs };
    case 'multiHeadAttention':
      return {
        layer: {
          class_name: 'MultiHeadAttention',
          config: {
            ...base,
            num_heads: spec.numHeads,
            key_dim: spec.keyDim,
            value_dim: spec.valueDim,
            use_bias: spec.useBias,
            output_shape: spec.outputShape === null ? null : [spec.outputShape],
            attention_axes: [1],
          },
        },
        kwargs,
      };
  }
}
