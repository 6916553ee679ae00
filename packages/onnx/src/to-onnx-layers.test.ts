/**
 * toOnnx of the layers that travel with RNNs in real model files — Conv1D (paddings, strides, dilation),
 * the 1-D and global pools, TimeDistributed, Reshape, Permute, ZeroPadding1D, Cropping1D, UpSampling1D,
 * SpatialDropout1D and GaussianNoise — checked by onnxruntime-node against rnnkit's `model.apply` within
 * 1e-5, at different batch sizes and lengths from one export.
 */
import { expectClose } from '@rnnkit/testkit';
import { initBackend } from '@rnnkit/tensor';
import {
  averagePool1d,
  conv1d,
  cropping1d,
  dense,
  embedding,
  gaussianNoise,
  globalAveragePool1d,
  globalMaxPool1d,
  gru,
  lstm,
  maxPool1d,
  permute,
  reshape,
  sequential,
  spatialDropout1d,
  timeDistributed,
  upSampling1d,
  zeroPadding1d,
  flatten,
} from '@rnnkit/models';
import type { LayerSpec, Sequential, SequentialOptions } from '@rnnkit/models';
import { toOnnx } from './index';
import { feedTensor, randomizeBiases, runOrt, uniforms } from './test-ort';
import type { Feed } from './test-ort';

const F = 3;
const IDS: Feed = { data: Int32Array.from([0, 0, 3, 7, 1, 4, 2, 4, 2, 8, 8, 5, 6, 9, 2, 0, 0, 5, 0, 3, 4, 0, 1, 1]), dims: [3, 8] };
const floats = (seed: number, batch: number, steps: number, features = F): Feed => ({ data: uniforms(batch * steps * features, seed), dims: [batch, steps, features] });

function build(layers: LayerSpec[], options: SequentialOptions = { inputShape: [null, F] }): Sequential {
  const m = sequential(layers, { seed: 5, ...options });
  randomizeBiases(m.params);
  return m;
}

/** Exports once, then compares ONNX Runtime with `model.apply` on each feed; disposes the model. */
async function expectSameAsOnnx(model: Sequential, feeds: readonly Feed[], opset = 17): Promise<void> {
  const bytes = toOnnx(model, { opset });
  for (const feed of feeds) {
    const onnx = await runOrt(bytes, { input: feed });
    const x = feedTensor(feed);
    const y = model.apply(x, { training: false });
    expect([...onnx.outputs[0]!.dims]).toEqual(y.shape);
    expectClose(onnx.outputs[0]!.data, y, { atol: 1e-5, rtol: 1e-5 });
    x.dispose();
    y.dispose();
  }
  model.dispose();
}

