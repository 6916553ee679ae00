/**
 * toOnnxEncoderDecoder checked by ONNX Runtime: the encoder graph gives rnnkit's `model.encode` state
 * (and memory and mask with attention) within 1e-5, one decoder step gives `model.stepper.step`'s logits,
 * state and attention within 1e-5, and greedy decoding run entirely in onnxruntime-node — the encoder once,
 * the step graph fed its own state back — yields exactly the tokens of rnnkit's `greedyDecode`.
 */
import * as ort from 'onnxruntime-node';
import { expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { initBackend, tensor, tensor1d } from '@rnnkit/tensor';
import { disposeState, greedyDecode, seq2seq } from '@rnnkit/models';
import type { AttentionKind, CellKind, Seq2seq } from '@rnnkit/models';
import { toOnnxEncoderDecoder } from './index';
import { uniforms } from './test-ort';

/** Source ids [3, 6]: row 0 pre-padded, row 1 full, row 2 post-padded. */
const SOURCE = Int32Array.from([0, 0, 3, 7, 1, 4, 2, 8, 8, 5, 6, 3, 2, 6, 1, 0, 0, 0]);
const ROWS = 3;
const START = 1;
const END = 2;
const MAX_LENGTH = 8;

type Feeds = Record<string, ort.Tensor>;

/** Greedy decoding in ONNX Runtime: the encoder once, then the step graph with its own state fed back. */
async function ortGreedy(encoder: ort.InferenceSession, decoder: ort.InferenceSession, source: ort.Tensor, endToken: number | undefined): Promise<number[][]> {
  const encoded = await encoder.run({ source });
  let state: Feeds = { ...encoded };
  let tokens = new Array<number>(ROWS).fill(START);
  const out: number[][] = Array.from({ length: ROWS }, () => []);
  const finished = new Array<boolean>(ROWS).fill(false);
  for (let t = 0; t < MAX_LENGTH && finished.some((f) => !f); t++) {
    const step = await decoder.run({ ...state, token: new ort.Tensor('int32', Int32Array.from(tokens), [ROWS]) });
    const logits = step['logits']!.data as Float32Array;
    const vocab = logits.length / ROWS;
    tokens = tokens.map((_, r) => {
      const row = logits.subarray(r * vocab, (r + 1) * vocab);
      return row.indexOf(Math.max(...row));
    });
    tokens.forEach((token, r) => {
      if (finished[r]) return;
      if (token === endToken) finished[r] = true;
      else out[r]!.push(token);
    });
    // h_out (c_out) become h (c); memory and mask stay
    state = { ...state, h: step['h_out']!, ...(step['c_out'] !== undefined && { c: step['c_out'] }) };
  }
  return out;
}

/** Every weight drawn from 𝒰(−1.5, 1.5): an untrained model whose greedy output depends on the source and the step. */
function randomizeWeights(model: Seq2seq): void {
  let seed = 1;
  for (const v of Object.values(model.params)) v.assign(tensor(uniforms(v.size, seed++).map((u) => 1.5 * u), v.shape));
}

async function expectSameAsOnnx(model: Seq2seq, opset = 17): Promise<void> {
  randomizeWeights(model);
  const { encoder: encoderBytes, decoder: decoderBytes } = toOnnxEncoderDecoder(model, { opset });
  const encoder = await ort.InferenceSession.create(encoderBytes);
  const decoder = await ort.InferenceSession.create(decoderBytes);
  const source = new ort.Tensor('int32', SOURCE, [ROWS, SOURCE.length / ROWS]);
  const src = tensor(SOURCE, [ROWS, SOURCE.length / ROWS], 'int32');

  // the encoder: every state the decoder starts from
  const encoded = await encoder.run({ source });
  const state = model.encode(src);
  // without attention the decoder reads no memory, so the graph hands on the state alone
  const needed = Object.keys(state).filter((k) => model.config.attention !== 'none' || (k !== 'memory' && k !== 'mask'));
  expect([...encoder.outputNames].sort()).toEqual(needed.sort());
  for (const name of needed) expectClose(encoded[name]!.data as Float32Array, state[name]!, { atol: 1e-5, rtol: 1e-5 });

  // one decoder step from the encoder's state
  const tokens = Int32Array.from([START, 5, 9]);
  const step = await decoder.run({ ...encoded, token: new ort.Tensor('int32', tokens, [ROWS]) });
  const input = tensor1d(Array.from(tokens), 'int32');
  const theirs = model.stepper.step(state, input);
  expectClose(step['logits']!.data as Float32Array, theirs.logits, { atol: 1e-5, rtol: 1e-5 });
  expectClose(step['h_out']!.data as Float32Array, theirs.state['h']!, { atol: 1e-5, rtol: 1e-5 });
  if (theirs.state['c'] !== undefined) expectClose(step['c_out']!.data as Float32Array, theirs.state['c'], { atol: 1e-5, rtol: 1e-5 });
  if (theirs.attention !== undefined) expectClose(step['attention']!.data as Float32Array, theirs.attention, { atol: 1e-5, rtol: 1e-5 });

  // greedy decoding in each: to the end token, and without one (every row runs MAX_LENGTH steps)
  for (const endToken of [END, undefined]) {
    const expected = greedyDecode(model.stepper, state, { startToken: START, maxLength: MAX_LENGTH, ...(endToken !== undefined && { endToken }) }).tokens;
    expect(await ortGreedy(encoder, decoder, source, endToken)).toEqual(expected);
  }

  theirs.logits.dispose();
  theirs.attention?.dispose();
  disposeState(theirs.state);
  disposeState(state);
  input.dispose();
  src.dispose();
  await encoder.release();
  await decoder.release();
  model.dispose();
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const CASES: readonly { cell: CellKind; attention: AttentionKind | 'none'; bidirectionalEncoder: boolean }[] = [
  { cell: 'lstm', attention: 'none', bidirectionalEncoder: false },
  { cell: 'gru', attention: 'none', bidirectionalEncoder: true },
  { cell: 'simpleRnn', attention: 'none', bidirectionalEncoder: false },
  { cell: 'lstm', attention: 'dot', bidirectionalEncoder: false },
  { cell: 'gru', attention: 'general', bidirectionalEncoder: false },
  { cell: 'lstm', attention: 'general', bidirectionalEncoder: true },
  { cell: 'lstm', attention: 'bahdanau', bidirectionalEncoder: false },
  { cell: 'gru', attention: 'bahdanau', bidirectionalEncoder: true },
  { cell: 'simpleRnn', attention: 'dot', bidirectionalEncoder: true },
];

describe('toOnnxEncoderDecoder in onnxruntime-node', () => {
  for (const c of CASES) {
    it(`${c.cell}, attention ${c.attention}${c.bidirectionalEncoder ? ', bidirectional encoder' : ''}: encoder, one step, greedy decoding`, async () => {
      await expectSameAsOnnx(seq2seq({ sourceVocab: 9, targetVocab: 11, units: 4, embeddingDim: 5, sourceLength: 6, seed: 3, ...c }));
    });
  }

  it('at opsets 14 and 21', async () => {
    await expectSameAsOnnx(seq2seq({ sourceVocab: 9, targetVocab: 11, units: 4, sourceLength: 6, seed: 4, cell: 'lstm', attention: 'general', bidirectionalEncoder: true }), 14);
    await expectSameAsOnnx(seq2seq({ sourceVocab: 9, targetVocab: 11, units: 4, sourceLength: 6, seed: 5, cell: 'gru', attention: 'bahdanau' }), 21);
  });

  it('refuses a model that is not a seq2seq, checks the opset, and creates no tensors', async () => {
    const model = seq2seq({ sourceVocab: 9, targetVocab: 11, units: 4, sourceLength: 6, attention: 'dot' });
    expect(() => toOnnxEncoderDecoder({ kind: 'sequential' } as unknown as Seq2seq)).toThrow(/must be a seq2seq model, got "sequential"/);
    expect(() => toOnnxEncoderDecoder(model, { opset: 22 })).toThrow(/opset must be an integer from 14 to 21, got 22/);
    await expectNoLeaks(() => toOnnxEncoderDecoder(model), 3, 'toOnnxEncoderDecoder');
    model.dispose();
  });
});
