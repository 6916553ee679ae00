import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks, numericalGradients } from '@rnnkit/testkit';
import { conv2d as conv2dOp, dispose, grads, mul, sum, tensor, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { LayerContext } from '../layer';
import { dense, fromLayersArtifacts, gru, loadModelFromArtifacts, saveModelToArtifacts, sequential, timeDistributed, toLayersArtifacts } from '../index';
import type { Sequential } from '../index';
import { conv2d, conv2dLayer } from './conv2d';
import { flatten, flattenLayer } from './flatten';
import { maxPool2d, maxPool2dLayer } from './max-pool2d';
import { seeded } from '../test-utils';

const inference: LayerContext = { training: false, mask: null, seed: 0 };

/** Float64 reference: y = conv(x, K) (+ nothing else), channels last, TensorFlow's 'same' padding. */
function referenceConv(x: Float64Array, xs: number[], k: Float64Array, ks: number[], strides: [number, number], padding: 'valid' | 'same'): { y: Float64Array; shape: number[] } {
  const [B, H, W, C] = xs as [number, number, number, number];
  const [kh, kw, , F] = ks as [number, number, number, number];
  const out = (n: number, kk: number, st: number): number => (padding === 'same' ? Math.ceil(n / st) : Math.floor((n - kk) / st) + 1);
  const Ho = out(H, kh, strides[0]);
  const Wo = out(W, kw, strides[1]);
  const before = (n: number, o: number, kk: number, st: number): number => (padding === 'same' ? Math.floor(Math.max((o - 1) * st + kk - n, 0) / 2) : 0);
  const top = before(H, Ho, kh, strides[0]);
  const left = before(W, Wo, kw, strides[1]);
  const y = new Float64Array(B * Ho * Wo * F);
  for (let b = 0; b < B; b++)
    for (let p = 0; p < Ho; p++)
      for (let q = 0; q < Wo; q++)
        for (let f = 0; f < F; f++) {
          let s = 0;
          for (let i = 0; i < kh; i++)
            for (let j = 0; j < kw; j++) {
              const r = p * strides[0] + i - top;
              const c = q * strides[1] + j - left;
              if (r < 0 || r >= H || c < 0 || c >= W) continue;
              for (let ch = 0; ch < C; ch++) s += x[((b * H + r) * W + c) * C + ch]! * k[((i * kw + j) * C + ch) * F + f]!;
            }
          y[((b * Ho + p) * Wo + q) * F + f] = s;
        }
  return { y, shape: [B, Ho, Wo, F] };
}

const cases: { name: string; x: number[]; k: number[]; strides: [number, number]; padding: 'valid' | 'same' }[] = [
  { name: 'valid 3×3', x: [2, 6, 5, 2], k: [3, 3, 2, 3], strides: [1, 1], padding: 'valid' },
  { name: 'same 3×3', x: [2, 5, 6, 1], k: [3, 3, 1, 4], strides: [1, 1], padding: 'same' },
  { name: 'same 4×3, strides 2', x: [1, 7, 6, 2], k: [4, 3, 2, 2], strides: [2, 2], padding: 'same' },
  { name: 'valid 2×2, strides (2, 1)', x: [2, 5, 5, 3], k: [2, 2, 3, 2], strides: [2, 1], padding: 'valid' },
];

describeEachBackend(['cpu', 'wasm'], 'image layers', () => {
  test.each(cases)('conv2d $name: forward and gradients (x and kernel) against a float64 reference', ({ x: xs, k: ks, strides, padding }) => {
    const xv = seeded(xs.reduce((a, b) => a * b), 3);
    const kv = seeded(ks.reduce((a, b) => a * b), 4);
    const ref = referenceConv(xv, xs, kv, ks, strides, padding);
    const r = seeded(ref.y.length, 5); // upstream gradient: L = Σ y ⊙ r
    const spec = conv2d({ filters: ks[3]!, kernelSize: [ks[0]!, ks[1]!], strides, padding, useBias: false });
    expect(conv2dLayer.outputShape(spec, [null, xs[1]!, xs[2]!, xs[3]!])).toEqual([null, ...ref.shape.slice(1)]);
    tidy(() => {
      const x = tensor(Float32Array.from(xv), xs);
      const kernel = tensor(Float32Array.from(kv), ks);
      const loss = (a: Tensor, b: Tensor): Tensor => sum(mul(conv2dLayer.apply(spec, { kernel: b }, a, inference).y, tensor(Float32Array.from(r), ref.shape)));
      expectClose(conv2dLayer.apply(spec, { kernel }, x, inference).y, ref.y, { rtol: 1e-5, atol: 1e-5 }, 'forward');
      const [dx, dk] = grads(loss)([x, kernel]);
      // L is bilinear in (x, K), so float64 central differences are exact up to rounding
      const numeric = numericalGradients(
        (inputs) => referenceConv(inputs['x']!, xs, inputs['k']!, ks, strides, padding).y.reduce((s, v, i) => s + v * r[i]!, 0),
        { x: xv, k: kv },
        1e-3,
      );
      expectClose(dx!, numeric['x']!, { rtol: 1e-4, atol: 1e-4 }, '∂L/∂x');
      expectClose(dk!, numeric['k']!, { rtol: 1e-4, atol: 1e-4 }, '∂L/∂K');
    });
  });

  test('conv2d and maxPool2d equal tfjs-layers Conv2D / MaxPooling2D with copied weights; bias and relu', () => {
    const spec = conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu' });
    const params = conv2dLayer.init(spec, [null, 6, 6, 2], 11);
    const ref = tfl.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same', activation: 'relu', inputShape: [6, 6, 2] });
    const pool = tfl.layers.maxPooling2d({ poolSize: 2 });
    const x = tensor(Float32Array.from(seeded(2 * 6 * 6 * 2, 9)), [2, 6, 6, 2]);
    ref.build([null, 6, 6, 2]);
    const bias = tensor([0.1, -0.2, 0.3]);
    ref.setWeights([params['kernel']!, bias]);
    const ours = conv2dLayer.apply(spec, { kernel: params['kernel']!, bias }, x, inference).y;
    const theirs = ref.apply(x) as Tensor;
    expectClose(ours, theirs, { rtol: 1e-6, atol: 1e-6 }, 'conv2d');
    const pooled = maxPool2dLayer.apply(maxPool2d(), {}, theirs, inference).y;
    expect(pooled.shape).toEqual([2, 3, 3, 3]);
    expectClose(pooled, pool.apply(theirs) as Tensor, { rtol: 0, atol: 0 }, 'maxPool2d');
    const flat = flattenLayer.apply(flatten(), {}, pooled, inference).y;
    expect(flat.shape).toEqual([2, 27]);
    expect(Array.from(flat.dataSync())).toEqual(Array.from(pooled.dataSync()));
    dispose([x, bias, ours, theirs, pooled, flat, ...Object.values(params), ...ref.getWeights()]);
  });

  test('the kernel is glorot-uniform over fans kh·kw·C and kh·kw·F (Keras), the bias zero', () => {
    const params = conv2dLayer.init(conv2d({ filters: 8, kernelSize: 3 }), [null, 10, 10, 4], 1);
    const limit = Math.sqrt(6 / (9 * 4 + 9 * 8));
    const k = Array.from(params['kernel']!.dataSync());
    expect(Math.max(...k.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...k.map(Math.abs))).toBeGreaterThan(0.9 * limit);
    expect(Array.from(params['bias']!.dataSync())).toEqual(new Array(8).fill(0));
    dispose(Object.values(params));
  });

  test('bad options and inputs are named', () => {
    expect(() => conv2d({ filters: 0, kernelSize: 3 })).toThrow(/filters must be a positive integer, got 0/);
    expect(() => conv2d({ filters: 2, kernelSize: [3, 0] })).toThrow(/kernelSize must be a positive integer or a pair of them, got \[3,0\]/);
    expect(() => conv2d({ filters: 2, kernelSize: 3, padding: 'full' as 'same' })).toThrow(/padding must be 'valid' or 'same', got "full"/);
    expect(() => conv2dLayer.outputShape(conv2d({ filters: 2, kernelSize: 5 }), [null, 4, 4, 1])).toThrow(/5×5 'valid' kernel does not fit input \(None, 4, 4, 1\)/);
    expect(() => conv2dLayer.outputShape(conv2d({ filters: 2, kernelSize: 3 }), [null, 4, 4])).toThrow(/rank 4 \(\[B, H, W, C\]\)/);
    expect(() => maxPool2dLayer.outputShape(maxPool2d({ poolSize: 3 }), [null, 2, 2, 1])).toThrow(/3×3 pool does not fit/);
  });

  describe('a CNN per frame inside timeDistributed, then a GRU', () => {
    const build = (): Sequential =>
      sequential(
        [
          timeDistributed(conv2d({ filters: 4, kernelSize: 3, activation: 'relu' })),
          timeDistributed(maxPool2d()),
          timeDistributed(flatten()),
          gru({ units: 5 }),
          dense({ units: 3 }),
        ],
        { inputShape: [4, 8, 8, 1], seed: 3 },
      );

    test('summary, parameter counts as Keras counts them, save/load bit-exact, tfjs-layers export equal', async () => {
      const model = build();
      // Keras: Conv2D 3·3·1·4 + 4 = 40; GRU(5) on 36 features, reset_after: 3·5·(36 + 5) + 2·3·5 = 645; Dense 5·3 + 3 = 18
      expect(model.layers.map((l) => l.outputShape)).toEqual([[null, 4, 6, 6, 4], [null, 4, 3, 3, 4], [null, 4, 36], [null, 5], [null, 3]]);
      expect(model.countParams()).toBe(40 + 645 + 18);
      expect(model.summary()).toContain('time_distributed (TimeDistributed)');
      const x = tensor(Float32Array.from(seeded(2 * 4 * 8 * 8, 2)), [2, 4, 8, 8, 1]);
      const y = model.apply(x, { training: false });
      const artifacts = saveModelToArtifacts(model);
      const copy = loadModelFromArtifacts({ modelJson: JSON.parse(JSON.stringify(artifacts.modelJson)), weightData: artifacts.weightData });
      const again = copy.apply(x, { training: false });
      expectClose(again, y, { rtol: 0, atol: 0 }, 'save/load');
      const layersArtifacts = toLayersArtifacts(model);
      const back = fromLayersArtifacts(layersArtifacts);
      const viaKeras = back.apply(x, { training: false });
      expectClose(viaKeras, y, { rtol: 0, atol: 0 }, 'tfjs-layers round trip');
      dispose([x, y, again, viaKeras]);
      copy.dispose();
      back.dispose();
      model.dispose();
    });

    test('trains (gradients reach the conv kernel on this backend) without leaking', async () => {
      const model = build();
      const x = tensor(Float32Array.from(seeded(2 * 4 * 8 * 8, 2)), [2, 4, 8, 8, 1]);
      const step = (): void => {
        tidy(() => {
          const g = tfc.variableGrads(() => sum(mul(model.apply(x, { training: true }), model.apply(x, { training: true }))) as tfc.Scalar);
          expect(Object.keys(g.grads)).toContain(model.params['time_distributed/kernel']!.name);
          expect(sum(mul(g.grads[model.params['time_distributed/kernel']!.name]!, g.grads[model.params['time_distributed/kernel']!.name]!)).dataSync()[0]).toBeGreaterThan(0);
        });
      };
      await expectNoLeaks(step, 2, 'cnn → gru step');
      dispose(x);
      model.dispose();
    });
  });

  test('two convolutions in a row: the backward pass keeps the intermediate activation the forward tidy disposed', () => {
    const model = sequential([conv2d({ filters: 2, kernelSize: 3, activation: 'tanh' }), maxPool2d(), conv2d({ filters: 3, kernelSize: 2, strides: 2 }), flatten(), dense({ units: 1 })], {
      inputShape: [9, 9, 1],
      seed: 4,
    });
    // Keras' default names
    expect(model.layers.map((l) => l.name)).toEqual(['conv2d', 'max_pooling2d', 'conv2d_1', 'flatten', 'dense']);
    const x = tensor(Float32Array.from(seeded(2 * 81, 8)), [2, 9, 9, 1]);
    tidy(() => {
      const { grads: g } = tfc.variableGrads(() => sum(model.apply(x, { training: true })) as tfc.Scalar);
      for (const name of ['conv2d/kernel', 'conv2d_1/kernel']) {
        const values = g[model.params[name]!.name]!.dataSync();
        expect(values.every(Number.isFinite)).toBe(true);
        expect(values.some((v) => v !== 0)).toBe(true);
      }
    });
    x.dispose();
    model.dispose();
  });

  test('the custom gradient equals tfjs autodiff of conv2d where the backend has its kernels (cpu)', () => {
    if (tfc.getBackend() !== 'cpu') return; // wasm lacks Conv2DBackpropFilter: the reason this layer has its own backward
    tidy(() => {
      const x = tensor(Float32Array.from(seeded(2 * 7 * 6 * 2, 1)), [2, 7, 6, 2]);
      const k = tensor(Float32Array.from(seeded(3 * 2 * 2 * 3, 2)), [3, 2, 2, 3]);
      const spec = conv2d({ filters: 3, kernelSize: [3, 2], strides: 2, padding: 'same', useBias: false });
      const ours = grads((a: Tensor, b: Tensor) => sum(mul(conv2dLayer.apply(spec, { kernel: b }, a, inference).y, 1.5)))([x, k]);
      const theirs = grads((a: Tensor, b: Tensor) => sum(mul(conv2dOp(a as tfc.Tensor4D, b as tfc.Tensor4D, 2, 'same'), 1.5)))([x, k]);
      expectClose(ours[0]!, theirs[0]!, { rtol: 1e-5, atol: 1e-5 }, 'dx');
      expectClose(ours[1]!, theirs[1]!, { rtol: 1e-5, atol: 1e-5 }, 'dK');
    });
  });
});
