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

/** [rows, G·H] → [outRows, G·Hp] (outRows ≥ rows; extra rows are zero; Hp = `padded`). Returns `x` itself when nothing changes. */
export function padBlocks(x: Float32Array, rows: number, gates: number, units: number, outRows = rows, padded = paddedUnits(units)): Float32Array {
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

/**
 * A forward result the backward needs. It stays where the forward wrote it in the kernel memory
 * (`data` null) while no later call needs that memory — the common case, a layer's backward
 * following its own forward — and is copied out to `data` (evicted) just before another call
 * would overwrite it. Only the most recent forward's results are resident.
 */
export interface Held {
  data: Float32Array | null;
  readonly ptr: number;
  readonly floats: number;
}

interface Residency {
  /** The kernel whose memory holds them (a released kernel's results were copied out on release). */
  readonly kernel: KernelExports;
  readonly start: number;
  readonly end: number;
  readonly held: readonly Held[];
}

let resident: Residency | null = null;

/** Copies every resident result out of the kernel memory (before a call overwrites it, or that memory goes away). */
export function evictResident(): void {
  if (resident === null) return;
  for (const h of resident.held) if (h.data === null) h.data = read(resident.kernel, h.ptr, h.floats);
  resident = null;
}

/** The resident results when they live in `kernel`'s memory (`kernel` may be a recording view of it). */
function residentIn(kernel: KernelExports): Residency | null {
  return resident !== null && resident.kernel.memory === kernel.memory ? resident : null;
}

/**
 * Marks the buffers as resident (in the byte range [start, end) of the last call's layout) and
 * returns their handles; the previous resident results are evicted first.
 */
export function hold(kernel: KernelExports, start: number, end: number, buffers: ReadonlyArray<{ readonly ptr: number; readonly floats: number }>): Held[] {
  evictResident();
  const held = buffers.map(({ ptr, floats }) => ({ data: null, ptr, floats }));
  resident = { kernel, start, end, held };
  return held;
}

/** Frees the memory of held results (after their backward); a no-op when they were evicted. */
export function release(held: readonly Held[]): void {
  if (resident !== null && resident.held === held) resident = null;
}

function isHeld(s: Slot): s is Held {
  return s !== null && typeof s === 'object' && 'floats' in s;
}

/** One buffer of a kernel call: data to copy in, a size in floats (output or scratch), a held result, or absent (pointer 0). */
export type Slot = Float32Array | number | Held | null;

/**
 * Lays the slots out in the kernel memory from byte address `base` up (the heap base by default: a
 * call owns the whole memory, except resident results, which it lays out after when it uses them
 * and evicts otherwise) and copies the arrays in. Returns their byte addresses, 0 for absent
 * slots, and `end`, the first free address after them.
 */
export function place(kernel: KernelExports, slots: readonly Slot[], base = 0): { pointers: number[]; end: number } {
  const inPlace = (s: Slot): boolean => isHeld(s) && s.data === null;
  const here = residentIn(kernel);
  const usesResident = here !== null && slots.some(inPlace);
  const from = usesResident ? Math.max(base, here.end) : base;
  const sizes = slots.map((s) => (s === null || inPlace(s) ? 0 : typeof s === 'number' ? s : isHeld(s) ? s.floats : s.length));
  const { pointers, end } = reserve(kernel, sizes, from);
  if (!usesResident && here !== null && pointers[0]! < here.end && end > here.start) evictResident();
  return {
    pointers: slots.map((s, i) => {
      if (s === null) return 0;
      if (inPlace(s)) return (s as Held).ptr;
      const data = isHeld(s) ? s.data! : typeof s === 'number' ? null : s;
      if (data !== null) view(kernel, pointers[i]!, data.length).set(data);
      return pointers[i]!;
    }),
    end,
  };
}

/** A copy of `floats` floats at `ptr`, owned by the caller. */
export function read(kernel: KernelExports, ptr: number, floats: number): Float32Array {
  return view(kernel, ptr, floats).slice();
}

/** A zeroed accumulator the size of `like`, or an absent slot. */
export function zerosOrNull(like: Float32Array | null): Float32Array | null {
  return like === null ? null : new Float32Array(like.length);
}

/**
 * Batch-major rows [B, T, width] → time-major rows [T·B, outWidth] in processing order (row k·B + b
 * holds time t = k, or T − 1 − k when `reversed`), zero-padded to `outWidth` columns.
 */
export function toTimeMajor(x: Float32Array, batch: number, steps: number, width: number, reversed: boolean, outWidth: number): Float32Array {
  const out = new Float32Array(steps * batch * outWidth);
  for (let k = 0; k < steps; k++) {
    const t = reversed ? steps - 1 - k : k;
    for (let b = 0; b < batch; b++) {
      const from = (b * steps + t) * width;
      const to = (k * batch + b) * outWidth;
      for (let j = 0; j < width; j++) out[to + j] = x[from + j]!;
    }
  }
  return out;
}
