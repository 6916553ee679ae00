/**
 * rewriteTf2onnx on small graphs written node by node in the forms tf2onnx emits for Keras models (opset 13):
 * each rewrite leaves ONNX Runtime's outputs unchanged, fromOnnx then imports the graph and predicts those
 * outputs within 1e-5, and near misses (halves in the wrong order, a Dense reshaped back time-first, a slice
 * that is not the last step) are left alone, for fromOnnx to refuse by name.
 *
 * Shapes: B batch, T time, F features, H units, U a Dense layer's units.
 */
import { expectClose } from '@rnnkit/testkit';
import { initBackend, numTensors, tensor } from '@rnnkit/tensor';
import { fromOnnx } from './index';
import { graphBuilder, valueInfo } from './graph-builder';
import type { GraphBuilder } from './graph-builder';
import { DataType, encodeModel } from './onnx-schema';
import type { GraphMessage, ModelMessage } from './onnx-schema';
import { runOrt, uniforms } from './test-ort';
import { rewriteTf2onnx } from './tf2onnx-rewrites';

const [B, T, F, H, U] = [2, 5, 3, 4, 2];
const INPUT = { data: uniforms(B * T * F, 7), dims: [B, T, F] };

function model(graph: GraphMessage): ModelMessage {
  return { irVersion: 8, producerName: 'tf2onnx-like test graph', graph, opsetImport: [{ domain: '', version: 13 }] };
}

/** The zero initial state tf2onnx computes: Expand(0, [B, H]) from Shape(x), unsqueezed (and doubled for two directions). */
function zeroState(g: GraphBuilder, x: string, directions: 1 | 2): string {
  const batch = g.node('Gather', [g.node('Shape', [x])[0]!, g.int64s('first', [1], [0])])[0]!;
  const shape = g.node('Concat', [batch, g.int64s('units', [1], [H])], { axis: { int: 0 } })[0]!;
  const zeros = g.node('Expand', [g.floats('zero', [], [0]), shape])[0]!;
  const one = g.node('Unsqueeze', [zeros, g.int64s('axis0', [1], [0])])[0]!;
  return directions === 1 ? one : g.node('Concat', [one, one], { axis: { int: 0 } })[0]!;
}

/** An LSTM (or a Keras GRU: linear_before_reset) over the time-first `xt`, its zero state computed from the batch-first graph input `x`. */
function recurrentNode(g: GraphBuilder, op: 'LSTM' | 'GRU', x: string, xt: string, directions: 1 | 2, seed: number): string {
  const state = zeroState(g, x, directions);
  const gates = op === 'LSTM' ? 4 : 3;
  const w = g.floats('W', [directions, gates * H, F], uniforms(directions * gates * H * F, seed));
  const r = g.floats('R', [directions, gates * H, H], uniforms(directions * gates * H * H, seed + 1));
  const b = g.floats('B', [directions, 2 * gates * H], uniforms(directions * 2 * gates * H, seed + 2));
  const attributes = { hidden_size: { int: H }, direction: { string: directions === 2 ? 'bidirectional' : 'forward' }, ...(op === 'GRU' && { linear_before_reset: { int: 1 } }) };
  return g.node(op, op === 'LSTM' ? [xt, w, r, b, '', state, state] : [xt, w, r, b, '', state], attributes, op === 'LSTM' ? 3 : 2)[0]!;
}

/** Squeeze(Slice(Y, start:end, axis 1), 1): one direction's half of a bidirectional Y. */
function half(g: GraphBuilder, y: string, start: number, end: number): string {
  const axis1 = g.int64s('axis1', [1], [1]);
  const slice = g.node('Slice', [y, g.int64s('start', [1], [start]), g.int64s('end', [1], [end]), axis1])[0]!;
  return g.node('Squeeze', [slice, axis1])[0]!;
}

/**
 * Keras Bidirectional(LSTM, return_sequences) → Dense(U) on every step, as tf2onnx writes it: the halves
 * concatenated, then tf.tensordot's Reshape → MatMul → Reshape whose shapes come from Shape(·).
 */
function bidirectionalTagger(options: { halves: 'forward, backward' | 'backward, forward'; back: 'batch-first' | 'time-first' }): GraphMessage {
  const g = graphBuilder();
  const xt = g.node('Transpose', ['x'], { perm: { ints: [1, 0, 2] } })[0]!;
  const y = recurrentNode(g, 'LSTM', 'x', xt, 2, 11);
  const [forward, backward] = [half(g, y, 0, 1), half(g, y, 1, 2)];
  const joined = g.node('Concat', options.halves === 'forward, backward' ? [forward, backward] : [backward, forward], { axis: { int: 2 } })[0]!;
  const batchFirst = g.node('Transpose', [joined], { perm: { ints: [1, 0, 2] } })[0]!;
  // Shape(joined) [T, B, 2H] permuted to the batch-first order, as tf2onnx does
  const shape = g.node('Gather', [g.node('Shape', [joined])[0]!, g.int64s('perm', [3], options.back === 'batch-first' ? [1, 0, 2] : [0, 1, 2])])[0]!;
  const free = g.node('Gather', [shape, g.int64s('free', [2], [0, 1])])[0]!;
  const rows = g.node('Unsqueeze', [g.node('ReduceProd', [free], { axes: { ints: [0] }, keepdims: { int: 0 } })[0]!, g.int64s('axis0', [1], [0])])[0]!;
  const width = g.node('Unsqueeze', [g.node('ReduceProd', [g.node('Gather', [shape, g.int64s('last', [1], [2])])[0]!], { axes: { ints: [0] }, keepdims: { int: 0 } })[0]!, g.int64s('axis0', [1], [0])])[0]!;
  const flat = g.node('Reshape', [batchFirst, g.node('Concat', [rows, width], { axis: { int: 0 } })[0]!])[0]!;
  const product = g.node('MatMul', [flat, g.floats('kernel', [2 * H, U], uniforms(2 * H * U, 21))])[0]!;
  const back = g.node('Reshape', [product, g.node('Concat', [free, g.int64s('units', [1], [U])], { axis: { int: 0 } })[0]!])[0]!;
  g.nodeWithOutputs('Add', [back, g.floats('bias', [U], uniforms(U, 22))], ['y']);
  return g.graph('tagger', [valueInfo('x', DataType.FLOAT, ['batch', 'time', F])], [valueInfo('y', DataType.FLOAT, ['batch', 'time', U])]);
}

