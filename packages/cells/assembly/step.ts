/**
 * One step of one row (batch-1 generation), whose products are a row times a matrix,
 * x[K]·Bm[K, N]. Shapes: K inner width and N outputs (multiples of 4, as every padded width), H
 * units (padded to a multiple of 4).
 *
 *   rowProduct:  c[N] = c0[N] + x[K]·Bm[K, N]      (c0 = 0 when its pointer is 0)
 *   lstmStep:    z = p + h0·W;  gates as `lstmForward`;  c1 = f ⊙ c0 + i ⊙ g;  h1 = o ⊙ act(c1)
 *
 * rowProduct walks Bm row by row, 8 rows at a time, adding into c in memory: every element of c
 * is an independent chain, where `gemm`'s one-row tile (4 accumulators down a column tile) waits
 * on each add of its accumulators. Each output is still summed over k from k = 0 up, starting from
 * 0, and c0 added last: `gemm`'s order, so the results are the same bits as a one-row `gemm` (and
 * lstmStep's as a one-row, one-step `lstmForward`'s). Measured on Node 20 (x64, AMD EPYC): the
 * product [1, 132]·[132, 528] 3.84 → 3.48 µs against `gemm`; the LSTM-128 step 4.27 µs (`lstmForward`,
 * Hp = 132) → 3.7 µs (lstmStep, Hp = 128).
 */
import { at } from './common';
import { activateGates } from './lstm';
import { activate4, flush } from './simd';

/** c = c0 + x·Bm, see the file comment. Pointers in bytes, `ldb` in floats. */
export function rowProduct(n: i32, k: i32, x: usize, b: usize, ldb: i32, c0: usize, c: usize): void {
  const lb = <usize>ldb << 2;
  const bytes = <usize>n << 2;
  memory.fill(c, 0, bytes);
  let q = 0;
  let row = b;
  for (; q + 8 <= k; q += 8) {
    const x0 = v128.load32_splat(at(x, q)), x1 = v128.load32_splat(at(x, q + 1));
    const x2 = v128.load32_splat(at(x, q + 2)), x3 = v128.load32_splat(at(x, q + 3));
    const x4 = v128.load32_splat(at(x, q + 4)), x5 = v128.load32_splat(at(x, q + 5));
    const x6 = v128.load32_splat(at(x, q + 6)), x7 = v128.load32_splat(at(x, q + 7));
    for (let j: usize = 0; j < bytes; j += 16) {
      let s = v128.load(c + j);
      s = f32x4.add(s, f32x4.mul(x0, v128.load(row + j)));
      s = f32x4.add(s, f32x4.mul(x1, v128.load(row + lb + j)));
      s = f32x4.add(s, f32x4.mul(x2, v128.load(row + 2 * lb + j)));
      s = f32x4.add(s, f32x4.mul(x3, v128.load(row + 3 * lb + j)));
      s = f32x4.add(s, f32x4.mul(x4, v128.load(row + 4 * lb + j)));
      s = f32x4.add(s, f32x4.mul(x5, v128.load(row + 5 * lb + j)));
      s = f32x4.add(s, f32x4.mul(x6, v128.load(row + 6 * lb + j)));
      s = f32x4.add(s, f32x4.mul(x7, v128.load(row + 7 * lb + j)));
      v128.store(c + j, s);
    }
    row += 8 * lb;
  }
  for (; q + 4 <= k; q += 4) {
    const x0 = v128.load32_splat(at(x, q)), x1 = v128.load32_splat(at(x, q + 1));
    const x2 = v128.load32_splat(at(x, q + 2)), x3 = v128.load32_splat(at(x, q + 3));
    for (let j: usize = 0; j < bytes; j += 16) {
      let s = v128.load(c + j);
      s = f32x4.add(s, f32x4.mul(x0, v128.load(row + j)));
      s = f32x4.add(s, f32x4.mul(x1, v128.load(row + lb + j)));
      s = f32x4.add(s, f32x4.mul(x2, v128.load(row + 2 * lb + j)));
      s = f32x4.add(s, f32x4.mul(x3, v128.load(row + 3 * lb + j)));
      v128.store(c + j, s);
    }
    row += 4 * lb;
  }
  if (c0 != 0) for (let j: usize = 0; j < bytes; j += 16) v128.store(c + j, f32x4.add(v128.load(c0 + j), v128.load(c + j)));
}

/**
 * p [4H] (x·Wxh + b), h0, c0 [H], w [H, 4H] → h1, c1 [H]; z [4H] scratch (the activated gates).
 * `lstmForward` for one row and one step, with no mask.
 */
export function lstmStep(units: i32, act: i32, recAct: i32, p: usize, h0: usize, c0: usize, w: usize, h1: usize, c1: usize, z: usize): void {
  rowProduct(4 * units, units, h0, w, 4 * units, p, z);
  activateGates(act, recAct, units, z);
  for (let j = 0; j < units; j += 4) {
    const i = v128.load(at(z, j)), f = v128.load(at(z, units + j));
    const g = v128.load(at(z, 2 * units + j)), o = v128.load(at(z, 3 * units + j));
    const c = f32x4.add(f32x4.mul(f, v128.load(at(c0, j))), f32x4.mul(i, g));
    v128.store(at(c1, j), flush(c));
    v128.store(at(h1, j), flush(f32x4.mul(o, activate4(act, c))));
  }
}
