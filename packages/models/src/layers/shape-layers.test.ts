import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks, numericalGradients } from '@rnnkit/testkit';
import { dispose, grad, mul, numTensors, sum, tensor, tensor2d, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { LayerContext, LayerImpl } from '../layer';
import {
  activation,
  cropping1d,
  dense,
  embedding,
  fromLayersArtifacts,
  gaussianNoise,
  lstm,
  permute,
  repeatVector,
  reshape,
  sequential,
  spatialDropout1d,
  timeDistributed,
  toLayersArtifacts,
  upSampling1d,
  zeroPadding1d,
} from '../index';
import type { LayerSpec } from '../index';
import { layerFromKeras, layerToKeras } from '../interop/keras-config';
import { activationLayer } from './activation';
import { cropping1dLayer } from './cropping1d';
import { gaussianNoiseLayer } from './gaussian-noise';
import { permuteLayer } from './permute';
import { defaultLayerName } from './registry';
import { repeatVectorLayer } from './repeat-vector';
import { reshapeLayer } from './reshape';
import { spatialDropout1dLayer } from './spatial-dropout1d';
import { upSampling1dLayer } from './up-sampling1d';
import { zeroPadding1dLayer } from './zero-padding1d';
import { saveTfjs } from '../test-utils';

const ctx = (training: boolean, mask: Tensor | null = null, seed = 0): LayerContext => ({ training, mask, seed });
const inference = ctx(false);
const size = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Values in (−1, 1), already rounded to float32 so that the float64 references see what tfjs sees. */
function seeded(n: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.fround((s / 2 ** 32) * 2 - 1);
  });
}

// ---- plain-JS references (row-major flat arrays) ----

function repeatRef(x: Float64Array, [B, F]: readonly number[], n: number): Float64Array {
  const y = new Float64Array(B! * n * F!);
  for (let b = 0; b < B!; b++) for (let t = 0; t < n; t++) for (let f = 0; f < F!; f++) y[(b * n + t) * F! + f] = x[b * F! + f]!;
  return y;
}
function strides(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1]! * shape[i + 1]!;
  return s;
}
/** y[b, i1…im] = x[b, j1…jm] with j_{dims[k]} = i_k (1-based dims, as Keras). */
function permuteRef(x: Float64Array, shape: readonly number[], dims: readonly number[]): Float64Array {
  const axes = [0, ...dims];
  const outShape = axes.map((a) => shape[a]!);
  const inStrides = strides(shape);
  const y = new Float64Array(x.length);
  for (let o = 0; o < y.length; o++) {
    let rest = o;
    let source = 0;
    for (let k = outShape.length - 1; k >= 0; k--) {
      const i = rest % outShape[k]!;
      rest = Math.floor(rest / outShape[k]!);
      source += i * inStrides[axes[k]!]!;
    }
    y[o] = x[source]!;
  }
  return y;
}
function padRef(x: Float64Array, [B, T, F]: readonly number[], left: number, right: number): Float64Array {
  const To = T! + left + right;
  const y = new Float64Array(B! * To * F!);
  for (let b = 0; b < B!; b++) for (let t = 0; t < T!; t++) for (let f = 0; f < F!; f++) y[(b * To + t + left) * F! + f] = x[(b * T! + t) * F! + f]!;
  return y;
}
function cropRef(x: Float64Array, [B, T, F]: readonly number[], start: number, end: number): Float64Array {
  const To = T! - start - end;
  const y = new Float64Array(B! * To * F!);
  for (let b = 0; b < B!; b++) for (let t = 0; t < To; t++) for (let f = 0; f < F!; f++) y[(b * To + t) * F! + f] = x[(b * T! + t + start) * F! + f]!;
  return y;
}
function upRef(x: Float64Array, [B, T, F]: readonly number[], s: number): Float64Array {
  const y = new Float64Array(B! * T! * s * F!);
  for (let b = 0; b < B!; b++) for (let t = 0; t < T! * s; t++) for (let f = 0; f < F!; f++) y[(b * T! * s + t) * F! + f] = x[(b * T! + Math.floor(t / s)) * F! + f]!;
  return y;
}

/**
 * Forward of a weightless layer equals `ref` exactly (these layers only move values), and ∂L/∂x of
 * L = Σ r ⊙ y equals float64 central differences of L through `ref`.
 */
