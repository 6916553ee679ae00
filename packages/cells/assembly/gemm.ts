/**
 * Small dense products of the recurrence, row-major f32 with strides in floats:
 *
 *   C[m, n] = C0[m, n] + A[m, k]·Bm[k, n]      (n a multiple of 4)
 *
 * C0 = 0 when its pointer is 0, and `ldc0 = 0` broadcasts one row (a bias). The product is summed
 * over k first and C0 added last, the order of tfjs' `add(p, matMul(h, W))`; every tile below sums
 * each element in that same order, so the tiling never changes a result.
 *
 * Register tiles of 2 rows × 16 columns (8 f32x4 accumulators, 4 loads of Bm and 2 of A per k),
 * with 8- and 4-column edges; for tall products with a long k (m ≥ 256, k > 256: dX = dP·Wxhᵀ)
 * 4 rows × 8 columns (4-column edge), which read Bm half as often; a last odd row (batch-1
 * steps) in tiles of 16 columns (4 independent accumulators), then 8 and 4. Measured on Node 20
 * (V8 11.3) on x64 (mul + add, no FMA in WebAssembly SIMD): 2×16 ran 1–8% faster than 4×8 at
 * the LSTM-128 step and projection shapes and 17% at LSTM-32's dX, [T·B, 128]·[128, 32]; tiles of 12 or 16
 * accumulators, and unrolling k by hand, ran 20–60% slower (V8 hoists the loads and spills
 * accumulators; x64 has 16 xmm registers, one V8's scratch).
 */

// @ts-ignore: decorator
@inline function initial(c0: usize, at: usize): v128 {
  return c0 == 0 ? f32x4.splat(0.0) : v128.load(at);
}

// @ts-ignore: decorator
@inline function tile4x8(k: i32, a: usize, lda: usize, b: usize, ldb: usize, c0: usize, ldc0: usize, c: usize, ldc: usize): void {
  let s00 = f32x4.splat(0.0), s01 = f32x4.splat(0.0), s10 = f32x4.splat(0.0), s11 = f32x4.splat(0.0);
  let s20 = f32x4.splat(0.0), s21 = f32x4.splat(0.0), s30 = f32x4.splat(0.0), s31 = f32x4.splat(0.0);
  let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, pb = b;
  for (let q = 0; q < k; q++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let x = v128.load32_splat(a0);
    s00 = f32x4.add(s00, f32x4.mul(x, b0));
    s01 = f32x4.add(s01, f32x4.mul(x, b1));
    x = v128.load32_splat(a1);
    s10 = f32x4.add(s10, f32x4.mul(x, b0));
    s11 = f32x4.add(s11, f32x4.mul(x, b1));
    x = v128.load32_splat(a2);
    s20 = f32x4.add(s20, f32x4.mul(x, b0));
    s21 = f32x4.add(s21, f32x4.mul(x, b1));
    x = v128.load32_splat(a3);
    s30 = f32x4.add(s30, f32x4.mul(x, b0));
    s31 = f32x4.add(s31, f32x4.mul(x, b1));
    a0 += 4; a1 += 4; a2 += 4; a3 += 4;
    pb += ldb;
  }
  v128.store(c, f32x4.add(initial(c0, c0), s00));
  v128.store(c, f32x4.add(initial(c0, c0 + 16), s01), 16);
  v128.store(c + ldc, f32x4.add(initial(c0, c0 + ldc0), s10));
  v128.store(c + ldc, f32x4.add(initial(c0, c0 + ldc0 + 16), s11), 16);
  v128.store(c + 2 * ldc, f32x4.add(initial(c0, c0 + 2 * ldc0), s20));
  v128.store(c + 2 * ldc, f32x4.add(initial(c0, c0 + 2 * ldc0 + 16), s21), 16);
  v128.store(c + 3 * ldc, f32x4.add(initial(c0, c0 + 3 * ldc0), s30));
  v128.store(c + 3 * ldc, f32x4.add(initial(c0, c0 + 3 * ldc0 + 16), s31), 16);
}

// @ts-ignore: decorator
@inline function tile4x4(k: i32, a: usize, lda: usize, b: usize, ldb: usize, c0: usize, ldc0: usize, c: usize, ldc: usize): void {
  let s0 = f32x4.splat(0.0), s1 = f32x4.splat(0.0), s2 = f32x4.splat(0.0), s3 = f32x4.splat(0.0);
  let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda, pb = b;
  for (let q = 0; q < k; q++) {
    const b0 = v128.load(pb);
    s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(a0), b0));
    s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(a1), b0));
    s2 = f32x4.add(s2, f32x4.mul(v128.load32_splat(a2), b0));
    s3 = f32x4.add(s3, f32x4.mul(v128.load32_splat(a3), b0));
    a0 += 4; a1 += 4; a2 += 4; a3 += 4;
    pb += ldb;
  }
  v128.store(c, f32x4.add(initial(c0, c0), s0));
  v128.store(c + ldc, f32x4.add(initial(c0, c0 + ldc0), s1));
  v128.store(c + 2 * ldc, f32x4.add(initial(c0, c0 + 2 * ldc0), s2));
  v128.store(c + 3 * ldc, f32x4.add(initial(c0, c0 + 3 * ldc0), s3));
}

