import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { dispose, numTensors, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import {
  additiveAttention,
  applyLayer,
  attention,
  concatenate,
  dense,
  embedding,
  functionalFromTopology,
  globalAveragePool1d,
  input,
  loadModelFromArtifacts,
  lstm,
  model,
  multiHeadAttention,
  saveModelToArtifacts,
} from '../index';
import type { Functional, SymbolicTensor } from '../index';
import { seeded } from '../test-utils';

const VOCAB = 12;

/** Keras' seq2seq with attention: encoder LSTM sequences and state, decoder LSTM from that state, Luong attention, softmax over the vocabulary. */
function seq2seqWithAttention(): Functional {
  const encoderIds = input({ shape: [null], dtype: 'int32', name: 'encoder_ids' });
  const decoderIds = input({ shape: [null], dtype: 'int32', name: 'decoder_ids' });
  const encoded = applyLayer(embedding({ inputDim: VOCAB, outputDim: 6, maskZero: true, name: 'encoder_embedding' }), encoderIds);
  const [encoderOutputs, h, c] = applyLayer(lstm({ units: 8, returnSequences: true, returnState: true, name: 'encoder' }), encoded) as SymbolicTensor[];
  const decoded = applyLayer(embedding({ inputDim: VOCAB, outputDim: 6, name: 'decoder_embedding' }), decoderIds);
  const decoderOutputs = applyLayer(lstm({ units: 8, returnSequences: true, name: 'decoder' }), decoded, { initialState: [h!, c!] }) as SymbolicTensor;
  const context = applyLayer(attention(), [decoderOutputs, encoderOutputs!]) as SymbolicTensor;
  const merged = applyLayer(concatenate(), [context, decoderOutputs]);
  const probs = applyLayer(dense({ units: VOCAB, activation: 'softmax', name: 'probs' }), merged);
  return model({ inputs: [encoderIds, decoderIds], outputs: probs, name: 'seq2seq_attention', seed: 4 });
}

/** One input: self-attention (two heads) over an LSTM's sequences, then additive attention of those over themselves, pooled. */
function selfAttentionClassifier(): Functional {
  const ids = input({ shape: [null], dtype: 'int32' });
  const hs = applyLayer(lstm({ units: 8, returnSequences: true }), applyLayer(embedding({ inputDim: VOCAB, outputDim: 6, maskZero: true }), ids)) as SymbolicTensor;
  const attended = applyLayer(multiHeadAttention({ numHeads: 2, keyDim: 4, dropout: 0.1 }), [hs, hs]) as SymbolicTensor;
  const additive = applyLayer(additiveAttention({ dropout: 0.1 }), [attended, hs]) as SymbolicTensor;
  const pooled = applyLayer(globalAveragePool1d(), additive);
  return model({ inputs: ids, outputs: applyLayer(dense({ units: 1, activation: 'sigmoid' }), pooled), seed: 9 });
}

function ids(rows: number[][]): Tensor {
  return tensor(rows.flat(), [rows.length, rows[0]!.length], 'int32');
}

describeEachBackend(['cpu', 'wasm'], 'attention in functional models', () => {
  it('seq2seq with attention over the encoder LSTM’s sequences: the encoder padding is masked out of the attention', () => {
    const m = seq2seqWithAttention();
    const padded = [ids([[3, 4, 5, 0, 0]]), ids([[1, 2, 6]])];
    const short = [ids([[3, 4, 5]]), ids([[1, 2, 6]])];
    const a = m.apply(padded, { training: false });
    const b = m.apply(short, { training: false });
    expect(a.shape).toEqual([1, 3, VOCAB]);
    expectClose(a, b, { atol: 1e-6 }, 'padding of the encoder is not attended to');
    dispose([...padded, ...short, a, b]);
    m.dispose();
  });

  it('summary shows the attention layers with their parameters and connections', () => {
    const m = seq2seqWithAttention();
    const text = m.summary();
    expect(text).toContain('attention (Attention)');
    expect(text).toContain('decoder[0][0], encoder[0][0]');
    const c = selfAttentionClassifier();
    const summary = c.summary();
    expect(summary).toContain('multi_head_attention (MultiHeadAttention)');
    expect(summary).toContain('additive_attention (AdditiveAttention)');
    // MultiHeadAttention over 8 features, 2 heads of 4: query, key, value 8·2·4 + 2·4 each, output 2·4·8 + 8
    const mha = c.layers.find((l) => l.name === 'multi_head_attention')!;
    expect(mha.weightNames).toEqual([
      'multi_head_attention/query/kernel',
      'multi_head_attention/query/bias',
      'multi_head_attention/key/kernel',
      'multi_head_attention/key/bias',
      'multi_head_attention/value/kernel',
      'multi_head_attention/value/bias',
      'multi_head_attention/attention_output/kernel',
      'multi_head_attention/attention_output/bias',
    ]);
    expect(mha.weightNames.reduce((n, w) => n + c.params[w]!.size, 0)).toBe(4 * 72);
    expect(c.params['additive_attention/scale']!.shape).toEqual([8]);
    m.dispose();
    c.dispose();
  });

  it('MultiHeadAttention initialises kernels glorot uniform with Keras’ fans and biases to zero', () => {
    const c = selfAttentionClassifier();
    // kernel [8, 2, 4]: fanIn = 2·8, fanOut = 4·8 (Keras' compute_fans of a rank-3 shape)
    const limit = Math.sqrt(6 / (16 + 32));
    const kernels = ['query', 'key', 'value'].map((n) => Array.from(c.params[`multi_head_attention/${n}/kernel`]!.dataSync()));
    for (const k of kernels) {
      expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(limit);
      expect(Math.max(...k.map(Math.abs))).toBeGreaterThan(0.8 * limit);
    }
    expect(kernels[0]).not.toEqual(kernels[1]);
    expect(Array.from(c.params['multi_head_attention/query/bias']!.dataSync()).every((v) => v === 0)).toBe(true);
    c.dispose();
  });

  it('rebuilds from its topology and saves and loads with the same outputs; a damaged attention spec is refused', () => {
    const m = seq2seqWithAttention();
    const c = selfAttentionClassifier();
    const copy = functionalFromTopology(JSON.parse(JSON.stringify(m.topology())), { weights: m.params });
    const loaded = loadModelFromArtifacts(saveModelToArtifacts(c)) as Functional;
    const xs = [ids([[3, 4, 5, 0], [7, 8, 9, 10]]), ids([[1, 2], [3, 4]])];
    const a = m.apply(xs, { training: false });
    const b = copy.apply(xs, { training: false });
    expectClose(b, a, { atol: 0, rtol: 0 }, 'same output');
    const p = c.apply(xs[0]!, { training: false });
    const q = loaded.apply(xs[0]!, { training: false });
    expectClose(q, p, { atol: 0, rtol: 0 }, 'same output after save and load');
    const artifacts = saveModelToArtifacts(c);
    const damaged = JSON.parse(JSON.stringify(artifacts.modelJson)) as { topology: { layers: { spec: Record<string, unknown> }[] } };
    damaged.topology.layers.find((l) => l.spec['kind'] === 'multiHeadAttention')!.spec['numHeads'] = 0;
    expect(() => loadModelFromArtifacts({ modelJson: damaged as never, weightData: artifacts.weightData })).toThrow("'multi_head_attention': field 'numHeads' must be a positive integer, got 0");
    dispose([...xs, a, b, p, q]);
    for (const k of [m, c, copy, loaded]) k.dispose();
  });

  it('trains a step with compile/fit (seq2seq: two inputs; self-attention classifier: one) and leaks no tensors', async () => {
    const m = seq2seqWithAttention();
    m.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const enc = ids([[3, 4, 5, 0], [7, 8, 9, 10], [2, 2, 0, 0], [5, 6, 7, 8]]);
    const dec = ids([[1, 3, 4], [1, 7, 8], [1, 2, 2], [1, 5, 6]]);
    const target = tensor([3, 4, 11, 7, 8, 11, 2, 2, 11, 5, 6, 11], [4, 3]);
    const before = Array.from(m.params['probs/kernel']!.dataSync());
    const history = await m.fit([enc, dec], target, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(history.history['loss']).toHaveLength(1);
    expect(Array.from(m.params['probs/kernel']!.dataSync())).not.toEqual(before);
    const settled = numTensors();
    await m.fit([enc, dec], target, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(numTensors()).toBe(settled);

    const c = selfAttentionClassifier();
    c.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const x = ids([[3, 4, 5, 0], [7, 8, 9, 10], [2, 2, 0, 0], [5, 6, 7, 8]]);
    const y = tensor([1, 0, 1, 0], [4, 1]);
    const losses: number[] = [];
    for (let step = 0; step < 2; step++) losses.push(((await c.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 })).history['loss'] as number[])[0]!);
    expect(Number.isFinite(losses[1]!)).toBe(true);
    const steady = numTensors();
    await c.fit(x, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(numTensors()).toBe(steady);
    await expectNoLeaks(() => dispose(c.apply(x, { training: true })));
    dispose([enc, dec, target, x, y]);
    m.dispose();
    c.dispose();
  });
});

describeEachBackend(['cpu', 'wasm'], 'attention dropout', () => {
  it('drops attention weights only while training, seeded: the returned weights are 0 or A/(1 − p), and y = Ã·v', () => {
    const q = input({ shape: [3, 2] });
    const v = input({ shape: [4, 2] });
    const [y, scores] = applyLayer(attention({ dropout: 0.5, returnAttentionScores: true }), [q, v]) as SymbolicTensor[];
    const m = model({ inputs: [q, v], outputs: [y!, scores!] });
    const xq = tensor(Array.from(seeded(12, 5)), [2, 3, 2]);
    const xv = tensor(Array.from(seeded(16, 6)), [2, 4, 2]);
    const inference = m.call([xq, xv], { training: false });
    const trained = m.call([xq, xv], { training: true, seed: 7 });
    const again = m.call([xq, xv], { training: true, seed: 7 });
    const other = m.call([xq, xv], { training: true, seed: 8 });
    const a = inference.ys[1]!.dataSync();
    const dropped = trained.ys[1]!.dataSync();
    dropped.forEach((d, i) => expect(d === 0 || Math.abs(d - 2 * a[i]!) < 1e-6).toBe(true));
    expect(dropped.filter((d) => d === 0).length).toBeGreaterThan(0);
    expect(dropped.filter((d) => d !== 0).length).toBeGreaterThan(0);
    // y[b, i, :] = Σ_j Ã[b, i, j] · v[b, j, :]
    const values = xv.dataSync();
    const expected = Array.from({ length: 2 * 3 * 2 }, (_, k) => {
      const [b, i, f] = [Math.floor(k / 6), Math.floor(k / 2) % 3, k % 2];
      let s = 0;
      for (let j = 0; j < 4; j++) s += dropped[b * 12 + i * 4 + j]! * values[b * 8 + j * 2 + f]!;
      return s;
    });
    expectClose(trained.ys[0]!, expected, { atol: 1e-6 }, 'y = Ã·v');
    expectClose(again.ys[0]!, trained.ys[0]!, { atol: 0, rtol: 0 }, 'same seed, same dropout');
    expect(Array.from(other.ys[1]!.dataSync())).not.toEqual(Array.from(dropped));
    dispose([xq, xv, ...inference.ys, ...trained.ys, ...again.ys, ...other.ys]);
    m.dispose();
  });

  it('MultiHeadAttention returns its weights before dropout (Keras), and its output changes while training', () => {
    const x = input({ shape: [4, 6] });
    const [y, scores] = applyLayer(multiHeadAttention({ numHeads: 2, keyDim: 3, dropout: 0.5, returnAttentionScores: true }), [x, x]) as SymbolicTensor[];
    expect(scores!.shape).toEqual([null, 2, 4, 4]);
    const m = model({ inputs: x, outputs: [y!, scores!], seed: 2 });
    const xs = tensor(Array.from(seeded(2 * 24, 3)), [2, 4, 6]);
    const inference = m.call(xs, { training: false });
    const trained = m.call(xs, { training: true, seed: 1 });
    expectClose(trained.ys[1]!, inference.ys[1]!, { atol: 0, rtol: 0 }, 'scores before dropout');
    expect(() => expectClose(trained.ys[0]!, inference.ys[0]!, { atol: 1e-4 })).toThrow();
    dispose([xs, ...inference.ys, ...trained.ys]);
    m.dispose();
  });
});

describe('attention layer errors', () => {
  it('name what is wrong', () => {
    const q = input({ shape: [3, 4] });
    const v = input({ shape: [5, 4] });
    const narrow = input({ shape: [5, 2] });
    expect(() => applyLayer(attention(), [q])).toThrow('Attention: takes [query, value] or [query, value, key], got 1 input(s)');
    expect(() => applyLayer(attention(), [q, narrow])).toThrow('Attention: query and key must have the same features, got (None, 3, 4) and (None, 5, 2)');
    expect(() => applyLayer(additiveAttention(), [q, v, input({ shape: [4, 4] })])).toThrow('value and key must have the same number of steps');
    expect(() => applyLayer(multiHeadAttention({ numHeads: 2, keyDim: 2 }), [input({ shape: [4] }), v])).toThrow('MultiHeadAttention: query must have shape (batch, steps, features), got (None, 4)');
    expect(() => attention({ scoreMode: 'general' as never })).toThrow("attention: scoreMode must be 'dot' or 'concat', got \"general\"");
    expect(() => additiveAttention({ dropout: 1 })).toThrow('additiveAttention: dropout must be a number in [0, 1), got 1');
    expect(() => multiHeadAttention({ numHeads: 0, keyDim: 2 })).toThrow('multiHeadAttention: numHeads must be a positive integer, got 0');
    expect(() => multiHeadAttention({ numHeads: 2, keyDim: 2, attentionAxes: [2] })).toThrow('attentionAxes [2] is not supported');
    expect(() => multiHeadAttention({ numHeads: 2, keyDim: 2, outputShape: [3, 4] as never })).toThrow('outputShape (one size) must be a positive integer');
    expect(() => attention({ useCausalMask: 'yes' as never })).toThrow('attention: useCausalMask must be a boolean, got "yes"');
  });
});
