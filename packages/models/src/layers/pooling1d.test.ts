import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks, gradcheck } from '@rnnkit/testkit';
import { dispose, grads, mul, sum, tensor, tensor2d, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { LayerContext } from '../layer';
import { dense, embedding, fromLayersArtifacts, sequential, toLayersArtifacts } from '../index';
import { layerFromKeras, layerToKeras } from '../interop/keras-config';
import { conv1d } from './conv1d';
import { globalAveragePool1d, globalMaxPool1d, globalPool1dLayer } from './global-pool1d';
import type { GlobalPool1dSpec } from './global-pool1d';
import { maxPool2d, maxPool2dLayer } from './max-pool2d';
import { averagePool1d, maxPool1d, pool1dLayer } from './pool1d';
import type { Pool1dSpec } from './pool1d';
import { defaultLayerName } from './registry';
import { saveTfjs, seeded } from '../test-utils';

const inference: LayerContext = { training: false, mask: null, seed: 0 };
const fromKeras = { hardSigmoid: 'keras3', gruDefaultResetAfter: true } as const;

/** n distinct values 0.013 apart in a seeded order: finite differences of ±1e-3 never change which one is the maximum. */
function distinct(n: number, seed: number): Float64Array {
  const order = Array.from(seeded(n, seed), (v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const out = new Float64Array(n);
  order.forEach(([, i], rank) => (out[i] = rank * 0.013 - 0.4));
  return out;
}

/** Float64 reference from the definition: windows of p steps every s, 'same' windows shifted left by ⌊pad/2⌋; the mean over real steps only. */
function referencePool(x: Float64Array, [B, T, C]: readonly [number, number, number], spec: Pool1dSpec): { y: Float64Array; steps: number } {
  const p = spec.poolSize;
  const s = spec.strides;
  const steps = spec.padding === 'same' ? Math.ceil(T / s) : Math.floor((T - p) / s) + 1;
  const before = spec.padding === 'same' ? Math.floor(Math.max((steps - 1) * s + p - T, 0) / 2) : 0;
  const y = new Float64Array(B * steps * C);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < steps; t++)
      for (let c = 0; c < C; c++) {
        let best = -Infinity;
        let total = 0;
        let count = 0;
        for (let i = 0; i < p; i++) {
          const u = t * s + i - before;
          if (u < 0 || u >= T) continue;
          const v = x[(b * T + u) * C + c]!;
          best = Math.max(best, v);
          total += v;
          count++;
        }
        y[(b * steps + t) * C + c] = spec.kind === 'maxPool1d' ? best : total / count;
      }
  return { y, steps };
}

/** Float64 reference of the global pools; `mask` (B·T of 0/1) leaves steps out of the mean, as Keras. */
function referenceGlobal(x: Float64Array, [B, T, C]: readonly [number, number, number], kind: GlobalPool1dSpec['kind'], mask: Float64Array | null): Float64Array {
  const y = new Float64Array(B * C);
  for (let b = 0; b < B; b++)
    for (let c = 0; c < C; c++) {
      let best = -Infinity;
      let total = 0;
      let count = 0;
      for (let t = 0; t < T; t++) {
        const v = x[(b * T + t) * C + c]!;
        best = Math.max(best, v);
        if (mask === null || mask[b * T + t] !== 0) {
          total += v;
          count++;
        }
      }
      y[b * C + c] = kind === 'globalMaxPool1d' ? best : total / count;
    }
  return y;
}

const pools: Pool1dSpec[] = (['maxPool1d', 'averagePool1d'] as const).flatMap((kind) =>
  (['valid', 'same'] as const).flatMap((padding) =>
    [
      { poolSize: 2, strides: 2 },
      { poolSize: 3, strides: 1 },
      { poolSize: 3, strides: 2 },
      { poolSize: 2, strides: 3 },
      { poolSize: 4, strides: 3 },
    ].map((o) => (kind === 'maxPool1d' ? maxPool1d({ ...o, padding }) : averagePool1d({ ...o, padding }))),
  ),
);
const label = (s: Pool1dSpec): string => `${s.kind} ${s.padding} p${s.poolSize} s${s.strides}`;
const shape = [2, 7, 3] as const;

/** y and ∂(Σ y ⊙ r)/∂x of a layer on x, as float32 arrays. */
function run(apply: (x: Tensor) => Tensor, xv: Float64Array, r: Float64Array, outShape: number[], xShape: readonly number[] = shape): { y: Float32Array; dx: Float32Array } {
  return tidy(() => {
    const x = tensor(Float32Array.from(xv), [...xShape]);
    const upstream = tensor(Float32Array.from(r), outShape);
    const [dx] = grads((a: Tensor) => sum(mul(apply(a), upstream)))([x]);
    return { y: apply(x).dataSync() as Float32Array, dx: dx!.dataSync() as Float32Array };
  });
}

function tfjsPool(spec: Pool1dSpec): tfl.layers.Layer {
  const args = { poolSize: spec.poolSize, strides: spec.strides, padding: spec.padding };
  return spec.kind === 'maxPool1d' ? tfl.layers.maxPooling1d(args) : tfl.layers.averagePooling1d(args);
}

describeEachBackend(['cpu', 'wasm'], 'pooling1d', (backend) => {
  test.each(pools.map((spec) => ({ name: label(spec), spec })))('$name: forward and ∂x against a float64 reference, and tfjs-layers forward', ({ spec }) => {
    const xv = distinct(shape[0] * shape[1] * shape[2], 3);
    const ref = referencePool(xv, shape, spec);
    const r = seeded(ref.y.length, 5);
    expect(pool1dLayer.outputShape(spec, [null, shape[1], shape[2]])).toEqual([null, ref.steps, shape[2]]);
    const before = tfc.memory().numTensors;
    const got = run((x) => pool1dLayer.apply(spec, {}, x, inference).y, xv, r, [shape[0], ref.steps, shape[2]]);
    expect(tfc.memory().numTensors).toBe(before);
    expectClose(got.y, ref.y, { rtol: 1e-6, atol: 1e-6 }, 'forward');
    // piecewise linear in x, and no maximum changes under ±1e-3: central differences are exact up to rounding
    const loss = (v: Readonly<Record<string, Float64Array>>): number => referencePool(v['x']!, shape, spec).y.reduce((s, y, i) => s + y * r[i]!, 0);
    const report = gradcheck(loss, { x: xv }, { x: got.dx }, { eps: 1e-3, rtol: 1e-5, atol: 1e-6 });
    expect(report.mismatches).toEqual([]);
    // negative control: one entry of ∂x off by 1e-4 is caught, at that entry
    const wrong = Float32Array.from(got.dx);
    wrong[4] = wrong[4]! + 1e-4;
    const rejected = gradcheck(loss, { x: xv }, { x: wrong }, { eps: 1e-3, rtol: 1e-5, atol: 1e-6 });
    expect(rejected.mismatches.map((m) => `${m.name}[${m.index}]`)).toEqual(['x[4]']);
    tidy(() => {
      const x = tensor(Float32Array.from(xv), [...shape]);
      expectClose(pool1dLayer.apply(spec, {}, x, inference).y, tfjsPool(spec).apply(x) as Tensor, { rtol: 1e-6, atol: 1e-6 }, 'tfjs-layers forward');
    });
  });

  test("gradients equal tfjs-layers' on cpu, except tfjs' 'same' average, which divides by the pool size even in the padded edge windows", () => {
    if (backend !== 'cpu') return; // the comparison is about tfjs' cpu kernels; wasm is checked against the float64 reference above
    for (const spec of pools) {
      tidy(() => {
        const xv = distinct(shape[0] * shape[1] * shape[2], 7);
        const x = tensor(Float32Array.from(xv), [...shape]);
        const layer = tfjsPool(spec);
        const ref = referencePool(xv, shape, spec);
        const r = tensor(Float32Array.from(seeded(ref.y.length, 2)), [shape[0], ref.steps, shape[2]]);
        const mine = tfc.grad((a: Tensor) => sum(mul(pool1dLayer.apply(spec, {}, a, inference).y, r)))(x);
        const theirs = tfc.grad((a: Tensor) => sum(mul(layer.apply(a) as Tensor, r)))(x);
        const windowsAllReal = spec.padding === 'valid' || spec.kind === 'maxPool1d' || (ref.steps - 1) * spec.strides + spec.poolSize === shape[1];
        if (windowsAllReal) {
          expectClose(mine, theirs, { rtol: 1e-6, atol: 1e-6 }, label(spec));
        } else {
          expect(() => expectClose(mine, theirs, { rtol: 1e-3, atol: 1e-3 }, label(spec))).toThrow(/differ/);
        }
      });
    }
  });

  test("max pooling sends each window's gradient to its first maximum, also when the maximum is ≤ 0 (1-D and 2-D)", () => {
    tidy(() => {
      // windows of 2: (−3, −1), (−2, −2) tied, (0, 0) tied, (4, 4) tied, (−5, 1)
      const x = tensor([-3, -1, -2, -2, 0, 0, 4, 4, -5, 1], [1, 10, 1]);
      const upstream = tensor([1, 2, 3, 4, 5], [1, 5, 1]);
      const [dx] = grads((a: Tensor) => sum(mul(pool1dLayer.apply(maxPool1d(), {}, a, inference).y, upstream)))([x]);
      expect(Array.from(dx!.dataSync())).toEqual([0, 1, 2, 0, 3, 0, 4, 0, 0, 5]);
      // MaxPooling2D uses the same kernels (on wasm, @rnnkit/tensor's MaxPoolGrad): 3×3 'same' pools, stride 2, all values below 0
      const xv = Float64Array.from(distinct(2 * 5 * 4 * 2, 5), (v) => v - 1);
      const x2 = tensor(Float32Array.from(xv), [2, 5, 4, 2]);
      const spec2 = maxPool2d({ poolSize: 3, strides: 2, padding: 'same' });
      const r = seeded(2 * 3 * 2 * 2, 8);
      const [d2] = grads((a: Tensor) => sum(mul(maxPool2dLayer.apply(spec2, {}, a, inference).y, tensor(Float32Array.from(r), [2, 3, 2, 2]))))([x2]);
      // float64 reference: every output's window (rows 2p − 1 … 2p + 1, columns 2q … 2q + 2: TensorFlow pads 'same' by 1 above, 0 left)
      const loss = (v: Readonly<Record<string, Float64Array>>): number => {
        let total = 0;
        for (let b = 0; b < 2; b++)
          for (let p = 0; p < 3; p++)
            for (let q = 0; q < 2; q++)
              for (let c = 0; c < 2; c++) {
                let best = -Infinity;
                for (let h = 2 * p - 1; h <= 2 * p + 1; h++)
                  for (let w = 2 * q; w <= 2 * q + 2; w++) if (h >= 0 && h < 5 && w >= 0 && w < 4) best = Math.max(best, v['x']![((b * 5 + h) * 4 + w) * 2 + c]!);
                total += best * r[((b * 3 + p) * 2 + q) * 2 + c]!;
              }
        return total;
      };
      expect(gradcheck(loss, { x: xv }, { x: d2!.dataSync() }, { eps: 1e-3, rtol: 1e-5, atol: 1e-6 }).mismatches).toEqual([]);
    });
  });

  describe('global pooling', () => {
    const kinds = ['globalAveragePool1d', 'globalMaxPool1d'] as const;
    test.each(kinds)('%s: forward, keepdims, ∂x against float64, tfjs-layers forward', (kind) => {
      const make = kind === 'globalAveragePool1d' ? globalAveragePool1d : globalMaxPool1d;
      const spec = make();
      const kept = make({ keepdims: true });
      expect(globalPool1dLayer.outputShape(spec, [null, null, 3])).toEqual([null, 3]);
      expect(globalPool1dLayer.outputShape(kept, [null, 7, 3])).toEqual([null, 1, 3]);
      const xv = distinct(shape[0] * shape[1] * shape[2], 11);
      const ref = referenceGlobal(xv, shape, kind, null);
      const r = seeded(ref.length, 4);
      const got = run((x) => globalPool1dLayer.apply(spec, {}, x, inference).y, xv, r, [shape[0], shape[2]]);
      expectClose(got.y, ref, { rtol: 1e-6, atol: 1e-6 }, 'forward');
      const loss = (v: Readonly<Record<string, Float64Array>>): number => referenceGlobal(v['x']!, shape, kind, null).reduce((s, y, i) => s + y * r[i]!, 0);
      expect(gradcheck(loss, { x: xv }, { x: got.dx }, { eps: 1e-3, rtol: 1e-5, atol: 1e-6 }).mismatches).toEqual([]);
      const wrong = Float32Array.from(got.dx);
      wrong[0] = wrong[0]! - 1e-4;
      expect(gradcheck(loss, { x: xv }, { x: wrong }, { eps: 1e-3, rtol: 1e-5, atol: 1e-6 }).ok).toBe(false);
      tidy(() => {
        const x = tensor(Float32Array.from(xv), [...shape]);
        const keptY = globalPool1dLayer.apply(kept, {}, x, inference).y;
        expect(keptY.shape).toEqual([2, 1, 3]);
        expectClose(keptY, ref, { rtol: 1e-6, atol: 1e-6 }, 'keepdims');
        const theirs = kind === 'globalAveragePool1d' ? tfl.layers.globalAveragePooling1d() : tfl.layers.globalMaxPooling1d();
        expectClose(globalPool1dLayer.apply(spec, {}, x, inference).y, theirs.apply(x) as Tensor, { rtol: 1e-6, atol: 1e-6 }, 'tfjs-layers forward');
      });
    });

    test("globalMaxPool1d shares ∂y among tied maxima (TensorFlow's rule); tfjs' max gives each tie the whole", () => {
      tidy(() => {
        // channel 0 has its maximum 2 at steps 0, 2 and 3; channel 1 a single maximum at step 1
        const x = tensor([2, 0, -1, 5, 2, 1, 2, -3], [1, 4, 2]);
        const upstream = tensor([[6, 1]]);
        const [dx] = grads((a: Tensor) => sum(mul(globalPool1dLayer.apply(globalMaxPool1d(), {}, a, inference).y, upstream)))([x]);
        expect(Array.from(dx!.dataSync())).toEqual([2, 0, 0, 1, 2, 0, 2, 0]);
        const tfjs = tfc.grad((a: Tensor) => sum(mul(tfc.max(a, 1), upstream)))(x);
        expect(Array.from(tfjs.dataSync())).toEqual([6, 0, 0, 1, 6, 0, 6, 0]);
      });
    });
  });

  describe('masks, as Keras 3', () => {
    // B = 3, T = 5; row 1 is pre-padded, row 2 post-padded; id 0 is padding
    const idRows = [
      [4, 2, 9, 1, 7],
      [0, 0, 3, 3, 8],
      [5, 6, 0, 0, 0],
    ];
    const maskOf = Float64Array.from(idRows.flat(), (id) => (id === 0 ? 0 : 1));

    test('globalAveragePool1d after embedding(maskZero) averages the real steps only; the model equals Keras semantics in float64', () => {
      const model = sequential([embedding({ inputDim: 10, outputDim: 4, maskZero: true }), globalAveragePool1d(), dense({ units: 2, activation: 'tanh' })], { seed: 7 });
      expect(model.layers.map((l) => l.name)).toEqual(['embedding', 'global_average_pooling1d', 'dense']);
      const table = Float64Array.from(model.params['embedding/embeddings']!.dataSync());
      const kernel = Float64Array.from(model.params['dense/kernel']!.dataSync());
      const bias = Float64Array.from(model.params['dense/bias']!.dataSync());
      // Keras: mean over t with mask(t) of E[id_t], then tanh(· W + b)
      const expected: number[] = [];
      for (const row of idRows) {
        const real = row.filter((id) => id !== 0);
        const pooled = [0, 1, 2, 3].map((f) => real.reduce((s, id) => s + table[id * 4 + f]!, 0) / real.length);
        for (let u = 0; u < 2; u++) expected.push(Math.tanh(bias[u]! + pooled.reduce((s, v, f) => s + v * kernel[f * 2 + u]!, 0)));
      }
      const ids = tensor2d(idRows, [3, 5], 'int32');
      const out = model.call(ids, { training: false });
      expect(out.mask).toBeNull();
      expectClose(out.y, expected, { rtol: 1e-5, atol: 1e-6 }, 'masked mean → dense');
      // without the mask the padded rows would differ: the mask is really used
      const unmasked = sequential([embedding({ inputDim: 10, outputDim: 4 }), globalAveragePool1d(), dense({ units: 2, activation: 'tanh' })], { seed: 7 });
      const plain = unmasked.apply(ids, { training: false });
      expect(Math.abs(plain.dataSync()[2]! - expected[2]!)).toBeGreaterThan(1e-4);
      dispose([ids, out.y, plain]);
      model.dispose();
      unmasked.dispose();
    });

    test('the masked mean: ∂x against float64 (zero at masked steps), masked steps may hold NaN or ∞, a fully masked row gives NaN as in Keras', () => {
      const xv = seeded(3 * 5 * 2, 9);
      const mask = tensor(Float32Array.from(maskOf), [3, 5]);
      const ref = referenceGlobal(xv, [3, 5, 2], 'globalAveragePool1d', maskOf);
      const r = seeded(6, 3);
      const spec = globalAveragePool1d();
      const got = run((x) => globalPool1dLayer.apply(spec, {}, x, { ...inference, mask }).y, xv, r, [3, 2], [3, 5, 2]);
      expectClose(got.y, ref, { rtol: 1e-6, atol: 1e-6 }, 'masked mean');
      const loss = (v: Readonly<Record<string, Float64Array>>): number => referenceGlobal(v['x']!, [3, 5, 2], 'globalAveragePool1d', maskOf).reduce((s, y, i) => s + y * r[i]!, 0);
      expect(gradcheck(loss, { x: xv }, { x: got.dx }, { eps: 1e-3, rtol: 1e-5, atol: 1e-6 }).mismatches).toEqual([]);
      expect(Array.from(got.dx.slice(10, 14))).toEqual([0, 0, 0, 0]); // row 1, steps 0 and 1
      tidy(() => {
        const poisoned = Float32Array.from(xv);
        poisoned[10] = NaN;
        poisoned[11] = Infinity;
        const y = globalPool1dLayer.apply(spec, {}, tensor(poisoned, [3, 5, 2]), { ...inference, mask }).y;
        expectClose(y, ref, { rtol: 1e-6, atol: 1e-6 }, 'NaN and ∞ at masked steps stay out');
        const none = globalPool1dLayer.apply(spec, {}, tensor(Float32Array.from(xv.slice(0, 10)), [1, 5, 2]), { ...inference, mask: tensor2d([[0, 0, 0, 0, 0]]) }).y;
        expect(Array.from(none.dataSync()).every(Number.isNaN)).toBe(true);
      });
      mask.dispose();
    });

    test('globalMaxPool1d ignores the mask (padded steps count) and the windowed pools drop it; none passes a mask on', () => {
      tidy(() => {
        const xv = Float64Array.from(Float32Array.from(seeded(3 * 5 * 2, 2))); // float32 values, so the max is exact
        const x = tensor(Float32Array.from(xv), [3, 5, 2]);
        const mask = tensor(Float32Array.from(maskOf), [3, 5]);
        const masked = { ...inference, mask };
        const max = globalPool1dLayer.apply(globalMaxPool1d(), {}, x, masked);
        expectClose(max.y, referenceGlobal(xv, [3, 5, 2], 'globalMaxPool1d', null), { rtol: 0, atol: 0 }, 'max over every step');
        expect(max.mask).toBeNull();
        for (const spec of [maxPool1d(), averagePool1d({ padding: 'same' })]) {
          const out = pool1dLayer.apply(spec, {}, x, masked);
          expect(out.mask).toBeNull();
          expectClose(out.y, referencePool(xv, [3, 5, 2], spec).y, { rtol: 1e-6, atol: 1e-6 }, `${spec.kind} ignores the mask`);
        }
        expect(globalPool1dLayer.apply(globalAveragePool1d({ keepdims: true }), {}, x, masked).mask).toBeNull();
        expect(() => globalPool1dLayer.apply(globalAveragePool1d(), {}, x, { ...inference, mask: tensor2d([[1, 1]]) })).toThrow(/globalAveragePool1d: the mask must be \[3, 5\], got shape \[1, 2\]/);
      });
    });
  });

  test("Keras configs: Keras 3 names and aliases, ints or lists, strides null → pool size; written back they read the same; Keras' default names", () => {
    const load = (class_name: string, config: Record<string, unknown>): unknown => layerFromKeras({ class_name, config: { name: 'p', ...config } }, fromKeras);
    expect(load('MaxPooling1D', { pool_size: [3], strides: [1], padding: 'same', data_format: 'channels_last' })).toEqual({ kind: 'maxPool1d', name: 'p', poolSize: 3, strides: 1, padding: 'same' });
    expect(load('MaxPool1D', { pool_size: 4, strides: null })).toEqual({ kind: 'maxPool1d', name: 'p', poolSize: 4, strides: 4, padding: 'valid' });
    expect(load('AveragePooling1D', { pool_size: [2], strides: [2], padding: 'valid' })).toEqual({ kind: 'averagePool1d', name: 'p', poolSize: 2, strides: 2, padding: 'valid' });
    expect(load('AvgPool1D', {})).toEqual({ kind: 'averagePool1d', name: 'p', poolSize: 2, strides: 2, padding: 'valid' });
    expect(load('GlobalAveragePooling1D', { data_format: 'channels_last', keepdims: true })).toEqual({ kind: 'globalAveragePool1d', name: 'p', keepdims: true });
    expect(load('GlobalAvgPool1D', {})).toEqual({ kind: 'globalAveragePool1d', name: 'p', keepdims: false });
    expect(load('GlobalMaxPooling1D', { keepdims: false })).toEqual({ kind: 'globalMaxPool1d', name: 'p', keepdims: false });
    expect(load('GlobalMaxPool1D', {})).toEqual({ kind: 'globalMaxPool1d', name: 'p', keepdims: false });
    for (const spec of [maxPool1d({ poolSize: 3, strides: 2, padding: 'same' }), averagePool1d({ poolSize: 5 }), globalAveragePool1d({ keepdims: true }), globalMaxPool1d()]) {
      const written = layerToKeras(spec, 'x');
      expect(written.config['data_format']).toBe('channels_last');
      expect(layerFromKeras(written, fromKeras)).toEqual({ ...spec, name: 'x' });
    }
    expect([maxPool1d(), averagePool1d(), globalAveragePool1d(), globalMaxPool1d(), conv1d({ filters: 1, kernelSize: 1 })].map(defaultLayerName)).toEqual([
      'max_pooling1d',
      'average_pooling1d',
      'global_average_pooling1d',
      'global_max_pooling1d',
      'conv1d',
    ]);
    expect(() => load('MaxPooling1D', { data_format: 'channels_first' })).toThrow(/layer 'p' \(MaxPooling1D\): data_format "channels_first" is not supported \(channels_last only\)/);
    expect(() => load('GlobalAveragePooling1D', { data_format: 'channels_first' })).toThrow(/data_format "channels_first" is not supported/);
    expect(() => load('AveragePooling1D', { padding: 'causal' })).toThrow(/config.padding must be 'valid' or 'same', got "causal"/);
    expect(() => load('MaxPooling1D', { pool_size: [2, 2] })).toThrow(/config.pool_size must be an integer or a list of one, got \[2,2\]/);
    expect(() => load('GlobalMaxPooling1D', { keepdims: 'yes' })).toThrow(/config.keepdims has an unsupported value "yes"/);
    expect(() => load('MaxPooling3D', {})).toThrow(/supported: .*Conv1D, MaxPooling1D, AveragePooling1D, GlobalAveragePooling1D, GlobalMaxPooling1D/);
  });

  test('bad options and inputs are named', () => {
    expect(() => maxPool1d({ poolSize: 0 })).toThrow(/maxPool1d: poolSize must be a positive integer, got 0/);
    expect(() => averagePool1d({ strides: 1.5 })).toThrow(/averagePool1d: strides must be a positive integer, got 1.5/);
    expect(() => averagePool1d({ padding: 'causal' as 'same' })).toThrow(/averagePool1d: padding must be 'valid' or 'same', got "causal"/);
    expect(() => globalMaxPool1d({ keepdims: 1 as unknown as boolean })).toThrow(/globalMaxPool1d: keepdims must be a boolean, got 1/);
    expect(() => pool1dLayer.outputShape(maxPool1d({ poolSize: 4 }), [null, 3, 2])).toThrow(/maxPool1d: a 'valid' pool of size 4 is longer than the 3 steps of input \(None, 3, 2\)/);
    expect(pool1dLayer.outputShape(maxPool1d({ poolSize: 4, padding: 'same' }), [null, 3, 2])).toEqual([null, 1, 2]);
    expect(() => pool1dLayer.outputShape(maxPool1d(), [null, 8])).toThrow(/maxPool1d: input must have rank 3 \(\[B, T, C\]\), got \(None, 8\)/);
    expect(() => globalPool1dLayer.outputShape(globalAveragePool1d(), [null, 4, 4, 2])).toThrow(/globalAveragePool1d: input must have rank 3/);
    expect(() => globalPool1dLayer.outputShape(globalMaxPool1d(), [null, 0, 2])).toThrow(/the time axis must not be empty/);
    tidy(() => {
      expect(() => pool1dLayer.apply(averagePool1d({ poolSize: 3 }), {}, tensor(new Float32Array(4), [1, 2, 2]), inference)).toThrow(/averagePool1d: a 'valid' pool of size 3 is longer than the 2 steps of input \[1, 2, 2\]/);
      expect(() => pool1dLayer.apply(maxPool1d(), {}, tensor(new Float32Array(4), [2, 2]), inference)).toThrow(/maxPool1d: input must be \[B, T, C\], got shape \[2, 2\]/);
    });
  });

  test('a text CNN with pools exports to tfjs-layers and a tfjs-layers one imports, with the same predictions; it trains on this backend without leaks', async () => {
    const ids = tensor2d([[1, 4, 7, 0, 2, 14, 3, 3, 9, 5], [0, 0, 0, 6, 8, 10, 12, 1, 2, 13]], [2, 10], 'int32');
    const model = sequential(
      [
        embedding({ inputDim: 15, outputDim: 4 }),
        conv1d({ filters: 6, kernelSize: 3, padding: 'same', activation: 'relu' }),
        averagePool1d({ poolSize: 3, strides: 2, padding: 'same' }),
        conv1d({ filters: 5, kernelSize: 2 }),
        maxPool1d({ poolSize: 2, strides: 1, padding: 'same' }),
        globalMaxPool1d(),
        dense({ units: 1, activation: 'sigmoid' }),
      ],
      { seed: 3 },
    );
    const exported = await tfl.loadLayersModel(tfc.io.fromMemory(toLayersArtifacts(model) as unknown as tfc.io.ModelArtifacts));
    const mine = model.apply(ids, { training: false });
    const theirs = exported.predict(ids) as Tensor;
    expectClose(theirs, mine, { rtol: 1e-5, atol: 1e-5 }, 'rnnkit → tfjs');

    const built = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: 15, outputDim: 4, inputLength: 10 }),
        tfl.layers.conv1d({ filters: 3, kernelSize: 3, activation: 'tanh' }),
        tfl.layers.averagePooling1d({ poolSize: 2, padding: 'same' }),
        tfl.layers.maxPooling1d({ poolSize: 2, strides: 1 }),
        tfl.layers.globalAveragePooling1d(),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    const imported = fromLayersArtifacts(await saveTfjs(built));
    expect(imported.layers.map((l) => l.spec.kind)).toEqual(['embedding', 'conv1d', 'averagePool1d', 'maxPool1d', 'globalAveragePool1d', 'dense']);
    const expected = built.predict(ids) as Tensor;
    const got = imported.apply(ids, { training: false });
    expectClose(got, expected, { rtol: 1e-5, atol: 1e-5 }, 'tfjs → rnnkit');

    const target = tensor2d([[1], [0]]);
    const optimizer = tfc.train.sgd(0.5);
    const losses: number[] = [];
    const step = (): void => {
      tidy(() => {
        const { value, grads: g } = tfc.variableGrads(() => tfc.losses.meanSquaredError(target, model.apply(ids, { training: true })) as tfc.Scalar);
        for (const name of ['conv1d/kernel', 'conv1d_1/kernel', 'embedding/embeddings']) expect(g[model.params[name]!.name]!.dataSync().some((v) => v !== 0)).toBe(true);
        losses.push(value.dataSync()[0]!);
        optimizer.applyGradients(g);
      });
    };
    await expectNoLeaks(step, 4, 'pooling cnn training step');
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    dispose([ids, mine, theirs, expected, got, target]);
    optimizer.dispose();
    exported.dispose();
    model.dispose();
    imported.dispose();
  });
});