// @ts-ignore: decorator
@inline function tile2x16(k: i32, a: usize, lda: usize, b: usize, ldb: usize, c0: usize, ldc0: usize, c: usize, ldc: usize): void {
  let s00 = f32x4.splat(0.0), s01 = f32x4.splat(0.0), s02 = f32x4.splat(0.0), s03 = f32x4.splat(0.0);
  let s10 = f32x4.splat(0.0), s11 = f32x4.splat(0.0), s12 = f32x4.splat(0.0), s13 = f32x4.splat(0.0);
  let a0 = a, a1 = a + lda, pb = b;
  for (let q = 0; q < k; q++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16), b2 = v128.load(pb, 32), b3 = v128.load(pb, 48);
    let x = v128.load32_splat(a0);
    s00 = f32x4.add(s00, f32x4.mul(x, b0));
    s01 = f32x4.add(s01, f32x4.mul(x, b1));
    s02 = f32x4.add(s02, f32x4.mul(x, b2));
    s03 = f32x4.add(s03, f32x4.mul(x, b3));
    x = v128.load32_splat(a1);
    s10 = f32x4.add(s10, f32x4.mul(x, b0));
    s11 = f32x4.add(s11, f32x4.mul(x, b1));
    s12 = f32x4.add(s12, f32x4.mul(x, b2));
    s13 = f32x4.add(s13, f32x4.mul(x, b3));
    a0 += 4; a1 += 4;
    pb += ldb;
  }
  v128.store(c, f32x4.add(initial(c0, c0), s00));
  v128.store(c, f32x4.add(initial(c0, c0 + 16), s01), 16);
  v128.store(c, f32x4.add(initial(c0, c0 + 32), s02), 32);
  v128.store(c, f32x4.add(initial(c0, c0 + 48), s03), 48);
  v128.store(c + ldc, f32x4.add(initial(c0, c0 + ldc0), s10));
  v128.store(c + ldc, f32x4.add(initial(c0, c0 + ldc0 + 16), s11), 16);
  v128.store(c + ldc, f32x4.add(initial(c0, c0 + ldc0 + 32), s12), 32);
  v128.store(c + ldc, f32x4.add(initial(c0, c0 + ldc0 + 48), s13), 48);
}

// @ts-ignore: decorator
@inline function tile2x8(k: i32, a: usize, lda: usize, b: usize, ldb: usize, c0: usize, ldc0: usize, c: usize, ldc: usize): void {
  let s00 = f32x4.splat(0.0), s01 = f32x4.splat(0.0), s10 = f32x4.splat(0.0), s11 = f32x4.splat(0.0);
  let a0 = a, a1 = a + lda, pb = b;
  for (let q = 0; q < k; q++) {
    const b0 = v128.load(pb), b1 = v128.load(pb, 16);
    let x = v128.load32_splat(a0);
    s00 = f32x4.add(s00, f32x4.mul(x, b0));
    s01 = f32x4.add(s01, f32x4.mul(x, b1));
    x = v128.load32_splat(a1);
    s10 = f32x4.add(s10, f32x4.mul(x, b0));
    s11 = f32x4.add(s11, f32x4.mul(x, b1));
    a0 += 4; a1 += 4;
    pb += ldb;
  }
  v128.store(c, f32x4.add(initial(c0, c0), s00));
  v128.store(c, f32x4.add(initial(c0, c0 + 16), s01), 16);
  v128.store(c + ldc, f32x4.add(initial(c0, c0 + ldc0), s10));
  v128.store(c + ldc, f32x4.add(initial(c0, c0 + ldc0 + 16), s11), 16);
}

// @ts-ignore: decorator
@inline function tile2x4(k: i32, a: usize, lda: usize, b: usize, ldb: usize, c0: usize, ldc0: usize, c: usize, ldc: usize): void {
  let s0 = f32x4.splat(0.0), s1 = f32x4.splat(0.0);
  let a0 = a, a1 = a + lda, pb = b;
  for (let q = 0; q < k; q++) {
    const b0 = v128.load(pb);
    s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(a0), b0));
    s1 = f32x4.add(s1, f32x4.mul(v128.load32_splat(a1), b0));
    a0 += 4; a1 += 4;
    pb += ldb;
  }
  v128.store(c, f32x4.add(initial(c0, c0), s0));
  v128.store(c + ldc, f32x4.add(initial(c0, c0 + ldc0), s1));
}

