/**
 * Row copies, row sums and the fused Adam update on tfjs-backend-wasm's own heap: this module
 * imports the backend's memory, so the embedding lookup (GatherV2), its gradient
 * (UnsortedSegmentSum) and Adam's per-element update run as f32x4 SIMD loops over the tensors
 * where they are, with no copy in or out. Built by
 * `scripts/build-rows-kernel.mjs` into `src/kernels/rows-wasm.generated.ts`; driven from
 * `src/kernels/wasm-rows.ts`, which validates the ids first.
 *
 * Pointers are byte addresses in the backend's heap; `inner` is a row's length in floats.
 */

/**
 * out[n, :] = table[ids[n], :] for n < count (ids already in range). Rows of a multiple of 4 floats
 * are copied f32x4 by f32x4 (several times faster than `memory.copy`'s call for an embedding's short rows).
 */
export function gatherRows(table: usize, inner: i32, ids: usize, count: i32, out: usize): void {
  const bytes = <usize>inner << 2;
  const vectors = (inner & 3) == 0;
  for (let n = 0; n < count; n++) {
    const id = <usize>load<i32>(ids + (<usize>n << 2));
    const to = out + <usize>n * bytes;
    const from = table + id * bytes;
    if (vectors) {
      for (let i: usize = 0; i < bytes; i += 16) v128.store(to + i, v128.load(from + i));
    } else {
      memory.copy(to, from, bytes);
    }
  }
}

/** out[ids[n], :] += values[n, :] for n < count, skipping ids outside [0, segments); out is zeroed first. */
export function scatterAddRows(values: usize, ids: usize, count: i32, inner: i32, segments: i32, out: usize): void {
  const bytes = <usize>inner << 2;
  memory.fill(out, 0, <usize>segments * bytes);
  const vectors = inner & ~3;
  for (let n = 0; n < count; n++) {
    const id = load<i32>(ids + (<usize>n << 2));
    if (id < 0 || id >= segments) continue;
    const from = values + <usize>n * bytes;
    const to = out + <usize>id * bytes;
    let j = 0;
    for (; j < vectors; j += 4) {
      const at = <usize>j << 2;
      v128.store(to + at, f32x4.add(v128.load(to + at), v128.load(from + at)));
    }
    for (; j < inner; j++) {
      const at = <usize>j << 2;
      store<f32>(to + at, load<f32>(to + at) + load<f32>(from + at));
    }
  }
}

/**
 * One Adam update of `count` floats, each operation rounded to f32 in the order of the tfjs ops it
 * replaces (`@rnnkit/training`'s adam.ts), so it gives their bits:
 *   m' = m + (g − m)·c1;  v' = v + (g·g − v)·c2
 *   `paper` 0 (Keras 3):  w' = w − (m'·a) / (√v' + ε)      `paper` 1:  w' = w − (m' / (√v' / s + ε))·a
 * Outputs may not alias the inputs.
 */
export function adamUpdate(
  w: usize, g: usize, m: usize, v: usize, count: i32, c1: f32, c2: f32, a: f32, eps: f32, s: f32, paper: i32,
  outW: usize, outM: usize, outV: usize,
): void {
  const c14 = f32x4.splat(c1), c24 = f32x4.splat(c2), a4 = f32x4.splat(a), eps4 = f32x4.splat(eps), s4 = f32x4.splat(s);
  const vectors = count & ~3;
  let i = 0;
  for (; i < vectors; i += 4) {
    const at = <usize>i << 2;
    const gi = v128.load(g + at);
    const mi = v128.load(m + at);
    const vi = v128.load(v + at);
    const m1 = f32x4.add(mi, f32x4.mul(f32x4.sub(gi, mi), c14));
    const v1 = f32x4.add(vi, f32x4.mul(f32x4.sub(f32x4.mul(gi, gi), vi), c24));
    const root = f32x4.sqrt(v1);
    const step = paper == 0 ? f32x4.div(f32x4.mul(m1, a4), f32x4.add(root, eps4)) : f32x4.mul(f32x4.div(m1, f32x4.add(f32x4.div(root, s4), eps4)), a4);
    v128.store(outW + at, f32x4.sub(v128.load(w + at), step));
    v128.store(outM + at, m1);
    v128.store(outV + at, v1);
  }
  for (; i < count; i++) {
    const at = <usize>i << 2;
    const gi = load<f32>(g + at);
    const mi = load<f32>(m + at);
    const vi = load<f32>(v + at);
    const m1 = mi + (gi - mi) * c1;
    const v1 = vi + (gi * gi - vi) * c2;
    const root = sqrt<f32>(v1);
    const step = paper == 0 ? (m1 * a) / (root + eps) : (m1 / (root / s + eps)) * a;
    store<f32>(outW + at, load<f32>(w + at) - step);
    store<f32>(outM + at, m1);
    store<f32>(outV + at, v1);
  }
}
