import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks, gradcheck } from '@rnnkit/testkit';
import { dispose, grads, mul, sum, tensor, tensor2d, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { LayerContext } from '../layer';
import { dense, embedding, fromLayersArtifacts, gru, lstm, sequential, toLayersArtifacts } from '../index';
import type { Sequential } from '../index';
import { layerFromKeras, layerToKeras } from '../interop/keras-config';
import { conv1d, conv1dLayer } from './conv1d';
import type { Conv1dPadding } from './conv1d';
import { maxPool1d } from './pool1d';
import { saveTfjs, seeded } from '../test-utils';

const inference: LayerContext = { training: false, mask: null, seed: 0 };
const fromKeras = { hardSigmoid: 'keras3', gruDefaultResetAfter: true } as const;

interface Geometry {
  readonly B: number;
  readonly T: number;
  readonly C: number;
  readonly k: number;
  readonly F: number;
  readonly strides: number;
  readonly dilation: number;
  readonly padding: Conv1dPadding;
}

/** Float64 reference, written from the definition: y[b, t, f] = b_f + Σ_{i, c} x[b, t·s + i·d − left, c]·K[i, c, f] (zeros outside x). */
function referenceConv1d(x: Float64Array, k: Float64Array, bias: Float64Array, g: Geometry): { y: Float64Array; steps: number } {
  const extent = g.dilation * (g.k - 1) + 1;
  let steps: number;
  let left: number;
  if (g.padding === 'valid') {
    steps = Math.floor((g.T - extent) / g.strides) + 1;
    left = 0;
  } else if (g.padding === 'causal') {
    steps = Math.ceil(g.T / g.strides);
    left = extent - 1;
  } else {
    steps = Math.ceil(g.T / g.strides);
    left = Math.floor(Math.max((steps - 1) * g.strides + extent - g.T, 0) / 2);
  }
  const y = new Float64Array(g.B * steps * g.F);
  for (let b = 0; b < g.B; b++)
    for (let t = 0; t < steps; t++)
      for (let f = 0; f < g.F; f++) {
        let s = bias[f]!;
        for (let i = 0; i < g.k; i++) {
          const u = t * g.strides + i * g.dilation - left;
          if (u < 0 || u >= g.T) continue;
          for (let c = 0; c < g.C; c++) s += x[(b * g.T + u) * g.C + c]! * k[(i * g.C + c) * g.F + f]!;
        }
        y[(b * steps + t) * g.F + f] = s;
      }
  return { y, steps };
}

// every padding with every stride/dilation pattern, odd and even kernels (even kernels make 'same' asymmetric)
const geometries: Geometry[] = (['valid', 'same', 'causal'] as const).flatMap((padding) =>
  [
    { k: 3, strides: 1, dilation: 1 },
    { k: 2, strides: 2, dilation: 1 },
    { k: 3, strides: 3, dilation: 1 },
    { k: 2, strides: 1, dilation: 2 },
    { k: 3, strides: 1, dilation: 3 },
  ].map((o) => ({ B: 2, T: 9, C: 2, F: 3, padding, ...o })),
);
const label = (g: Geometry): string => `${g.padding} k${g.k} s${g.strides} d${g.dilation}`;

/** Our layer's y and analytic gradients of L = Σ y ⊙ r for x, K and b. */
function ours(g: Geometry, xv: Float64Array, kv: Float64Array, bv: Float64Array, r: Float64Array, steps: number): { y: Float32Array; dx: Float32Array; dk: Float32Array; db: Float32Array } {
  const spec = conv1d({ filters: g.F, kernelSize: g.k, strides: g.strides, dilationRate: g.dilation, padding: g.padding });
  return tidy(() => {
    const x = tensor(Float32Array.from(xv), [g.B, g.T, g.C]);
    const kernel = tensor(Float32Array.from(kv), [g.k, g.C, g.F]);
    const bias = tensor(Float32Array.from(bv), [g.F]);
    const upstream = tensor(Float32Array.from(r), [g.B, steps, g.F]);
    const y = conv1dLayer.apply(spec, { kernel, bias }, x, inference).y;
    const [dx, dk, db] = grads((a: Tensor, b: Tensor, c: Tensor) => sum(mul(conv1dLayer.apply(spec, { kernel: b, bias: c }, a, inference).y, upstream)))([x, kernel, bias]);
    return { y: y.dataSync() as Float32Array, dx: dx!.dataSync() as Float32Array, dk: dk!.dataSync() as Float32Array, db: db!.dataSync() as Float32Array };
  });
}

describeEachBackend(['cpu', 'wasm'], 'conv1d', (backend) => {
  test.each(geometries.map((g) => ({ name: label(g), g })))('$name: forward and gradients (x, kernel, bias) against a float64 reference', ({ g }) => {
    const xv = seeded(g.B * g.T * g.C, 3);
    const kv = seeded(g.k * g.C * g.F, 4);
    const bv = seeded(g.F, 6);
    const ref = referenceConv1d(xv, kv, bv, g);
    const r = seeded(ref.y.length, 5); // upstream gradient: L = Σ y ⊙ r
    const spec = conv1d({ filters: g.F, kernelSize: g.k, strides: g.strides, dilationRate: g.dilation, padding: g.padding });
    expect(conv1dLayer.outputShape(spec, [null, g.T, g.C])).toEqual([null, ref.steps, g.F]);
    const before = tfc.memory().numTensors;
    const got = ours(g, xv, kv, bv, r, ref.steps);
    expect(tfc.memory().numTensors).toBe(before);
    expectClose(got.y, ref.y, { rtol: 1e-5, atol: 1e-5 }, 'forward');
    // L is linear in each of x, K, b, so float64 central differences are exact up to rounding; the analytic side is float32
    const loss = (v: Readonly<Record<string, Float64Array>>): number => referenceConv1d(v['x']!, v['k']!, v['b']!, g).y.reduce((s, y, i) => s + y * r[i]!, 0);
    const report = gradcheck(loss, { x: xv, k: kv, b: bv }, { x: got.dx, k: got.dk, b: got.db }, { eps: 1e-3, rtol: 1e-4, atol: 1e-5 });
    expect(report.mismatches).toEqual([]);
    expect(report.maxAbsError).toBeLessThan(1e-5);
    // negative control: one kernel entry off by 1e-3 is caught, at that entry
    const wrong = Float32Array.from(got.dk);
    wrong[1] = wrong[1]! + 1e-3;
    const rejected = gradcheck(loss, { x: xv, k: kv, b: bv }, { x: got.dx, k: wrong, b: got.db }, { eps: 1e-3, rtol: 1e-4, atol: 1e-5 });
    expect(rejected.ok).toBe(false);
    expect(rejected.mismatches.map((m) => `${m.name}[${m.index}]`)).toEqual(['k[1]']);
  });

  describe('against tfjs-layers Conv1D with copied weights', () => {
    const supported = geometries.filter((g) => g.padding !== 'causal');
    test.each(supported.map((g) => ({ name: label(g), g })))('$name, relu: forward within 1e-5, and gradients where tfjs can take them', ({ g }) => {
      const spec = conv1d({ filters: g.F, kernelSize: g.k, strides: g.strides, dilationRate: g.dilation, padding: g.padding, activation: 'relu' });
      const params = conv1dLayer.init(spec, [null, g.T, g.C], 11);
      const bias = tensor([0.1, -0.2, 0.3]);
      const theirs = tfl.layers.conv1d({ filters: g.F, kernelSize: g.k, strides: g.strides, dilationRate: g.dilation, padding: g.padding as 'valid' | 'same', activation: 'relu' });
      theirs.build([null, g.T, g.C]);
      theirs.setWeights([params['kernel']!, bias]);
      const x = tensor(Float32Array.from(seeded(g.B * g.T * g.C, 9)), [g.B, g.T, g.C]);
      const mine = conv1dLayer.apply(spec, { kernel: params['kernel']!, bias }, x, inference).y;
      const reference = theirs.apply(x) as Tensor;
      expectClose(mine, reference, { rtol: 1e-5, atol: 1e-5 }, 'forward');
      if (backend === 'cpu') {
        const r = tensor(Float32Array.from(seeded(mine.size, 2)), mine.shape);
        const upstream = (y: Tensor): tfc.Scalar => sum(mul(y, r)) as tfc.Scalar;
        const theirsLoss = (): tfc.Scalar => upstream(theirs.apply(x) as Tensor);
        const mineGrads = grads((a: Tensor, k: Tensor, b: Tensor) => upstream(conv1dLayer.apply(spec, { kernel: k, bias: b }, a, inference).y))([x, params['kernel']!, bias]);
        if (g.dilation === 1) {
          const dx = tfc.grad((a: Tensor) => upstream(theirs.apply(a) as Tensor))(x);
          const { grads: dw, value } = tfc.variableGrads(theirsLoss);
          const [dk, db] = theirs.trainableWeights.map((w) => dw[(w.read() as tfc.Variable).name]!);
          expectClose(mineGrads[0]!, dx, { rtol: 1e-5, atol: 1e-5 }, '∂L/∂x vs tfjs');
          expectClose(mineGrads[1]!, dk!, { rtol: 1e-5, atol: 1e-5 }, '∂L/∂K vs tfjs');
          expectClose(mineGrads[2]!, db!, { rtol: 1e-5, atol: 1e-5 }, '∂L/∂b vs tfjs');
          dispose([dx, value, ...Object.values(dw)]);
        } else {
          // the reason this layer has its own backward: tfjs differentiates no dilated convolution
          expect(() => tfc.grad((a: Tensor) => upstream(theirs.apply(a) as Tensor))(x)).toThrow(/dilation/i);
        }
        dispose([r, ...mineGrads]);
      }
      dispose([x, bias, mine, reference, ...Object.values(params), ...theirs.getWeights()]);
    });

    test("causal: tfjs-layers' Conv1D refuses it at call time; ours equals tfjs' 'valid' Conv1D on the input left-padded by d·(k − 1)", () => {
      for (const g of geometries.filter((c) => c.padding === 'causal')) {
        const spec = conv1d({ filters: g.F, kernelSize: g.k, strides: g.strides, dilationRate: g.dilation, padding: 'causal' });
        const params = conv1dLayer.init(spec, [null, g.T, g.C], 12);
        const causal = tfl.layers.conv1d({ filters: g.F, kernelSize: g.k, strides: g.strides, dilationRate: g.dilation, padding: 'causal' });
        const valid = tfl.layers.conv1d({ filters: g.F, kernelSize: g.k, strides: g.strides, dilationRate: g.dilation, padding: 'valid' });
        const left = g.dilation * (g.k - 1);
        causal.build([null, g.T, g.C]);
        valid.build([null, g.T + left, g.C]);
        const bias = tensor([0.3, 0.2, -0.1]);
        valid.setWeights([params['kernel']!, bias]);
        const x = tensor(Float32Array.from(seeded(g.B * g.T * g.C, 13)), [g.B, g.T, g.C]);
        expect(() => causal.apply(x)).toThrow(/CAUSAL padding/);
        const padded = tfc.pad(x, [[0, 0], [left, 0], [0, 0]]);
        const mine = conv1dLayer.apply(spec, { kernel: params['kernel']!, bias }, x, inference).y;
        const reference = valid.apply(padded) as Tensor;
        expectClose(mine, reference, { rtol: 1e-5, atol: 1e-5 }, label(g));
        dispose([x, bias, padded, mine, reference, ...Object.values(params), ...causal.getWeights(), ...valid.getWeights()]);
      }
    });
  });

  test('the kernel is glorot-uniform over fans k·C and k·F (Keras), the bias zero; without bias there is one weight', () => {
    const spec = conv1d({ filters: 8, kernelSize: 5 });
    const params = conv1dLayer.init(spec, [null, 20, 4], 1);
    expect(conv1dLayer.weights(spec, [null, 20, 4])).toEqual([{ name: 'kernel', shape: [5, 4, 8] }, { name: 'bias', shape: [8] }]);
    const limit = Math.sqrt(6 / (5 * 4 + 5 * 8));
    const k = Array.from(params['kernel']!.dataSync());
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...k.map(Math.abs))).toBeGreaterThan(0.9 * limit);
    expect(Array.from(params['bias']!.dataSync())).toEqual(new Array(8).fill(0));
    expect(conv1dLayer.weights(conv1d({ filters: 8, kernelSize: 5, useBias: false }), [null, 20, 4])).toEqual([{ name: 'kernel', shape: [5, 4, 8] }]);
    dispose(Object.values(params));
  });

  test('masks: an incoming mask is dropped, as Keras (Conv1D does not support masking)', () => {
    const spec = conv1d({ filters: 2, kernelSize: 3, padding: 'same' });
    const params = conv1dLayer.init(spec, [null, 4, 3], 2);
    const x = tensor(Float32Array.from(seeded(2 * 4 * 3, 1)), [2, 4, 3]);
    const mask = tensor2d([[1, 1, 0, 0], [1, 1, 1, 1]]);
    const out = conv1dLayer.apply(spec, params, x, { ...inference, mask });
    expect(out.mask).toBeNull();
    const model = sequential([embedding({ inputDim: 6, outputDim: 3, maskZero: true }), conv1d({ filters: 2, kernelSize: 2 })], { seed: 1 });
    const ids = tensor2d([[0, 0, 3, 5], [1, 2, 3, 4]], [2, 4], 'int32');
    const result = model.call(ids, { training: false });
    expect(result.mask).toBeNull();
    expect(result.y.shape).toEqual([2, 3, 2]);
    dispose([x, mask, out.y, ids, result.y, ...Object.values(params)]);
    model.dispose();
  });

  test('bad options and inputs are named', () => {
    expect(() => conv1d({ filters: 0, kernelSize: 3 })).toThrow(/conv1d: filters must be a positive integer, got 0/);
    expect(() => conv1d({ filters: 2, kernelSize: 2.5 })).toThrow(/conv1d: kernelSize must be a positive integer, got 2.5/);
    expect(() => conv1d({ filters: 2, kernelSize: 3, padding: 'full' as 'same' })).toThrow(/padding must be 'valid', 'same' or 'causal', got "full"/);
    expect(() => conv1d({ filters: 2, kernelSize: 3, strides: 2, dilationRate: 2 })).toThrow(/strides > 1 cannot be combined with dilationRate > 1 .*got strides 2 and dilationRate 2/);
    expect(() => conv1d({ filters: 2, kernelSize: 3, activation: 'swishy' as 'relu' })).toThrow(/conv1d: activation must be one of/);
    const long = conv1d({ filters: 2, kernelSize: 3, dilationRate: 3 });
    expect(() => conv1dLayer.outputShape(long, [null, 6, 1])).toThrow(/'valid' kernel of extent 7 \(kernelSize 3, dilationRate 3\) is longer than the 6 steps of input \(None, 6, 1\)/);
    expect(conv1dLayer.outputShape(conv1d({ filters: 2, kernelSize: 3, dilationRate: 3, padding: 'causal' }), [null, 6, 1])).toEqual([null, 6, 2]);
    expect(conv1dLayer.outputShape(long, [null, null, 1])).toEqual([null, null, 2]);
    expect(() => conv1dLayer.outputShape(long, [null, 6, 1, 1])).toThrow(/conv1d: input must have rank 3 \(\[B, T, C\]\), got \(None, 6, 1, 1\)/);
    const params = conv1dLayer.init(long, [null, null, 1], 1);
    const short = tensor(new Float32Array(6), [1, 6, 1]);
    const wrongChannels = tensor(new Float32Array(16), [1, 8, 2]);
    // a variable-length model meets a too-short sequence only when it runs
    expect(() => conv1dLayer.apply(long, params, short, inference)).toThrow(/is longer than the 6 steps of input \[1, 6, 1\]/);
    expect(() => conv1dLayer.apply(long, params, wrongChannels, inference)).toThrow(/conv1d: input must be \[B, T, 1\], got shape \[1, 8, 2\]/);
    const keras = (config: Record<string, unknown>): unknown => layerFromKeras({ class_name: 'Conv1D', config: { name: 'c', filters: 2, kernel_size: [3], ...config } }, fromKeras);
    expect(() => keras({ data_format: 'channels_first' })).toThrow(/layer 'c' \(Conv1D\): data_format "channels_first" is not supported \(channels_last only\)/);
    expect(() => keras({ strides: [2], dilation_rate: [2] })).toThrow(/strides > 1 cannot be combined with dilationRate > 1/);
    expect(() => keras({ groups: 2 })).toThrow(/layer 'c' \(Conv1D\): groups 2 is not supported/);
    expect(() => keras({ kernel_size: [3, 3] })).toThrow(/config.kernel_size must be an integer or a list of one, got \[3,3\]/);
    expect(() => keras({ padding: 'full' })).toThrow(/config.padding must be 'valid' or 'same' or 'causal', got "full"/);
    dispose([short, wrongChannels, ...Object.values(params)]);
  });

  test('Keras configs load (lists or ints, any case of padding) and write back to the same spec', () => {
    const keras3 = {
      class_name: 'Conv1D',
      config: {
        name: 'conv1d_3', trainable: true, dtype: 'float32', filters: 16, kernel_size: [5], strides: [1], padding: 'causal', data_format: 'channels_last',
        dilation_rate: [4], groups: 1, activation: 'tanh', use_bias: false, kernel_initializer: { class_name: 'GlorotUniform' },
      },
    };
    const spec = layerFromKeras(keras3, fromKeras);
    expect(spec).toEqual({ kind: 'conv1d', name: 'conv1d_3', filters: 16, kernelSize: 5, strides: 1, padding: 'causal', dilationRate: 4, activation: 'tanh', useBias: false });
    expect(layerFromKeras({ class_name: 'Conv1D', config: { name: 'c', filters: 4, kernel_size: 3, strides: 2, padding: 'SAME' } }, fromKeras)).toEqual(conv1d({ name: 'c', filters: 4, kernelSize: 3, strides: 2, padding: 'same' }));
    const written = layerToKeras(spec, 'conv1d_3');
    expect(written.config).toMatchObject({ kernel_size: [5], strides: [1], dilation_rate: [4], padding: 'causal', data_format: 'channels_last' });
    expect(layerFromKeras(written, fromKeras)).toEqual(spec);
  });

  describe('a CNN-LSTM text model: embedding → conv1d → maxPool1d → lstm → dense', () => {
    const build = (): Sequential =>
      sequential(
        [
          embedding({ inputDim: 20, outputDim: 6 }),
          conv1d({ filters: 5, kernelSize: 3, padding: 'same', activation: 'relu' }),
          maxPool1d({ poolSize: 2 }),
          lstm({ units: 4 }),
          dense({ units: 1, activation: 'sigmoid' }),
        ],
        { seed: 5 },
      );
    const ids = (): Tensor => tensor2d([[0, 3, 7, 1, 9, 12, 19, 2], [4, 2, 8, 8, 5, 6, 0, 1], [0, 0, 0, 11, 2, 3, 17, 16]], [3, 8], 'int32');

    test("Keras' names and parameter counts; toLayersArtifacts loads in tfjs-layers with the same predictions", async () => {
      const model = build();
      expect(model.layers.map((l) => l.name)).toEqual(['embedding', 'conv1d', 'max_pooling1d', 'lstm', 'dense']);
      expect(model.layers.map((l) => l.outputShape)).toEqual([[null, null, 6], [null, null, 5], [null, null, 5], [null, 4], [null, 1]]);
      // Keras: Embedding 20·6 = 120; Conv1D 3·6·5 + 5 = 95; LSTM 4·4·(5 + 4 + 1) = 160; Dense 4 + 1 = 5
      expect(model.countParams()).toBe(120 + 95 + 160 + 5);
      const theirs = await tfl.loadLayersModel(tfc.io.fromMemory(toLayersArtifacts(model) as unknown as tfc.io.ModelArtifacts));
      expect(theirs.countParams()).toBe(model.countParams());
      const x = ids();
      const expected = model.apply(x, { training: false });
      const got = theirs.predict(x) as Tensor;
      expectClose(got, expected, { rtol: 1e-5, atol: 1e-5 }, 'rnnkit → tfjs');
      dispose([x, expected, got]);
      theirs.dispose();
      model.dispose();
    });

    test('training steps reach the conv kernel on this backend, lower the loss, and leak nothing', async () => {
      const model = build();
      const x = ids();
      const target = tensor2d([[1], [0], [1]]);
      const optimizer = tfc.train.sgd(0.5);
      const kernel = model.params['conv1d/kernel']!;
      const loss = (): tfc.Scalar => tfc.losses.meanSquaredError(target, model.apply(x, { training: true })) as tfc.Scalar;
      const losses: number[] = [];
      const step = (): void => {
        tidy(() => {
          const { value, grads: g } = tfc.variableGrads(loss);
          const dk = g[kernel.name]!.dataSync();
          expect(dk.every(Number.isFinite)).toBe(true);
          expect(dk.some((v) => v !== 0)).toBe(true);
          losses.push(value.dataSync()[0]!);
          optimizer.applyGradients(g);
        });
      };
      await expectNoLeaks(step, 5, 'cnn-lstm training step');
      expect(losses.at(-1)!).toBeLessThan(losses[0]!);
      dispose([x, target]);
      optimizer.dispose();
      model.dispose();
    });
  });

  test('a CNN-GRU model built in tfjs-layers (dilated conv, reset-before GRU) loads through fromLayersArtifacts with the same predictions', async () => {
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: 15, outputDim: 4, inputLength: 10 }),
        tfl.layers.conv1d({ filters: 6, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'tanh' }),
        tfl.layers.conv1d({ filters: 5, kernelSize: 2, strides: 2, activation: 'relu' }),
        tfl.layers.maxPooling1d({ poolSize: 2, strides: 1 }),
        tfl.layers.gru({ units: 3 }),
        tfl.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const ours = fromLayersArtifacts(await saveTfjs(theirs));
    expect(ours.layers.map((l) => l.spec.kind)).toEqual(['embedding', 'conv1d', 'conv1d', 'maxPool1d', 'rnn', 'dense']);
    expect(ours.layers[1]!.spec).toMatchObject({ kind: 'conv1d', kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'tanh' });
    expect(ours.countParams()).toBe(theirs.countParams());
    const x = tensor2d([[1, 4, 7, 0, 2, 14, 3, 3, 9, 5], [0, 0, 0, 6, 8, 10, 12, 1, 2, 13]], [2, 10], 'int32');
    const expected = theirs.predict(x) as Tensor;
    const got = ours.apply(x, { training: false });
    expectClose(got, expected, { rtol: 1e-5, atol: 1e-5 }, 'tfjs → rnnkit');
    dispose([x, expected, got]);
    theirs.dispose();
    ours.dispose();
  });

  test('two dilated causal convolutions in a row train (the backward keeps what the forward tidy disposed)', () => {
    const model = sequential([conv1d({ filters: 3, kernelSize: 2, padding: 'causal', dilationRate: 2, activation: 'tanh' }), conv1d({ filters: 2, kernelSize: 3, padding: 'causal', dilationRate: 4 }), gru({ units: 2 })], {
      inputShape: [12, 2],
      seed: 4,
    });
    expect(model.layers.map((l) => l.name)).toEqual(['conv1d', 'conv1d_1', 'gru']);
    const x = tensor(Float32Array.from(seeded(2 * 12 * 2, 8)), [2, 12, 2]);
    tidy(() => {
      const { grads: g } = tfc.variableGrads(() => sum(model.apply(x, { training: true })) as tfc.Scalar);
      for (const name of ['conv1d/kernel', 'conv1d/bias', 'conv1d_1/kernel']) {
        const values = g[model.params[name]!.name]!.dataSync();
        expect(values.every(Number.isFinite)).toBe(true);
        expect(values.some((v) => v !== 0)).toBe(true);
      }
    });
    x.dispose();
    model.dispose();
  });
});