// @ts-ignore: decorator
@inline function tile1x16(k: i32, a: usize, b: usize, ldb: usize, c0: usize, c: usize): void {
  let s0 = f32x4.splat(0.0), s1 = f32x4.splat(0.0), s2 = f32x4.splat(0.0), s3 = f32x4.splat(0.0);
  let pa = a, pb = b;
  for (let q = 0; q < k; q++) {
    const x = v128.load32_splat(pa);
    s0 = f32x4.add(s0, f32x4.mul(x, v128.load(pb)));
    s1 = f32x4.add(s1, f32x4.mul(x, v128.load(pb, 16)));
    s2 = f32x4.add(s2, f32x4.mul(x, v128.load(pb, 32)));
    s3 = f32x4.add(s3, f32x4.mul(x, v128.load(pb, 48)));
    pa += 4;
    pb += ldb;
  }
  v128.store(c, f32x4.add(initial(c0, c0), s0));
  v128.store(c, f32x4.add(initial(c0, c0 + 16), s1), 16);
  v128.store(c, f32x4.add(initial(c0, c0 + 32), s2), 32);
  v128.store(c, f32x4.add(initial(c0, c0 + 48), s3), 48);
}

// @ts-ignore: decorator
@inline function tile1x8(k: i32, a: usize, b: usize, ldb: usize, c0: usize, c: usize): void {
  let s0 = f32x4.splat(0.0), s1 = f32x4.splat(0.0);
  let pa = a, pb = b;
  for (let q = 0; q < k; q++) {
    const x = v128.load32_splat(pa);
    s0 = f32x4.add(s0, f32x4.mul(x, v128.load(pb)));
    s1 = f32x4.add(s1, f32x4.mul(x, v128.load(pb, 16)));
    pa += 4;
    pb += ldb;
  }
  v128.store(c, f32x4.add(initial(c0, c0), s0));
  v128.store(c, f32x4.add(initial(c0, c0 + 16), s1), 16);
}

// @ts-ignore: decorator
@inline function tile1x4(k: i32, a: usize, b: usize, ldb: usize, c0: usize, c: usize): void {
  let s0 = f32x4.splat(0.0);
  let pa = a, pb = b;
  for (let q = 0; q < k; q++) {
    s0 = f32x4.add(s0, f32x4.mul(v128.load32_splat(pa), v128.load(pb)));
    pa += 4;
    pb += ldb;
  }
  v128.store(c, f32x4.add(initial(c0, c0), s0));
}

/**
 * Products of at least TALL_M rows with k > LONG_K (dX = dP·Wxhᵀ) run in 4 × 8 tiles, which read Bm
 * half as often as 2 × 16 ones: 1–4% faster there, slower at every other shape measured.
 */
const TALL_M: i32 = 256;
/** See {@link TALL_M}. */
const LONG_K: i32 = 256;

/** C = C0 + A·Bm, see the file comment. Pointers in bytes, strides in floats. */
export function gemm(m: i32, n: i32, k: i32, a: usize, lda: i32, b: usize, ldb: i32, c0: usize, ldc0: i32, c: usize, ldc: i32): void {
  const la = <usize>lda << 2, lb = <usize>ldb << 2, l0 = <usize>ldc0 << 2, lc = <usize>ldc << 2;
  let i = 0;
  if (m >= TALL_M && k > LONG_K) {
    for (; i + 4 <= m; i += 4) {
      const ra = a + <usize>i * la, rc = c + <usize>i * lc;
      const r0: usize = c0 == 0 ? <usize>0 : c0 + <usize>i * l0;
      let j = 0;
      for (; j + 8 <= n; j += 8) {
        const cj = <usize>j << 2;
        tile4x8(k, ra, la, b + cj, lb, r0 == 0 ? <usize>0 : r0 + cj, l0, rc + cj, lc);
      }
      if (j < n) {
        const cj = <usize>j << 2;
        tile4x4(k, ra, la, b + cj, lb, r0 == 0 ? <usize>0 : r0 + cj, l0, rc + cj, lc);
      }
    }
  }
  for (; i + 2 <= m; i += 2) {
    const ra = a + <usize>i * la, rc = c + <usize>i * lc;
    const r0: usize = c0 == 0 ? <usize>0 : c0 + <usize>i * l0;
    let j = 0;
    for (; j + 16 <= n; j += 16) {
      const cj = <usize>j << 2;
      tile2x16(k, ra, la, b + cj, lb, r0 == 0 ? <usize>0 : r0 + cj, l0, rc + cj, lc);
    }
    if (j + 8 <= n) {
      const cj = <usize>j << 2;
      tile2x8(k, ra, la, b + cj, lb, r0 == 0 ? <usize>0 : r0 + cj, l0, rc + cj, lc);
      j += 8;
    }
    if (j < n) {
      const cj = <usize>j << 2;
      tile2x4(k, ra, la, b + cj, lb, r0 == 0 ? <usize>0 : r0 + cj, l0, rc + cj, lc);
    }
  }
  for (; i < m; i++) {
    const ra = a + <usize>i * la, rc = c + <usize>i * lc;
    const r0: usize = c0 == 0 ? <usize>0 : c0 + <usize>i * l0;
    let j = 0;
    for (; j + 16 <= n; j += 16) {
      const cj = <usize>j << 2;
      tile1x16(k, ra, b + cj, lb, r0 == 0 ? <usize>0 : r0 + cj, rc + cj);
    }
    if (j + 8 <= n) {
      const cj = <usize>j << 2;
      tile1x8(k, ra, b + cj, lb, r0 == 0 ? <usize>0 : r0 + cj, rc + cj);
      j += 8;
    }
    if (j < n) {
      const cj = <usize>j << 2;
      tile1x4(k, ra, b + cj, lb, r0 == 0 ? <usize>0 : r0 + cj, rc + cj);
    }
  }
}

