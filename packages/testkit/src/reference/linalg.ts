/**
 * The few float64 matrix products the reference cells need, on flat row-major arrays.
 * `a [rows, inner]`, `w [inner, cols]`, `d [rows, cols]`.
 */

/** `a·w` as a new `[rows, cols]` array, plus `bias [cols]` on every row when given. */
export function matmul(a: Float64Array, w: Float64Array, rows: number, inner: number, cols: number, bias?: Float64Array): Float64Array {
  const out = new Float64Array(rows * cols);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      let s = bias === undefined ? 0 : bias[j]!;
      for (let k = 0; k < inner; k++) s += a[r * inner + k]! * w[k * cols + j]!;
      out[r * cols + j] = s;
    }
  }
  return out;
}

/** `d·wᵀ` as a new `[rows, inner]` array: the gradient flowing back through `a·w` into `a`. */
export function matmulTransposed(d: Float64Array, w: Float64Array, rows: number, inner: number, cols: number): Float64Array {
  const out = new Float64Array(rows * inner);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < inner; k++) {
      let s = 0;
      for (let j = 0; j < cols; j++) s += d[r * cols + j]! * w[k * cols + j]!;
      out[r * inner + k] = s;
    }
  }
  return out;
}

/** `dw += aᵀ·d`: the gradient flowing back through `a·w` into `w [inner, cols]`. */
export function addTransposedProduct(dw: Float64Array, a: Float64Array, d: Float64Array, rows: number, inner: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < inner; k++) {
      const ak = a[r * inner + k]!;
      for (let j = 0; j < cols; j++) dw[k * cols + j] = dw[k * cols + j]! + ak * d[r * cols + j]!;
    }
  }
}

/** `db[offset + j] = db[offset + j]! + Σ_r d[r, j]`: the gradient of a bias added to every row. */
export function addColumnSums(db: Float64Array, d: Float64Array, rows: number, cols: number, offset = 0): void {
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) db[offset + j] = db[offset + j]! + d[r * cols + j]!;
  }
}

/** Element-wise `a + b` into a new array. */
export function addArrays(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + b[i]!;
  return out;
}
