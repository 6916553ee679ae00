/**
 * toOnnx checked by ONNX Runtime: each exported model runs in onnxruntime-node and its outputs equal
 * rnnkit's `model.apply` within 1e-5 on random inputs, with and without masks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { initBackend, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import {
  batchNormalization,
  bidirectional,
  dense,
  dropout,
  embedding,
  gru,
  layerNormalization,
  lstm,
  masking,
  repeatVector,
  sequential,
  simpleRnn,
  conv2d,
  maxPool2d,
} from '@rnnkit/models';
import type { LayerSpec, MergeMode, Sequential, SequentialOptions } from '@rnnkit/models';
import { saveOnnx, toOnnx } from './index';
import { randomizeBiases, uniforms } from './test-ort';

const B = 3;
const T = 5;
const F = 4;

/** Ids with padding: row 0 pre-padded (pad_sequences), row 1 full, row 2 post-padded, row 3 with a gap. */
const IDS = Int32Array.from([0, 0, 3, 7, 1, 4, 2, 8, 8, 5, 6, 9, 2, 0, 0, 5, 0, 3, 4, 0]);
const ID_ROWS = 4;

async function runOnnx(bytes: Uint8Array, feed: ort.Tensor): Promise<{ data: Float32Array; dims: readonly number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const result = await session.run({ [session.inputNames[0]!]: feed });
  const out = result[session.outputNames[0]!]!;
  await session.release();
  return { data: out.data as Float32Array, dims: out.dims };
}

/** Exports `model`, runs it in ONNX Runtime on `x` and compares with `model.apply`; then disposes the model. */
async function expectSameAsOnnx(model: Sequential, x: { data: Float32Array | Int32Array; dims: number[] }, opset = 17): Promise<void> {
  const bytes = toOnnx(model, { opset });
  const feed = new ort.Tensor(x.data instanceof Int32Array ? 'int32' : 'float32', x.data, x.dims);
  const onnx = await runOnnx(bytes, feed);
  const input: Tensor = tensor(x.data, x.dims, x.data instanceof Int32Array ? 'int32' : 'float32');
  const y = model.apply(input, { training: false });
  expect([...onnx.dims]).toEqual(y.shape);
  expectClose(onnx.data, y, { atol: 1e-5, rtol: 1e-5 });
  y.dispose();
  input.dispose();
  model.dispose();
}

const floats = (seed: number, batch = B, steps = T, features = F): { data: Float32Array; dims: number[] } => ({ data: uniforms(batch * steps * features, seed), dims: [batch, steps, features] });
const ids = { data: IDS, dims: [ID_ROWS, IDS.length / ID_ROWS] };

function build(layers: LayerSpec[], options: SequentialOptions = { inputShape: [null, F] }): Sequential {
  return sequential(layers, { seed: 7, ...options });
}