/**
 * dst[c, r] = src[r, c] for src [rows, cols]; pointers in bytes. In blocks of 64 source rows, so
 * that reads stay in cache while every write runs along a row of dst.
 */
export function transpose(src: usize, rows: i32, cols: i32, dst: usize): void {
  for (let from = 0; from < rows; from += 64) {
    const to = min(from + 64, rows);
    for (let c = 0; c < cols; c++) {
      const out = dst + ((<usize>c * <usize>rows) << 2);
      for (let r = from; r < to; r++) {
        store<f32>(out + (<usize>r << 2), load<f32>(src + ((<usize>r * <usize>cols + <usize>c) << 2)));
      }
    }
  }
}

/**
 * Rows of d per product in {@link weightGrad}: about 512 KiB of d's used columns, in L2 while its
 * product runs (fewer rows leave more of the time to each product's start and to re-reading out;
 * more spill from L2: 256 rows at n = 512 ran 8–11% faster than one step's 64–128 rows, 2048 rows slower).
 */
const WEIGHT_GRAD_BLOCK_FLOATS: i32 = 1 << 17;

/**
 * out [m, n] = aT·d = Σ_k aT[:, k·B … (k+1)·B)·d[k·B … (k+1)·B, :], with aT [m, T·B] a transposed
 * sequence (hIn or X) and d [T·B, n] (stride ldd): a weight gradient summed a block of steps at a
 * time (as many whole steps as make about {@link WEIGHT_GRAD_BLOCK_FLOATS} floats of d, at least one),
 * so each block of d is read while in cache (tfjs' wasm matmul repacks a fresh [T·B, n] operand
 * on every call, which costs 3–8× more at these shapes). Summation order: each block's rows in
 * order into fresh accumulators, then added to the blocks before it.
 */
export function weightGrad(steps: i32, batch: i32, m: i32, n: i32, aT: usize, d: usize, ldd: i32, out: usize, ldo: i32): void {
  const lda = steps * batch;
  const group = max(1, WEIGHT_GRAD_BLOCK_FLOATS / max(1, batch * n));
  for (let k = 0; k < steps; k += group) {
    const rows = min(group, steps - k) * batch;
    const a = aT + (<usize>(k * batch) << 2);
    const dk = d + ((<usize>(k * batch) * <usize>ldd) << 2);
    gemm(m, n, rows, a, lda, dk, ldd, k == 0 ? <usize>0 : out, ldo, out, ldo);
  }
}

/**
 * out [m, n] = aT·d over `rows` rows: aT [m, lda] (its first `rows` columns), d [rows, n] (stride
 * ldd), summed in blocks of 128 rows (block by block, like {@link weightGrad}), so each block of d
 * is read from cache by every row tile; `rows` = 0 gives zeros.
 */
export function productT(m: i32, n: i32, rows: i32, aT: usize, lda: i32, d: usize, ldd: i32, out: usize, ldo: i32): void {
  if (rows == 0) {
    gemm(m, n, 0, aT, lda, d, ldd, 0, 0, out, ldo);
    return;
  }
  for (let r = 0; r < rows; r += 128) {
    const k = min(128, rows - r);
    gemm(m, n, k, aT + (<usize>r << 2), lda, d + ((<usize>r * <usize>ldd) << 2), ldd, r == 0 ? <usize>0 : out, ldo, out, ldo);
  }
}