/** Keras LSTM/GRU → BatchNormalization → Dense(U, softmax), as tf2onnx writes it: the last step sliced, the normalisation folded. */
function lastStepClassifier(options: { start: number; op?: 'LSTM' | 'GRU' }): GraphMessage {
  const g = graphBuilder();
  const xt = g.node('Transpose', ['x'], { perm: { ints: [1, 0, 2] } })[0]!;
  const y = g.node('Squeeze', [recurrentNode(g, options.op ?? 'LSTM', 'x', xt, 1, 31), g.int64s('axis1', [1], [1])])[0]!;
  const axis0 = g.int64s('axis0', [1], [0]);
  const last = g.node('Slice', [y, g.int64s('start', [1], [options.start]), g.int64s('end', [1], [2 ** 31]), axis0])[0]!;
  const h = g.node('Squeeze', [last, axis0])[0]!;
  const scaled = g.node('Mul', [h, g.floats('gamma', [H], uniforms(H, 41).map((u) => 1 + 0.5 * u))])[0]!;
  const shifted = g.node('Add', [scaled, g.floats('beta', [H], uniforms(H, 42))])[0]!;
  const logits = g.node('Add', [g.node('MatMul', [shifted, g.floats('kernel', [H, U], uniforms(H * U, 43))])[0]!, g.floats('bias', [U], uniforms(U, 44))])[0]!;
  g.nodeWithOutputs('Softmax', [logits], ['y'], { axis: { int: -1 } });
  return g.graph('classifier', [valueInfo('x', DataType.FLOAT, ['batch', 'time', F])], [valueInfo('y', DataType.FLOAT, ['batch', U])]);
}

function ops(graph: GraphMessage): string[] {
  return graph.node.map((n) => n.opType);
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('rewriteTf2onnx', () => {
  const cases: [string, GraphMessage][] = [
    ['Bidirectional(LSTM) → Dense on every step (halves concatenated, tensordot)', bidirectionalTagger({ halves: 'forward, backward', back: 'batch-first' })],
    ['LSTM → last step → folded BatchNormalization → Dense(softmax)', lastStepClassifier({ start: -1 })],
    ['GRU (linear_before_reset) → last step → folded BatchNormalization → Dense(softmax)', lastStepClassifier({ start: -1, op: 'GRU' })],
  ];
  for (const [what, graph] of cases) {
    it(`${what}: ONNX Runtime gives the same outputs after the rewrites, and fromOnnx imports it within 1e-5`, async () => {
      const expected = (await runOrt(encodeModel(model(graph)), { x: INPUT })).outputs[0]!.data;
      const rewritten = rewriteTf2onnx(graph);
      expect(ops(rewritten)).not.toContain('Slice');
      expect(ops(rewritten)).not.toContain('Expand');
      expectClose((await runOrt(encodeModel(model(rewritten)), { x: INPUT })).outputs[0]!.data, expected, { atol: 1e-6, rtol: 1e-6 });
      const before = numTensors();
      const imported = fromOnnx(encodeModel(model(graph)));
      const x = tensor(INPUT.data, INPUT.dims);
      const y = imported.apply(x, { training: false });
      expectClose(y, expected, { atol: 1e-5, rtol: 1e-5 });
      for (const t of [x, y]) t.dispose();
      imported.dispose();
      expect(numTensors()).toBe(before);
    });
  }

  it('leaves near misses alone, and fromOnnx names what it cannot map', () => {
    const swapped = bidirectionalTagger({ halves: 'backward, forward', back: 'batch-first' });
    expect(ops(rewriteTf2onnx(swapped))).toContain('Slice');
    expect(() => fromOnnx(encodeModel(model(swapped)))).toThrow(/fromOnnx: unsupported op 'Slice'/);

    const timeFirst = bidirectionalTagger({ halves: 'forward, backward', back: 'time-first' });
    expect(ops(rewriteTf2onnx(timeFirst)).filter((op) => op === 'Reshape')).toHaveLength(3);
    expect(() => fromOnnx(encodeModel(model(timeFirst)))).toThrow(/fromOnnx: unsupported op 'Reshape'/);

    const notLast = lastStepClassifier({ start: -2 });
    expect(ops(rewriteTf2onnx(notLast))).toContain('Slice');
    expect(() => fromOnnx(encodeModel(model(notLast)))).toThrow(/fromOnnx: unsupported op 'Slice'/);
  });

  it('returns the graph itself when there is nothing to rewrite', () => {
    const g = graphBuilder();
    g.nodeWithOutputs('Relu', ['x'], ['y']);
    const graph = g.graph('plain', [valueInfo('x', DataType.FLOAT, ['batch', F])], [valueInfo('y', DataType.FLOAT, ['batch', F])]);
    expect(rewriteTf2onnx(graph)).toBe(graph);
  });
});
