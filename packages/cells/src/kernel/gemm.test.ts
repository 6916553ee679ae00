/**
 * The kernel's dense products against float64 references: `gemm` over register-tile edges, strides,
 * broadcast and absent C0; `weightGrad` over one and several blocks of steps (the block size follows
 * batch·n, so large products run several blocks, the last one shorter) and one step per block.
 *
 * Shapes: gemm C[m, n] = C0[m, n] + A[m, k]·B[k, n]; weightGrad out [m, n] = aT [m, T·B]·d [T·B, n].
 * Tolerance: the float32 summation bound (k + 2)·2⁻²⁴·Σ|terms| per element.
 */
import { recurrenceKernel } from './kernel-module';
import { place, read } from './layout';
import { uniformValues } from '../test-utils';


/** The first element where |got − want| exceeds the summation bound, or null. */
function firstMiss(got: Float32Array, want: Float64Array, scale: Float64Array, k: number): string | null {
  const unit = (k + 2) * 2 ** -24;
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i]! - want[i]!) <= unit * scale[i]!)) return `element ${i}: ${got[i]} vs ${want[i]} (bound ${unit * scale[i]!})`;
  }
  return null;
}

interface GemmCase {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** 'none': C0 absent; 'full': C0 [m, n]; 'row': one row broadcast (ldc0 = 0). */
  readonly c0: 'none' | 'full' | 'row';
  /** Extra floats per row of A, B, C0 and C beyond what is used. */
  readonly pad: number;
}

function checkGemm({ m, n, k, c0, pad }: GemmCase): string | null {
  const kernel = recurrenceKernel()!;
  const lda = k + pad, ldb = n + pad, ldc = n + pad;
  const ldc0 = c0 === 'row' ? 0 : n + pad;
  const a = uniformValues(m * lda, 1), b = uniformValues(k * ldb, 2);
  const c0Values = c0 === 'none' ? null : uniformValues(c0 === 'row' ? n : m * ldc0, 3);
  const { pointers } = place(kernel, [a, b, c0Values, m * ldc]);
  const [pa, pb, pc0, pc] = pointers as [number, number, number, number];
  kernel.gemm(m, n, k, pa, lda, pb, ldb, pc0, ldc0, pc, ldc);
  const c = read(kernel, pc, m * ldc);
  const got = new Float32Array(m * n), want = new Float64Array(m * n), scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      const base = c0Values === null ? 0 : c0Values[i * ldc0 + j]!;
      let sum = base, abs = Math.abs(base);
      for (let q = 0; q < k; q++) {
        const t = a[i * lda + q]! * b[q * ldb + j]!;
        sum += t;
        abs += Math.abs(t);
      }
      got[i * n + j] = c[i * ldc + j]!;
      want[i * n + j] = sum;
      scale[i * n + j] = abs;
    }
  }
  return firstMiss(got, want, scale, k);
}

function checkWeightGrad(steps: number, batch: number, m: number, n: number, ldd: number): string | null {
  const kernel = recurrenceKernel()!;
  const rows = steps * batch;
  const aT = uniformValues(m * rows, 4), d = uniformValues(rows * ldd, 5);
  const { pointers } = place(kernel, [aT, d, m * n]);
  const [pa, pd, po] = pointers as [number, number, number];
  kernel.weightGrad(steps, batch, m, n, pa, pd, ldd, po, n);
  const got = read(kernel, po, m * n);
  const want = new Float64Array(m * n), scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = 0, abs = 0;
      for (let r = 0; r < rows; r++) {
        const t = aT[i * rows + r]! * d[r * ldd + j]!;
        sum += t;
        abs += Math.abs(t);
      }
      want[i * n + j] = sum;
      scale[i * n + j] = abs;
    }
  }
  return firstMiss(got, want, scale, rows);
}

describe('kernel gemm', () => {
  const cases: GemmCase[] = [];
  for (const m of [1, 3, 4, 5, 9]) {
    for (const n of [4, 8, 12, 16, 20, 36, 64]) {
      for (const k of [1, 7, 64]) cases.push({ m, n, k, c0: 'none', pad: 0 });
    }
  }
  cases.push({ m: 13, n: 44, k: 33, c0: 'full', pad: 0 }, { m: 13, n: 44, k: 33, c0: 'row', pad: 0 });
  cases.push({ m: 6, n: 28, k: 17, c0: 'full', pad: 5 }, { m: 2, n: 52, k: 9, c0: 'row', pad: 3 });
  cases.push({ m: 64, n: 512, k: 128, c0: 'full', pad: 0 }); // one LSTM-128 step of a 64-row part
  cases.push({ m: 257, n: 20, k: 300, c0: 'full', pad: 1 }); // tall, long k: 4-row tiles, a 4-column edge, one odd row

  test.each(cases)('C[$m, $n] = C0 ($c0) + A·B over k = $k (row padding $pad) within the float32 summation bound', (c) => {
    expect(checkGemm(c)).toBeNull();
  });
});

describe('kernel weightGrad', () => {
  test.each([
    // [steps, batch, m, n, ldd]: one block; several (the last shorter); one step per block; strided d
    [3, 5, 4, 8, 8],
    [40, 64, 8, 128, 128], // 16 steps per block: blocks of 16, 16, 8 steps
    [7, 33, 5, 512, 512], // 7 steps per block … exactly one
    [9, 30, 4, 512, 512], // 8 steps per block: 8 + 1
    [3, 300, 4, 512, 512], // batch·n > the block: one step per block
    [300, 16, 8, 64, 200], // d's rows wider than the columns used (a GRU gate block): blocks of 128, 128, 44 steps
  ])('%i steps × batch %i, out [%i, %i] (ldd %i) within the float32 summation bound', (steps, batch, m, n, ldd) => {
    expect(checkWeightGrad(steps, batch, m, n, ldd)).toBeNull();
  });
});
