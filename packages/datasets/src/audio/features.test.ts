import { readFileSync } from 'node:fs';
import { fixture } from '../test-fixtures';
import { fftPlan, powerSpectrum } from './fft';
import { featureExtractor, hzToMel, melToHz } from './features';
import type { FeatureOptions } from './features';
import { fitFeatureNormalizer, normalizeFeatures } from './normalize';

interface Case {
  readonly name: string;
  readonly options: FeatureOptions;
  readonly samples: number;
  readonly frames: number;
  readonly logMel: number[];
  readonly mfcc: number[];
}
const reference = JSON.parse(readFileSync(fixture('mfcc', 'mfcc-reference.json'), 'utf8')) as { signal: number[]; cases: Case[] };
const signal = Float32Array.from(reference.signal);

function maxError(actual: Float32Array, expected: readonly number[]): number {
  expect(actual).toHaveLength(expected.length);
  let worst = 0;
  actual.forEach((v, i) => {
    worst = Math.max(worst, Math.abs(v - expected[i]!) / (1 + Math.abs(expected[i]!)));
  });
  return worst;
}

describe('log-mel and MFCC against numpy (scripts/make_mfcc_fixture.py)', () => {
  test.each(reference.cases)('$name', (c) => {
    const fx = featureExtractor(c.options);
    const x = signal.subarray(0, c.samples);
    const logMel = fx.logMel(x);
    const mfcc = fx.mfcc(x);
    expect(logMel.frames).toBe(c.frames);
    expect(mfcc.features).toBe(c.options.coefficients);
    expect(maxError(logMel.data, c.logMel)).toBeLessThan(1e-6);
    expect(maxError(mfcc.data, c.mfcc)).toBeLessThan(1e-6);
  });

  test('negative control: another window length misses the reference', () => {
    const c = reference.cases[0]!;
    const fx = featureExtractor({ ...c.options, frameLength: 190 });
    expect(maxError(fx.logMel(signal).data.subarray(0, 40), c.logMel.slice(0, 40))).toBeGreaterThan(1e-2);
  });
});

describe('pieces', () => {
  test('the FFT power spectrum of a cosine has one peak of (N/2)², nothing elsewhere', () => {
    const n = 64;
    const x = Float64Array.from({ length: n }, (_, i) => Math.cos((2 * Math.PI * 5 * i) / n));
    const p = new Float64Array(n / 2 + 1);
    powerSpectrum(fftPlan(n), x, p, new Float64Array(n), new Float64Array(n));
    expect(p[5]).toBeCloseTo((n / 2) ** 2, 8);
    expect(p.reduce((a, v, k) => (k === 5 ? a : a + v), 0)).toBeLessThan(1e-18);
    expect(() => fftPlan(48)).toThrow(/power of two/);
  });

  test('mel scale round-trips; defaults are 25 ms / 10 ms / next power of two', () => {
    expect(melToHz(hzToMel(1234.5))).toBeCloseTo(1234.5, 9);
    expect(hzToMel(1000)).toBeCloseTo(999.99, 1);
    const o = featureExtractor({ sampleRate: 8000 }).options;
    expect([o.frameLength, o.hopLength, o.fftSize, o.melBands, o.coefficients, o.maxFrequency]).toEqual([200, 80, 256, 40, 13, 4000]);
  });

  test('bad options name themselves', () => {
    expect(() => featureExtractor({ sampleRate: 8000, fftSize: 128 })).toThrow(/fftSize must be a power of two ≥ frameLength \(200\), got 128/);
    expect(() => featureExtractor({ sampleRate: 8000, coefficients: 50 })).toThrow(/coefficients \(50\) must not exceed melBands \(40\)/);
    expect(() => featureExtractor({ sampleRate: 8000, maxFrequency: 5000 })).toThrow(/maxFrequency ≤ sampleRate\/2/);
  });
});

describe('normalisation fitted on training frames', () => {
  test('gives zero mean and unit variance on the fitting data, and applies the same μ, σ elsewhere', () => {
    const a = { data: Float32Array.from([1, 10, 3, 20]), frames: 2, features: 2 };
    const b = { data: Float32Array.from([5, 30]), frames: 1, features: 2 };
    const n = fitFeatureNormalizer([a, b]);
    expect(Array.from(n.mean)).toEqual([3, 20]);
    expect(n.std[0]).toBeCloseTo(Math.sqrt(8 / 3), 6);
    const all = [a, b].map((item) => normalizeFeatures(item, n));
    const first = all.flatMap((item) => Array.from(item.data).filter((_, i) => i % 2 === 0));
    expect(first.reduce((s, v) => s + v, 0)).toBeCloseTo(0, 6);
    expect(first.reduce((s, v) => s + v * v, 0) / 3).toBeCloseTo(1, 5);
    const test = normalizeFeatures({ data: Float32Array.from([3, 20]), frames: 1, features: 2 }, n);
    expect(Array.from(test.data)).toEqual([0, 0]);
    expect(() => normalizeFeatures({ data: new Float32Array(3), frames: 1, features: 3 }, n)).toThrow(/normalizer has 2 features, the frames have 3/);
  });
});
