/**
 * Forward-only passes (inference: nothing is saved for BPTT). Shapes: B batch, T time, I input size,
 * H units (padded to a multiple of 4), G gate blocks, N = G·H.
 *
 * The same arithmetic as the training forward (`lstm.ts`, `gru.ts`, `simple-rnn.ts` after the
 * driver's projection `P = X·Wxh + b`), in the same order, so the results are bit-identical; but
 * each step projects its own rows of the time-major X [T·B, I] (processing order, as the
 * driver lays it out for training too) just before its recurrent product, and only the carried state [B, H]
 * (and c for the LSTM) is kept, overwritten step by step: no P [T·B, N], no gates, no sequences.
 * With `seqOut` ≠ 0 every step's h is also written to seqOut [B, T, outWidth ≤ H] (batch-major,
 * processing order), the layout of the training forward's sequence output. With `ids` ≠ 0 the
 * input is an embedding's ids and x its projected table ({@link project}).
 */
import { gemm } from './gemm';
import { resetAfterGates } from './gru';
import { activateGates } from './lstm';
import { ONE4, activate4, flush } from './simd';
import { at, copyRow, maskAt, recurrentInput } from './common';

/**
 * z [B, N] = bIn + x_k·Wxh: the projection of step k's rows of the time-major X [T·B, I]; or, with
 * `ids` ≠ 0, rows ids[b, t] of x = the projected table [V, N] = bIn + table·Wxh (the same sums), t the
 * time of step k (T − 1 − k when `reversed`), ids [B, T] int32.
 */
// @ts-ignore: decorator
@inline function project(batch: i32, steps: i32, inputSize: i32, n: i32, k: i32, x: usize, wxh: usize, bIn: usize, ids: usize, reversed: i32, z: usize): void {
  if (ids == 0) {
    gemm(batch, n, inputSize, at(x, k * batch * inputSize), inputSize, wxh, n, bIn, 0, z, n);
    return;
  }
  const t = reversed != 0 ? steps - 1 - k : k;
  const bytes = <usize>n << 2;
  for (let b = 0; b < batch; b++) copyRow(at(z, b * n), at(x, load<i32>(ids + (<usize>(b * steps + t) << 2)) * n), bytes);
}

/** Row b of h [B, H] → row (b·T + k) of seqOut [B, T, outWidth]. */
// @ts-ignore: decorator
@inline function emit(batch: i32, steps: i32, units: i32, k: i32, h: usize, seqOut: usize, outWidth: i32): void {
  if (seqOut == 0) return;
  const bytes = <usize>outWidth << 2;
  for (let b = 0; b < batch; b++) memory.copy(at(seqOut, (b * steps + k) * outWidth), at(h, b * units), bytes);
}

/**
 * x [T·B, I] (or the projected table, with ids), wxh [I, H], bIn [H] (or 0), w [H, H], mask [T·B] (or 0), recMask [B, H] (or 0);
 * h [B, H] holds h0 on entry and h_{T−1} on return. z: [B, H]; scratch: [B, H].
 */
export function simpleRnnInfer(
  batch: i32, steps: i32, units: i32, inputSize: i32, act: i32,
  x: usize, wxh: usize, bIn: usize, w: usize, mask: usize, recMask: usize,
  h: usize, z: usize, scratch: usize, seqOut: usize, outWidth: i32, ids: usize, reversed: i32,
): void {
  const stepFloats = batch * units;
  for (let k = 0; k < steps; k++) {
    project(batch, steps, inputSize, units, k, x, wxh, bIn, ids, reversed, z);
    const hIn = recurrentInput(h, recMask, scratch, stepFloats);
    gemm(batch, units, units, hIn, units, w, units, z, units, z, units);
    for (let b = 0; b < batch; b++) {
      const m = f32x4.splat(maskAt(mask, batch, k, b));
      const keep = f32x4.splat(<f32>1.0 - maskAt(mask, batch, k, b));
      for (let j = 0; j < units; j += 4) {
        const i = b * units + j;
        let hNew = activate4(act, v128.load(at(z, i)));
        if (mask != 0) hNew = f32x4.add(f32x4.mul(m, hNew), f32x4.mul(keep, v128.load(at(h, i))));
        v128.store(at(h, i), flush(hNew));
      }
    }
    emit(batch, steps, units, k, h, seqOut, outWidth);
  }
}

