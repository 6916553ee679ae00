/**
 * The fused recurrence kernel's WebAssembly instance and its memory.
 *
 * The module (f32x4 SIMD, from `assembly/`) is embedded as base64 and instantiated on first use.
 * Where WebAssembly or its SIMD extension is missing, `recurrenceKernel()` returns null and `scan`
 * runs its tfjs-op recurrence. Browsers refuse synchronous compilation of larger modules on the
 * main thread; there the first call starts an asynchronous compile (or call
 * {@link prepareRecurrenceKernel} at start-up) and `scan` uses the tfjs-op path until it is ready.
 *
 * The kernel has its own memory, grown as needed and reused by every call; a call lays out its
 * buffers from the heap base up ({@link reserve}), so nothing is freed and nothing leaks. Where
 * shared memory exists (Node; cross-origin-isolated pages), that memory is a shared
 * `WebAssembly.Memory` and the module the variant that imports it, so helper threads can run
 * their own instances over the same buffers (`kernel-threads.ts`); it runs exactly as fast on one
 * thread. Elsewhere the module owns an ordinary memory.
 */
import { RECURRENCE_WASM_BASE64, RECURRENCE_WASM_SHARED_BASE64 } from './recurrence-wasm.generated';

/** The module's exports; pointers are byte addresses in `memory`, 0 for an absent optional input. */
export interface KernelExports {
  readonly memory: WebAssembly.Memory;
  heapBase(): number;
  gemm(m: number, n: number, k: number, a: number, lda: number, b: number, ldb: number, c0: number, ldc0: number, c: number, ldc: number): void;
  transpose(src: number, rows: number, cols: number, dst: number): void;
  /** One row's product, c = c0 + x·Bm (`gemm` with m = 1, in 32-column tiles). */
  rowProduct(n: number, k: number, x: number, b: number, ldb: number, c0: number, c: number): void;
  /** One LSTM step of one row (`lstmForward` with batch 1, steps 1, no mask). */
  lstmStep(units: number, act: number, recAct: number, p: number, h0: number, c0: number, w: number, h1: number, c1: number, z: number): void;
  weightGrad(steps: number, batch: number, m: number, n: number, aT: number, d: number, ldd: number, out: number, ldo: number): void;
  productT(m: number, n: number, rows: number, aT: number, lda: number, d: number, ldd: number, out: number, ldo: number): void;
  activateInPlace(code: number, ptr: number, count: number): void;
  activationGradInPlace(code: number, ptr: number, count: number): void;
  batchToTimeMajor(src: number, batch: number, steps: number, width: number, reversed: number, outWidth: number, dst: number): void;
  timeToBatchMajor(src: number, batch: number, steps: number, width: number, reversed: number, outWidth: number, dst: number): void;
  addColumnSums(x: number, rows: number, n: number, sum: number): void;
  gatherToTimeMajor(table: number, width: number, ids: number, batch: number, steps: number, reversed: number, outWidth: number, dst: number): void;
  scatterFromTimeMajor(
    src: number, stride: number, ids: number, batch: number, steps: number, reversed: number, width: number, from: number, to: number, clear: number, dst: number,
  ): void;
  recurrentInputsTransposed(batch: number, steps: number, units: number, h0: number, hSeq: number, recMask: number, out: number): void;
  simpleRnnForward(
    batch: number, steps: number, units: number, act: number,
    p: number, h0: number, w: number, mask: number, recMask: number, hSeq: number, scratch: number,
  ): void;
  lstmForward(
    batch: number, steps: number, units: number, act: number, recAct: number,
    p: number, h0: number, c0: number, w: number, mask: number, recMask: number,
    hSeq: number, cSeq: number, gates: number, kSeq: number, scratch: number,
  ): void;
  lstmBackward(
    batch: number, steps: number, units: number, act: number, recAct: number,
    c0: number, cSeq: number, gates: number, kSeq: number, wT: number, mask: number, recMask: number,
    dHs: number, dP: number, dh: number, dc: number, scratch: number,
  ): void;
  gruResetAfterForward(
    batch: number, steps: number, units: number, act: number, recAct: number,
    p: number, h0: number, w: number, bRec: number, mask: number, recMask: number,
    hSeq: number, gates: number, qh: number, scratch: number, q: number,
  ): void;
  gruResetAfterBackward(
    batch: number, steps: number, units: number, act: number, recAct: number,
    h0: number, hSeq: number, gates: number, qh: number, wT: number, mask: number, recMask: number,
    dHs: number, dP: number, dInner: number, dbRec: number, dh: number, scratch: number, direct: number,
  ): void;
  gruResetBeforeForward(
    batch: number, steps: number, units: number, act: number, recAct: number,
    p: number, h0: number, w: number, mask: number, recMask: number,
    hSeq: number, gates: number, resetH: number, scratch: number, q: number, u: number,
  ): void;
  gruResetBeforeBackward(
    batch: number, steps: number, units: number, act: number, recAct: number,
    h0: number, hSeq: number, gates: number, wT: number, mask: number, recMask: number,
    dHs: number, dP: number, dh: number, scratch: number, direct: number, dResetH: number, hIn: number,
  ): void;
  simpleRnnBackward(
    batch: number, steps: number, units: number, act: number,
    hSeq: number, wT: number, mask: number, recMask: number, dHs: number, dP: number, dh: number, scratch: number,
  ): void;
  simpleRnnInfer(
    batch: number, steps: number, units: number, inputSize: number, act: number,
    x: number, wxh: number, bIn: number, w: number, mask: number, recMask: number,
    h: number, z: number, scratch: number, seqOut: number, outWidth: number, ids: number, reversed: number,
  ): void;
  lstmInfer(
    batch: number, steps: number, units: number, inputSize: number, act: number, recAct: number,
    x: number, wxh: number, bIn: number, w: number, mask: number, recMask: number,
    h: number, c: number, z: number, scratch: number, seqOut: number, outWidth: number, ids: number, reversed: number,
  ): void;
  gruResetAfterInfer(
    batch: number, steps: number, units: number, inputSize: number, act: number, recAct: number,
    x: number, wxh: number, bIn: number, w: number, bRec: number, mask: number, recMask: number,
    h: number, p: number, q: number, scratch: number, seqOut: number, outWidth: number, ids: number, reversed: number,
  ): void;
}

