import { expectClose } from '@rnnkit/testkit';
import { computeFans, createRng, glorotNormal, glorotUniform, initBackend, matMul, ones, orthogonal, randomUniform, truncatedNormal, zeros } from './index';
import type { Tensor } from './index';

function stats(t: Tensor): { mean: number; variance: number; min: number; max: number } {
  const v = t.dataSync();
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const x of v) {
    sum += x;
    min = Math.min(min, x);
    max = Math.max(max, x);
  }
  const mean = sum / v.length;
  let sq = 0;
  for (const x of v) sq += (x - mean) ** 2;
  return { mean, variance: sq / v.length, min, max };
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('seeded random numbers', () => {
  it('repeat for a seed, differ between seeds, and resume from a saved state', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const first = [a.uniform(), a.uniform(), a.uniform()];
    expect([b.uniform(), b.uniform(), b.uniform()]).toEqual(first);
    expect(c.uniform()).not.toBe(first[0]);
    const saved = a.state();
    const next = [a.uniform(), a.normal()];
    const resumed = createRng(saved);
    expect([resumed.uniform(), resumed.normal()]).toEqual(next);
  });

  it('draws standard normals', () => {
    const rng = createRng(1);
    const n = 200_000;
    let sum = 0;
    let sq = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      sum += z;
      sq += z * z;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.01);
    expect(Math.abs(sq / n - 1)).toBeLessThan(0.01);
  });
});

describe('initialisers (Keras 3 semantics)', () => {
  it('computes fans like Keras', () => {
    expect(computeFans([7])).toEqual({ fanIn: 7, fanOut: 7 });
    expect(computeFans([32, 128])).toEqual({ fanIn: 32, fanOut: 128 });
    expect(computeFans([3, 3, 8, 16])).toEqual({ fanIn: 72, fanOut: 144 });
  });

  it('glorotUniform stays within ±√(6/(in+out)) with variance 2/(in+out)', () => {
    const t = glorotUniform([200, 300], 1);
    const s = stats(t);
    const limit = Math.sqrt(6 / 500);
    expect(s.min).toBeGreaterThanOrEqual(-limit);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.max).toBeGreaterThan(0.99 * limit);
    expect(Math.abs(s.mean)).toBeLessThan(0.002);
    expect(s.variance / (2 / 500)).toBeCloseTo(1, 1);
    t.dispose();
  });

  it('glorotNormal is truncated at 2σ of its pre-truncation scale and has variance 2/(in+out)', () => {
    const t = glorotNormal([200, 300], 2);
    const s = stats(t);
    const stddev = Math.sqrt(2 / 500) / 0.8796256610342398;
    expect(Math.max(-s.min, s.max)).toBeLessThanOrEqual(2 * stddev + 1e-6);
    expect(s.variance / (2 / 500)).toBeCloseTo(1, 1);
    t.dispose();
  });

  it('randomUniform and truncatedNormal respect their bounds', () => {
    const u = stats(randomUniform(-0.05, 0.05)([10_000, 32], 3));
    expect(u.min).toBeGreaterThanOrEqual(-0.05);
    expect(u.max).toBeLessThan(0.05);
    expect(u.variance).toBeCloseTo(0.1 ** 2 / 12, 4);
    const n = stats(truncatedNormal(1, 0.5)([100_000], 4));
    expect(n.min).toBeGreaterThanOrEqual(0);
    expect(n.max).toBeLessThanOrEqual(2);
    expect(n.mean).toBeCloseTo(1, 2);
    expect(() => randomUniform(1, 1)).toThrow('randomUniform: minval must be below maxval, got 1 and 1');
  });

  it('orthogonal gives orthonormal rows or columns, scaled by gain, for square, tall and wide shapes', () => {
    for (const [rows, cols] of [[32, 32], [64, 16], [16, 64], [32, 128]] as const) {
      const q = orthogonal(1.5)([rows, cols], 5);
      const gram = rows >= cols ? matMul(q, q, true, false) : matMul(q, q, false, true); // QᵀQ or QQᵀ
      const k = Math.min(rows, cols);
      const identity = Float32Array.from({ length: k * k }, (_, i) => (Math.floor(i / k) === i % k ? 2.25 : 0));
      expectClose(gram, identity, { rtol: 0, atol: 1e-5 }, `orthogonal [${rows}, ${cols}]`);
      q.dispose();
      gram.dispose();
    }
  });

  it('gives one result per seed and another for another seed', () => {
    for (const init of [glorotUniform, glorotNormal, orthogonal(), randomUniform()]) {
      const a = init([8, 12], 99);
      const b = init([8, 12], 99);
      const c = init([8, 12], 100);
      expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
      expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
      for (const t of [a, b, c]) t.dispose();
    }
  });

  it('zeros and ones, and shape errors that say what was given', () => {
    expect(Array.from(zeros([2, 2], 0).dataSync())).toEqual([0, 0, 0, 0]);
    expect(Array.from(ones([3], 0).dataSync())).toEqual([1, 1, 1]);
    expect(() => glorotUniform([2, -1], 0)).toThrow('randomUniform: shape must be an array of non-negative integers, got [2,-1]');
    expect(() => orthogonal()([4], 0)).toThrow('orthogonal: shape must have rank ≥ 2, got [4]');
  });
});
