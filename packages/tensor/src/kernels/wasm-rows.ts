/**
 * The row kernel (`assembly/rows.ts`) on tfjs-backend-wasm's own heap: a 845-byte WebAssembly module
 * that imports the backend's memory, so the embedding lookup and its gradient copy and add rows,
 * and Adam updates its variables, where the tensors already are — no `readSync` copy out, no
 * `write` copy back in.
 *
 * Shapes: table [axisDim, inner] (one outer block), ids [count] int32 → out [count, inner];
 * values [count, inner], ids [count] → out [segments, inner]. Pointers come from the tensors' heap
 * views (`typedArrayFromHeap(t).byteOffset`), taken after the output's allocation.
 *
 * Unavailable (null) where the backend's memory is not a plain `WebAssembly.Memory` of its own (its
 * threaded build shares one) or WebAssembly SIMD is missing: the callers then run their JS loops.
 */
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import { ROWS_WASM_BASE64 } from './rows-wasm.generated';

interface RowsExports {
  gatherRows(table: number, inner: number, ids: number, count: number, out: number): void;
  scatterAddRows(values: number, ids: number, count: number, inner: number, segments: number, out: number): void;
  adamUpdate(
    w: number, g: number, m: number, v: number, count: number, c1: number, c2: number, a: number, eps: number, s: number, paper: number,
    outW: number, outM: number, outV: number,
  ): void;
}

/** What this module reads of tfjs-backend-wasm's internals: its Emscripten module's memory. */
interface BackendInternals {
  wasm?: { asm?: { memory?: unknown } };
}

let cached: { memory: WebAssembly.Memory; rows: RowsExports | null } | null = null;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

function instantiate(memory: WebAssembly.Memory): RowsExports | null {
  if (typeof SharedArrayBuffer === 'function' && memory.buffer instanceof SharedArrayBuffer) return null;
  try {
    const bytes = decode(ROWS_WASM_BASE64);
    if (!WebAssembly.validate(bytes)) return null;
    return new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } }).exports as unknown as RowsExports;
  } catch {
    return null;
  }
}

/** The row kernel over `backend`'s heap (instantiated once per heap), or null where it cannot run. */
export function rowsKernel(backend: BackendWasm): RowsExports | null {
  const memory = (backend as unknown as BackendInternals).wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return null;
  if (cached?.memory !== memory) cached = { memory, rows: instantiate(memory) };
  return cached.rows;
}

/** The byte address of a tensor's data on the backend's heap. */
export function heapAddress(backend: BackendWasm, info: TensorInfo): number {
  return backend.typedArrayFromHeap(info).byteOffset;
}