/** A model whose biases are non-zero (initialisers give zero biases), so a dropped bias shows. */
function withRandomBiases(model: Sequential): Sequential {
  randomizeBiases(model.params);
  return model;
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const cells = {
  simpleRnn: (o: { units: number; returnSequences?: boolean; goBackwards?: boolean; zeroOutputForMask?: boolean }) => simpleRnn(o),
  lstm: (o: { units: number; returnSequences?: boolean; goBackwards?: boolean; zeroOutputForMask?: boolean }) => lstm(o),
  gruResetAfter: (o: { units: number; returnSequences?: boolean; goBackwards?: boolean; zeroOutputForMask?: boolean }) => gru(o),
  gruResetBefore: (o: { units: number; returnSequences?: boolean; goBackwards?: boolean; zeroOutputForMask?: boolean }) => gru({ ...o, resetAfter: false }),
};

describe('toOnnx in onnxruntime-node', () => {
  for (const [kind, cell] of Object.entries(cells)) {
    for (const returnSequences of [false, true]) {
      for (const goBackwards of [false, true]) {
        const label = `${kind}${returnSequences ? ' returnSequences' : ''}${goBackwards ? ' goBackwards' : ''}`;
        it(`${label}: float input, no mask`, async () => {
          await expectSameAsOnnx(withRandomBiases(build([cell({ units: 6, returnSequences, goBackwards })])), floats(1));
        });
        for (const zeroOutputForMask of returnSequences ? [false, true] : [false]) {
          it(`${label}${zeroOutputForMask ? ' zeroOutputForMask' : ''}: embedding with maskZero (pre-, post-padding and a gap)`, async () => {
            const model = build([embedding({ inputDim: 10, outputDim: F, maskZero: true }), cell({ units: 6, returnSequences, goBackwards, zeroOutputForMask })], {});
            await expectSameAsOnnx(withRandomBiases(model), ids);
          });
        }
      }
    }
  }

  for (const mergeMode of ['concat', 'sum', 'mul', 'ave'] as MergeMode[]) {
    for (const returnSequences of [false, true]) {
      it(`bidirectional LSTM, ${mergeMode}${returnSequences ? ', returnSequences' : ''}: no mask and with a mask`, async () => {
        await expectSameAsOnnx(withRandomBiases(build([bidirectional(lstm({ units: 5, returnSequences }), { mergeMode })])), floats(2));
        const masked = build([embedding({ inputDim: 10, outputDim: F, maskZero: true }), bidirectional(gru({ units: 5, returnSequences }), { mergeMode })], {});
        await expectSameAsOnnx(withRandomBiases(masked), ids);
      });
    }
  }

  it('bidirectional around a goBackwards layer', async () => {
    await expectSameAsOnnx(withRandomBiases(build([bidirectional(simpleRnn({ units: 4, returnSequences: true, goBackwards: true }))])), floats(3));
  });

  it('stacked layers: Embedding → BiLSTM(seq) → GRU(seq) → LSTM → Dropout → Dense(softmax), with and without a mask', async () => {
    for (const maskZero of [false, true]) {
      const model = build(
        [
          embedding({ inputDim: 10, outputDim: 8, maskZero }),
          bidirectional(lstm({ units: 6, returnSequences: true })),
          gru({ units: 5, returnSequences: true, resetAfter: false }),
          lstm({ units: 4 }),
          dropout(0.5),
          dense({ units: 3, activation: 'softmax' }),
        ],
        {},
      );
      await expectSameAsOnnx(withRandomBiases(model), ids);
    }
  });

  it('a tagger: Masking → LSTM(seq) → Dense on [B, T, H] (MatMul + Add)', async () => {
    const x = floats(4);
    x.data.fill(0, 0, 2 * F); // row 0: first two steps are padding
    x.data.fill(0, (2 * T - 1) * F, 2 * T * F); // row 1: last step is padding
    await expectSameAsOnnx(withRandomBiases(build([masking(), lstm({ units: 6, returnSequences: true }), dense({ units: 2, activation: 'tanh' })])), x);
  });

  it('cell activations: relu, linear and both hard sigmoids', async () => {
    await expectSameAsOnnx(withRandomBiases(build([simpleRnn({ units: 4, activation: 'relu', returnSequences: true })])), floats(5));
    await expectSameAsOnnx(withRandomBiases(build([lstm({ units: 4, recurrentActivation: 'hardSigmoidKeras2', activation: 'linear' })])), floats(6));
    await expectSameAsOnnx(withRandomBiases(build([gru({ units: 4, recurrentActivation: 'hardSigmoidKeras3' })])), floats(7));
  });

  it('dense activations', async () => {
    const names = ['relu', 'relu6', 'leakyRelu', 'elu', 'selu', 'gelu', 'silu', 'hardSilu', 'sigmoid', 'logSigmoid', 'hardSigmoidKeras2', 'hardSigmoidKeras3', 'tanh', 'hardTanh', 'tanhShrink', 'softShrink', 'softmax', 'logSoftmax', 'softplus', 'softsign', 'exponential', 'mish'] as const;
    for (const activation of names) {
      await expectSameAsOnnx(withRandomBiases(build([dense({ units: 5, activation })], { inputShape: [F] })), { data: uniforms(B * F, 8).map((u) => 3 * u), dims: [B, F] });
    }
  });

  it('normalisation and RepeatVector: LSTM → BatchNormalization → RepeatVector → GRU(seq) → LayerNormalization', async () => {
    const model = build([lstm({ units: 6 }), batchNormalization(), repeatVector(3), gru({ units: 4, returnSequences: true }), layerNormalization()]);
    await expectSameAsOnnx(withRandomBiases(model), floats(9), 18);
  });

  it('dynamic batch and time: one export runs on other batch sizes and lengths', async () => {
    const model = withRandomBiases(build([lstm({ units: 3, returnSequences: true })]));
    const bytes = toOnnx(model);
    for (const [batch, steps] of [[1, 2], [5, 9]] as const) {
      const x = floats(10 + batch, batch, steps);
      const onnx = await runOnnx(bytes, new ort.Tensor('float32', x.data, x.dims));
      const input = tensor(x.data, x.dims);
      const y = model.apply(input, { training: false });
      expectClose(onnx.data, y, { atol: 1e-5, rtol: 1e-5 });
      y.dispose();
      input.dispose();
    }
    model.dispose();
  });

  it('names the first layer it cannot export, and checks the opset', () => {
    const model = build([dense({ units: 2 }), conv2d({ filters: 2, kernelSize: 1 }), maxPool2d()], { inputShape: [4, 4, 1] });
    expect(() => toOnnx(model)).toThrow(/layer 'conv2d' \(conv2d\) has no ONNX export/);
    expect(() => toOnnx(model, { opset: 9 })).toThrow(/opset must be an integer from 14 to 21, got 9/);
    model.dispose();
  });

  it('refuses a stateful recurrent layer, whose carried state a graph cannot hold', () => {
    const model = build([{ ...lstm({ units: 3 }), stateful: true } as LayerSpec]);
    expect(() => toOnnx(model)).toThrow(/layer 'lstm' is stateful, and an ONNX graph carries no state/);
    model.dispose();
  });

  it('LayerNormalization at opset 14 (ReduceMean axes as an attribute) and 18 (as an input)', async () => {
    for (const opset of [14, 18]) await expectSameAsOnnx(withRandomBiases(build([lstm({ units: 4, returnSequences: true }), layerNormalization()])), floats(12), opset);
  });

  it('saveOnnx writes a file ONNX Runtime opens', async () => {
    const model = withRandomBiases(build([gru({ units: 3 })]));
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-onnx-'));
    await saveOnnx(model, join(dir, 'gru.onnx'));
    const session = await ort.InferenceSession.create(join(dir, 'gru.onnx'));
    const x = floats(11);
    const result = await session.run({ [session.inputNames[0]!]: new ort.Tensor('float32', x.data, x.dims) });
    const input = tensor(x.data, x.dims);
    const y = model.apply(input, { training: false });
    expectClose(result[session.outputNames[0]!]!.data as Float32Array, y, { atol: 1e-5, rtol: 1e-5 });
    await session.release();
    rmSync(dir, { recursive: true });
    y.dispose();
    input.dispose();
    model.dispose();
  });

  it('creates no tensors', async () => {
    const model = withRandomBiases(build([bidirectional(lstm({ units: 3 })), dense({ units: 2 })]));
    await expectNoLeaks(() => toOnnx(model), 3, 'toOnnx');
    model.dispose();
  });
});
