/**
 * AdditiveAttention: additive (Bahdanau-style) attention of a query over a value sequence (Keras
 * `AdditiveAttention`).
 *
 * Shapes: B batch, Tq query steps, Tv value steps, F query/key features, Fv value features.
 *   inputs [query [B, Tq, F], value [B, Tv, Fv], key [B, Tv, F]?] (no key: the value is the key)
 *   scores S_ij = Σ_f s_f · tanh(q_if + k_jf)   → [B, Tq, Tv]   (s = `scale` [F]; 1 without useScale)
 *   weights A = softmax_j(where(M, S, −1e9)), M_ij = valueMask_j ∧ (j ≤ i if useCausalMask)
 *   training: A ← dropout(A);   y = (A·v) ⊙ queryMask_i   → [B, Tq, Fv]
 * Masks: the query's mask is the output's; the key's mask is not used (Keras). Weights: `scale` [F],
 * glorot uniform (Keras), when useScale (the default).
 */
import { add, expandDims, glorotUniform, mul, sum, tanh } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { weight } from '../layer';
import type { MultiInputLayerImpl } from '../layer';
import { checkDropout, checkFlag } from './attention-core';
import type { AttentionCallOptions } from './attention-core';
import { attendWithScores, checkQueryKey } from './attention';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** An additive attention layer (Keras `AdditiveAttention`). */
export interface AdditiveAttentionSpec {
  readonly kind: 'additiveAttention';
  readonly name?: string;
  readonly useScale: boolean;
  readonly dropout: number;
  readonly useCausalMask: boolean;
  readonly returnAttentionScores: boolean;
}

/** Options of {@link additiveAttention}, as Keras' (camelCase), with its call options fixed per layer. */
export interface AdditiveAttentionOptions extends AttentionCallOptions, CommonLayerOptions {
  /** A learned vector `scale` [F] weighs the features of each tanh before the sum. Default true (Keras). */
  readonly useScale?: boolean;
  /** Fraction of the attention weights dropped while training, in [0, 1). Default 0. */
  readonly dropout?: number;
}

/**
 * Additive attention over [query, value] or [query, value, key] (Keras `AdditiveAttention`):
 * `S_ij = Σ_f s_f·tanh(q_if + k_jf)`, `y = softmax(S)·v`, with Keras' masks, causal mask and dropout.
 *
 * @example
 * // Bahdanau attention of decoder steps over encoder steps (same widths)
 * const context = applyLayer(additiveAttention(), [decoderOutputs, encoderOutputs]) as SymbolicTensor;
 */
export function additiveAttention(options: AdditiveAttentionOptions = {}): Layer<AdditiveAttentionSpec> {
  const who = 'additiveAttention';
  const spec: AdditiveAttentionSpec = {
    kind: 'additiveAttention',
    useScale: checkFlag(options.useScale, true, who, 'useScale'),
    dropout: checkDropout(options.dropout, who),
    useCausalMask: checkFlag(options.useCausalMask, false, who, 'useCausalMask'),
    returnAttentionScores: checkFlag(options.returnAttentionScores, false, who, 'returnAttentionScores'),
  };
  return finishLayer(spec, options, 'additiveAttention');
}

/** The query's feature count, which `scale` needs; throws when it is unknown. */
function queryFeatures(inputs: Parameters<typeof checkQueryKey>[0]): number {
  const f = checkQueryKey(inputs, 'AdditiveAttention').query[2];
  if (f === null || f === undefined) throw new Error('AdditiveAttention: the query needs a known feature count for its scale');
  return f;
}

export const additiveAttentionLayer: MultiInputLayerImpl<AdditiveAttentionSpec> = {
  className: () => 'AdditiveAttention',
  outputShape: (_spec, inputs) => {
    const { query, value } = checkQueryKey(inputs, 'AdditiveAttention');
    return [null, query[1] ?? null, value[2] ?? null];
  },
  moreOutputShapes: (spec, inputs) => {
    const { query, value } = checkQueryKey(inputs, 'AdditiveAttention');
    return spec.returnAttentionScores ? [[null, query[1] ?? null, value[1] ?? null]] : [];
  },
  weights: (spec, inputs) => (spec.useScale ? [{ name: 'scale', shape: [queryFeatures(inputs)] }] : []),
  init: (spec, inputs, seed) => (spec.useScale ? { scale: glorotUniform([queryFeatures(inputs)], seed) } : {}),
  apply: (spec, params, xs, context) => {
    const [query, value] = xs as [Tensor, Tensor];
    const key = xs[2] ?? value;
    // [B, Tq, 1, F] + [B, 1, Tv, F] → [B, Tq, Tv, F]
    const features = tanh(add(expandDims(query, 2), expandDims(key, 1)));
    const scores = sum(spec.useScale ? mul(features, weight(params, 'scale', 'AdditiveAttention')) : features, -1);
    return attendWithScores(scores, value, spec, context);
  },
};
