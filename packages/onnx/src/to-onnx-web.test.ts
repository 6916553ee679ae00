/**
 * The same export in onnxruntime-web (its WebAssembly build, run under Node in a child process, see
 * test/ort-web-run.mjs): a masked IMDB-style classifier, a stacked bidirectional model and a functional
 * model with two inputs, state passed between LSTMs, Conv1D and pooling, a merge and three outputs, and a
 * seq2seq model's encoder and one decoder step equal rnnkit's outputs within 1e-5.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectClose } from '@rnnkit/testkit';
import { initBackend, tensor, tensor1d } from '@rnnkit/tensor';
import { add, applyLayer, bidirectional, conv1d, dense, disposeState, embedding, globalMaxPool1d, gru, input, lstm, maxPool1d, model, seq2seq, sequential, simpleRnn } from '@rnnkit/models';
import type { Functional, Sequential, SymbolicTensor } from '@rnnkit/models';
import { toOnnx, toOnnxEncoderDecoder } from './index';
import { randomizeBiases, uniforms } from './test-ort';

const IDS = Int32Array.from([0, 0, 3, 7, 1, 4, 2, 8, 8, 5, 6, 9, 2, 0, 0, 5, 0, 3, 4, 0]);

async function expectSameInWeb(model: Sequential): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-onnx-'));
  writeFileSync(join(dir, 'model.onnx'), toOnnx(model));
  writeFileSync(join(dir, 'input.json'), JSON.stringify({ dtype: 'int32', dims: [4, 5], data: Array.from(IDS) }));
  const runner = join(__dirname, '..', 'test', 'ort-web-run.mjs');
  const out = JSON.parse(execFileSync(process.execPath, [runner, join(dir, 'model.onnx'), join(dir, 'input.json')], { encoding: 'utf8' })) as { dims: number[]; data: number[] };
  rmSync(dir, { recursive: true });
  const input = tensor(IDS, [4, 5], 'int32');
  const y = model.apply(input, { training: false });
  expect([...out.dims]).toEqual(y.shape);
  expectClose(Float32Array.from(out.data), y, { atol: 1e-5, rtol: 1e-5 });
  y.dispose();
  input.dispose();
  model.dispose();
}

type WebFeed = { dtype: 'int32' | 'float32'; dims: readonly number[]; data: ArrayLike<number> };

/** Runs the ONNX `bytes` in onnxruntime-web (a child process) on named feeds; returns every output by name. */
function runInWeb(bytes: Uint8Array, feeds: Record<string, WebFeed>): Record<string, { dims: number[]; data: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-onnx-'));
  writeFileSync(join(dir, 'model.onnx'), bytes);
  writeFileSync(join(dir, 'input.json'), JSON.stringify({ feeds: Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, { ...f, data: Array.from(f.data) }])) }));
  const runner = join(__dirname, '..', 'test', 'ort-web-run.mjs');
  const out = JSON.parse(execFileSync(process.execPath, [runner, join(dir, 'model.onnx'), join(dir, 'input.json')], { encoding: 'utf8' })) as { outputs: Record<string, { dims: number[]; data: number[] }> };
  rmSync(dir, { recursive: true });
  return out.outputs;
}

