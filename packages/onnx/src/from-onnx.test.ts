/**
 * fromOnnx on graphs written by torch.onnx.export (PyTorch 1.13, opset 14; scripts/torch-onnx-fixtures.py):
 * the imported rnnkit models predict what PyTorch predicted within 1e-5, and round-trip through toOnnx.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { initBackend, tensor } from '@rnnkit/tensor';
import { fromOnnx, toOnnx } from './index';
import { decodeModel, encodeModel } from './onnx-schema';
import type { ModelMessage } from './onnx-schema';

const FIXTURES = join(__dirname, '..', 'fixtures', 'torch');

interface Expected {
  readonly ids: number[];
  readonly features: number[];
  readonly batch: number;
  readonly steps: number;
  readonly models: Record<string, { input: 'ids' | 'features'; dims: number[]; output: number[] }>;
}

const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as Expected;
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, `${name}.onnx`)));

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('fromOnnx on torch.onnx.export graphs', () => {
  for (const [name, want] of Object.entries(expected.models)) {
    it(`${name}: predicts as PyTorch within 1e-5, and exports back to the same outputs in ONNX Runtime`, async () => {
      const model = fromOnnx(fixture(name));
      const input =
        want.input === 'ids'
          ? tensor(Int32Array.from(expected.ids), [expected.batch, expected.steps], 'int32')
          : tensor(Float32Array.from(expected.features), [expected.batch, expected.steps, expected.features.length / (expected.batch * expected.steps)]);
      const y = model.apply(input, { training: false });
      expect(y.shape).toEqual(want.dims);
      expectClose(y, Float32Array.from(want.output), { atol: 1e-5, rtol: 1e-5 });
      const session = await ort.InferenceSession.create(toOnnx(model));
      const feed = new ort.Tensor(want.input === 'ids' ? 'int32' : 'float32', input.dataSync() as Int32Array | Float32Array, input.shape);
      const result = await session.run({ [session.inputNames[0]!]: feed });
      expectClose(result[session.outputNames[0]!]!.data as Float32Array, Float32Array.from(want.output), { atol: 1e-5, rtol: 1e-5 });
      await session.release();
      y.dispose();
      input.dispose();
      model.dispose();
    });
  }

  it('negative control: the same graph with LSTM gates left in Keras order predicts differently', () => {
    const model = fromOnnx(fixture('lstm_classifier'));
    const wxh = model.params['lstm_1/wxh']!;
    const units = wxh.shape[1]! / 4;
    const values = wxh.dataSync() as Float32Array;
    const swapped = new Float32Array(values.length);
    for (let i = 0; i < wxh.shape[0]!; i++) {
      const row = values.subarray(i * 4 * units, (i + 1) * 4 * units);
      // o and f swapped: what a missing i,o,f,c → i,f,c,o remap would load
      swapped.set([...row.subarray(0, units), ...row.subarray(3 * units), ...row.subarray(2 * units, 3 * units), ...row.subarray(units, 2 * units)], i * 4 * units);
    }
    wxh.assign(tensor(swapped, wxh.shape));
    const input = tensor(Int32Array.from(expected.ids), [expected.batch, expected.steps], 'int32');
    const y = model.apply(input, { training: false });
    expect(() => expectClose(y, Float32Array.from(expected.models.lstm_classifier!.output), { atol: 1e-5, rtol: 1e-5 })).toThrow();
    y.dispose();
    input.dispose();
    model.dispose();
  });

  it('names the first unsupported op', () => {
    const graph = decodeModel(fixture('gru_tagger'));
    const nodes = graph.graph.node.map((n) => (n.opType === 'MatMul' ? { ...n, opType: 'Einsum' } : n));
    const broken: ModelMessage = { ...graph, graph: { ...graph.graph, node: nodes } };
    expect(() => fromOnnx(encodeModel(broken))).toThrow(/unsupported op 'Einsum' \(node '\/fc\/MatMul'/);
    expect(() => fromOnnx(new Uint8Array([1, 2, 3]))).toThrow(/fromOnnx: the bytes are not an ONNX model/);
  });

  it('leaves no tensors behind', async () => {
    await expectNoLeaks(() => fromOnnx(fixture('bilstm_tagger')).dispose(), 3, 'fromOnnx');
  });
});