/**
 * x [T·B, I], wxh [I, 4H], bIn [4H] (or 0), w [H, 4H], mask, recMask as above; h, c [B, H] hold
 * h0, c0 on entry and h_{T−1}, c_{T−1} on return. z: [B, 4H]; scratch: [B, H].
 */
export function lstmInfer(
  batch: i32, steps: i32, units: i32, inputSize: i32, act: i32, recAct: i32,
  x: usize, wxh: usize, bIn: usize, w: usize, mask: usize, recMask: usize,
  h: usize, c: usize, z: usize, scratch: usize, seqOut: usize, outWidth: i32, ids: usize, reversed: i32,
): void {
  const n = 4 * units;
  const stepFloats = batch * units;
  for (let k = 0; k < steps; k++) {
    project(batch, steps, inputSize, n, k, x, wxh, bIn, ids, reversed, z);
    const hIn = recurrentInput(h, recMask, scratch, stepFloats);
    gemm(batch, n, units, hIn, units, w, n, z, n, z, n);
    for (let b = 0; b < batch; b++) {
      const m = f32x4.splat(maskAt(mask, batch, k, b));
      const keep = f32x4.splat(<f32>1.0 - maskAt(mask, batch, k, b));
      const row = at(z, b * n);
      activateGates(act, recAct, units, row);
      for (let j = 0; j < units; j += 4) {
        const i = v128.load(at(row, j)), f = v128.load(at(row, units + j));
        const g = v128.load(at(row, 2 * units + j)), o = v128.load(at(row, 3 * units + j));
        const s = b * units + j;
        const cOld = v128.load(at(c, s));
        let cNew = f32x4.add(f32x4.mul(f, cOld), f32x4.mul(i, g));
        let hNew = f32x4.mul(o, activate4(act, cNew));
        if (mask != 0) {
          cNew = f32x4.add(f32x4.mul(m, cNew), f32x4.mul(keep, cOld));
          hNew = f32x4.add(f32x4.mul(m, hNew), f32x4.mul(keep, v128.load(at(h, s))));
        }
        v128.store(at(c, s), flush(cNew));
        v128.store(at(h, s), flush(hNew));
      }
    }
    emit(batch, steps, units, k, h, seqOut, outWidth);
  }
}

/**
 * GRU reset-after. x [T·B, I], wxh [I, 3H], bIn [3H] (or 0), w [H, 3H], bRec [3H] (or 0), mask,
 * recMask as above; h [B, H] holds h0 on entry and h_{T−1} on return. p, q: [B, 3H]; scratch: [B, H].
 */
export function gruResetAfterInfer(
  batch: i32, steps: i32, units: i32, inputSize: i32, act: i32, recAct: i32,
  x: usize, wxh: usize, bIn: usize, w: usize, bRec: usize, mask: usize, recMask: usize,
  h: usize, p: usize, q: usize, scratch: usize, seqOut: usize, outWidth: i32, ids: usize, reversed: i32,
): void {
  const n = 3 * units;
  const stepFloats = batch * units;
  for (let k = 0; k < steps; k++) {
    project(batch, steps, inputSize, n, k, x, wxh, bIn, ids, reversed, p);
    const hIn = recurrentInput(h, recMask, scratch, stepFloats);
    gemm(batch, n, units, hIn, units, w, n, bRec, 0, q, n);
    for (let b = 0; b < batch; b++) {
      const m = f32x4.splat(maskAt(mask, batch, k, b));
      const keep = f32x4.splat(<f32>1.0 - maskAt(mask, batch, k, b));
      const prow = at(p, b * n), qrow = at(q, b * n);
      resetAfterGates(act, recAct, units, prow, qrow, prow);
      for (let j = 0; j < units; j += 4) {
        const zg = v128.load(at(prow, j)), hh = v128.load(at(prow, 2 * units + j));
        const s = b * units + j;
        const hOld = v128.load(at(h, s));
        let hNew = f32x4.add(f32x4.mul(zg, hOld), f32x4.mul(f32x4.sub(ONE4, zg), hh));
        if (mask != 0) hNew = f32x4.add(f32x4.mul(m, hNew), f32x4.mul(keep, hOld));
        v128.store(at(h, s), flush(hNew));
      }
    }
    emit(batch, steps, units, k, h, seqOut, outWidth);
  }
}