/** Runs `m` in onnxruntime-web on named feeds and compares every output with `m.call`. */
function expectFunctionalSameInWeb(m: Functional, feeds: Record<string, { dtype: 'int32' | 'float32'; dims: number[]; data: Int32Array | Float32Array }>): void {
  randomizeBiases(m.params);
  const outputs = runInWeb(toOnnx(m), feeds);
  const xs = Object.values(feeds).map((f) => tensor(f.data, f.dims, f.dtype));
  const result = m.call(xs, { training: false });
  const onnx = Object.values(outputs);
  expect(onnx.length).toBe(result.ys.length);
  result.ys.forEach((y, i) => {
    expect([...onnx[i]!.dims]).toEqual(y.shape);
    expectClose(Float32Array.from(onnx[i]!.data), y, { atol: 1e-5, rtol: 1e-5 });
  });
  for (const t of [...xs, ...result.ys, ...result.masks]) t?.dispose();
  m.dispose();
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('toOnnx in onnxruntime-web (wasm, under Node)', () => {
  it('Embedding(maskZero) → SimpleRNN → Dense(sigmoid): the IMDB script, masked', async () => {
    await expectSameInWeb(sequential([embedding({ inputDim: 10, outputDim: 8, maskZero: true }), simpleRnn({ units: 6 }), dense({ units: 1, activation: 'sigmoid' })], { seed: 3 }));
  });

  it('Embedding → Bidirectional(LSTM, seq) → GRU → Dense(softmax), unmasked', async () => {
    await expectSameInWeb(
      sequential([embedding({ inputDim: 10, outputDim: 8 }), bidirectional(lstm({ units: 5, returnSequences: true })), gru({ units: 4 }), dense({ units: 3, activation: 'softmax' })], { seed: 4 }),
    );
  });

  it('functional: masked ids and float frames, the state of one LSTM starting another, Conv1D → MaxPooling1D, Add, three outputs', () => {
    const ids = input({ shape: [null], dtype: 'int32', name: 'ids' });
    const frames = input({ shape: [null, 3], name: 'frames' });
    const [, h, c] = applyLayer(lstm({ units: 4, returnState: true }), applyLayer(embedding({ inputDim: 10, outputDim: 3, maskZero: true }), ids)) as SymbolicTensor[];
    const features = applyLayer(maxPool1d({ poolSize: 2, padding: 'same' }), applyLayer(conv1d({ filters: 4, kernelSize: 3, padding: 'causal', activation: 'relu' }), frames));
    const [seq, last] = applyLayer(lstm({ units: 4, returnSequences: true, returnState: true }), features, { initialState: [h!, c!] }) as SymbolicTensor[];
    const merged = applyLayer(add(), [last!, applyLayer(globalMaxPool1d(), seq!)]);
    const m = model({ inputs: [ids, frames], outputs: [applyLayer(dense({ units: 2, activation: 'softmax' }), merged), seq!, c!], seed: 5 });
    expectFunctionalSameInWeb(m, { ids: { dtype: 'int32', dims: [4, 5], data: IDS }, frames: { dtype: 'float32', dims: [4, 7, 3], data: uniforms(4 * 7 * 3, 3) } });
  });

  it('seq2seq with Luong attention: the encoder graph, then one step of the decoder graph fed its outputs', () => {
    const m = seq2seq({ sourceVocab: 10, targetVocab: 7, units: 4, attention: 'general', bidirectionalEncoder: true, sourceLength: 5, seed: 6 });
    randomizeBiases(m.params);
    const { encoder, decoder } = toOnnxEncoderDecoder(m);
    const encoded = runInWeb(encoder, { source: { dtype: 'int32', dims: [4, 5], data: IDS } });
    const src = tensor(IDS, [4, 5], 'int32');
    const state = m.encode(src);
    for (const [name, value] of Object.entries(state)) expectClose(Float32Array.from(encoded[name]!.data), value, { atol: 1e-5, rtol: 1e-5 });
    const tokens = [1, 3, 6, 2];
    const feeds: Record<string, WebFeed> = { token: { dtype: 'int32', dims: [4], data: tokens } };
    for (const [name, value] of Object.entries(encoded)) feeds[name] = { dtype: 'float32', ...value };
    const step = runInWeb(decoder, feeds);
    const input = tensor1d(tokens, 'int32');
    const theirs = m.stepper.step(state, input);
    expectClose(Float32Array.from(step['logits']!.data), theirs.logits, { atol: 1e-5, rtol: 1e-5 });
    expectClose(Float32Array.from(step['attention']!.data), theirs.attention!, { atol: 1e-5, rtol: 1e-5 });
    expectClose(Float32Array.from(step['c_out']!.data), theirs.state['c']!, { atol: 1e-5, rtol: 1e-5 });
    for (const t of [src, input, theirs.logits, theirs.attention]) t?.dispose();
    disposeState(theirs.state);
    disposeState(state);
    m.dispose();
  });
});
