/**
 * toOnnx of functional models checked by ONNX Runtime: every output of the exported graph, run in
 * onnxruntime-node, equals rnnkit's `model.call(xs, { training: false })` within 1e-5 on random inputs
 * (rnnkit's functional models are themselves checked against tfjs-layers in packages/models).
 */
import { expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { initBackend } from '@rnnkit/tensor';
import {
  add,
  applyLayer,
  average,
  bidirectional,
  concatenate,
  dense,
  dot,
  embedding,
  gru,
  input,
  lstm,
  maximum,
  minimum,
  model,
  multiply,
  simpleRnn,
  subtract,
  timeDistributed,
  activation,
  conv2d,
} from '@rnnkit/models';
import type { ApplyLayerOptions, BidirectionalSpec, Functional, RecurrentSpec, SymbolicTensor } from '@rnnkit/models';
import { toOnnx } from './index';
import { decodeModel } from './onnx-schema';
import { feedTensor, randomizeBiases, runOrt, uniforms } from './test-ort';
import type { Feed } from './test-ort';

const B = 4;
const T = 5;
const F = 3;

/** Ids with padding: row 0 pre-padded, row 1 full, row 2 post-padded, row 3 with a gap. */
const IDS: Feed = { data: Int32Array.from([0, 0, 3, 7, 1, 4, 2, 8, 8, 5, 6, 9, 2, 0, 0, 5, 0, 3, 4, 0]), dims: [4, 5] };
/** A second id batch of another length (a decoder's input), row 2 post-padded. */
const IDS_2: Feed = { data: Int32Array.from([1, 2, 3, 4, 5, 6, 1, 1, 7, 0, 2, 0, 9, 9, 9, 9]), dims: [4, 4] };
/** A recurrent layer's call that returns one tensor (no returnState). */
const rnn = (layer: RecurrentSpec | BidirectionalSpec, x: SymbolicTensor, options: ApplyLayerOptions = {}): SymbolicTensor => applyLayer(layer, x, options) as SymbolicTensor;
const floats = (seed: number, batch = B, steps = T, features = F): Feed => ({ data: uniforms(batch * steps * features, seed), dims: [batch, steps, features] });

/** Exports `m`, runs it in ONNX Runtime on `feeds` (in the model's input order) and compares every output with `m.call`. */
async function expectSameAsOnnx(m: Functional, feeds: readonly Feed[], opset = 17): Promise<string[]> {
  randomizeBiases(m.params);
  const bytes = toOnnx(m, { opset });
  const names = m.layers.filter((l) => l.spec.kind === 'input').map((l) => l.name);
  const inputNames = m.topology().inputs.map((r) => r[0]);
  expect(new Set(inputNames)).toEqual(new Set(names));
  const onnx = await runOrt(bytes, Object.fromEntries(inputNames.map((n, i) => [n, feeds[i]!])));
  const xs = feeds.map(feedTensor);
  const out = m.call(xs, { training: false });
  expect(onnx.outputs.length).toBe(out.ys.length);
  out.ys.forEach((y, i) => {
    expect([...onnx.outputs[i]!.dims]).toEqual(y.shape);
    expectClose(onnx.outputs[i]!.data, y, { atol: 1e-5, rtol: 1e-5 });
  });
  for (const t of [...xs, ...out.ys, ...out.masks]) t?.dispose();
  m.dispose();
  return onnx.names;
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('toOnnx of functional models in onnxruntime-node', () => {
  it('two inputs, a shared LSTM, Concatenate and Dense: the shared weights are written once', async () => {
    const a = input({ shape: [null, F], name: 'a' });
    const b = input({ shape: [null, F], name: 'b' });
    const shared = lstm({ units: 4 });
    const merged = applyLayer(concatenate(), [rnn(shared, a), rnn(shared, b)]);
    const m = model({ inputs: [a, b], outputs: applyLayer(dense({ units: 1, activation: 'sigmoid' }), merged), seed: 1 });
    const bytes = toOnnx(m);
    const initializers = (decodeModel(bytes).graph.initializer ?? []).map((t) => t.name);
    expect(initializers.filter((n) => n?.startsWith('lstm/')).sort()).toEqual(['lstm/B', 'lstm/R', 'lstm/W']);
    const names = await expectSameAsOnnx(m, [floats(1), floats(2)]);
    expect(names).toEqual(['dense']);
  });

  it('every element-wise merge, with masks ANDed (embedding maskZero → LSTM(seq) → merge → GRU)', async () => {
    for (const merge of [add(), subtract(), multiply(), average(), maximum(), minimum()]) {
      const ids = input({ shape: [null], dtype: 'int32', name: 'ids' });
      const x = input({ shape: [null, F], name: 'x' });
      const left = rnn(lstm({ units: 4, returnSequences: true }), applyLayer(embedding({ inputDim: 10, outputDim: F, maskZero: true }), ids));
      const right = rnn(simpleRnn({ units: 4, returnSequences: true }), x);
      const m = model({ inputs: [ids, x], outputs: applyLayer(gru({ units: 3 }), applyLayer(merge, [left, right])), seed: 2 });
      await expectSameAsOnnx(m, [IDS, floats(3)]);
    }
  });

  it('three-way Add and Average, and broadcasting a [B, 1, H] input', async () => {
    const x = input({ shape: [T, F], name: 'x' });
    const d = [4, 4, 4].map((units) => applyLayer(dense({ units, activation: 'tanh' }), x));
    const p = input({ shape: [1, F], name: 'p' });
    const pooled = applyLayer(dense({ units: 4 }), p);
    const m = model({ inputs: [x, p], outputs: [applyLayer(add(), [...d, pooled]), applyLayer(average(), d)], seed: 3 });
    await expectSameAsOnnx(m, [floats(4), floats(5, B, 1)]);
  });

  it('Concatenate along time joins the masks (a masked and an unmasked sequence), along features ANDs them', async () => {
    const ids = input({ shape: [null], dtype: 'int32', name: 'ids' });
    const x = input({ shape: [null, 4], name: 'x' });
    const embedded = applyLayer(embedding({ inputDim: 10, outputDim: 4, maskZero: true }), ids);
    const overTime = applyLayer(concatenate({ axis: 1 }), [embedded, x]);
    const m1 = model({ inputs: [ids, x], outputs: applyLayer(lstm({ units: 3, returnSequences: true }), overTime), seed: 4 });
    await expectSameAsOnnx(m1, [IDS, floats(6, B, 3, 4)]);

    const ids2 = input({ shape: [null], dtype: 'int32', name: 'ids' });
    const y = input({ shape: [null, 2], name: 'y' });
    const e2 = applyLayer(embedding({ inputDim: 10, outputDim: 4, maskZero: true }), ids2);
    const m2 = model({ inputs: [ids2, y], outputs: applyLayer(gru({ units: 3, returnSequences: true }), applyLayer(concatenate(), [e2, y])), seed: 5 });
    await expectSameAsOnnx(m2, [IDS, floats(7, B, T, 2)]);
  });

  it('Dot: Luong attention over encoder outputs (axes [2, 2], softmax, axes [2, 1]), normalised dot of vectors, rank 3 · rank 2', async () => {
    const source = input({ shape: [null, F], name: 'source' });
    const target = input({ shape: [null, F], name: 'target' });
    const memory = rnn(lstm({ units: 4, returnSequences: true }), source);
    const decoded = rnn(gru({ units: 4, returnSequences: true }), target);
    const weights = applyLayer(activation('softmax'), applyLayer(dot({ axes: [2, 2] }), [decoded, memory]));
    const context = applyLayer(dot({ axes: [2, 1] }), [weights, memory]);
    const logits = applyLayer(timeDistributed(dense({ units: 5 })), applyLayer(concatenate(), [context, decoded]));
    const last = rnn(lstm({ units: 4 }), source);
    const cosine = applyLayer(dot({ axes: 1, normalize: true }), [last, rnn(gru({ units: 4 }), target)]);
    const scores = applyLayer(dot({ axes: [2, 1] }), [memory, last]);
    const m = model({ inputs: [source, target], outputs: [logits, cosine, scores], seed: 6 });
    await expectSameAsOnnx(m, [floats(8, B, 6), floats(9, B, 4)]);
  });

  for (const [masked, opset] of [[false, 14], [true, 17], [true, 21]] as const) {
    it(`Keras' LSTM seq2seq: the encoder's returned [h, c] start the decoder (${masked ? 'masked ids: Scan with an initial carry' : 'float inputs: initial_h/initial_c'}), states as outputs too (opset ${opset})`, async () => {
      const enc = masked ? input({ shape: [null], dtype: 'int32', name: 'encoder_inputs' }) : input({ shape: [null, F], name: 'encoder_inputs' });
      const dec = masked ? input({ shape: [null], dtype: 'int32', name: 'decoder_inputs' }) : input({ shape: [null, F], name: 'decoder_inputs' });
      const embed = (t: SymbolicTensor): SymbolicTensor => (masked ? applyLayer(embedding({ inputDim: 10, outputDim: F, maskZero: true }), t) : t);
      const [, h, c] = applyLayer(lstm({ units: 6, returnState: true }), embed(enc)) as SymbolicTensor[];
      const [decoded, dh, dc] = applyLayer(lstm({ units: 6, returnSequences: true, returnState: true }), embed(dec), { initialState: [h!, c!] }) as SymbolicTensor[];
      const probs = applyLayer(dense({ units: 10, activation: 'softmax' }), decoded!);
      const m = model({ inputs: [enc, dec], outputs: [probs, dh!, dc!, h!], seed: 7 });
      const names = await expectSameAsOnnx(m, masked ? [IDS, IDS_2] : [floats(10), floats(11, B, 4)], opset);
      expect(names).toEqual(['dense', 'lstm_1_state_h', 'lstm_1_state_c', 'lstm_state_h']);
    });
  }

  for (const masked of [false, true]) {
    it(`Bidirectional GRU with returnState and initialState, goBackwards SimpleRNN with state (${masked ? 'masked' : 'unmasked'})`, async () => {
      const x = masked ? input({ shape: [null], dtype: 'int32', name: 'x' }) : input({ shape: [null, F], name: 'x' });
      const seq = masked ? applyLayer(embedding({ inputDim: 10, outputDim: F, maskZero: true }), x) : x;
      const h0 = input({ shape: [4], name: 'h0' });
      const [y, fh, bh] = applyLayer(bidirectional(gru({ units: 4, returnSequences: true, returnState: true }), { mergeMode: 'sum' }), seq, { initialState: [h0, h0] }) as SymbolicTensor[];
      const joined = applyLayer(concatenate(), [fh!, bh!]);
      const [last, rh] = applyLayer(simpleRnn({ units: 8, goBackwards: true, returnState: true }), y!, { initialState: joined }) as SymbolicTensor[];
      const bi = applyLayer(bidirectional(lstm({ units: 3, returnState: true })), seq) as SymbolicTensor[];
      const m = model({ inputs: [x, h0], outputs: [last!, rh!, ...bi], seed: 8 });
      const names = await expectSameAsOnnx(m, [masked ? IDS : floats(12), { data: uniforms(B * 4, 13), dims: [B, 4] }]);
      expect(names.slice(2)).toEqual(['bidirectional_1', 'bidirectional_1_forward_state_h', 'bidirectional_1_forward_state_c', 'bidirectional_1_backward_state_h', 'bidirectional_1_backward_state_c']);
    });
  }

  it('dynamic batch and time: one export runs on other batch sizes and lengths', async () => {
    const a = input({ shape: [null, F], name: 'a' });
    const [, h] = applyLayer(gru({ units: 3, returnState: true }), a) as SymbolicTensor[];
    const b = input({ shape: [null, F], name: 'b' });
    const m = model({ inputs: [a, b], outputs: applyLayer(gru({ units: 3, returnSequences: true }), b, { initialState: h! }), seed: 9 });
    randomizeBiases(m.params);
    const bytes = toOnnx(m);
    for (const [batch, s, t] of [[1, 2, 7], [6, 9, 1]] as const) {
      const feeds = [floats(20 + batch, batch, s), floats(30 + batch, batch, t)];
      const onnx = await runOrt(bytes, { a: feeds[0]!, b: feeds[1]! });
      const xs = feeds.map(feedTensor);
      const y = m.apply(xs, { training: false });
      expectClose(onnx.outputs[0]!.data, y, { atol: 1e-5, rtol: 1e-5 });
      for (const v of [...xs, y]) v.dispose();
    }
    m.dispose();
  });

  it('names the first layer it cannot export, and creates no tensors', async () => {
    const x = input({ shape: [8, 8, 1] });
    const m = model({ inputs: x, outputs: applyLayer(conv2d({ filters: 2, kernelSize: 3 }), x) });
    expect(() => toOnnx(m)).toThrow(/layer 'conv2d' \(conv2d\) has no ONNX export/);
    m.dispose();
    const a = input({ shape: [null, F] });
    const ok = model({ inputs: a, outputs: applyLayer(lstm({ units: 3 }), a) });
    await expectNoLeaks(() => toOnnx(ok), 3, 'toOnnx');
    ok.dispose();
  });
});
