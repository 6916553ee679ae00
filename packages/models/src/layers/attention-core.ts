/**
 * What Keras' three attention layers share: the score mask (padding and causal), the masked softmax,
 * dropout on the attention weights, and the checks of their [query, value, key?] inputs.
 *
 * Shapes: B batch, Tq query steps, Tv value (and key) steps; Fq, Fv, Fk features.
 *   query [B, Tq, Fq], value [B, Tv, Fv], key [B, Tv, Fk] (absent: the value is the key).
 *   score mask M [B, Tq, Tv] (or broadcastable), float32 0/1: 1 = the query step may attend to that value step.
 *   scores S [..., Tq, Tv] → weights A = softmax(where(M, S, −1e9)) over Tv.
 */
import { add, mul, reshape, scalar, softmax, sub, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { formatShape } from '../shape';
import type { Shape } from '../shape';
import { dropoutMask } from './dropout';

/** The options Keras passes to an attention layer's call, fixed per layer in rnnkit (the spec describes the call). */
export interface AttentionCallOptions {
  /** Query step i attends only to value steps j ≤ i (Keras `use_causal_mask`). Default false. */
  readonly useCausalMask?: boolean;
  /** Also output the attention weights (Keras `return_attention_scores`): `applyLayer` then returns `[y, scores]`. Default false. */
  readonly returnAttentionScores?: boolean;
}

/** The value Keras subtracts from a masked score (float32): exp of it is 0, and a fully masked row becomes uniform. */
const MASKED_SCORE = -1e9;

/** `dropout` checked: a number in [0, 1). */
export function checkDropout(rate: number | undefined, who: string): number {
  const r = rate ?? 0;
  if (!(typeof r === 'number' && r >= 0 && r < 1)) throw new Error(`${who}: dropout must be a number in [0, 1), got ${String(rate)}`);
  return r;
}

/** A boolean option checked (undefined gives `fallback`). */
export function checkFlag(value: boolean | undefined, fallback: boolean, who: string, name: string): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new Error(`${who}: ${name} must be a boolean, got ${JSON.stringify(value)}`);
  return value;
}

/** The three input shapes (key = value when only two are given), each [B, T, F] with matching batch and value/key lengths. */
export function attentionInputShapes(inputs: readonly Shape[], who: string): { query: Shape; value: Shape; key: Shape } {
  if (inputs.length !== 2 && inputs.length !== 3) throw new Error(`${who}: takes [query, value] or [query, value, key], got ${inputs.length} input(s)`);
  const [query, value, key = value] = inputs as [Shape, Shape, Shape?];
  const names = ['query', 'value', 'key'];
  [query, value, key].forEach((s, i) => {
    if (s.length !== 3) throw new Error(`${who}: ${names[i]} must have shape (batch, steps, features), got ${formatShape(s)}`);
  });
  const same = (a: number | null | undefined, b: number | null | undefined): boolean => a === null || b === null || a === b;
  if (!same(value[1], key[1])) throw new Error(`${who}: value and key must have the same number of steps, got ${formatShape(value)} and ${formatShape(key)}`);
  return { query, value, key };
}

/** The lower-triangular causal mask [Tq, Tv]: 1 where j ≤ i (Keras: row index ≥ column index). */
function causalMask(tq: number, tv: number): Tensor {
  const values = new Float32Array(tq * tv);
  for (let i = 0; i < tq; i++) for (let j = 0; j <= Math.min(i, tv - 1); j++) values[i * tv + j] = 1;
  return tensor(values, [tq, tv], 'float32');
}

/**
 * The score mask [B, Tq, Tv] (or [1, Tq, Tv], or null when nothing is masked): the AND of the row mask
 * (a query mask [B, Tq], MultiHeadAttention only), the column masks ([B, Tv]: value, key) and the causal mask.
 */
export function scoreMask(options: {
  readonly rows: Tensor | null;
  readonly columns: readonly (Tensor | null)[];
  readonly causal: boolean;
  readonly tq: number;
  readonly tv: number;
}): Tensor | null {
  let m: Tensor | null = options.rows === null ? null : reshape(options.rows, [-1, options.tq, 1]);
  for (const c of options.columns) {
    if (c === null) continue;
    const column = reshape(c, [-1, 1, options.tv]);
    m = m === null ? column : mul(m, column);
  }
  if (options.causal) {
    const causal = reshape(causalMask(options.tq, options.tv), [1, options.tq, options.tv]);
    m = m === null ? causal : mul(m, causal);
  }
  return m;
}

/**
 * `softmax(where(M, S, −1e9))` over the last axis: masked scores get no weight (a row with every score
 * masked gets uniform weights, as Keras' float32 `S − 1e9·(1 − M)` gives). `mask` broadcasts against `scores`.
 */
export function maskedSoftmax(scores: Tensor, mask: Tensor | null): Tensor {
  if (mask === null) return softmax(scores, -1);
  return softmax(add(mul(scores, mask), mul(sub(mask, scalar(1)), scalar(-MASKED_SCORE))), -1);
}

/** Dropout of the attention weights while training (inverted, seeded from the call's seed); the weights unchanged otherwise. */
export function dropWeights(weights: Tensor, rate: number, training: boolean, seed: number): Tensor {
  if (!training || rate === 0) return weights;
  return mul(weights, dropoutMask(weights.shape, rate, seed));
}
