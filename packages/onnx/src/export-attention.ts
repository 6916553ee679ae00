/**
 * The attention of rnnkit's seq2seq decoder (packages/models/src/structures/attention.ts) as ONNX ops,
 * for one decoder step.
 *
 * Shapes: N rows, S source steps, H width of queries and keys.
 *   query q [N, 1, H], memory m [N, S, H], mask [N, S] (1 = real source token)
 *   dot:      e = q · mᵀ;   general: e = q · (m · Waᵀ)ᵀ;   bahdanau: e = Σ_h v ⊙ tanh(q·Wq + m·Wk)
 *   α = softmax_S(e + (1 − mask)·(−1e9)) [N, 1, S],  context c = α · m [N, 1, H]
 */
import type { Tensor } from '@rnnkit/tensor';
import type { AttentionKind } from '@rnnkit/models';
import type { GraphBuilder } from './graph-builder';

/** The context and the weights of one step of attention. */
export interface AttendOutput {
  /** [N, 1, H] */
  readonly context: string;
  /** [N, 1, S] */
  readonly weights: string;
}

/** The attention weight `name` (`wa`, `wq`, `wk`, `v`) as an initialiser. */
function attentionWeight(b: GraphBuilder, params: Readonly<Record<string, Tensor>>, name: string): string {
  const t = params[`attention/${name}`];
  if (t === undefined) throw new Error(`toOnnxEncoderDecoder: attention weight 'attention/${name}' is missing`);
  return b.once(`attention/${name}`, () => b.floats(`attention/${name}`, t.shape, t.dataSync() as Float32Array));
}

/** `x [N, K, H] · w [H, J]` → [N, K, J] (MatMul broadcasts the matrix over the rows). */
function project(b: GraphBuilder, x: string, w: string): string {
  return b.node('MatMul', [x, w])[0]!;
}

export function emitAttend(b: GraphBuilder, kind: AttentionKind, params: Readonly<Record<string, Tensor>>, query: string, memory: string, mask: string): AttendOutput {
  const unsqueeze = (x: string, axis: number): string => b.node('Unsqueeze', [x, b.int64s('axes', [1], [axis])])[0]!;
  let scores: string;
  if (kind === 'bahdanau') {
    const q = unsqueeze(project(b, query, attentionWeight(b, params, 'wq')), 2); // [N, 1, 1, H]
    const k = unsqueeze(project(b, memory, attentionWeight(b, params, 'wk')), 1); // [N, 1, S, H]
    const activated = b.node('Tanh', [b.node('Add', [q, k])[0]!])[0]!;
    scores = b.node('ReduceSum', [b.node('Mul', [activated, attentionWeight(b, params, 'v')])[0]!, b.int64s('axes', [1], [-1])], { keepdims: { int: 0 } })[0]!; // [N, 1, S]
  } else {
    const keys = kind === 'general' ? project(b, memory, b.node('Transpose', [attentionWeight(b, params, 'wa')], { perm: { ints: [1, 0] } })[0]!) : memory;
    scores = b.node('MatMul', [query, b.node('Transpose', [keys], { perm: { ints: [0, 2, 1] } })[0]!])[0]!;
  }
  const padding = b.node('Mul', [b.node('Sub', [b.floats('one_float', [], [1]), mask])[0]!, b.floats('minus_1e9', [], [-1e9])])[0]!;
  const weights = b.node('Softmax', [b.node('Add', [scores, unsqueeze(padding, 1)])[0]!], { axis: { int: -1 } })[0]!;
  return { context: b.node('MatMul', [weights, memory])[0]!, weights };
}