/** The compiled shared-memory module and its memory: what a helper thread instantiates. */
export interface SharedKernelModule {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
}

type State =
  | { readonly status: 'unloaded' | 'loading' | 'unavailable' }
  | { readonly status: 'ready'; readonly kernel: KernelExports; readonly shared: SharedKernelModule | null };

let state: State = { status: 'unloaded' };

/** 2 GiB in 64 KiB pages: the shared module's declared maximum ({@link KERNEL_MEMORY_LIMIT}). */
const SHARED_MAXIMUM_PAGES = 32768;

function decode(base64: string): Uint8Array<ArrayBuffer> {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/** A shared memory for the threaded module, or null where this engine or page has none. */
function sharedMemory(): WebAssembly.Memory | null {
  if (typeof SharedArrayBuffer !== 'function' || (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return null;
  try {
    return new WebAssembly.Memory({ initial: 1, maximum: SHARED_MAXIMUM_PAGES, shared: true });
  } catch {
    return null;
  }
}

/** The module to load: the shared-memory variant where it validates and a shared memory exists. */
function choose(): { bytes: Uint8Array<ArrayBuffer>; memory: WebAssembly.Memory | null } | null {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.validate !== 'function') return null;
  const sharedBytes = decode(RECURRENCE_WASM_SHARED_BASE64);
  const memory = WebAssembly.validate(sharedBytes) ? sharedMemory() : null;
  if (memory !== null) return { bytes: sharedBytes, memory };
  const bytes = decode(RECURRENCE_WASM_BASE64);
  return WebAssembly.validate(bytes) ? { bytes, memory: null } : null;
}

function imports(memory: WebAssembly.Memory | null): WebAssembly.Imports {
  return memory === null ? {} : { env: { memory } };
}

function ready(module: WebAssembly.Module, instance: WebAssembly.Instance, memory: WebAssembly.Memory | null): KernelExports {
  const kernel = instance.exports as unknown as KernelExports;
  state = { status: 'ready', kernel, shared: memory === null ? null : { module, memory } };
  return kernel;
}

/**
 * The kernel, instantiated on first use; null where WebAssembly SIMD is unavailable or while an
 * asynchronous compile (browsers' main thread) is still running.
 */
export function recurrenceKernel(): KernelExports | null {
  if (state.status === 'ready') return state.kernel;
  if (state.status !== 'unloaded') return null;
  const chosen = choose();
  if (chosen === null) {
    state = { status: 'unavailable' };
    return null;
  }
  try {
    const module = new WebAssembly.Module(chosen.bytes);
    return ready(module, new WebAssembly.Instance(module, imports(chosen.memory)), chosen.memory);
  } catch {
    // synchronous compilation refused (a browser's main thread): compile asynchronously for later calls
    void prepareRecurrenceKernel();
    return null;
  }
}

/**
 * Compiles the kernel asynchronously; resolves true when `scan` will use it, false where
 * WebAssembly SIMD is unavailable. Optional: `scan` loads the kernel by itself where it can.
 */
export async function prepareRecurrenceKernel(): Promise<boolean> {
  if (state.status === 'ready') return true;
  if (state.status === 'unavailable') return false;
  const chosen = choose();
  if (chosen === null) {
    state = { status: 'unavailable' };
    return false;
  }
  state = { status: 'loading' };
  try {
    const { module, instance } = await WebAssembly.instantiate(chosen.bytes, imports(chosen.memory));
    ready(module, instance, chosen.memory);
    return true;
  } catch {
    state = { status: 'unavailable' };
    return false;
  }
}

/**
 * Forgets the loaded kernel: its instance and memory go to the garbage collector once nothing else
 * holds them, and the next {@link recurrenceKernel} call loads a fresh one. `kernel-release.ts`
 * copies resident results out and stops the helpers first.
 */
export function unloadRecurrenceKernel(): void {
  if (state.status === 'ready') state = { status: 'unloaded' };
}

/**
 * The loaded kernel's module and shared memory, for helper threads; null when the kernel is not
 * loaded or runs on an ordinary (unshared) memory.
 */
export function sharedKernelModule(): SharedKernelModule | null {
  return state.status === 'ready' ? state.shared : null;
}

/**
 * The most kernel memory `scan` plans for (2 GiB, within every engine's limit for a 32-bit
 * WebAssembly memory); larger layers run on the tfjs-op recurrence.
 */
export const KERNEL_MEMORY_LIMIT = 2 ** 31;

/**
 * An upper bound of the kernel memory one layer's forward and backward use, in bytes: G gate blocks,
 * xs [B, T, I], H units (the largest layout is the backward's, after the forward's held results).
 */
export function kernelMemoryBytes(gates: number, batch: number, steps: number, inputSize: number, units: number): number {
  const pad = (n: number): number => Math.ceil(n / 4) * 4;
  const rows = batch * steps;
  const perRow = 5 * pad(inputSize) + 4 * gates * pad(units) + 8 * pad(units);
  return 4 * rows * perRow + 4 * 16 * pad(units) * (pad(inputSize) + gates * pad(units)) + 65536;
}

let layouts = 0;

/**
 * How many layouts {@link reserve} has made: buffers laid out before the count last moved are
 * still intact (a batch-1 stepper keeps its weights in the kernel memory while nothing else runs).
 */
export function layoutCount(): number {
  return layouts;
}

/**
 * Byte addresses of consecutive buffers of the given sizes (in floats), 16-byte aligned, from
 * `base` (0: the heap base) up, and the first free address after them; grows the memory when they
 * do not fit. Views of the memory taken before a call are invalid after it.
 */
export function reserve(kernel: KernelExports, sizes: readonly number[], base = 0): { pointers: number[]; end: number } {
  layouts += 1;
  const align = (n: number): number => Math.ceil(n / 16) * 16;
  let next = align(Math.max(base, kernel.heapBase()));
  const pointers = sizes.map((floats) => {
    const ptr = next;
    next = align(next + floats * 4);
    return ptr;
  });
  const missing = next - kernel.memory.buffer.byteLength;
  if (missing > 0) {
    try {
      kernel.memory.grow(Math.ceil(missing / 65536));
    } catch (error) {
      const mib = (next / 2 ** 20).toFixed(0);
      throw new Error(`scan: the recurrence kernel needs ${mib} MiB of WebAssembly memory, which this engine refuses (${String(error)})`);
    }
  }
  return { pointers, end: next };
}

/** A Float32Array view of `floats` floats at byte address `ptr` (valid until the memory grows). */
export function view(kernel: KernelExports, ptr: number, floats: number): Float32Array {
  return new Float32Array(kernel.memory.buffer, ptr, floats);
}
