/**
 * Row copies and row sums on tfjs-backend-wasm's own heap: this module imports the backend's
 * memory, so the embedding lookup (GatherV2) and its gradient (UnsortedSegmentSum) run as f32x4
 * SIMD loops over the tensors where they are, with no copy in or out. Built by
 * `scripts/build-rows-kernel.mjs` into `src/kernels/rows-wasm.generated.ts`; driven from
 * `src/kernels/wasm-rows.ts`, which validates the ids first.
 *
 * Pointers are byte addresses in the backend's heap; `inner` is a row's length in floats.
 */

/** out[n, :] = table[ids[n], :] for n < count (ids already in range). */
export function gatherRows(table: usize, inner: i32, ids: usize, count: i32, out: usize): void {
  const bytes = <usize>inner << 2;
  for (let n = 0; n < count; n++) {
    const id = <usize>load<i32>(ids + (<usize>n << 2));
    memory.copy(out + <usize>n * bytes, table + id * bytes, bytes);
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
