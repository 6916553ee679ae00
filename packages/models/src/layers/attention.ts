/**
 * Attention: dot-product (Luong-style) attention of a query over a value sequence (Keras `Attention`).
 *
 * Shapes: B batch, Tq query steps, Tv value steps, F query/key features, Fv value features.
 *   inputs [query [B, Tq, F], value [B, Tv, Fv], key [B, Tv, F]?] (no key: the value is the key)
 *   scores S [B, Tq, Tv]:
 *     scoreMode 'dot':    S = s · q·kᵀ                                  (s = `scale`, 1 without useScale)
 *     scoreMode 'concat': S_ij = c · Σ_f tanh(s · (q_if + k_jf))         (c = `concat_score_weight`)
 *   weights A = softmax_j(where(M, S, −1e9)), M_ij = valueMask_j ∧ (j ≤ i if useCausalMask)
 *   training: A ← dropout(A);   y = (A·v) ⊙ queryMask_i   → [B, Tq, Fv]
 * Masks: the query's mask is the output's; the key's mask is not used (Keras). Weights: `scale` [] and
 * `concat_score_weight` [] (scalars, initialised to 1), when present.
 */
import { add, expandDims, matMul, mul, onesTensor, sum, tanh } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { weight } from '../layer';
import type { MultiInputContext, MultiInputLayerImpl, MultiInputOutput, WeightShape } from '../layer';
import { formatShape } from '../shape';
import type { Shape } from '../shape';
import { attentionInputShapes, checkDropout, checkFlag, dropWeights, maskedSoftmax, scoreMask } from './attention-core';
import type { AttentionCallOptions } from './attention-core';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** How Attention scores a query step against a key step. */
export type AttentionScoreMode = 'dot' | 'concat';

/** A dot-product attention layer (Keras `Attention`). */
export interface AttentionSpec {
  readonly kind: 'attention';
  readonly name?: string;
  readonly useScale: boolean;
  readonly scoreMode: AttentionScoreMode;
  readonly dropout: number;
  readonly useCausalMask: boolean;
  readonly returnAttentionScores: boolean;
}

/** Options of {@link attention}, as Keras' (camelCase), with its call options fixed per layer. */
export interface AttentionOptions extends AttentionCallOptions, CommonLayerOptions {
  /** A learned scalar `scale` multiplies the scores. Default false. */
  readonly useScale?: boolean;
  /** Default 'dot'. */
  readonly scoreMode?: AttentionScoreMode;
  /** Fraction of the attention weights dropped while training, in [0, 1). Default 0. */
  readonly dropout?: number;
}

/**
 * Dot-product attention over [query, value] or [query, value, key] (Keras `Attention`):
 * `y = softmax(q·kᵀ)·v` with Keras' masks, causal mask, scale and dropout.
 *
 * @example
 * // Luong attention of decoder steps over encoder steps
 * const context = applyLayer(attention(), [decoderOutputs, encoderOutputs]) as SymbolicTensor;
 */
export function attention(options: AttentionOptions = {}): Layer<AttentionSpec> {
  const who = 'attention';
  const scoreMode = options.scoreMode ?? 'dot';
  if (scoreMode !== 'dot' && scoreMode !== 'concat') throw new Error(`${who}: scoreMode must be 'dot' or 'concat', got ${JSON.stringify(options.scoreMode)}`);
  const spec: AttentionSpec = {
    kind: 'attention',
    useScale: checkFlag(options.useScale, false, who, 'useScale'),
    scoreMode,
    dropout: checkDropout(options.dropout, who),
    useCausalMask: checkFlag(options.useCausalMask, false, who, 'useCausalMask'),
    returnAttentionScores: checkFlag(options.returnAttentionScores, false, who, 'returnAttentionScores'),
  };
  return finishLayer(spec, options, 'attention');
}

/** Query and key must have the same features (they are multiplied or added); returns the shapes. */
export function checkQueryKey(inputs: readonly Shape[], who: string): { query: Shape; value: Shape; key: Shape } {
  const shapes = attentionInputShapes(inputs, who);
  const fq = shapes.query[2] ?? null;
  const fk = shapes.key[2] ?? null;
  if (fq !== null && fk !== null && fq !== fk) throw new Error(`${who}: query and key must have the same features, got ${formatShape(shapes.query)} and ${formatShape(shapes.key)}`);
  return shapes;
}

/**
 * The rest of Attention and AdditiveAttention once the scores [B, Tq, Tv] are known: the value mask
 * and causal mask, the softmax, dropout, `A·v` and the query mask. Returns y, its mask and (when asked) A.
 */
export function attendWithScores(
  scores: Tensor,
  value: Tensor,
  spec: { readonly dropout: number; readonly useCausalMask: boolean; readonly returnAttentionScores: boolean },
  context: MultiInputContext,
): MultiInputOutput {
  const [, tq, tv] = scores.shape as [number, number, number];
  const queryMask = context.masks[0] ?? null;
  const m = scoreMask({ rows: null, columns: [context.masks[1] ?? null], causal: spec.useCausalMask, tq, tv });
  const weights = dropWeights(maskedSoftmax(scores, m), spec.dropout, context.training, context.seed);
  const product = matMul(weights, value);
  const y = queryMask === null ? product : mul(product, expandDims(queryMask, 2));
  return { y, mask: queryMask, ...(spec.returnAttentionScores && { more: [weights] }) };
}

export const attentionLayer: MultiInputLayerImpl<AttentionSpec> = {
  className: () => 'Attention',
  outputShape: (_spec, inputs) => {
    const { query, value } = checkQueryKey(inputs, 'Attention');
    return [null, query[1] ?? null, value[2] ?? null];
  },
  moreOutputShapes: (spec, inputs) => {
    const { query, value } = checkQueryKey(inputs, 'Attention');
    return spec.returnAttentionScores ? [[null, query[1] ?? null, value[1] ?? null]] : [];
  },
  weights: (spec) => {
    const scalars: WeightShape[] = [];
    if (spec.useScale) scalars.push({ name: 'scale', shape: [] });
    if (spec.scoreMode === 'concat') scalars.push({ name: 'concat_score_weight', shape: [] });
    return scalars;
  },
  init: (spec) => ({
    ...(spec.useScale && { scale: onesTensor([]) }),
    ...(spec.scoreMode === 'concat' && { concat_score_weight: onesTensor([]) }),
  }),
  apply: (spec, params, xs, context) => {
    const [query, value] = xs as [Tensor, Tensor];
    const key = xs[2] ?? value;
    const scale = spec.useScale ? weight(params, 'scale', 'Attention') : null;
    let scores: Tensor;
    if (spec.scoreMode === 'dot') {
      scores = matMul(query, key, false, true);
      if (scale !== null) scores = mul(scores, scale);
    } else {
      // [B, Tq, 1, F] + [B, 1, Tv, F] → [B, Tq, Tv, F]
      const pairs = add(expandDims(query, 2), expandDims(key, 1));
      scores = mul(weight(params, 'concat_score_weight', 'Attention'), sum(tanh(scale === null ? pairs : mul(scale, pairs)), -1));
    }
    return attendWithScores(scores, value, spec, context);
  },
};
