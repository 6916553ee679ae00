/**
 * Pieces every cell's loop shares. Shapes: B batch, T time, H units (a multiple of 4, padded by
 * the TypeScript side). Sequences are time-major: step k is the row block [k·B, (k+1)·B).
 * Pointers are byte addresses; 0 stands for an absent optional input (mask, recurrent mask, bias).
 */
import { flush } from './simd';

/** Byte address of element `index` of an f32 array at `base`. */
// @ts-ignore: decorator
@inline export function at(base: usize, index: i32): usize {
  return base + (<usize>index << 2);
}

/**
 * Copies `bytes` bytes from `src` to `dst` (not overlapping): f32x4 by f32x4 when `bytes` is a
 * multiple of 16 (a kernel row), which is several times faster than `memory.copy`'s call for the
 * short rows of a gather; else `memory.copy`.
 */
// @ts-ignore: decorator
@inline export function copyRow(dst: usize, src: usize, bytes: usize): void {
  if ((bytes & 15) != 0) {
    memory.copy(dst, src, bytes);
    return;
  }
  for (let i: usize = 0; i < bytes; i += 16) v128.store(dst + i, v128.load(src + i));
}

/** The mask value of row b at step k (1 when there is no mask). */
// @ts-ignore: decorator
@inline export function maskAt(mask: usize, batch: i32, k: i32, b: i32): f32 {
  return mask == 0 ? <f32>1.0 : load<f32>(at(mask, k * batch + b));
}

/**
 * h_{t−1} as it enters the recurrent matmul: h ⊙ recurrent-dropout mask [B, H] written to
 * `scratch`, or h itself without a mask.
 */
export function recurrentInput(hPrev: usize, recMask: usize, scratch: usize, count: i32): usize {
  if (recMask == 0) return hPrev;
  for (let i = 0; i < count; i += 4) {
    v128.store(at(scratch, i), f32x4.mul(v128.load(at(hPrev, i)), v128.load(at(recMask, i))));
  }
  return scratch;
}

/**
 * The state carried to the previous step in BPTT:
 *   dh_{k−1} = dhIn ⊙ m_rec + direct + keep·dh + dHs_{k−1}
 * with `direct` the gradient through paths other than the recurrent matmul (GRU's z ⊙ h_{t−1}),
 * keep = 1 − m (present only with a mask), dHs_{k−1} the upstream gradient of the previous step's
 * output (absent at k = 0, and when only the final state is used: dHs = 0). Overwrites dh [B, H]; the terms are added in the tfjs-op path's order.
 */
export function carryHiddenGrad(
  batch: i32, units: i32, k: i32, dhIn: usize, recMask: usize, direct: usize, mask: usize, dh: usize, dHs: usize,
): void {
  const stepFloats = batch * units;
  for (let b = 0; b < batch; b++) {
    const keep = f32x4.splat(<f32>1.0 - maskAt(mask, batch, k, b));
    for (let j = 0; j < units; j += 4) {
      const i = b * units + j;
      let next = v128.load(at(dhIn, i));
      if (recMask != 0) next = f32x4.mul(next, v128.load(at(recMask, i)));
      if (direct != 0) next = f32x4.add(next, v128.load(at(direct, i)));
      if (mask != 0) next = f32x4.add(next, f32x4.mul(keep, v128.load(at(dh, i))));
      if (k > 0 && dHs != 0) next = f32x4.add(next, v128.load(at(dHs, (k - 1) * stepFloats + i)));
      v128.store(at(dh, i), flush(next));
    }
  }
}

/**
 * hIn for every step, transposed for the recurrent-kernel gradient dW = hInᵀ·dZ:
 * out [H, T·B] with out[j, k·B + b] = h_{k−1}[b, j] ⊙ m_rec[b, j], h_{−1} = h0.
 */
export function recurrentInputsTransposed(batch: i32, steps: i32, units: i32, h0: usize, hSeq: usize, recMask: usize, out: usize): void {
  const rows = steps * batch;
  for (let k = 0; k < steps; k++) {
    const hPrev = k == 0 ? h0 : at(hSeq, (k - 1) * batch * units);
    // one step's [B, H] block (in cache) → columns k·B … (k+1)·B − 1 of out, written along rows
    for (let j = 0; j < units; j++) {
      const row = at(out, j * rows + k * batch);
      for (let b = 0; b < batch; b++) {
        let v = load<f32>(at(hPrev, b * units + j));
        if (recMask != 0) v *= load<f32>(at(recMask, b * units + j));
        store<f32>(at(row, b), v);
      }
    }
  }
}