/** Odd and even lengths, so 'same' padding splits unevenly and strides leave a remainder. */
const lengths = (seed: number): Feed[] => [floats(seed, 2, 7), floats(seed + 1, 3, 10), floats(seed + 2, 1, 5)];

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('toOnnx of the real-model-file layers in onnxruntime-node', () => {
  for (const padding of ['valid', 'same', 'causal'] as const) {
    for (const [strides, dilationRate] of [[1, 1], [2, 1], [3, 1], [1, 2]] as const) {
      it(`Conv1D ${padding}, strides ${strides}, dilation ${dilationRate}`, async () => {
        await expectSameAsOnnx(build([conv1d({ filters: 4, kernelSize: 2, padding, strides, dilationRate, activation: 'relu' })]), lengths(1));
        await expectSameAsOnnx(build([conv1d({ filters: 2, kernelSize: 1 + dilationRate, padding, strides, dilationRate, useBias: false })]), lengths(4));
      });
    }
  }

  it("Keras' text CNN: Embedding(maskZero) → SpatialDropout1D → Conv1D → MaxPooling1D → GRU → Dense (the mask stops at the convolution)", async () => {
    const model = build(
      [embedding({ inputDim: 10, outputDim: 4, maskZero: true }), spatialDropout1d(0.3), conv1d({ filters: 5, kernelSize: 3, padding: 'same', activation: 'relu' }), maxPool1d({ poolSize: 2 }), gru({ units: 4 }), dense({ units: 1, activation: 'sigmoid' })],
      {},
    );
    await expectSameAsOnnx(model, [IDS]);
  });

  for (const kind of ['max', 'average'] as const) {
    for (const padding of ['valid', 'same'] as const) {
      it(`${kind === 'max' ? 'MaxPooling1D' : 'AveragePooling1D'} ${padding} (pool 3, strides 2 and the default strides)`, async () => {
        const pool = kind === 'max' ? maxPool1d : averagePool1d;
        await expectSameAsOnnx(build([pool({ poolSize: 3, strides: 2, padding })]), lengths(7));
        await expectSameAsOnnx(build([pool({ poolSize: 2, padding })]), lengths(10));
      });
    }
  }

  for (const opset of [14, 18]) {
    it(`global pools, with keepdims, masked and unmasked (opset ${opset})`, async () => {
      await expectSameAsOnnx(build([globalAveragePool1d()]), lengths(13), opset);
      await expectSameAsOnnx(build([globalMaxPool1d({ keepdims: true })]), lengths(16), opset);
      await expectSameAsOnnx(build([embedding({ inputDim: 10, outputDim: 4, maskZero: true }), globalAveragePool1d({ keepdims: true }), flatten(), dense({ units: 2 })], {}), [IDS], opset);
      await expectSameAsOnnx(build([embedding({ inputDim: 10, outputDim: 4, maskZero: true }), globalMaxPool1d(), dense({ units: 2 })], {}), [IDS], opset);
    });
  }

  it('TimeDistributed(Dense) after a masked LSTM: the mask passes through to the next LSTM', async () => {
    const model = build([embedding({ inputDim: 10, outputDim: 4, maskZero: true }), lstm({ units: 5, returnSequences: true }), timeDistributed(dense({ units: 3, activation: 'tanh' })), lstm({ units: 2 })], {});
    await expectSameAsOnnx(model, [IDS]);
  });

  it('TimeDistributed of layers that see a whole step: Conv1D over [B, T, W, C] frames, Flatten, an LSTM over words of characters', async () => {
    const frames = (seed: number, batch: number, steps: number): Feed => ({ data: uniforms(batch * steps * 6 * 2, seed), dims: [batch, steps, 6, 2] });
    const model = build([timeDistributed(conv1d({ filters: 3, kernelSize: 2, activation: 'relu' })), timeDistributed(flatten()), lstm({ units: 3 })], { inputShape: [null, 6, 2] });
    await expectSameAsOnnx(model, [frames(20, 2, 4), frames(21, 3, 1)]);
    const hierarchical = build([timeDistributed(lstm({ units: 4 })), gru({ units: 3 })], { inputShape: [null, null, 2] });
    await expectSameAsOnnx(hierarchical, [frames(22, 2, 3), frames(23, 1, 5)]);
  });

  it('Reshape, Permute, ZeroPadding1D, Cropping1D, UpSampling1D, GaussianNoise', async () => {
    await expectSameAsOnnx(build([reshape([-1, 6]), lstm({ units: 2 })], { inputShape: [4, F] }), [floats(22, 2, 4), floats(23, 5, 4)]);
    await expectSameAsOnnx(build([permute([2, 1]), dense({ units: 2 })], { inputShape: [5, F] }), [floats(24, 2, 5)]);
    await expectSameAsOnnx(build([zeroPadding1d([2, 1]), gru({ units: 3, returnSequences: true }), cropping1d([1, 2]), upSampling1d(3), gaussianNoise(0.5)]), lengths(25));
    await expectSameAsOnnx(build([cropping1d([2, 0]), zeroPadding1d(1)]), lengths(28));
  });

  it('every opset from 14 to 21: Conv1D, pools, padding, cropping, up-sampling, TimeDistributed, Reshape, a masked global average', async () => {
    for (let opset = 14; opset <= 21; opset++) {
      const model = build(
        [
          zeroPadding1d([1, 2]),
          conv1d({ filters: 4, kernelSize: 3, padding: 'same', strides: 2, activation: 'relu' }),
          averagePool1d({ poolSize: 2, strides: 1, padding: 'same' }),
          upSampling1d(2),
          cropping1d([1, 1]),
          timeDistributed(dense({ units: 6 })),
          reshape([-1, 3]),
          permute([2, 1]),
          permute([2, 1]),
          globalMaxPool1d(),
        ],
      );
      await expectSameAsOnnx(model, lengths(40), opset);
      const masked = build([embedding({ inputDim: 10, outputDim: 4, maskZero: true }), lstm({ units: 3, returnSequences: true }), globalAveragePool1d()], {});
      await expectSameAsOnnx(masked, [IDS], opset);
    }
  });
});
