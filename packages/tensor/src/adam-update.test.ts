/**
 * adamUpdate: the fused kernel gives the bits of tfjs' element-wise ops written out here (both
 * forms, every length mod 4, zeros, huge and tiny values, NaN), on cpu and wasm; the op fallback
 * where the kernel is not registered; a float64 check of one step; no leaks.
 */
import { describeEachBackend, expectNoLeaks } from '@rnnkit/testkit';
import { getKernel, unregisterKernel } from '@tensorflow/tfjs-core';
import { add, adamUpdate, createRng, div, getBackend, mul, sqrt, square, sub, tensor1d, tidy } from './index';
import type { AdamConstants, Tensor } from './index';
import { ADAM_KERNEL, registerAdamKernels } from './kernels/adam-kernel';

/** The update as tfjs ops, one by one (what @rnnkit/training's Adam ran before the fused kernel). */
function byOps(w: Tensor, g: Tensor, m: Tensor, v: Tensor, k: AdamConstants): Tensor[] {
  const m1 = add(m, mul(sub(g, m), 1 - k.beta1));
  const v1 = add(v, mul(sub(square(g), v), 1 - k.beta2));
  const step = k.variant === 'keras' ? div(mul(m1, k.a), add(sqrt(v1), k.epsilon)) : mul(div(m1, add(div(sqrt(v1), k.s), k.epsilon)), k.a);
  return [sub(w, step), m1, v1];
}

function values(n: number, seed: number, positive = false): Float32Array {
  const rng = createRng(seed);
  const special = [0, -0, 1e-30, -3e-38, 1e30, 7.5, NaN, 1e-8];
  return Float32Array.from({ length: n }, (_, i) => {
    const x = i % 9 === 8 ? special[(i / 9) % special.length | 0]! : (rng.uniform() - 0.5) * 10 ** (rng.uniform() * 6 - 4);
    return positive ? Math.abs(x) : x;
  });
}

const t = 7;
const forms: AdamConstants[] = [
  { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, a: (1e-3 * Math.sqrt(1 - 0.999 ** t)) / (1 - 0.9 ** t), s: Math.sqrt(1 - 0.999 ** t), variant: 'keras' },
  { beta1: 0.8, beta2: 0.99, epsilon: 1e-8, a: 3e-2 / (1 - 0.8 ** t), s: Math.sqrt(1 - 0.99 ** t), variant: 'paper' },
];

describeEachBackend(['cpu', 'wasm'], 'adamUpdate', () => {
  test.each([1, 2, 3, 4, 5, 6, 7, 8, 13, 1001])('length %i: the bits of the element-wise ops, both forms', (n) => {
    for (const k of forms) {
      tidy(() => {
        const [w, g, m] = [values(n, 1), values(n, 2), values(n, 3)].map((x) => tensor1d(x));
        const v = tensor1d(values(n, 4, true));
        const fused = adamUpdate(w!, g!, m!, v, k);
        const ops = byOps(w!, g!, m!, v, k);
        [fused.w, fused.m, fused.v].forEach((x, i) => expect([k.variant, i, Array.from(x.dataSync())]).toEqual([k.variant, i, Array.from(ops[i]!.dataSync())]));
      });
    }
  });

  test('one step against float64 arithmetic', () => {
    const k = forms[0]!;
    tidy(() => {
      const next = adamUpdate(tensor1d([0.5]), tensor1d([0.2]), tensor1d([0.1]), tensor1d([0.01]), k);
      const m = 0.1 + (0.2 - 0.1) * 0.1;
      const v = 0.01 + (0.04 - 0.01) * 0.001;
      expect(next.m.dataSync()[0]).toBeCloseTo(m, 7);
      expect(next.v.dataSync()[0]).toBeCloseTo(v, 7);
      expect(next.w.dataSync()[0]).toBeCloseTo(0.5 - (m * k.a) / (Math.sqrt(v) + 1e-7), 7);
    });
  });

  test('without the kernel on this backend: the same bits from the ops; and no leaks', async () => {
    const n = 37;
    const run = (): Float32Array[] =>
      tidy(() => {
        const next = adamUpdate(tensor1d(values(n, 5)), tensor1d(values(n, 6)), tensor1d(values(n, 7)), tensor1d(values(n, 8, true)), forms[1]!);
        return [next.w, next.m, next.v].map((x) => x.dataSync() as Float32Array);
      });
    const fused = run();
    await expectNoLeaks(() => tidy(() => void run()), 2, 'adamUpdate');
    expect(getKernel(ADAM_KERNEL, getBackend())).toBeDefined();
    unregisterKernel(ADAM_KERNEL, getBackend());
    try {
      expect(run().map((x) => Array.from(x))).toEqual(fused.map((x) => Array.from(x)));
    } finally {
      registerAdamKernels();
    }
  });
});
