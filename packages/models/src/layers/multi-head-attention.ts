/**
 * MultiHeadAttention: scaled dot-product attention in N heads over learned projections (Keras
 * `MultiHeadAttention`, Vaswani et al. 2017), over the sequence axis.
 *
 * Shapes: B batch, T query steps, S value/key steps, Fq/Fv/Fk input features, N heads,
 * Dk = keyDim, Dv = valueDim (default keyDim), O = outputShape (default Fq).
 *   inputs [query [B, T, Fq], value [B, S, Fv], key [B, S, Fk]?] (no key: the value is the key)
 *   Q = query·Wq + bq [B, T, N, Dk]   (Wq `query/kernel` [Fq, N, Dk], bq `query/bias` [N, Dk])
 *   K = key·Wk + bk   [B, S, N, Dk]   (`key/kernel` [Fk, N, Dk], `key/bias` [N, Dk])
 *   V = value·Wv + bv [B, S, N, Dv]   (`value/kernel` [Fv, N, Dv], `value/bias` [N, Dv])
 *   scores  E_nts = Σ_h Q_tnh·K_snh / √Dk                          → [B, N, T, S]
 *   weights A = softmax_s(where(M, E, −1e9)), M_ts = queryMask_t ∧ valueMask_s ∧ keyMask_s ∧ (s ≤ t if causal)
 *   training: A ← dropout(A);  C_tnh = Σ_s A_nts·V_snh;  y = Σ_{n,h} C_tnh·Wo_nho + bo  → [B, T, O]
 *   (Wo `attention_output/kernel` [N, Dv, O], bo `attention_output/bias` [O]; no biases without useBias).
 * Masks: the query's mask is the output's; the output is not zeroed at masked query steps (Keras), and
 * there a row of A is fully masked, hence uniform. The returned scores are A before dropout (Keras).
 * Initialisers: kernels glorot uniform (Keras' fans of a rank-3 kernel), biases zeros.
 */
import { add, glorotUniform, matMul, mul, reshape, scalar, transpose, zeros } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { weight } from '../layer';
import type { MultiInputLayerImpl, WeightShape } from '../layer';
import { deriveSeed } from '../seeds';
import { formatShape } from '../shape';
import type { Shape } from '../shape';
import { attentionInputShapes, checkDropout, checkFlag, dropWeights, maskedSoftmax, scoreMask } from './attention-core';
import type { AttentionCallOptions } from './attention-core';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A multi-head attention layer (Keras `MultiHeadAttention`). */
export interface MultiHeadAttentionSpec {
  readonly kind: 'multiHeadAttention';
  readonly name?: string;
  readonly numHeads: number;
  readonly keyDim: number;
  readonly valueDim: number;
  readonly dropout: number;
  readonly useBias: boolean;
  /** The output's features; null: the query's. */
  readonly outputShape: number | null;
  readonly useCausalMask: boolean;
  readonly returnAttentionScores: boolean;
}

/** Options of {@link multiHeadAttention}, as Keras' (camelCase), with its call options fixed per layer. */
export interface MultiHeadAttentionOptions extends AttentionCallOptions, CommonLayerOptions {
  readonly numHeads: number;
  /** Size of each head of the query and key projections. */
  readonly keyDim: number;
  /** Size of each head of the value projection. Default keyDim. */
  readonly valueDim?: number;
  /** Fraction of the attention weights dropped while training, in [0, 1). Default 0. */
  readonly dropout?: number;
  /** Default true. */
  readonly useBias?: boolean;
  /** The output's features (Keras `output_shape`, one size). Default: the query's features. */
  readonly outputShape?: number | readonly [number] | null;
  /** The attention axes: only the sequence axis (Keras' default for [B, T, F] inputs: null, 1 or [1]). */
  readonly attentionAxes?: number | readonly number[] | null;
}

function positiveInt(value: number | undefined, who: string, name: string): number {
  if (!(Number.isInteger(value) && value! > 0)) throw new Error(`${who}: ${name} must be a positive integer, got ${String(value)}`);
  return value!;
}

/**
 * Multi-head attention over [query, value] or [query, value, key] (Keras `MultiHeadAttention`); pass the
 * same tensor twice for self-attention. Weights have Keras' names and shapes, so they load from Keras.
 *
 * @example
 * const x = input({ shape: [null, 16] });
 * const y = applyLayer(multiHeadAttention({ numHeads: 2, keyDim: 8 }), [x, x]) as SymbolicTensor;   // self-attention, [B, T, 16]
 */
export function multiHeadAttention(options: MultiHeadAttentionOptions): Layer<MultiHeadAttentionSpec> {
  const who = 'multiHeadAttention';
  if (typeof options !== 'object' || options === null) throw new Error(`${who}: expected options { numHeads, keyDim, … }, got ${JSON.stringify(options)}`);
  const keyDim = positiveInt(options.keyDim, who, 'keyDim');
  const axes = options.attentionAxes;
  const axis = Array.isArray(axes) && axes.length === 1 ? axes[0] : axes;
  if (axis !== undefined && axis !== null && axis !== 1 && axis !== -2) {
    throw new Error(`${who}: attentionAxes ${JSON.stringify(axes)} is not supported (only the sequence axis of [B, T, F] inputs: null, 1 or [1])`);
  }
  const shape = options.outputShape;
  const out = Array.isArray(shape) ? (shape.length === 1 ? shape[0] : NaN) : shape;
  const spec: MultiHeadAttentionSpec = {
    kind: 'multiHeadAttention',
    numHeads: positiveInt(options.numHeads, who, 'numHeads'),
    keyDim,
    valueDim: options.valueDim === undefined ? keyDim : positiveInt(options.valueDim, who, 'valueDim'),
    dropout: checkDropout(options.dropout, who),
    useBias: checkFlag(options.useBias, true, who, 'useBias'),
    outputShape: out === undefined || out === null ? null : positiveInt(out, who, 'outputShape (one size)'),
    useCausalMask: checkFlag(options.useCausalMask, false, who, 'useCausalMask'),
    returnAttentionScores: checkFlag(options.returnAttentionScores, false, who, 'returnAttentionScores'),
  };
  return finishLayer(spec, options, 'multiHeadAttention');
}