/**
 * Column sums of x [rows, n] added to sum [n] (n a multiple of 4), in blocks of 64 rows so that
 * rounding grows with 64 + rows/64 rather than with rows.
 */
export function addColumnSums(x: usize, rows: i32, n: i32, sum: usize): void {
  for (let from = 0; from < rows; from += 64) {
    const to = min(from + 64, rows);
    for (let j = 0; j < n; j += 4) {
      let s = f32x4.splat(0.0);
      for (let r = from; r < to; r++) s = f32x4.add(s, v128.load(at(x, r * n + j)));
      v128.store(at(sum, j), f32x4.add(v128.load(at(sum, j)), s));
    }
  }
}

/**
 * Batch-major rows [B, T, width] → time-major rows [T·B, outWidth] in processing order (row k·B + b
 * holds time t = k, or T − 1 − k when `reversed`); columns width … outWidth − 1 are zeroed.
 */
export function batchToTimeMajor(src: usize, batch: i32, steps: i32, width: i32, reversed: i32, outWidth: i32, dst: usize): void {
  const bytes = <usize>width << 2;
  const pad = <usize>(outWidth - width) << 2;
  for (let k = 0; k < steps; k++) {
    const t = reversed != 0 ? steps - 1 - k : k;
    for (let b = 0; b < batch; b++) {
      const to = at(dst, (k * batch + b) * outWidth);
      memory.copy(to, at(src, (b * steps + t) * width), bytes);
      if (pad != 0) memory.fill(to + bytes, 0, pad);
    }
  }
}

/** The inverse of {@link batchToTimeMajor}: time-major [T·B, width] → batch-major [B, T, outWidth ≤ width]. */
export function timeToBatchMajor(src: usize, batch: i32, steps: i32, width: i32, reversed: i32, outWidth: i32, dst: usize): void {
  const bytes = <usize>outWidth << 2;
  for (let k = 0; k < steps; k++) {
    const t = reversed != 0 ? steps - 1 - k : k;
    for (let b = 0; b < batch; b++) {
      memory.copy(at(dst, (b * steps + t) * outWidth), at(src, (k * batch + b) * width), bytes);
    }
  }
}

/**
 * {@link batchToTimeMajor} of an embedding lookup, from the table: row ids[b, t] of table [V, width]
 * → time-major rows [T·B, outWidth] in processing order; ids [B, T] int32 (in range); columns
 * width … outWidth − 1 are zeroed. The same rows as gathering first, without the [B, T, width] copy.
 */
export function gatherToTimeMajor(table: usize, width: i32, ids: usize, batch: i32, steps: i32, reversed: i32, outWidth: i32, dst: usize): void {
  const bytes = <usize>width << 2;
  const pad = <usize>(outWidth - width) << 2;
  for (let k = 0; k < steps; k++) {
    const t = reversed != 0 ? steps - 1 - k : k;
    for (let b = 0; b < batch; b++) {
      const id = load<i32>(ids + (<usize>(b * steps + t) << 2));
      const to = at(dst, (k * batch + b) * outWidth);
      copyRow(to, at(table, id * width), bytes);
      if (pad != 0) memory.fill(to + bytes, 0, pad);
    }
  }
}

/**
 * The adjoint of {@link gatherToTimeMajor}, for the table rows [from, to): each row of src [T·B, stride]
 * (processing order) whose id lies in [from, to) is added into row id of dst [V, width], in processing
 * order; with `clear` ≠ 0 those rows of dst are zeroed first. Several calls (batch parts) add into
 * one dst; disjoint row ranges can run at once.
 */
export function scatterFromTimeMajor(
  src: usize, stride: i32, ids: usize, batch: i32, steps: i32, reversed: i32, width: i32, from: i32, to: i32, clear: i32, dst: usize,
): void {
  if (clear != 0) memory.fill(at(dst, from * width), 0, <usize>((to - from) * width) << 2);
  const vectors = width & ~3;
  for (let k = 0; k < steps; k++) {
    const t = reversed != 0 ? steps - 1 - k : k;
    for (let b = 0; b < batch; b++) {
      const id = load<i32>(ids + (<usize>(b * steps + t) << 2));
      if (id < from || id >= to) continue;
      const row = at(src, (k * batch + b) * stride);
      const out = at(dst, id * width);
      let j = 0;
      for (; j < vectors; j += 4) v128.store(at(out, j), f32x4.add(v128.load(at(out, j)), v128.load(at(row, j))));
      for (; j < width; j++) store<f32>(at(out, j), load<f32>(at(out, j)) + load<f32>(at(row, j)));
    }
  }
}
