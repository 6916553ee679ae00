import { describeEachBackend, ALL_BACKENDS } from '@rnnkit/testkit';
import { createRng, grad, maxPool, mul, sum, tensor, tidy } from '../index';
import type { Tensor, Tensor4D } from '../index';
import { registerWasmMaxPoolGradKernel, unregisterWasmMaxPoolGradKernel } from './wasm-max-pool-grad';

interface Case {
  readonly shape: [number, number, number, number];
  readonly pool: [number, number];
  readonly strides: [number, number];
  readonly padding: 'valid' | 'same';
  readonly x: Float32Array;
  readonly dy: Float32Array;
}

/** Random shapes, pools, strides and paddings; values from a few levels around 0, so that ties and windows ≤ 0 are common. */
function cases(count: number): Case[] {
  const rng = createRng(5);
  const out: Case[] = [];
  while (out.length < count) {
    const shape: [number, number, number, number] = [1 + rng.int(2), 1 + rng.int(7), 1 + rng.int(7), 1 + rng.int(3)];
    const pool: [number, number] = [1 + rng.int(3), 1 + rng.int(3)];
    const strides: [number, number] = [1 + rng.int(3), 1 + rng.int(3)];
    const padding = rng.int(2) === 0 ? 'valid' : 'same';
    if (padding === 'valid' && (pool[0] > shape[1] || pool[1] > shape[2])) continue;
    const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.int(5) - 3);
    const outSize = (n: number, k: number, s: number): number => (padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1);
    const dy = Float32Array.from({ length: shape[0] * outSize(shape[1], pool[0], strides[0]) * outSize(shape[2], pool[1], strides[1]) * shape[3] }, () => 1 + rng.int(9));
    out.push({ shape, pool, strides, padding, x, dy });
  }
  return out;
}

/** dx by the definition: each window's dy to its first maximum in row-major order, over the real positions. */
function firstMax(c: Case): Float32Array {
  const [B, H, W, C] = c.shape;
  const [ph, pw] = c.pool;
  const [sh, sw] = c.strides;
  const out = (n: number, k: number, s: number): number => (c.padding === 'same' ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1);
  const Ho = out(H, ph, sh);
  const Wo = out(W, pw, sw);
  const before = (n: number, o: number, k: number, s: number): number => (c.padding === 'same' ? Math.floor(Math.max((o - 1) * s + k - n, 0) / 2) : 0);
  const top = before(H, Ho, ph, sh);
  const left = before(W, Wo, pw, sw);
  const dx = new Float32Array(c.x.length);
  for (let b = 0; b < B; b++)
    for (let p = 0; p < Ho; p++)
      for (let q = 0; q < Wo; q++)
        for (let ch = 0; ch < C; ch++) {
          let at = -1;
          for (let i = 0; i < ph; i++)
            for (let j = 0; j < pw; j++) {
              const h = p * sh + i - top;
              const w = q * sw + j - left;
              if (h < 0 || h >= H || w < 0 || w >= W) continue;
              const k = ((b * H + h) * W + w) * C + ch;
              if (at < 0 || c.x[k]! > c.x[at]!) at = k;
            }
          dx[at] = dx[at]! + c.dy[((b * Ho + p) * Wo + q) * C + ch]!;
        }
  return dx;
}

function tfjsGradient(c: Case): number[] {
  return tidy(() => {
    const f = (x: Tensor): Tensor => {
      const y = maxPool(x as Tensor4D, c.pool, c.strides, c.padding);
      return sum(mul(y, tensor(c.dy, y.shape)));
    };
    return Array.from(grad(f)(tensor(c.x, c.shape)).dataSync());
  });
}

describeEachBackend(ALL_BACKENDS, 'MaxPoolGrad', (backend) => {
  it('sends each window’s gradient to its first maximum: 300 random shapes, pools, strides and paddings, with ties and windows ≤ 0', () => {
    for (const c of cases(300)) expect(tfjsGradient(c)).toEqual(Array.from(firstMax(c)));
  });

  it('replaces a faulty kernel on wasm: tfjs-backend-wasm’s own loses windows whose maximum is ≤ 0', () => {
    if (backend !== 'wasm') return;
    const c: Case = { shape: [1, 4, 1, 1], pool: [2, 1], strides: [2, 1], padding: 'valid', x: Float32Array.from([3, 1, -2, -1]), dy: Float32Array.from([1, 1]) };
    expect(tfjsGradient(c)).toEqual([1, 0, 0, 1]);
    unregisterWasmMaxPoolGradKernel();
    try {
      expect(tfjsGradient(c)).not.toEqual([1, 0, 0, 1]);
    } finally {
      registerWasmMaxPoolGradKernel();
    }
    expect(tfjsGradient(c)).toEqual([1, 0, 0, 1]);
  });
});