/** The three inputs' feature counts, which the kernels need; throws when one is unknown. */
function features(inputs: readonly Shape[]): { fq: number; fv: number; fk: number } {
  const { query, value, key } = attentionInputShapes(inputs, 'MultiHeadAttention');
  const known = (s: Shape, what: string): number => {
    const f = s[2];
    if (f === null || f === undefined) throw new Error(`MultiHeadAttention: the ${what} needs a known feature count, got ${formatShape(s)}`);
    return f;
  };
  return { fq: known(query, 'query'), fv: known(value, 'value'), fk: known(key, 'key') };
}

/** x [B, T, F] · kernel [F, N, D] (+ bias [N, D]) → [B, N, T, D]. */
function project(x: Tensor, kernel: Tensor, bias: Tensor | null): Tensor {
  const [b, t, f] = x.shape as [number, number, number];
  const [, n, d] = kernel.shape as [number, number, number];
  let z = matMul(reshape(x, [b * t, f]), reshape(kernel, [f, n * d]));
  if (bias !== null) z = add(z, reshape(bias, [n * d]));
  return transpose(reshape(z, [b, t, n, d]), [0, 2, 1, 3]);
}

export const multiHeadAttentionLayer: MultiInputLayerImpl<MultiHeadAttentionSpec> = {
  className: () => 'MultiHeadAttention',
  outputShape: (spec, inputs) => {
    const { query } = attentionInputShapes(inputs, 'MultiHeadAttention');
    return [null, query[1] ?? null, spec.outputShape ?? query[2] ?? null];
  },
  moreOutputShapes: (spec, inputs) => {
    const { query, value } = attentionInputShapes(inputs, 'MultiHeadAttention');
    return spec.returnAttentionScores ? [[null, spec.numHeads, query[1] ?? null, value[1] ?? null]] : [];
  },
  weights: (spec, inputs) => {
    const { fq, fv, fk } = features(inputs);
    const n = spec.numHeads;
    const out = spec.outputShape ?? fq;
    const dense = (name: string, kernel: number[], bias: number[]): WeightShape[] =>
      spec.useBias ? [{ name: `${name}/kernel`, shape: kernel }, { name: `${name}/bias`, shape: bias }] : [{ name: `${name}/kernel`, shape: kernel }];
    return [
      ...dense('query', [fq, n, spec.keyDim], [n, spec.keyDim]),
      ...dense('key', [fk, n, spec.keyDim], [n, spec.keyDim]),
      ...dense('value', [fv, n, spec.valueDim], [n, spec.valueDim]),
      ...dense('attention_output', [n, spec.valueDim, out], [out]),
    ];
  },
  init: (spec, inputs, seed) => {
    const shapes = multiHeadAttentionLayer.weights(spec, inputs);
    return Object.fromEntries(shapes.map((w, i) => [w.name, w.name.endsWith('/kernel') ? glorotUniform(w.shape, deriveSeed(seed, i)) : zeros(w.shape, seed)]));
  },
  apply: (spec, params, xs, context) => {
    const who = 'MultiHeadAttention';
    const [query, value] = xs as [Tensor, Tensor];
    const key = xs[2] ?? value;
    const bias = (name: string): Tensor | null => (spec.useBias ? weight(params, `${name}/bias`, who) : null);
    const [b, t] = query.shape as [number, number];
    const s = value.shape[1]!;
    const n = spec.numHeads;
    const q = mul(project(query, weight(params, 'query/kernel', who), bias('query')), scalar(1 / Math.sqrt(spec.keyDim)));
    const k = project(key, weight(params, 'key/kernel', who), bias('key'));
    const v = project(value, weight(params, 'value/kernel', who), bias('value'));
    const scores = reshape(matMul(reshape(q, [b * n, t, spec.keyDim]), reshape(k, [b * n, s, spec.keyDim]), false, true), [b, n, t, s]);
    const columns = [context.masks[1] ?? null, xs.length > 2 ? (context.masks[2] ?? null) : null];
    const m = scoreMask({ rows: context.masks[0] ?? null, columns, causal: spec.useCausalMask, tq: t, tv: s });
    const weights = maskedSoftmax(scores, m === null ? null : reshape(m, [-1, 1, t, s]));
    const dropped = dropWeights(weights, spec.dropout, context.training, context.seed);
    const combined = matMul(reshape(dropped, [b * n, t, s]), reshape(v, [b * n, s, spec.valueDim])); // [B·N, T, Dv]
    const heads = reshape(transpose(reshape(combined, [b, n, t, spec.valueDim]), [0, 2, 1, 3]), [b * t, n * spec.valueDim]);
    const kernel = weight(params, 'attention_output/kernel', who);
    const out = kernel.shape[2]!;
    let y = matMul(heads, reshape(kernel, [n * spec.valueDim, out]));
    if (spec.useBias) y = add(y, weight(params, 'attention_output/bias', who));
    return { y: reshape(y, [b, t, out]), mask: context.masks[0] ?? null, ...(spec.returnAttentionScores && { more: [weights] }) };
  },
};
