/**
 * Keras' seq2seq inference pair cut out of a functional training model with toOnnx's `inputs`/`outputs`:
 * the encoder graph (source → the encoder LSTM's returned h, c) and the one-step decoder graph (one token
 * and a state → the next-token probabilities and the next state). Greedy decoding run in onnxruntime-node,
 * the decoder fed its own state back, equals greedy decoding with rnnkit's model (the whole decoder input
 * re-run at each step): the same tokens, and each step's probabilities within 1e-5.
 */
import * as ort from 'onnxruntime-node';
import { expectClose } from '@rnnkit/testkit';
import { initBackend, slice, tensor } from '@rnnkit/tensor';
import { applyLayer, dense, embedding, gru, input, lstm, model } from '@rnnkit/models';
import type { CellKind, Functional, SymbolicTensor } from '@rnnkit/models';
import { toOnnx } from './index';
import { uniforms } from './test-ort';

const ROWS = 3;
const SOURCE = Int32Array.from([0, 0, 3, 7, 1, 4, 2, 8, 8, 5, 6, 3, 2, 6, 1, 0, 0, 0]);
const START = 1;
const STEPS = 6;
const VOCAB = 9;

/** The Keras seq2seq training model: the encoder's returned state starts the decoder (teacher forcing). */
function trainingModel(cell: Exclude<CellKind, 'simpleRnn'>): Functional {
  const make = cell === 'lstm' ? lstm : gru;
  const encoderInputs = input({ shape: [null], dtype: 'int32', name: 'encoder_inputs' });
  const decoderInputs = input({ shape: [null], dtype: 'int32', name: 'decoder_inputs' });
  const source = applyLayer(embedding({ inputDim: VOCAB, outputDim: 4, maskZero: true, name: 'source_embedding' }), encoderInputs);
  const [, ...state] = applyLayer(make({ units: 6, returnState: true, name: 'encoder' }), source) as SymbolicTensor[];
  const target = applyLayer(embedding({ inputDim: VOCAB, outputDim: 4, name: 'target_embedding' }), decoderInputs);
  const [decoded] = applyLayer(make({ units: 6, returnSequences: true, returnState: true, name: 'decoder' }), target, { initialState: state }) as SymbolicTensor[];
  const probs = applyLayer(dense({ units: VOCAB, activation: 'softmax', name: 'probs' }), decoded!);
  const m = model({ inputs: [encoderInputs, decoderInputs], outputs: probs, seed: 2 });
  let seed = 1;
  for (const v of Object.values(m.params)) v.assign(tensor(uniforms(v.size, seed++).map((u) => 1.5 * u), v.shape));
  return m;
}

const argMaxRows = (values: Float32Array, rows: number): number[] => {
  const width = values.length / rows;
  return Array.from({ length: rows }, (_, r) => {
    const row = values.subarray(r * width, (r + 1) * width);
    return row.indexOf(Math.max(...row));
  });
};

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe("toOnnx inputs/outputs: Keras' seq2seq inference pair", () => {
  for (const cell of ['lstm', 'gru'] as const) {
    it(`${cell}: greedy decoding in ONNX Runtime (encoder once, one-step decoder) equals rnnkit's`, async () => {
      const m = trainingModel(cell);
      const states = cell === 'lstm' ? ([['encoder', 0, 1], ['encoder', 0, 2]] as const) : ([['encoder', 0, 1]] as const);
      const next = cell === 'lstm' ? ([['decoder', 0, 1], ['decoder', 0, 2]] as const) : ([['decoder', 0, 1]] as const);
      const encoder = await ort.InferenceSession.create(toOnnx(m, { inputs: ['encoder_inputs'], outputs: states }));
      const decoder = await ort.InferenceSession.create(toOnnx(m, { inputs: ['decoder_inputs', ...states], outputs: ['probs', ...next] }));
      const stateNames = cell === 'lstm' ? ['encoder_state_h', 'encoder_state_c'] : ['encoder_state_h'];
      expect(encoder.outputNames).toEqual(stateNames);
      expect(decoder.inputNames).toEqual(['decoder_inputs', ...stateNames]);
      expect(decoder.outputNames).toEqual(['probs', ...stateNames.map((n) => n.replace('encoder', 'decoder'))]);

      const sourceFeed = new ort.Tensor('int32', SOURCE, [ROWS, SOURCE.length / ROWS]);
      let state: Record<string, ort.Tensor> = await encoder.run({ encoder_inputs: sourceFeed });
      let tokens = new Array<number>(ROWS).fill(START);
      const prefix: number[][] = Array.from({ length: ROWS }, () => [START]);
      const src = tensor(SOURCE, [ROWS, SOURCE.length / ROWS], 'int32');
      for (let t = 0; t < STEPS; t++) {
        const step = await decoder.run({ decoder_inputs: new ort.Tensor('int32', Int32Array.from(tokens), [ROWS, 1]), ...state });
        // rnnkit: the whole decoder input so far, the last step's probabilities
        const dec = tensor(Int32Array.from(prefix.flat()), [ROWS, t + 1], 'int32');
        const all = m.apply([src, dec], { training: false });
        const last = slice(all, [0, t, 0], [ROWS, 1, VOCAB]);
        const probs = step['probs']!.data as Float32Array;
        expectClose(probs, last, { atol: 1e-5, rtol: 1e-5 });
        tokens = argMaxRows(probs, ROWS);
        expect(tokens).toEqual(argMaxRows(last.dataSync() as Float32Array, ROWS));
        tokens.forEach((token, r) => prefix[r]!.push(token));
        state = Object.fromEntries(stateNames.map((n) => [n, step[n.replace('encoder', 'decoder')]!]));
        for (const x of [dec, all, last]) x.dispose();
      }
      expect(new Set(prefix.flat()).size).toBeGreaterThan(2); // the decoded tokens vary
      src.dispose();
      await encoder.release();
      await decoder.release();
      m.dispose();
    });
  }

  it('names what is wrong: an unknown layer, a call or output that does not exist, an input not given', () => {
    const m = trainingModel('lstm');
    expect(() => toOnnx(m, { outputs: ['nope'] })).toThrow(/outputs\[0\] names layer 'nope', which the model does not have/);
    expect(() => toOnnx(m, { outputs: [['encoder', 0, 3]] })).toThrow(/outputs\[0\] reads output 3 of call 0 of layer 'encoder', which has 1 call\(s\) of 3 output\(s\)/);
    expect(() => toOnnx(m, { inputs: ['decoder_inputs'], outputs: ['probs'] })).toThrow(/layer 'source_embedding' depends on the model input 'encoder_inputs', which is not among the inputs given/);
    m.dispose();
  });
});
