/**
 * What h5wasm holds of the process, for the keras package's tests (not part of the package: excluded
 * from its build). Read from h5wasm's module itself, not through hdf5.ts, so a test measures the
 * code under test from outside.
 */

/** A reading of h5wasm's memory. */
export interface H5wasmUse {
  /** Its WebAssembly stack pointer (the stack grows down: a smaller value is stack lost). */
  readonly stackPointer: number;
  /** Where a fresh 1 MiB block of its heap starts: the top of what the heap holds (leaked blocks push it up). */
  readonly heapTop: number;
  /** Its linear memory (which never shrinks). */
  readonly memoryBytes: number;
  /** Files open in its in-memory file system. */
  readonly openFiles: number;
}

/** h5wasm's memory now (loads h5wasm if no test has yet). */
export async function h5wasmUse(): Promise<H5wasmUse> {
  const h5 = (await import('h5wasm')).default;
  const module = await h5.ready;
  // ccall copies an 'array' argument onto the stack, and memcpy returns its destination
  const stackPointer = module.ccall('memcpy', 'number', ['array', 'number', 'number'], [new Uint8Array(1), 0, 0]) as number;
  const block = module._malloc(2 ** 20);
  module._free(block);
  const streams = (module.FS as unknown as { readonly streams: readonly unknown[] }).streams;
  return { stackPointer, heapTop: block, memoryBytes: module.HEAPU8.length, openFiles: streams.filter(Boolean).length };
}

/** How much more of h5wasm's memory `after` holds than `before`: stack lost, heap top and linear memory grown. */
export function h5wasmGrowth(before: H5wasmUse, after: H5wasmUse): { readonly stack: number; readonly heap: number; readonly memory: number } {
  return { stack: before.stackPointer - after.stackPointer, heap: after.heapTop - before.heapTop, memory: after.memoryBytes - before.memoryBytes };
}