function checkAgainstReference<S>(impl: LayerImpl<S>, spec: S, inShape: number[], outShape: number[], ref: (x: Float64Array) => Float64Array): void {
  const xv = seeded(size(inShape), 11);
  const r = seeded(size(outShape), 12);
  expect(impl.outputShape(spec, [null, ...inShape.slice(1)])).toEqual([null, ...outShape.slice(1)]);
  tidy(() => {
    const x = tensor(Float32Array.from(xv), inShape);
    const y = impl.apply(spec, {}, x, inference).y;
    expect(y.shape).toEqual(outShape);
    expectClose(y, ref(xv), { rtol: 0, atol: 0 }, 'forward');
    const dx = grad((a: Tensor) => sum(mul(impl.apply(spec, {}, a, inference).y, tensor(Float32Array.from(r), outShape))))(x);
    const numeric = numericalGradients((v) => ref(v['x']!).reduce((s, yi, i) => s + yi * r[i]!, 0), { x: xv });
    expectClose(dx, numeric['x']!, { rtol: 1e-5, atol: 1e-5 }, '∂L/∂x');
  });
}

/** Our layer and the tfjs-layers one give the same output and the same ∂L/∂x (within 1e-5). */
function checkAgainstTfjs<S>(impl: LayerImpl<S>, spec: S, theirs: tfl.layers.Layer, inShape: number[], context: LayerContext = inference): void {
  tidy(() => {
    const x = tensor(Float32Array.from(seeded(size(inShape), 21)), inShape);
    const ours = impl.apply(spec, {}, x, context).y;
    const kwargs = { training: context.training };
    expectClose(ours, theirs.apply(x, kwargs) as Tensor, { rtol: 1e-5, atol: 1e-5 }, 'vs tfjs-layers');
    const r = tensor(Float32Array.from(seeded(size(ours.shape), 22)), ours.shape);
    const dOurs = grad((a: Tensor) => sum(mul(impl.apply(spec, {}, a, context).y, r)))(x);
    const dTheirs = tfc.grad((a: tfc.Tensor) => tfc.sum(tfc.mul(theirs.apply(a, kwargs) as tfc.Tensor, r)))(x);
    expectClose(dOurs, dTheirs, { rtol: 1e-5, atol: 1e-5 }, '∂L/∂x vs tfjs-layers');
  });
}

const keras2 = { hardSigmoid: 'keras2', gruDefaultResetAfter: true } as const;
const keras3 = { hardSigmoid: 'keras3', gruDefaultResetAfter: true } as const;

