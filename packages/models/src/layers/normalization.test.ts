import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks, numericalGradients } from '@rnnkit/testkit';
import { dispose, grads, mean, mul, numTensors, square, sub, sum, tensor, tidy } from '@rnnkit/tensor';
import type { Tensor, Variable } from '@rnnkit/tensor';
import type { LayerContext } from '../layer';
import {
  batchNormalization,
  dense,
  fromLayersArtifacts,
  layerNormalization,
  loadModelFromArtifacts,
  lstm,
  masking,
  saveModelToArtifacts,
  sequential,
  timeDistributed,
  toLayersArtifacts,
} from '../index';
import type { Sequential } from '../index';
import { layerFromKeras } from '../interop/keras-config';
import { batchNormalizationLayer } from './batch-normalization';
import { layerNormalizationLayer } from './layer-normalization';
import { normalize } from './normalize';
import { saveTfjs, seeded } from '../test-utils';

const inference: LayerContext = { training: false, mask: null, seed: 0 };
const training: LayerContext = { training: true, mask: null, seed: 0 };

const f32 = (values: Float64Array, shape: number[]): Tensor => tensor(Float32Array.from(values), shape);

/** Float64 layer normalisation of each row of x [N, F]: γ·(x − μ)/√(σ² + ε) + β, σ² biased (`outside`: the wrong √σ² + ε). */
function referenceLayerNorm(x: Float64Array, F: number, gamma: Float64Array | null, beta: Float64Array | null, eps: number, outside = false): Float64Array {
  const y = new Float64Array(x.length);
  for (let n = 0; n < x.length / F; n++) {
    let mu = 0;
    for (let f = 0; f < F; f++) mu += x[n * F + f]! / F;
    let v = 0;
    for (let f = 0; f < F; f++) v += (x[n * F + f]! - mu) ** 2 / F;
    const root = outside ? Math.sqrt(v) + eps : Math.sqrt(v + eps);
    for (let f = 0; f < F; f++) y[n * F + f] = ((gamma?.[f] ?? 1) * (x[n * F + f]! - mu)) / root + (beta?.[f] ?? 0);
  }
  return y;
}

/** Float64 batch statistics of x [N, F] over N, as Keras 3 computes them (with a mask [N]: the masked formula and its 1e-7). */
function referenceMoments(x: Float64Array, F: number, mask: Float64Array | null): { mean: Float64Array; variance: Float64Array } {
  const N = x.length / F;
  const mu = new Float64Array(F);
  const v = new Float64Array(F);
  const w = (n: number): number => mask?.[n] ?? 1;
  let count = 0;
  for (let n = 0; n < N; n++) count += w(n);
  const denominator = mask === null ? N : count + 1e-7;
  for (let f = 0; f < F; f++) {
    let m = 0;
    for (let n = 0; n < N; n++) m += (w(n) * x[n * F + f]!) / denominator;
    let s = 0;
    for (let n = 0; n < N; n++) s += (w(n) * (w(n) * x[n * F + f]! - m) ** 2) / denominator;
    mu[f] = m;
    v[f] = s;
  }
  return { mean: mu, variance: v };
}

/** γ·(x − μ)/√(σ² + ε) + β per feature of x [N, F]. */
function referenceNormalize(x: Float64Array, F: number, mu: Float64Array, v: Float64Array, gamma: Float64Array | null, beta: Float64Array | null, eps: number): Float64Array {
  return x.map((value, i) => ((gamma?.[i % F] ?? 1) * (value - mu[i % F]!)) / Math.sqrt(v[i % F]! + eps) + (beta?.[i % F] ?? 0));
}

const flags = [
  { center: true, scale: true },
  { center: false, scale: true },
  { center: true, scale: false },
  { center: false, scale: false },
];

function paramsOf(spec: { center: boolean; scale: boolean }, gamma: Tensor, beta: Tensor, extra: Record<string, Tensor> = {}): Record<string, Tensor> {
  return { ...(spec.scale && { gamma }), ...(spec.center && { beta }), ...extra };
}

