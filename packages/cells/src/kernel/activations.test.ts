/** The kernel's f32x4 activations against float64 references, and its generated module's freshness. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ACTIVATION_NAMES } from '../activations';
import type { ActivationName } from '../activations';
import { ACTIVATION_CODES } from './activation-codes';
import { recurrenceKernel } from './kernel-module';
import { place, read } from './layout';

const reference: Record<ActivationName, (x: number) => number> = {
  tanh: Math.tanh,
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  relu: (x) => Math.max(x, 0),
  linear: (x) => x,
  // float32 steps, as tfjs and the kernel evaluate them (0.2·x + 0.5 cancels near x = −2.5)
  hardSigmoidKeras2: (x) => Math.min(1, Math.max(0, Math.fround(Math.fround(Math.fround(0.2) * x) + 0.5))),
  hardSigmoidKeras3: (x) => Math.min(1, Math.max(0, Math.fround(Math.fround(Math.fround(1 / 6) * x) + 0.5))),
};

/** A dense grid over [−20, 20] (denser near 0), tiny magnitudes, and the clamping range's ends. */
function grid(): Float32Array {
  const values: number[] = [0, -0, 1e-30, -1e-30, 1e-20, 1e-7, -3e-5, 87, -87, 88, -88, 100, -100, 1e4, -1e4];
  for (let i = -200_000; i < 200_000; i++) values.push(i * 1e-4);
  for (let i = -4000; i <= 4000; i++) values.push(i * 5e-3 + 1e-3 * Math.sin(i));
  while (values.length % 4 !== 0) values.push(0.5);
  return Float32Array.from(values);
}

function run(kind: 'activateInPlace' | 'activationGradInPlace', name: ActivationName, x: Float32Array): Float32Array {
  const kernel = recurrenceKernel()!;
  const [ptr] = place(kernel, [x]).pointers;
  kernel[kind](ACTIVATION_CODES[name], ptr!, x.length);
  return read(kernel, ptr!, x.length);
}

describe('kernel activations', () => {
  const x = grid();
  for (const name of ACTIVATION_NAMES) {
    test(`${name}: relative error ≤ 1e-6 (absolute ≤ 1e-30 near 0, the flush)`, () => {
      const y = run('activateInPlace', name, x);
      let worst = 0;
      let at = 0;
      for (let i = 0; i < x.length; i++) {
        const exact = reference[name](x[i]!);
        const err = Math.abs(y[i]! - exact) / Math.max(Math.abs(exact), 1e-24);
        if (err > worst) [worst, at] = [err, x[i]!];
      }
      expect([name, at, worst < 1e-6]).toEqual([name, at, true]);
    });
  }

  test('derivatives from the output', () => {
    const y = Float32Array.from([0, 0.25, 0.5, 0.999, 1, -0.5, 2, 1e-3]);
    const slope2 = Math.fround(0.2);
    const slope3 = Math.fround(1 / 6);
    const expected: Record<ActivationName, number[]> = {
      tanh: [...y].map((v) => 1 - v * v),
      sigmoid: [...y].map((v) => v * (1 - v)),
      relu: [...y].map((v) => (v > 0 ? 1 : 0)),
      linear: [...y].map(() => 1),
      hardSigmoidKeras2: [...y].map((v) => (v > 0 && v < 1 ? slope2 : 0)),
      hardSigmoidKeras3: [...y].map((v) => (v > 0 && v < 1 ? slope3 : 0)),
    };
    for (const name of ACTIVATION_NAMES) {
      const got = [...run('activationGradInPlace', name, y)];
      got.forEach((g, i) => expect([name, i, Math.abs(g - expected[name][i]!) <= 1e-7]).toEqual([name, i, true]));
    }
  });

  test('NaN propagates', () => {
    for (const name of ACTIVATION_NAMES) {
      if (name === 'relu' || name.startsWith('hard')) continue; // clamps may map NaN to a bound, as tfjs' clip does
      expect(Number.isNaN(run('activateInPlace', name, Float32Array.from([NaN, 0, 0, 0]))[0])).toBe(true);
    }
  });
});

test('the generated kernel module is up to date with assembly/ (node scripts/build-kernel.mjs --check)', () => {
  const packageDir = join(__dirname, '..', '..');
  expect(() => execFileSync(process.execPath, [join(packageDir, 'scripts', 'build-kernel.mjs'), '--check'], { cwd: packageDir, stdio: 'pipe' })).not.toThrow();
});