describeEachBackend(['cpu', 'wasm'], 'shape and noise layers', () => {
  describe('Activation', () => {
    test('forward and ∂L/∂x equal tfjs-layers Activation (gelu, logSoftmax, hardSigmoid, swish); the mask passes through', () => {
      const pairs: [LayerSpec & { kind: 'activation' }, string][] = [
        [activation('gelu'), 'gelu'],
        [activation('logSoftmax'), 'logSoftmax'],
        [activation('hardSigmoidKeras2'), 'hardSigmoid'],
        [activation('silu'), 'swish'],
      ];
      for (const [spec, theirs] of pairs) checkAgainstTfjs(activationLayer, spec, tfl.layers.activation({ activation: theirs as 'relu' }), [2, 3, 4]);
      tidy(() => {
        const mask = tensor2d([[1, 1, 0]]);
        const out = activationLayer.apply(activation('linear'), {}, tensor([[[1], [2], [3]]]), ctx(false, mask));
        expect(out.mask).toBe(mask);
        expectClose(out.y, [1, 2, 3], { rtol: 0, atol: 0 }, 'linear copies');
      });
      expect(() => activation('swish' as 'silu')).toThrow(/activation: activation must be one of .*got "swish"/);
    });
  });

  describe('RepeatVector', () => {
    test('forward, ∂L/∂x (the sum over the copies) against a plain-JS reference and tfjs-layers; no mask out', () => {
      checkAgainstReference(repeatVectorLayer, repeatVector(4), [3, 5], [3, 4, 5], (x) => repeatRef(x, [3, 5], 4));
      checkAgainstTfjs(repeatVectorLayer, repeatVector(4), tfl.layers.repeatVector({ n: 4 }), [3, 5]);
      tidy(() => expect(repeatVectorLayer.apply(repeatVector(2), {}, tensor([[1, 2]]), ctx(false, tensor2d([[1]]))).mask).toBeNull());
    });

    test('errors name the argument and the shape', () => {
      expect(() => repeatVector(0)).toThrow(/repeatVector: n must be a positive integer, got 0/);
      expect(() => repeatVectorLayer.outputShape(repeatVector(2), [null, 3, 4])).toThrow(/repeatVector: input must have rank 2 \(\[B, F\]\), got input shape \(None, 3, 4\)/);
    });
  });

  describe('Reshape', () => {
    test('forward (row-major, one −1 inferred), ∂L/∂x against a reference and tfjs-layers; no mask out', () => {
      checkAgainstReference(reshapeLayer, reshape([-1, 3]), [2, 4, 6], [2, 8, 3], (x) => x);
      checkAgainstReference(reshapeLayer, reshape([2, 2, 6]), [2, 24], [2, 2, 2, 6], (x) => x);
      checkAgainstTfjs(reshapeLayer, reshape([3, -1]), tfl.layers.reshape({ targetShape: [3, -1] }), [2, 4, 6]);
      expect(reshapeLayer.outputShape(reshape([-1, 3]), [null, null, 6])).toEqual([null, null, 3]);
      tidy(() => expect(reshapeLayer.apply(reshape([2]), {}, tensor([[[1], [2]]]), ctx(false, tensor2d([[1, 0]]))).mask).toBeNull());
    });

    test('sizes that do not match, and bad target shapes, are named', () => {
      expect(() => reshapeLayer.outputShape(reshape([3, 5]), [null, 4, 4])).toThrow(/reshape: cannot reshape an example of shape \(4, 4\) \(16 values\) to targetShape \[3,5\] \(15 values\)/);
      expect(() => reshapeLayer.outputShape(reshape([-1, 5]), [null, 4, 4])).toThrow(/reshape: cannot reshape an example of shape \(4, 4\) \(16 values\) to targetShape \[-1,5\]/);
      expect(() => tidy(() => void reshapeLayer.apply(reshape([3, 5]), {}, tensor(new Float32Array(32), [2, 16]), inference))).toThrow(/\(16,\) \(16 values\) to targetShape \[3,5\]/);
      expect(() => reshape([-1, -1])).toThrow(/reshape: targetShape must be positive integers with at most one -1, got \[-1,-1\]/);
      expect(() => reshape([0, 2])).toThrow(/got \[0,2\]/);
    });
  });

  describe('Permute', () => {
    test('forward (1-based dims), ∂L/∂x against a reference and tfjs-layers; no mask out', () => {
      checkAgainstReference(permuteLayer, permute([2, 1]), [2, 3, 4], [2, 4, 3], (x) => permuteRef(x, [2, 3, 4], [2, 1]));
      checkAgainstReference(permuteLayer, permute([3, 1, 2]), [2, 3, 4, 5], [2, 5, 3, 4], (x) => permuteRef(x, [2, 3, 4, 5], [3, 1, 2]));
      checkAgainstTfjs(permuteLayer, permute([3, 1, 2]), tfl.layers.permute({ dims: [3, 1, 2] }), [2, 3, 4, 5]);
      tidy(() => expect(permuteLayer.apply(permute([2, 1]), {}, tensor([[[1], [2]]]), ctx(false, tensor2d([[1, 0]]))).mask).toBeNull());
    });

    test('errors name the dims and the rank', () => {
      expect(() => permute([1, 3])).toThrow(/permute: dims must be a permutation of 1…m .*got \[1,3\]/);
      expect(() => permute([0, 1])).toThrow(/got \[0,1\]/);
      expect(() => permuteLayer.outputShape(permute([2, 1]), [null, 2, 3, 4])).toThrow(/permute: dims \[2,1\] need an input of rank 3, got \(None, 2, 3, 4\)/);
    });
  });

  describe('SpatialDropout1D', () => {
    const x = (): Tensor => tensor(Float32Array.from(seeded(4 * 5 * 64, 3)), [4, 5, 64]);

    test('training drops whole channels, one draw per [B, 1, F], scaled 1/(1 − rate), as tfjs-layers does', () => {
      const rate = 0.25;
      const check = (y: Float32Array | Int32Array | Uint8Array, xs: Float32Array | Int32Array | Uint8Array, label: string): number => {
        let dropped = 0;
        for (let b = 0; b < 4; b++)
          for (let f = 0; f < 64; f++) {
            const kept = y[b * 5 * 64 + f] !== 0;
            if (!kept) dropped++;
            for (let t = 0; t < 5; t++) {
              const i = (b * 5 + t) * 64 + f;
              const expected = kept ? xs[i]! / (1 - rate) : 0;
              if (!(Math.abs(y[i]! - expected) <= 1e-6 * Math.abs(expected))) throw new Error(`${label}: y[${i}] = ${y[i]}, expected ${expected}`);
            }
          }
        return dropped / (4 * 64);
      };
      tidy(() => {
        const input = x();
        const xs = input.dataSync();
        const ours = spatialDropout1dLayer.apply(spatialDropout1d(rate), {}, input, ctx(true, null, 5)).y;
        const fraction = check(ours.dataSync(), xs, 'ours');
        expect(Math.abs(fraction - rate)).toBeLessThan(0.1);
        const theirs = tfl.layers.spatialDropout1d({ rate }).apply(input, { training: true }) as Tensor;
        check(theirs.dataSync(), xs, 'tfjs-layers');
      });
    });

    test('seeded (same seed, same mask; another seed, another), identity in inference (= tfjs-layers), mask passes', () => {
      tidy(() => {
        const input = x();
        const spec = spatialDropout1d(0.5);
        const a = spatialDropout1dLayer.apply(spec, {}, input, ctx(true, null, 9)).y;
        const b = spatialDropout1dLayer.apply(spec, {}, input, ctx(true, null, 9)).y;
        const c = spatialDropout1dLayer.apply(spec, {}, input, ctx(true, null, 10)).y;
        expectClose(a, b, { rtol: 0, atol: 0 }, 'same seed');
        expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
        const mask = tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1], [1, 0, 0, 0, 0], [1, 1, 1, 1, 0]]);
        const out = spatialDropout1dLayer.apply(spec, {}, input, ctx(false, mask));
        expectClose(out.y, input, { rtol: 0, atol: 0 }, 'inference');
        expect(out.mask).toBe(mask);
        expect(spatialDropout1dLayer.apply(spec, {}, input, ctx(true, mask, 1)).mask).toBe(mask);
      });
      checkAgainstTfjs(spatialDropout1dLayer, spatialDropout1d(0.5), tfl.layers.spatialDropout1d({ rate: 0.5 }), [2, 3, 4]);
    });

    test('∂L/∂x in training is the same channel mask and scale (float64 reference built from the drawn mask)', () => {
      tidy(() => {
        const input = x();
        const spec = spatialDropout1d(0.3);
        const y = spatialDropout1dLayer.apply(spec, {}, input, ctx(true, null, 4)).y.dataSync();
        const xs = input.dataSync();
        const r = seeded(4 * 5 * 64, 8);
        const dx = grad((a: Tensor) => sum(mul(spatialDropout1dLayer.apply(spec, {}, a, ctx(true, null, 4)).y, tensor(Float32Array.from(r), [4, 5, 64]))))(input);
        const expected = Array.from(r, (ri, i) => (y[i] === 0 ? 0 : (ri * y[i]!) / xs[i]!));
        expectClose(dx, expected, { rtol: 1e-5, atol: 1e-5 }, '∂L/∂x');
      });
      expect(() => spatialDropout1d(1)).toThrow(/spatialDropout1d: rate must be a number in \[0, 1\), got 1/);
      expect(() => spatialDropout1dLayer.outputShape(spatialDropout1d(0.1), [null, 4])).toThrow(/spatialDropout1d: input must have rank 3/);
    });
  });

  describe('GaussianNoise', () => {
    test('training adds N(0, σ²) noise: mean ≈ 0, std ≈ σ; seeded; identity in inference (= tfjs-layers); mask passes; ∂L/∂x = upstream', () => {
      tidy(() => {
        const input = tensor(Float32Array.from(seeded(8 * 50 * 25, 1)), [8, 50, 25]);
        const spec = gaussianNoise(0.3);
        const noisy = gaussianNoiseLayer.apply(spec, {}, input, ctx(true, null, 2)).y;
        const again = gaussianNoiseLayer.apply(spec, {}, input, ctx(true, null, 2)).y;
        const other = gaussianNoiseLayer.apply(spec, {}, input, ctx(true, null, 3)).y;
        expectClose(noisy, again, { rtol: 0, atol: 0 }, 'same seed');
        expect(Array.from(noisy.dataSync())).not.toEqual(Array.from(other.dataSync()));
        const xs = input.dataSync();
        const noise = Array.from(noisy.dataSync(), (v, i) => v - xs[i]!);
        const mean = noise.reduce((a, b) => a + b, 0) / noise.length;
        const std = Math.sqrt(noise.reduce((a, b) => a + (b - mean) ** 2, 0) / noise.length);
        // 10 000 draws: the standard errors are 0.003 (mean) and 0.002 (std)
        expect(Math.abs(mean)).toBeLessThan(0.015);
        expect(Math.abs(std - 0.3)).toBeLessThan(0.01);
        const mask = tensor2d(Array.from({ length: 8 }, () => new Array<number>(50).fill(1)));
        const out = gaussianNoiseLayer.apply(spec, {}, input, ctx(false, mask));
        expectClose(out.y, input, { rtol: 0, atol: 0 }, 'inference');
        expect(out.mask).toBe(mask);
        const r = tensor(Float32Array.from(seeded(8 * 50 * 25, 4)), [8, 50, 25]);
        const dx = grad((a: Tensor) => sum(mul(gaussianNoiseLayer.apply(spec, {}, a, ctx(true, null, 2)).y, r)))(input);
        expectClose(dx, r, { rtol: 1e-6, atol: 1e-6 }, '∂L/∂x');
      });
      checkAgainstTfjs(gaussianNoiseLayer, gaussianNoise(0.3), tfl.layers.gaussianNoise({ stddev: 0.3 }), [2, 3, 4]);
      expect(() => gaussianNoise(-1)).toThrow(/gaussianNoise: stddev must be a finite number ≥ 0, got -1/);
    });
  });

  describe('ZeroPadding1D, Cropping1D, UpSampling1D (not in tfjs-layers: plain-JS references only)', () => {
    test('ZeroPadding1D: int or [left, right]; forward and ∂L/∂x; no mask out', () => {
      checkAgainstReference(zeroPadding1dLayer, zeroPadding1d(), [2, 3, 4], [2, 5, 4], (x) => padRef(x, [2, 3, 4], 1, 1));
      checkAgainstReference(zeroPadding1dLayer, zeroPadding1d([2, 0]), [2, 3, 4], [2, 5, 4], (x) => padRef(x, [2, 3, 4], 2, 0));
      expect(zeroPadding1dLayer.outputShape(zeroPadding1d(3), [null, null, 4])).toEqual([null, null, 4]);
      tidy(() => expect(zeroPadding1dLayer.apply(zeroPadding1d(), {}, tensor([[[1], [2]]]), ctx(false, tensor2d([[1, 0]]))).mask).toBeNull());
      expect(() => zeroPadding1d(-1)).toThrow(/zeroPadding1d: padding must be an integer ≥ 0 or a pair \[left, right\] of them, got -1/);
      expect(() => zeroPadding1dLayer.outputShape(zeroPadding1d(), [null, 4])).toThrow(/zeroPadding1d: input must have rank 3/);
    });

    test('Cropping1D: forward and ∂L/∂x (zeros where cropped); cropping everything is named; no mask out', () => {
      checkAgainstReference(cropping1dLayer, cropping1d(), [2, 6, 3], [2, 4, 3], (x) => cropRef(x, [2, 6, 3], 1, 1));
      checkAgainstReference(cropping1dLayer, cropping1d([2, 0]), [2, 6, 3], [2, 4, 3], (x) => cropRef(x, [2, 6, 3], 2, 0));
      checkAgainstReference(cropping1dLayer, cropping1d([0, 3]), [2, 6, 3], [2, 3, 3], (x) => cropRef(x, [2, 6, 3], 0, 3));
      tidy(() => expect(cropping1dLayer.apply(cropping1d(0), {}, tensor([[[1], [2]]]), ctx(false, tensor2d([[1, 0]]))).mask).toBeNull());
      expect(() => cropping1dLayer.outputShape(cropping1d([3, 3]), [null, 6, 2])).toThrow(/cropping1d: cropping \[3, 3\] must leave at least one of the 6 steps of input \(None, 6, 2\)/);
      expect(() => tidy(() => void cropping1dLayer.apply(cropping1d([2, 2]), {}, tensor(new Float32Array(8), [1, 4, 2]), inference))).toThrow(/must leave at least one of the 4 steps of input shape \[1, 4, 2\]/);
    });

    test('UpSampling1D: each step repeated in place; forward and ∂L/∂x (the sum over the copies); no mask out', () => {
      checkAgainstReference(upSampling1dLayer, upSampling1d(), [2, 3, 4], [2, 6, 4], (x) => upRef(x, [2, 3, 4], 2));
      checkAgainstReference(upSampling1dLayer, upSampling1d(3), [1, 4, 2], [1, 12, 2], (x) => upRef(x, [1, 4, 2], 3));
      tidy(() => expect(upSampling1dLayer.apply(upSampling1d(), {}, tensor([[[1], [2]]]), ctx(false, tensor2d([[1, 0]]))).mask).toBeNull());
      expect(() => upSampling1d(0)).toThrow(/upSampling1d: size must be a positive integer, got 0/);
    });
  });

  test("default names are Keras': activation, repeat_vector, reshape, permute, spatial_dropout1d, gaussian_noise, zero_padding1d, cropping1d, up_sampling1d", () => {
    const specs = [activation('relu'), repeatVector(2), reshape([2]), permute([1]), spatialDropout1d(0.1), gaussianNoise(0.1), zeroPadding1d(), cropping1d(), upSampling1d()];
    expect(specs.map((s) => defaultLayerName(s))).toEqual(['activation', 'repeat_vector', 'reshape', 'permute', 'spatial_dropout1d', 'gaussian_noise', 'zero_padding1d', 'cropping1d', 'up_sampling1d']);
  });

  test('Keras configs in and out: Keras 3 spellings (ints or pairs, -1, data_format), tfjs-layers null sizes, hard_sigmoid by flavour', () => {
    const read = (class_name: string, config: Record<string, unknown>, options: typeof keras2 | typeof keras3 = keras3): LayerSpec => layerFromKeras({ class_name, config: { name: 'x', ...config } }, options);
    expect(read('ZeroPadding1D', { padding: [1, 2], data_format: 'channels_last' })).toEqual({ kind: 'zeroPadding1d', padding: [1, 2], name: 'x' });
    expect(read('ZeroPadding1D', { padding: 3 })).toEqual({ kind: 'zeroPadding1d', padding: [3, 3], name: 'x' });
    expect(() => read('ZeroPadding1D', { padding: 1, data_format: 'channels_first' })).toThrow(/layer 'x' \(ZeroPadding1D\)/);
    expect(read('Cropping1D', {})).toEqual({ kind: 'cropping1d', cropping: [1, 1], name: 'x' });
    expect(read('UpSampling1D', { size: 3 })).toEqual({ kind: 'upSampling1d', size: 3, name: 'x' });
    expect(read('Reshape', { target_shape: [null, 4] })).toEqual({ kind: 'reshape', targetShape: [-1, 4], name: 'x' });
    expect(read('Reshape', { target_shape: [-1, 4] })).toEqual({ kind: 'reshape', targetShape: [-1, 4], name: 'x' });
    expect(read('Permute', { dims: [2, 1] })).toEqual({ kind: 'permute', dims: [2, 1], name: 'x' });
    expect(read('RepeatVector', { n: 5 })).toEqual({ kind: 'repeatVector', n: 5, name: 'x' });
    expect(read('SpatialDropout1D', { rate: 0.2, seed: null, noise_shape: null })).toEqual({ kind: 'spatialDropout1d', rate: 0.2, name: 'x' });
    expect(read('GaussianNoise', { stddev: 0.1, seed: null })).toEqual({ kind: 'gaussianNoise', stddev: 0.1, name: 'x' });
    expect(read('Activation', { activation: 'hard_sigmoid' }, keras3)).toEqual({ kind: 'activation', activation: 'hardSigmoidKeras3', name: 'x' });
    expect(read('Activation', { activation: 'hard_sigmoid' }, keras2)).toEqual({ kind: 'activation', activation: 'hardSigmoidKeras2', name: 'x' });
    expect(read('Dense', { units: 3, activation: 'leaky_relu' })).toMatchObject({ kind: 'dense', activation: 'leakyRelu' });
    expect(read('Dense', { units: 3, activation: 'gelu_new' })).toMatchObject({ kind: 'dense', activation: 'geluNew' });
    expect(() => read('Dense', { units: 3, activation: 'glu' })).toThrow(/layer 'x' \(Dense\): activation 'glu' is not supported as a layer activation \(it halves the last axis\)/);
    expect(() => read('Reshape', { target_shape: 4 })).toThrow(/layer 'x' \(Reshape\): config.target_shape must be a list of sizes, got 4/);
    expect(() => read('Nope', {})).toThrow(/supported: .*Activation, RepeatVector, Reshape, Permute, SpatialDropout1D, GaussianNoise, ZeroPadding1D, Cropping1D, UpSampling1D/);
    const specs: LayerSpec[] = [activation('logSoftmax'), repeatVector(2), reshape([-1, 2]), permute([2, 1]), spatialDropout1d(0.1), gaussianNoise(0.2), zeroPadding1d([1, 2]), cropping1d([0, 1]), upSampling1d(3)];
    for (const spec of specs) {
      const json = JSON.parse(JSON.stringify(layerToKeras(spec, 'x'))) as { class_name: string; config: Record<string, unknown> };
      expect(read(json.class_name, json.config, keras2)).toEqual({ ...spec, name: 'x' });
    }
    expect(layerToKeras(activation('logSoftmax'), 'x').config['activation']).toBe('log_softmax');
    expect(() => layerToKeras(activation('hardSigmoidKeras3'), 'x')).toThrow(/layer 'x': Keras 3's hard sigmoid/);
  });

  describe('models', () => {
    const T = 5;
    const F = 3;
    const x3 = (): Tensor => tensor(Float32Array.from(seeded(2 * T * F, 6)), [2, T, F]);

    test('an LSTM autoencoder (lstm → repeatVector → lstm → timeDistributed(dense)) exports to tfjs-layers with the same predictions, and trains', async () => {
      const model = sequential([lstm({ units: 4 }), repeatVector(T), lstm({ units: 4, returnSequences: true }), timeDistributed(dense({ units: F }))], { inputShape: [T, F], seed: 2 });
      expect(model.layers.map((l) => l.name)).toEqual(['lstm', 'repeat_vector', 'lstm_1', 'time_distributed']);
      expect(model.layers.map((l) => l.outputShape)).toEqual([[null, 4], [null, T, 4], [null, T, 4], [null, T, F]]);
      const theirs = await tfl.loadLayersModel(tfc.io.fromMemory(toLayersArtifacts(model) as unknown as tfc.io.ModelArtifacts));
      expect(theirs.countParams()).toBe(model.countParams());
      const x = x3();
      const ours = model.apply(x, { training: false });
      const expected = theirs.predict(x) as Tensor;
      expectClose(ours, expected, { rtol: 1e-5, atol: 1e-5 }, 'autoencoder vs tfjs-layers');
      // gradients reach the encoder through RepeatVector
      const step = (): void => {
        tidy(() => {
          const { grads } = tfc.variableGrads(() => sum(mul(model.apply(x, { training: true }), model.apply(x, { training: true }))) as tfc.Scalar);
          const g = grads[model.params['lstm/wxh']!.name]!;
          expect(sum(mul(g, g)).dataSync()[0]).toBeGreaterThan(0);
        });
      };
      await expectNoLeaks(step, 2, 'autoencoder training step');
      dispose([x, ours, expected]);
      theirs.dispose();
      model.dispose();
    });

    test('a model with Permute, Reshape, Activation, SpatialDropout1D and GaussianNoise round-trips through tfjs-layers both ways', async () => {
      const model = sequential(
        [
          permute([2, 1]),
          reshape([-1, 5]),
          spatialDropout1d(0.3),
          dense({ units: 4 }),
          activation('gelu'),
          gaussianNoise(0.2),
          dense({ units: 6, activation: 'silu' }),
          activation('logSoftmax'),
        ],
        { inputShape: [T, F], seed: 4 },
      );
      expect(model.layers.map((l) => l.outputShape)).toEqual([[null, F, T], [null, F, 5], [null, F, 5], [null, F, 4], [null, F, 4], [null, F, 4], [null, F, 6], [null, F, 6]]);
      const artifacts = toLayersArtifacts(model);
      const theirs = await tfl.loadLayersModel(tfc.io.fromMemory(artifacts as unknown as tfc.io.ModelArtifacts));
      const x = x3();
      const ours = model.apply(x, { training: false });
      const expected = theirs.predict(x) as Tensor;
      expectClose(ours, expected, { rtol: 1e-5, atol: 1e-5 }, 'rnnkit → tfjs-layers');
      // and back: the file tfjs-layers writes loads here with the same predictions
      const back = fromLayersArtifacts(await saveTfjs(theirs));
      expect(back.layers.map((l) => l.spec)).toEqual(model.layers.map((l) => ({ ...l.spec, name: l.name })));
      const again = back.apply(x, { training: false });
      expectClose(again, ours, { rtol: 0, atol: 0 }, 'tfjs-layers → rnnkit');
      dispose([x, ours, expected, again]);
      theirs.dispose();
      back.dispose();
      model.dispose();
    });

    test('a tfjs-layers-built model with these layers loads through fromLayersArtifacts with the same predictions', async () => {
      const theirs = tfl.sequential({
        layers: [
          tfl.layers.permute({ dims: [2, 1], inputShape: [T, F] }),
          tfl.layers.reshape({ targetShape: [-1, 5] }),
          tfl.layers.spatialDropout1d({ rate: 0.2 }),
          tfl.layers.gaussianNoise({ stddev: 0.5 }),
          tfl.layers.lstm({ units: 4 }),
          tfl.layers.repeatVector({ n: 2 }),
          tfl.layers.activation({ activation: 'hardSigmoid' }),
          tfl.layers.lstm({ units: 3, returnSequences: true }),
          tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 2, activation: 'softsign' }) }),
          tfl.layers.activation({ activation: 'selu' }),
        ],
      });
      const artifacts = await saveTfjs(theirs);
      const ours = fromLayersArtifacts(artifacts);
      expect(ours.layers.map((l) => l.spec.kind)).toEqual(['permute', 'reshape', 'spatialDropout1d', 'gaussianNoise', 'rnn', 'repeatVector', 'activation', 'rnn', 'timeDistributed', 'activation']);
      expect(ours.layers[6]!.spec).toMatchObject({ activation: 'hardSigmoidKeras2' });
      expect(ours.countParams()).toBe(theirs.countParams());
      const x = x3();
      const expected = theirs.predict(x) as Tensor;
      const got = ours.apply(x, { training: false });
      expectClose(got, expected, { rtol: 1e-5, atol: 1e-5 }, 'tfjs-layers → rnnkit');
      dispose([x, expected, got]);
      theirs.dispose();
      ours.dispose();
    });

    test('ZeroPadding1D, Cropping1D, UpSampling1D and the Keras-3-only activations round-trip through tfjs-layers artifacts (read back here)', () => {
      const model = sequential(
        [zeroPadding1d([2, 1]), cropping1d([1, 0]), upSampling1d(2), dense({ units: 3, activation: 'leakyRelu' }), activation('hardSilu'), activation('sparsemax')],
        { inputShape: [T, F], seed: 5 },
      );
      expect(model.layers.map((l) => l.outputShape)).toEqual([[null, T + 3, F], [null, T + 2, F], [null, 2 * (T + 2), F], [null, 2 * (T + 2), 3], [null, 2 * (T + 2), 3], [null, 2 * (T + 2), 3]]);
      const artifacts = toLayersArtifacts(model);
      const classes = (artifacts.modelTopology as { config: { layers: { class_name: string }[] } }).config.layers.map((l) => l.class_name);
      expect(classes).toEqual(['ZeroPadding1D', 'Cropping1D', 'UpSampling1D', 'Dense', 'Activation', 'Activation']);
      const copy = fromLayersArtifacts(artifacts);
      const x = x3();
      const y = model.apply(x, { training: false });
      const again = copy.apply(x, { training: false });
      expectClose(again, y, { rtol: 0, atol: 0 }, 'round trip');
      // sparsemax: every row is on the simplex
      tidy(() => expectClose(sum(y, -1), new Array<number>(2 * 2 * (T + 2)).fill(1), { rtol: 0, atol: 1e-5 }, 'rows sum to 1'));
      dispose([x, y, again]);
      copy.dispose();
      model.dispose();
    });

    test('masks through a model: SpatialDropout1D keeps the embedding mask for the LSTM; ZeroPadding1D drops it (Keras)', () => {
      const ids = tensor2d([[0, 0, 3, 4], [1, 2, 3, 4]], [2, 4], 'int32');
      const keeps = sequential([embedding({ inputDim: 6, outputDim: 3, maskZero: true }), spatialDropout1d(0.5), lstm({ units: 2, returnSequences: true })], { seed: 1 });
      const out = keeps.call(ids, { training: false });
      expect(Array.from(out.mask!.dataSync())).toEqual([0, 0, 1, 1, 1, 1, 1, 1]);
      const drops = sequential([embedding({ inputDim: 6, outputDim: 3, maskZero: true }), zeroPadding1d(1), lstm({ units: 2, returnSequences: true })], { seed: 1 });
      expect(drops.call(ids, { training: false }).mask).toBeNull();
      dispose([ids, out.y, out.mask!]);
      keeps.dispose();
      drops.dispose();
    });
  });

  test('no tensor leaks across the layers, training and inference', () => {
    const before = numTensors();
    const specs: [LayerImpl<never>, unknown, number[]][] = [
      [activationLayer as LayerImpl<never>, activation('sparsemax'), [2, 3, 4]],
      [repeatVectorLayer as LayerImpl<never>, repeatVector(3), [2, 4]],
      [reshapeLayer as LayerImpl<never>, reshape([-1]), [2, 3, 4]],
      [permuteLayer as LayerImpl<never>, permute([2, 1]), [2, 3, 4]],
      [spatialDropout1dLayer as LayerImpl<never>, spatialDropout1d(0.5), [2, 3, 4]],
      [gaussianNoiseLayer as LayerImpl<never>, gaussianNoise(0.5), [2, 3, 4]],
      [zeroPadding1dLayer as LayerImpl<never>, zeroPadding1d(), [2, 3, 4]],
      [cropping1dLayer as LayerImpl<never>, cropping1d(), [2, 3, 4]],
      [upSampling1dLayer as LayerImpl<never>, upSampling1d(), [2, 3, 4]],
    ];
    for (const [impl, spec, shape] of specs) {
      const x = tensor(Float32Array.from(seeded(size(shape), 1)), shape);
      for (const training of [false, true]) {
        const out = impl.apply(spec as never, {}, x, ctx(training, null, 3));
        const g = grad((a: Tensor) => sum(impl.apply(spec as never, {}, a, ctx(training, null, 3)).y))(x);
        dispose([out.y, g]);
      }
      x.dispose();
    }
    expect(numTensors()).toBe(before);
  });
});
