/**
 * Host-side layout of the kernel's buffers: gate blocks padded to a multiple of 4 columns (so every
 * row of every block is whole f32x4 vectors), copies in and out of the kernel memory.
 *
 * Shapes: H units, Hp = H rounded up to a multiple of 4, G gate blocks; a "[rows, G·H]" array
 * becomes "[rows, G·Hp]" with zeros in the padding columns. Zero padding is exact: padded rows of
 * Whh are zero, so padded units never reach a real one, and their gradients stay zero.
 */
import { reserve, view } from './kernel-module';
import type { KernelExports } from './kernel-module';

/** H rounded up to a multiple of 4. */
export function paddedUnits(units: number): number {
  return Math.ceil(units / 4) * 4;
}

/** [rows, G·H] → [outRows, G·Hp] (outRows ≥ rows; extra rows are zero). Returns `x` itself when nothing changes. */
export function padBlocks(x: Float32Array, rows: number, gates: number, units: number, outRows = rows): Float32Array {
  const padded = paddedUnits(units);
  if (padded === units && outRows === rows) return x;
  const out = new Float32Array(outRows * gates * padded);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < gates; g++) {
      const from = (r * gates + g) * units;
      out.set(x.subarray(from, from + units), (r * gates + g) * padded);
    }
  }
  return out;
}

/** [rows, G·Hp] → [rows, G·H]: `x` itself when it is exactly that already, else a new array. */
export function unpadBlocks(x: Float32Array, rows: number, gates: number, units: number): Float32Array {
  const padded = paddedUnits(units);
  if (padded === units) return x.length === rows * gates * units ? x : x.slice(0, rows * gates * units);
  const out = new Float32Array(rows * gates * units);
  for (let r = 0; r < rows; r++) {
    for (let g = 0; g < gates; g++) {
      const from = (r * gates + g) * padded;
      out.set(x.subarray(from, from + units), (r * gates + g) * units);
    }
  }
  return out;
}

/** One buffer of a kernel call: data to copy in, a size in floats (output or scratch), or absent (pointer 0). */
export type Slot = Float32Array | number | null;

/**
 * Lays the slots out in the kernel memory from byte address `base` up (the heap base by default: a
 * call owns the whole memory) and copies the arrays in. Returns their byte addresses, 0 for absent
 * slots, and `end`, the first free address after them.
 */
export function place(kernel: KernelExports, slots: readonly Slot[], base = 0): { pointers: number[]; end: number } {
  const sizes = slots.map((s) => (s === null ? 0 : typeof s === 'number' ? s : s.length));
  const { pointers, end } = reserve(kernel, sizes, base);
  return {
    pointers: slots.map((s, i) => {
      if (s === null) return 0;
      if (typeof s !== 'number') view(kernel, pointers[i]!, s.length).set(s);
      return pointers[i]!;
    }),
    end,
  };
}

/** A copy of `floats` floats at `ptr`, owned by the caller. */
export function read(kernel: KernelExports, ptr: number, floats: number): Float32Array {
  return view(kernel, ptr, floats).slice();
}

/** A copy of `floats` floats at `ptr`, or null for an absent slot (pointer 0). */
export function readOrNull(kernel: KernelExports, ptr: number, floats: number): Float32Array | null {
  return ptr === 0 ? null : read(kernel, ptr, floats);
}

/** A zeroed accumulator the size of `like`, or an absent slot. */
export function zerosOrNull(like: Float32Array | null): Float32Array | null {
  return like === null ? null : new Float32Array(like.length);
}