describeEachBackend(['cpu', 'wasm'], 'normalization layers', () => {
  // every test leaves the tensor count where it found it
  let live = 0;
  beforeEach(() => {
    live = numTensors();
  });
  afterEach(() => {
    expect(numTensors()).toBe(live);
  });
  const F = 5;
  const shape = [4, 3, F];
  const size = 4 * 3 * F;
  const xv = seeded(size, 7, 2, 0.5);
  const gv = seeded(F, 8, 0.5, 1);
  const bv = seeded(F, 9, 0.3);
  const mmv = seeded(F, 10, 0.4);
  const mvv = seeded(F, 11, 0.5, 1);

  describe('layerNormalization', () => {
    test.each(flags)('forward (center $center, scale $scale) equals the float64 reference and tfjs-layers, in training and inference', ({ center, scale }) => {
      const spec = layerNormalization({ center, scale });
      expect(layerNormalizationLayer.weights(spec, [null, 3, F]).map((w) => w.name)).toEqual([...(scale ? ['gamma'] : []), ...(center ? ['beta'] : [])]);
      const ref = referenceLayerNorm(xv, F, scale ? gv : null, center ? bv : null, 1e-3);
      const theirs = tfl.layers.layerNormalization({ center, scale });
      tidy(() => {
        const x = f32(xv, shape);
        const params = paramsOf(spec, f32(gv, [F]), f32(bv, [F]));
        const mask = tensor([1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0], [4, 3]);
        const out = layerNormalizationLayer.apply(spec, params, x, { ...training, mask });
        expect(out.mask).toBe(mask); // passed through, unused
        expect(out.updates).toBeUndefined();
        expectClose(out.y, ref, { rtol: 1e-5, atol: 1e-5 }, 'training vs float64');
        expectClose(layerNormalizationLayer.apply(spec, params, x, inference).y, ref, { rtol: 1e-5, atol: 1e-5 }, 'inference vs float64');
        theirs.build([null, 3, F]);
        theirs.setWeights(Object.values(params));
        expectClose(out.y, theirs.apply(x) as Tensor, { rtol: 1e-5, atol: 1e-5 }, 'vs tfjs-layers');
        // ε sits inside the square root (Keras): the reference with ε outside is rejected at this tolerance
        const outside = referenceLayerNorm(xv, F, scale ? gv : null, center ? bv : null, 1e-3, true);
        expect(() => expectClose(out.y, outside, { rtol: 1e-5, atol: 1e-5 }, 'ε outside')).toThrow(/elements differ/);
      });
      dispose(theirs.getWeights());
    });

    test('gradients w.r.t. x, gamma and beta equal float64 central differences (and not those of a wrong backward), and tfjs-layers', () => {
      const spec = layerNormalization();
      const r = seeded(size, 12); // L = Σ y ⊙ r
      const numeric = numericalGradients(
        (p) => referenceLayerNorm(p['x']!, F, p['gamma']!, p['beta']!, 1e-3).reduce((s, v, i) => s + v * r[i]!, 0),
        { x: xv, gamma: gv, beta: bv },
      );
      tidy(() => {
        const x = f32(xv, shape);
        const rt = f32(r, shape);
        const loss = (a: Tensor, g: Tensor, b: Tensor): Tensor => sum(mul(layerNormalizationLayer.apply(spec, { gamma: g, beta: b }, a, training).y, rt));
        const [dx, dg, db] = grads(loss)([x, f32(gv, [F]), f32(bv, [F])]);
        expectClose(dx!, numeric['x']!, { rtol: 1e-5, atol: 1e-5 }, '∂L/∂x');
        expectClose(dg!, numeric['gamma']!, { rtol: 1e-5, atol: 1e-5 }, '∂L/∂γ');
        expectClose(db!, numeric['beta']!, { rtol: 1e-5, atol: 1e-5 }, '∂L/∂β');
        // negative control: μ and σ² held constant (the classic normalisation backward bug) must be rejected
        const mu = mean(x, -1, true);
        const variance = mean(square(sub(x, mu)), -1, true);
        const [wrong] = grads((a: Tensor) => sum(mul(normalize(a, mu, variance, f32(gv, [F]), f32(bv, [F]), 1e-3), rt)))([x]);
        expect(() => expectClose(wrong!, numeric['x']!, { rtol: 1e-5, atol: 1e-5 }, 'wrong ∂L/∂x')).toThrow(/elements differ/);
        // tfjs-layers' autodiff of its own layer, with copied weights
        const theirs = tfl.layers.layerNormalization({});
        theirs.build([null, 3, F]);
        theirs.setWeights([f32(gv, [F]), f32(bv, [F])]);
        const xVar = tfc.variable(x, true, `ln-x-${tfc.getBackend()}`);
        const g = tfc.variableGrads(() => sum(mul(theirs.apply(xVar) as Tensor, rt)) as tfc.Scalar);
        expectClose(dx!, g.grads[xVar.name]!, { rtol: 1e-5, atol: 1e-5 }, 'tfjs ∂L/∂x');
        expectClose(dg!, g.grads[theirs.weights[0]!.name]!, { rtol: 1e-5, atol: 1e-5 }, 'tfjs ∂L/∂γ');
        expectClose(db!, g.grads[theirs.weights[1]!.name]!, { rtol: 1e-5, atol: 1e-5 }, 'tfjs ∂L/∂β');
        xVar.dispose();
        dispose(theirs.getWeights());
      });
    });
  });

  describe('batchNormalization', () => {
    test.each(flags)('forward (center $center, scale $scale): batch statistics in training, moving ones in inference; float64 and tfjs-layers', ({ center, scale }) => {
      const spec = batchNormalization({ center, scale });
      expect(batchNormalizationLayer.weights(spec, [null, 3, F])).toEqual([
        ...(scale ? [{ name: 'gamma', shape: [F] }] : []),
        ...(center ? [{ name: 'beta', shape: [F] }] : []),
        { name: 'moving_mean', shape: [F], trainable: false },
        { name: 'moving_variance', shape: [F], trainable: false },
      ]);
      const g = scale ? gv : null;
      const b = center ? bv : null;
      const batch = referenceMoments(xv, F, null);
      const theirs = tfl.layers.batchNormalization({ center, scale });
      tidy(() => {
        const x = f32(xv, shape);
        const params = paramsOf(spec, f32(gv, [F]), f32(bv, [F]), { moving_mean: f32(mmv, [F]), moving_variance: f32(mvv, [F]) });
        const out = batchNormalizationLayer.apply(spec, params, x, training);
        expectClose(out.y, referenceNormalize(xv, F, batch.mean, batch.variance, g, b, 1e-3), { rtol: 1e-5, atol: 1e-5 }, 'training vs float64');
        expectClose(out.updates!['moving_mean']!, mmv.map((m, f) => 0.99 * m + 0.01 * batch.mean[f]!), { rtol: 1e-6, atol: 1e-6 }, 'moving mean update');
        expectClose(out.updates!['moving_variance']!, mvv.map((m, f) => 0.99 * m + 0.01 * batch.variance[f]!), { rtol: 1e-6, atol: 1e-6 }, 'moving variance update (biased σ²)');
        const infer = batchNormalizationLayer.apply(spec, params, x, inference);
        expect(infer.updates).toBeUndefined();
        expectClose(infer.y, referenceNormalize(xv, F, mmv, mvv, g, b, 1e-3), { rtol: 1e-5, atol: 1e-5 }, 'inference vs float64');
        theirs.build([null, 3, F]);
        theirs.setWeights(Object.values(params));
        expectClose(infer.y, theirs.apply(x, { training: false }) as Tensor, { rtol: 1e-5, atol: 1e-5 }, 'inference vs tfjs-layers');
        if (center && scale) {
          // tfjs-layers cannot train without both γ and β (it reads them unconditionally)
          expectClose(out.y, theirs.apply(x, { training: true }) as Tensor, { rtol: 1e-5, atol: 1e-5 }, 'training vs tfjs-layers');
          const [, , mm, mv] = theirs.getWeights();
          expectClose(out.updates!['moving_mean']!, mm!, { rtol: 1e-6, atol: 1e-6 }, 'tfjs moving mean');
          expectClose(out.updates!['moving_variance']!, mv!, { rtol: 1e-6, atol: 1e-6 }, 'tfjs moving variance');
        }
      });
      dispose(theirs.getWeights());
    });

    test('rank 2 inputs ([B, F]) normalise over the batch', () => {
      const x2 = seeded(6 * F, 21, 3);
      const batch = referenceMoments(x2, F, null);
      tidy(() => {
        const out = batchNormalizationLayer.apply(batchNormalization({ center: false }), { gamma: f32(gv, [F]), moving_mean: f32(mmv, [F]), moving_variance: f32(mvv, [F]) }, f32(x2, [6, F]), training);
        expectClose(out.y, referenceNormalize(x2, F, batch.mean, batch.variance, gv, null, 1e-3), { rtol: 1e-5, atol: 1e-5 }, 'rank 2');
      });
    });

    test('a mask restricts the batch statistics to the real steps (Keras 3), every step is normalised, the mask passes through', () => {
      const maskValues = Float64Array.from([1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 0]);
      const batch = referenceMoments(xv, F, maskValues);
      const unmasked = referenceMoments(xv, F, null);
      expect(Math.abs(batch.mean[0]! - unmasked.mean[0]!)).toBeGreaterThan(1e-2);
      tidy(() => {
        const mask = f32(maskValues, [4, 3]);
        const spec = batchNormalization();
        const params = { gamma: f32(gv, [F]), beta: f32(bv, [F]), moving_mean: f32(mmv, [F]), moving_variance: f32(mvv, [F]) };
        const out = batchNormalizationLayer.apply(spec, params, f32(xv, shape), { ...training, mask });
        expect(out.mask).toBe(mask);
        expectClose(out.y, referenceNormalize(xv, F, batch.mean, batch.variance, gv, bv, 1e-3), { rtol: 1e-5, atol: 1e-5 }, 'masked training');
        expectClose(out.updates!['moving_mean']!, mmv.map((m, f) => 0.99 * m + 0.01 * batch.mean[f]!), { rtol: 1e-6, atol: 1e-6 }, 'masked moving mean');
        expectClose(out.updates!['moving_variance']!, mvv.map((m, f) => 0.99 * m + 0.01 * batch.variance[f]!), { rtol: 1e-6, atol: 1e-6 }, 'masked moving variance');
        expect(() => batchNormalizationLayer.apply(spec, params, f32(xv, shape), { ...training, mask: tensor([1, 1, 1, 1], [4]) })).toThrow(
          /batchNormalization: the mask must have the input's shape without its last axis, \[4, 3\], got \[4\]/,
        );
      });
    });

    test('gradients (training) w.r.t. x, gamma and beta equal float64 central differences, reject a wrong backward, equal tfjs-layers', () => {
      const spec = batchNormalization();
      const r = seeded(size, 13);
      const lossOf = (p: Readonly<Record<string, Float64Array>>): number => {
        const batch = referenceMoments(p['x']!, F, null);
        return referenceNormalize(p['x']!, F, batch.mean, batch.variance, p['gamma']!, p['beta']!, 1e-3).reduce((s, v, i) => s + v * r[i]!, 0);
      };
      const numeric = numericalGradients(lossOf, { x: xv, gamma: gv, beta: bv });
      tidy(() => {
        const x = f32(xv, shape);
        const rt = f32(r, shape);
        const moving = { moving_mean: f32(mmv, [F]), moving_variance: f32(mvv, [F]) };
        const loss = (a: Tensor, g: Tensor, b: Tensor): Tensor => sum(mul(batchNormalizationLayer.apply(spec, { gamma: g, beta: b, ...moving }, a, training).y, rt));
        const [dx, dg, db] = grads(loss)([x, f32(gv, [F]), f32(bv, [F])]);
        expectClose(dx!, numeric['x']!, { rtol: 1e-5, atol: 1e-5 }, '∂L/∂x');
        expectClose(dg!, numeric['gamma']!, { rtol: 1e-5, atol: 1e-5 }, '∂L/∂γ');
        expectClose(db!, numeric['beta']!, { rtol: 1e-5, atol: 1e-5 }, '∂L/∂β');
        // negative control: the batch statistics held constant (no ∂μ/∂x, ∂σ²/∂x) must be rejected
        const mu = mean(x, [0, 1]);
        const variance = mean(square(sub(x, mu)), [0, 1]);
        const [wrong] = grads((a: Tensor) => sum(mul(normalize(a, mu, variance, f32(gv, [F]), f32(bv, [F]), 1e-3), rt)))([x]);
        expect(() => expectClose(wrong!, numeric['x']!, { rtol: 1e-5, atol: 1e-5 }, 'wrong ∂L/∂x')).toThrow(/elements differ/);
        const theirs = tfl.layers.batchNormalization({});
        theirs.build([null, 3, F]);
        theirs.setWeights([f32(gv, [F]), f32(bv, [F]), moving.moving_mean, moving.moving_variance]);
        const xVar = tfc.variable(x, true, `bn-x-${tfc.getBackend()}`);
        const g = tfc.variableGrads(() => sum(mul(theirs.apply(xVar, { training: true }) as Tensor, rt)) as tfc.Scalar);
        expectClose(dx!, g.grads[xVar.name]!, { rtol: 1e-5, atol: 1e-5 }, 'tfjs ∂L/∂x');
        expectClose(dg!, g.grads[theirs.weights[0]!.name]!, { rtol: 1e-5, atol: 1e-5 }, 'tfjs ∂L/∂γ');
        expectClose(db!, g.grads[theirs.weights[1]!.name]!, { rtol: 1e-5, atol: 1e-5 }, 'tfjs ∂L/∂β');
        xVar.dispose();
        dispose(theirs.getWeights());
      });
    });

    test('k training calls of a model move the statistics by the float64 recurrence (masked steps excluded); inference then uses them', () => {
      const model = sequential([masking(), batchNormalization({ momentum: 0.8 })], { inputShape: [3, F], seed: 1 });
      expect(model.params['batch_normalization/moving_mean']!.trainable).toBe(false);
      expect(model.params['batch_normalization/gamma']!.trainable).toBe(true);
      const mean64 = new Float64Array(F);
      const var64 = new Float64Array(F).fill(1);
      for (let k = 0; k < 5; k++) {
        const batch = seeded(size, 30 + k, 2, k);
        const steps = Float64Array.from({ length: 12 }, (_, n) => ((n + k) % 4 === 0 ? 0 : 1));
        for (let n = 0; n < 12; n++) for (let f = 0; f < F; f++) batch[n * F + f] = batch[n * F + f]! * steps[n]!; // masked steps are all 0: masking() marks them
        const stats = referenceMoments(batch, F, steps);
        for (let f = 0; f < F; f++) {
          mean64[f] = 0.8 * mean64[f]! + 0.2 * stats.mean[f]!;
          var64[f] = 0.8 * var64[f]! + 0.2 * stats.variance[f]!;
        }
        tidy(() => {
          const out = model.call(f32(batch, shape), { training: true });
          expectClose(out.y, referenceNormalize(batch, F, stats.mean, stats.variance, null, null, 1e-3), { rtol: 1e-5, atol: 1e-5 }, `call ${k + 1}`);
        });
      }
      expectClose(model.params['batch_normalization/moving_mean']!, mean64, { rtol: 1e-5, atol: 1e-6 }, 'moving mean after 5 calls');
      expectClose(model.params['batch_normalization/moving_variance']!, var64, { rtol: 1e-5, atol: 1e-6 }, 'moving variance after 5 calls');
      const before = Array.from(model.params['batch_normalization/moving_mean']!.dataSync());
      tidy(() => {
        const y = model.apply(f32(xv, shape), { training: false });
        const maskOf = Float64Array.from({ length: 12 }, (_, n) => (xv.slice(n * F, n * F + F).every((v) => v === 0) ? 0 : 1));
        expect(maskOf.every((v) => v === 1)).toBe(true);
        expectClose(y, referenceNormalize(xv, F, mean64, var64, null, null, 1e-3), { rtol: 1e-5, atol: 1e-5 }, 'inference with the moving statistics');
      });
      expect(Array.from(model.params['batch_normalization/moving_mean']!.dataSync())).toEqual(before); // inference updates nothing
      model.dispose();
    });

    test('inside timeDistributed it trains step by step (Keras 3, tfjs-layers): per-step statistics, T updates per call', () => {
      const T = 3;
      const model = sequential([timeDistributed(batchNormalization())], { inputShape: [T, F], seed: 2 });
      const theirs = tfl.layers.timeDistributed({ layer: tfl.layers.batchNormalization({}) });
      theirs.build([null, T, F]);
      const mean64 = new Float64Array(F);
      const var64 = new Float64Array(F).fill(1);
      const expected = new Float64Array(size);
      for (let t = 0; t < T; t++) {
        const step = new Float64Array(4 * F);
        for (let b = 0; b < 4; b++) for (let f = 0; f < F; f++) step[b * F + f] = xv[(b * T + t) * F + f]!;
        const stats = referenceMoments(step, F, null);
        const y = referenceNormalize(step, F, stats.mean, stats.variance, null, null, 1e-3);
        for (let b = 0; b < 4; b++) for (let f = 0; f < F; f++) expected[(b * T + t) * F + f] = y[b * F + f]!;
        for (let f = 0; f < F; f++) {
          mean64[f] = 0.99 * mean64[f]! + 0.01 * stats.mean[f]!;
          var64[f] = 0.99 * var64[f]! + 0.01 * stats.variance[f]!;
        }
      }
      tidy(() => {
        const x = f32(xv, shape);
        expectClose(model.apply(x, { training: true }), expected, { rtol: 1e-5, atol: 1e-5 }, 'training output');
        expectClose(model.params['time_distributed/moving_mean']!, mean64, { rtol: 1e-5, atol: 1e-6 }, 'moving mean after T steps');
        expectClose(model.params['time_distributed/moving_variance']!, var64, { rtol: 1e-5, atol: 1e-6 }, 'moving variance after T steps');
        const tfjsY = theirs.apply(x, { training: true }) as Tensor;
        expectClose(tfjsY, expected, { rtol: 1e-5, atol: 1e-5 }, 'tfjs-layers training output');
        expectClose(theirs.getWeights()[2]!, mean64, { rtol: 1e-5, atol: 1e-6 }, 'tfjs-layers moving mean');
        expectClose(model.apply(x, { training: false }), referenceNormalize(xv, F, mean64, var64, null, null, 1e-3), { rtol: 1e-5, atol: 1e-5 }, 'inference');
      });
      dispose(theirs.getWeights());
      model.dispose();
    });

    test('inside timeDistributed with a mask, step t sees the mask of its own step ([B]) only', () => {
      const T = 3;
      const model = sequential([masking(), timeDistributed(batchNormalization({ momentum: 0.5 }))], { inputShape: [T, F], seed: 3 });
      const steps = Float64Array.from([1, 0, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1]); // [B = 4, T = 3]; every step has a real row
      const x = xv.map((v, i) => v * steps[Math.floor(i / F)]!);
      const mean64 = new Float64Array(F);
      const expected = new Float64Array(size);
      for (let t = 0; t < T; t++) {
        const step = new Float64Array(4 * F);
        const stepMask = Float64Array.from({ length: 4 }, (_, b) => steps[b * T + t]!);
        for (let b = 0; b < 4; b++) for (let f = 0; f < F; f++) step[b * F + f] = x[(b * T + t) * F + f]!;
        const stats = referenceMoments(step, F, stepMask);
        const y = referenceNormalize(step, F, stats.mean, stats.variance, null, null, 1e-3);
        for (let b = 0; b < 4; b++) for (let f = 0; f < F; f++) expected[(b * T + t) * F + f] = y[b * F + f]!;
        for (let f = 0; f < F; f++) mean64[f] = 0.5 * mean64[f]! + 0.5 * stats.mean[f]!;
      }
      tidy(() => {
        expectClose(model.apply(f32(x, shape), { training: true }), expected, { rtol: 1e-5, atol: 1e-5 }, 'masked training output');
        expectClose(model.params['time_distributed/moving_mean']!, mean64, { rtol: 1e-5, atol: 1e-6 }, 'masked moving mean after T steps');
      });
      model.dispose();
    });

    test('options and configs are checked and named', () => {
      expect(() => batchNormalization({ momentum: 1.5 })).toThrow(/batchNormalization: momentum must be in \[0, 1\], got 1.5/);
      expect(() => layerNormalization({ epsilon: 0 })).toThrow(/layerNormalization: epsilon must be > 0, got 0/);
      expect(() => batchNormalization({ axis: 0.5 })).toThrow(/batchNormalization: axis must be an integer/);
      expect(() => sequential([batchNormalization({ axis: 1 })], { inputShape: [3, F] })).toThrow(/only the last axis is supported \(axis -1 or 2 for input \(None, 3, 5\)\), got axis 1/);
      const explicit = sequential([batchNormalization({ axis: 2 }), layerNormalization({ axis: 2 })], { inputShape: [3, F] });
      expect(explicit.countParams()).toBe(4 * F + 2 * F);
      explicit.dispose();
      const opts = { hardSigmoid: 'keras2', gruDefaultResetAfter: true } as const;
      for (const axis of [-1, [-1], [2], 2, null]) {
        expect(layerFromKeras({ class_name: 'LayerNormalization', config: { name: 'ln', axis } }, opts)).toEqual({ kind: 'layerNormalization', name: 'ln', axis: Array.isArray(axis) ? axis[0] : axis ?? -1, epsilon: 1e-3, center: true, scale: true });
      }
      expect(layerFromKeras({ class_name: 'BatchNormalization', config: { name: 'bn', axis: [2], momentum: 0.9, epsilon: 1e-5, center: false, beta_initializer: { class_name: 'Zeros' } } }, opts)).toEqual({
        kind: 'batchNormalization', name: 'bn', axis: 2, momentum: 0.9, epsilon: 1e-5, center: false, scale: true,
      });
      expect(() => layerFromKeras({ class_name: 'LayerNormalization', config: { name: 'ln', rms_scaling: true } }, opts)).toThrow(/layer 'ln' \(LayerNormalization\): rms_scaling is not supported/);
      expect(() => layerFromKeras({ class_name: 'LayerNormalization', config: { name: 'ln', axis: [1, 2] } }, opts)).toThrow(/axis \[1,2\] is not supported \(one axis, the last\)/);
      expect(() => layerFromKeras({ class_name: 'BatchNormalization', config: { name: 'bn', renorm: true } }, opts)).toThrow(/renorm \(batch renormalisation\) is not supported/);
    });
  });

  describe('in a model: lstm → batchNormalization → layerNormalization → dense', () => {
    const T = 4;
    const build = (): Sequential =>
      sequential([lstm({ units: 6, returnSequences: true }), batchNormalization(), layerNormalization(), dense({ units: 2 })], { inputShape: [T, 3], seed: 5 });
    const xs = seeded(8 * T * 3, 40);
    const ys = seeded(8 * T * 2, 41);

    /** One hand-driven SGD step (this package does not depend on @rnnkit/training): ∂L/∂θ of the trainable variables only. */
    const step = (model: Sequential, x: Tensor, y: Tensor): number =>
      tidy(() => {
        const trainable = Object.values(model.params).filter((v) => v.trainable);
        const { value, grads: g } = tfc.variableGrads(() => mean(square(sub(model.apply(x, { training: true }), y))) as tfc.Scalar, trainable);
        for (const v of trainable) v.assign(sub(v, mul(g[v.name]!, 0.2)));
        return value.dataSync()[0]!;
      });

    test('trains: the loss falls, gamma/beta move, the moving statistics follow the batches, no tensor leaks', async () => {
      const model = build();
      const snapshot = (name: string): number[] => Array.from(model.params[name]!.dataSync());
      const initial = Object.fromEntries(Object.keys(model.params).map((n) => [n, snapshot(n)]));
      const x = f32(xs, [8, T, 3]);
      const y = f32(ys, [8, T, 2]);
      const losses: number[] = [];
      for (let i = 0; i < 10; i++) losses.push(step(model, x, y));
      expect(losses.at(-1)!).toBeLessThan(0.9 * losses[0]!);
      for (const name of ['batch_normalization/gamma', 'batch_normalization/beta', 'layer_normalization/gamma', 'layer_normalization/beta', 'batch_normalization/moving_mean', 'batch_normalization/moving_variance']) {
        expect(snapshot(name)).not.toEqual(initial[name]);
      }
      // the moving statistics are exactly the momentum recurrence of the batch statistics of the BN input
      const lstmOnly = sequential([lstm({ units: 6, returnSequences: true })], { inputShape: [T, 3] });
      lstmOnly.params['lstm/wxh']!.assign(model.params['lstm/wxh']!);
      lstmOnly.params['lstm/whh']!.assign(model.params['lstm/whh']!);
      lstmOnly.params['lstm/bh']!.assign(model.params['lstm/bh']!);
      const h = lstmOnly.apply(x, { training: true });
      const stats = referenceMoments(Float64Array.from(h.dataSync()), 6, null);
      const expectedMean = Float64Array.from(snapshot('batch_normalization/moving_mean'), (m, f) => 0.99 * m + 0.01 * stats.mean[f]!);
      model.call(x, { training: true }).y.dispose();
      expectClose(model.params['batch_normalization/moving_mean']!, expectedMean, { rtol: 1e-5, atol: 1e-6 }, 'one more update');
      await expectNoLeaks(() => step(model, x, y), 3, 'training step');
      await expectNoLeaks(() => {
        const out = model.call(x, { training: true });
        dispose([out.y]);
      }, 3, 'training call');
      dispose([x, y, h]);
      lstmOnly.dispose();
      model.dispose();
    });

    test('summary counts non-trainable params as Keras does; save/load is bit-exact and keeps them non-trainable', () => {
      const model = build();
      const x = f32(xs, [8, T, 3]);
      const y = f32(ys, [8, T, 2]);
      for (let i = 0; i < 3; i++) step(model, x, y);
      // LSTM 4·6·(3 + 6 + 1) = 240; BN 4·6 (12 non-trainable); LN 2·6; Dense 6·2 + 2
      expect(model.countParams()).toBe(240 + 24 + 12 + 14);
      const text = model.summary();
      expect(text).toContain('batch_normalization (BatchNormalization)');
      expect(text).toContain('Total params: 290 (1.13 KB)');
      expect(text).toContain('Trainable params: 278 (1.09 KB)');
      expect(text).toContain('Non-trainable params: 12 (48.00 B)');
      const artifacts = saveModelToArtifacts(model);
      const copy = loadModelFromArtifacts({ modelJson: JSON.parse(JSON.stringify(artifacts.modelJson)), weightData: artifacts.weightData }) as Sequential;
      expect(copy.params['batch_normalization/moving_variance']!.trainable).toBe(false);
      expect(copy.params['batch_normalization/gamma']!.trainable).toBe(true);
      tidy(() => {
        expectClose(copy.apply(x, { training: false }), model.apply(x, { training: false }), { rtol: 0, atol: 0 }, 'save/load');
        expectClose(copy.params['batch_normalization/moving_mean']!, model.params['batch_normalization/moving_mean']!, { rtol: 0, atol: 0 }, 'moving mean');
      });
      dispose([x, y]);
      copy.dispose();
      model.dispose();
    });

    test('toLayersArtifacts loads in tfjs-layers with the same predictions, and back bit-exact', async () => {
      const model = build();
      const x = f32(xs, [8, T, 3]);
      const y = f32(ys, [8, T, 2]);
      for (let i = 0; i < 3; i++) step(model, x, y);
      const artifacts = toLayersArtifacts(model);
      expect(artifacts.weightSpecs.map((s) => s.name).filter((n) => n.includes('normalization'))).toEqual([
        'batch_normalization/gamma', 'batch_normalization/beta', 'batch_normalization/moving_mean', 'batch_normalization/moving_variance', 'layer_normalization/gamma', 'layer_normalization/beta',
      ]);
      const theirs = await tfl.loadLayersModel(tfc.io.fromMemory(artifacts as unknown as tfc.io.ModelArtifacts));
      const back = fromLayersArtifacts(artifacts);
      tidy(() => {
        const expected = model.apply(x, { training: false });
        expectClose(theirs.predict(x) as Tensor, expected, { rtol: 1e-5, atol: 1e-5 }, 'rnnkit → tfjs-layers');
        expectClose(back.apply(x, { training: false }), expected, { rtol: 0, atol: 0 }, 'round trip');
      });
      theirs.dispose();
      back.dispose();
      dispose([x, y]);
      model.dispose();
    });

    test('a tfjs-layers model with both layers loads through fromLayersArtifacts with the same predictions (training too)', async () => {
      const theirs = tfl.sequential({
        layers: [
          tfl.layers.lstm({ units: 6, returnSequences: true, inputShape: [T, 3], recurrentActivation: 'sigmoid' }),
          tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-4 }),
          tfl.layers.layerNormalization({ center: false }),
          tfl.layers.dense({ units: 2 }),
        ],
      });
      // give every weight distinct values, so a swapped gamma/beta or mean/variance would show
      tidy(() => {
        theirs.layers[1]!.setWeights([f32(seeded(6, 50, 0.3, 1), [6]), f32(seeded(6, 51, 0.2), [6]), f32(seeded(6, 52, 0.1), [6]), f32(seeded(6, 53, 0.2, 0.5), [6])]);
        theirs.layers[2]!.setWeights([f32(seeded(6, 54, 0.3, 1), [6])]);
      });
      const artifacts = await saveTfjs(theirs);
      // tfjs-layers writes every trainable weight first, then the moving statistics: matching is by name
      expect(artifacts.weightSpecs!.map((s) => s.name.split('/').at(-1)).slice(-2)).toEqual(['moving_mean', 'moving_variance']);
      const ours = fromLayersArtifacts(artifacts);
      expect(ours.layers.map((l) => l.spec.kind)).toEqual(['rnn', 'batchNormalization', 'layerNormalization', 'dense']);
      const x = f32(xs, [8, T, 3]);
      tidy(() => {
        expectClose(ours.apply(x, { training: false }), theirs.predict(x) as Tensor, { rtol: 1e-5, atol: 1e-5 }, 'tfjs-layers → rnnkit');
        expectClose(ours.apply(x, { training: true }), theirs.apply(x, { training: true }) as Tensor, { rtol: 1e-5, atol: 1e-5 }, 'training mode');
        const name = ours.layers[1]!.name;
        expectClose(ours.params[`${name}/moving_mean`]!, theirs.layers[1]!.getWeights()[2]!, { rtol: 1e-5, atol: 1e-6 }, 'moving mean after one training call each');
        expectClose(ours.params[`${name}/moving_variance`]!, theirs.layers[1]!.getWeights()[3]!, { rtol: 1e-5, atol: 1e-6 }, 'moving variance after one training call each');
      });
      x.dispose();
      ours.dispose();
      theirs.dispose();
    });
  });

  test('the variables a training call assigns are the model’s own (no gradient, nothing left behind)', () => {
    const model = sequential([batchNormalization()], { inputShape: [F] });
    const x = f32(seeded(6 * F, 60), [6, F]);
    const before = tfc.memory().numTensors;
    const variable: Variable = model.params['batch_normalization/moving_mean']!;
    const { value, grads: g } = tfc.variableGrads(() => sum(model.apply(x, { training: true })) as tfc.Scalar, Object.values(model.params));
    value.dispose();
    expect(g[variable.name]).toBeNull(); // tfjs' answer for a non-trainable variable in the list
    expect(Object.values(g).filter((t) => t !== null).length).toBe(2);
    dispose(Object.values(g).filter((t): t is Tensor => t !== null));
    expect(tfc.memory().numTensors).toBe(before);
    expect(Array.from(variable.dataSync()).some((v) => v !== 0)).toBe(true);
    x.dispose();
    model.dispose();
  });
});
