/**
 * Attention of a decoder over encoder outputs, with the source mask respected.
 *
 * Shapes: B batch, Q query steps, S source steps, H width of queries and keys (decoder units).
 *   query q [B, Q, H], keys/values m [B, S, H], mask [B, S] (1 = real source token)
 *   scores e [B, Q, S]:
 *     dot (Luong):        e = q · mᵀ
 *     general (Luong):    e = q · Wa · mᵀ                  Wa [H, H]
 *     bahdanau (additive): e = v · tanh(q·Wq + m·Wk)        Wq, Wk [H, H], v [H]
 *   weights α = softmax_S(e + (1 − mask)·(−1e9)),  context c = α · m  [B, Q, H]
 */
import { add, expandDims, glorotUniform, matMul, mul, reshape, scalar, softmax, sub, sum, tanh, transpose } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { weight } from '../layer';
import type { WeightShape } from '../layer';
import { deriveSeed } from '../seeds';

/** The attention score: Luong's `'dot'` and `'general'`, or Bahdanau's additive `'bahdanau'`. */
export type AttentionKind = 'dot' | 'general' | 'bahdanau';
export const ATTENTION_KINDS: readonly AttentionKind[] = ['dot', 'general', 'bahdanau'];

/** The score weights of an attention kind for width H (Luong's output projection is separate). */
export function attentionWeights(kind: AttentionKind, width: number): WeightShape[] {
  switch (kind) {
    case 'dot':
      return [];
    case 'general':
      return [{ name: 'wa', shape: [width, width] }];
    case 'bahdanau':
      return [
        { name: 'wq', shape: [width, width] },
        { name: 'wk', shape: [width, width] },
        { name: 'v', shape: [width] },
      ];
  }
}

/** Fresh glorot-uniform score weights. */
export function initAttention(kind: AttentionKind, width: number, seed: number): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  attentionWeights(kind, width).forEach((w, i) => {
    out[w.name] = glorotUniform(w.shape, deriveSeed(seed, i));
  });
  return out;
}

/** `x [B, N, H] · w [H, K]` → [B, N, K]. */
function project(x: Tensor, w: Tensor): Tensor {
  const [b, n, h] = x.shape as [number, number, number];
  return reshape(matMul(reshape(x, [b * n, h]), w), [b, n, w.shape[1]!]);
}

/**
 * Context vectors and attention weights (the weights are what one plots). Call inside `tidy`.
 * `params` holds the kind's weights without prefix (`wa`, or `wq`, `wk`, `v`).
 */
export function attend(
  kind: AttentionKind,
  params: Readonly<Record<string, Tensor>>,
  query: Tensor,
  memory: Tensor,
  mask: Tensor | null,
): { context: Tensor; weights: Tensor } {
  let scores: Tensor;
  if (kind === 'bahdanau') {
    const q = expandDims(project(query, weight(params, 'wq', 'attention')), 2); // [B, Q, 1, H]
    const k = expandDims(project(memory, weight(params, 'wk', 'attention')), 1); // [B, 1, S, H]
    scores = sum(mul(tanh(add(q, k)), weight(params, 'v', 'attention')), -1); // [B, Q, S]
  } else {
    const keys = kind === 'general' ? project(memory, transpose(weight(params, 'wa', 'attention'))) : memory;
    scores = matMul(query, keys, false, true);
  }
  if (mask !== null) scores = add(scores, mul(expandDims(sub(scalar(1), mask), 1), scalar(-1e9)));
  const weights = softmax(scores);
  return { context: matMul(weights, memory), weights };
}
