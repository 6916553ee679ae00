/**
 * The kernel's one-row step (assembly/step.ts): `rowProduct` against a float64 reference (and the
 * same bits as a one-row `gemm`, whose summation order it keeps), over 8-row blocks, a 4-row
 * block and absent or present C0; `lstmStep` against the float64 LSTM equations (and the same bits
 * as a one-row, one-step `lstmForward`).
 *
 * Shapes: rowProduct c[N] = c0[N] + x[K]·B[K, N] (K, N multiples of 4); lstmStep h0, c0 [H],
 * p [4H], w [H, 4H] → h1, c1 [H].
 * Tolerance: the float32 summation bound (k + 2)·2⁻²⁴·Σ|terms| for the product; 1e-6 for the LSTM.
 */
import { ACTIVATION_CODES } from './activation-codes';
import { recurrenceKernel } from './kernel-module';
import { place, read } from './layout';
import { uniformValues } from '../test-utils';


const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

describe('kernel rowProduct', () => {
  test.each([
    [4, 4, false],
    [12, 8, true],
    [20, 36, true], // 8-row blocks and a 4-row block
    [68, 128, true], // a head: [1, 128]·[128, 68]
    [512, 128, true], // the LSTM-128 step
    [44, 12, false],
  ])('c[%i] = c0 + x·B over k = %i (c0 %s) within the float32 summation bound, the bits of gemm', (n, k, withC0) => {
    const kernel = recurrenceKernel()!;
    const x = uniformValues(k, 1), b = uniformValues(k * n, 2);
    const c0 = withC0 ? uniformValues(n, 3) : null;
    const { pointers } = place(kernel, [x, b, c0, n, n]);
    const [px, pb, pc0, pc, pg] = pointers as [number, number, number, number, number];
    kernel.rowProduct(n, k, px, pb, n, pc0, pc);
    kernel.gemm(1, n, k, px, k, pb, n, pc0, 0, pg, n);
    const got = read(kernel, pc, n);
    expect(got).toEqual(read(kernel, pg, n));
    const unit = (k + 2) * 2 ** -24;
    for (let j = 0; j < n; j++) {
      let sum = c0 === null ? 0 : c0[j]!, abs = Math.abs(sum);
      for (let q = 0; q < k; q++) {
        sum += x[q]! * b[q * n + j]!;
        abs += Math.abs(x[q]! * b[q * n + j]!);
      }
      expect(Math.abs(got[j]! - sum)).toBeLessThanOrEqual(unit * abs);
    }
  });
});

describe('kernel lstmStep', () => {
  test.each([8, 16, 36])('H = %i matches the float64 LSTM step and lstmForward bit for bit', (h) => {
    const kernel = recurrenceKernel()!;
    const n = 4 * h;
    const p = uniformValues(n, 4), h0 = uniformValues(h, 5), c0 = uniformValues(h, 6), w = uniformValues(h * n, 7).map((v) => v / 4);
    const { pointers } = place(kernel, [p, h0, c0, w, h, h, n, h, h, n, h, h]);
    const [pp, ph0, pc0, pw, ph1, pc1, pz, fh, fc, fg, fk, fs] = pointers as [number, number, number, number, number, number, number, number, number, number, number, number];
    const { tanh } = ACTIVATION_CODES;
    const recAct = ACTIVATION_CODES.sigmoid;
    kernel.lstmStep(h, tanh, recAct, pp, ph0, pc0, pw, ph1, pc1, pz);
    kernel.lstmForward(1, 1, h, tanh, recAct, pp, ph0, pc0, pw, 0, 0, fh, fc, fg, fk, fs);
    const h1 = read(kernel, ph1, h), c1 = read(kernel, pc1, h);
    expect(h1).toEqual(read(kernel, fh, h));
    expect(c1).toEqual(read(kernel, fc, h));
    for (let j = 0; j < h; j++) {
      const z = [0, 1, 2, 3].map((g) => {
        let a = p[g * h + j]!;
        for (let i = 0; i < h; i++) a += h0[i]! * w[i * n + g * h + j]!;
        return a;
      });
      const c = sigmoid(z[1]!) * c0[j]! + sigmoid(z[0]!) * Math.tanh(z[2]!);
      expect(Math.abs(c1[j]! - c)).toBeLessThan(1e-6);
      expect(Math.abs(h1[j]! - sigmoid(z[3]!) * Math.tanh(c))).toBeLessThan(1e-6);
    }
  });
});
