/**
 * Helper threads for the recurrence kernel: a layer's batch is split into parts
 * (`kernel-recurrence.ts`), this thread runs the first part's kernel calls and each helper thread
 * one other part's, all at once, over the kernel's shared memory (`kernel-module.ts`).
 *
 * A helper is a worker (`worker_threads` under Node; a Blob-URL Web Worker in a cross-origin-
 * isolated page or its workers) with its own instance of the shared-memory module. Each
 * has a control block (Int32Array over a SharedArrayBuffer) and a command buffer (the encoded calls,
 * `kernel-calls.ts`); this thread writes the commands, bumps SEQ and notifies, runs its own part,
 * then waits (`Atomics.wait`) until the helper's DONE equals SEQ. Splitting, not timing, decides
 * which rows a part has, so results do not depend on which thread ran what — a part whose helper
 * is busy or not started yet runs here, on the same rows.
 *
 * Under Node helpers are unref'd, so they never keep a process alive. A helper idle for 10 s exits
 * (a later split starts a new one). Where `Atomics.wait` is refused (a page's main thread), this
 * thread spins on `Atomics.load` for the helpers' last microseconds instead.
 */
import { KERNEL_FUNCTIONS, encodeCalls, runCalls } from './kernel-calls';
import type { KernelCall } from './kernel-calls';
import { recurrenceKernel, sharedKernelModule } from './kernel-module';
import type { KernelExports, SharedKernelModule } from './kernel-module';

/** Control block slots. */
const STATE = 0;
const SEQ = 1;
const DONE = 2;
const FAILED_CALL = 3;
const IDLE_MS = 4;
const CONTROL_SLOTS = 5;

/** Helper states (control[STATE]); 0, the control block's initial value, is "starting". */
const IDLE = 1;
const BUSY = 2;
const EXITED = 3;
const BROKEN = 4;

/** A helper that sees no work for this long exits (control[IDLE_MS]; package-internal setter for tests). */
let helperIdleMs = 10_000;
const COMMAND_SLOTS = 4096;
const MESSAGE_BYTES = 1024;

/** The helper's loop, given `workerData` (both platforms). */
const HELPER_LOOP = `
const { module, memory, control, commands, message, functions } = workerData;
const [STATE, SEQ, DONE, FAILED_CALL, IDLE_MS] = [${STATE}, ${SEQ}, ${DONE}, ${FAILED_CALL}, ${IDLE_MS}];
const [IDLE, EXITED, BROKEN] = [${IDLE}, ${EXITED}, ${BROKEN}];
function report(error) {
  const bytes = new TextEncoder().encode(String(error && error.stack || error)).subarray(0, message.length);
  message.fill(0);
  message.set(bytes);
}
let kernel;
try {
  kernel = new WebAssembly.Instance(module, { env: { memory } }).exports;
} catch (error) {
  report(error);
  Atomics.store(control, STATE, BROKEN);
  Atomics.notify(control, STATE);
}
let seen = Atomics.load(control, SEQ);
// a helper told to stop while it was starting (STATE no longer 0) never enters its loop
if (kernel !== undefined && Atomics.compareExchange(control, STATE, 0, IDLE) === 0) {
  Atomics.notify(control, STATE);
  for (;;) {
    if (Atomics.wait(control, SEQ, seen, Atomics.load(control, IDLE_MS)) === 'timed-out') {
      if (Atomics.compareExchange(control, STATE, IDLE, EXITED) === IDLE) break;
      continue;
    }
    seen = Atomics.load(control, SEQ);
    if (Atomics.load(control, STATE) === EXITED) break; // told to stop
    let failed = 0;
    try {
      let at = 1;
      for (let c = 0, count = commands[0]; c < count; c++) {
        const fn = functions[commands[at]];
        const argc = commands[at + 1];
        kernel[fn](...commands.subarray(at + 2, at + 2 + argc));
        at += 2 + argc;
      }
    } catch (error) {
      report(error);
      failed = 1;
    }
    Atomics.store(control, FAILED_CALL, failed);
    Atomics.store(control, STATE, IDLE);
    Atomics.store(control, DONE, seen);
    Atomics.notify(control, DONE);
  }
}
`;

/** The helper under Node: a CommonJS script run by `new Worker(source, { eval: true, workerData })`. */
const NODE_HELPER_SOURCE = `const { workerData } = require('node:worker_threads');\n${HELPER_LOOP}`;

/** The helper in browsers: a classic worker script that gets `workerData` as its first message, and closes after its loop. */
const WEB_HELPER_SOURCE = `self.onmessage = (event) => {\nself.onmessage = null;\nconst workerData = event.data;\n${HELPER_LOOP}\nself.close();\n};`;

/** What this module uses of Node's `worker_threads` (reached without an import, so bundles for browsers stay clean). */
interface NodeWorker {
  unref(): void;
  on(event: 'error', listener: (error: unknown) => void): void;
}
interface NodeWorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown }) => NodeWorker;
}
interface NodeOs {
  availableParallelism(): number;
}
interface NodeProcess {
  getBuiltinModule?: (id: string) => unknown;
}
/** What this module uses of a browser's globals (declared here: the package's types are Node's). */
interface WebGlobals {
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number };
  Worker?: new (url: string) => { postMessage(message: unknown): void; onerror: ((event: unknown) => void) | null };
  Blob?: new (parts: string[], options: { type: string }) => object;
  URL?: { createObjectURL?(blob: object): string };
}

function webGlobals(): WebGlobals | null {
  const g = globalThis as WebGlobals;
  const usable = g.crossOriginIsolated === true && typeof g.Worker === 'function' && typeof g.Blob === 'function' && typeof g.URL?.createObjectURL === 'function';
  return usable ? g : null;
}

function nodeBuiltin<T>(id: string): T | null {
  const process = (globalThis as { process?: NodeProcess }).process;
  if (typeof process?.getBuiltinModule !== 'function') return null;
  try {
    return (process.getBuiltinModule(id) as T | undefined) ?? null;
  } catch {
    return null;
  }
}

interface Helper {
  readonly control: Int32Array;
  readonly commands: Float64Array;
  readonly message: Uint8Array;
  readonly memory: WebAssembly.Memory;
}

/** The browser helper's script as a Blob URL, made once for the page's life. */
let webHelperUrl: string | undefined;

/** Starts a helper worker with `workerData` (Node first, then a browser's); false where none can start. */
function startWorker(workerData: object, onError: () => void): boolean {
  const threads = nodeBuiltin<NodeWorkerThreads>('node:worker_threads');
  if (threads !== null) {
    const worker = new threads.Worker(NODE_HELPER_SOURCE, { eval: true, workerData });
    worker.on('error', onError);
    worker.unref();
    return true;
  }
  const web = webGlobals();
  if (web === null) return false;
  webHelperUrl ??= web.URL!.createObjectURL!(new web.Blob!([WEB_HELPER_SOURCE], { type: 'text/javascript' }));
  const worker = new web.Worker!(webHelperUrl);
  worker.onerror = onError;
  worker.postMessage(workerData);
  return true;
}

function spawnHelper(shared: SharedKernelModule): Helper | null {
  const helper: Helper = {
    control: new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4)),
    commands: new Float64Array(new SharedArrayBuffer(COMMAND_SLOTS * 8)),
    message: new Uint8Array(new SharedArrayBuffer(MESSAGE_BYTES)),
    memory: shared.memory,
  };
  Atomics.store(helper.control, IDLE_MS, helperIdleMs);
  const workerData = { ...shared, control: helper.control, commands: helper.commands, message: helper.message, functions: KERNEL_FUNCTIONS };
  try {
    return startWorker(workerData, () => Atomics.store(helper.control, STATE, BROKEN)) ? helper : null;
  } catch {
    return null;
  }
}

let setting: number | 'auto' = 'auto';
const helpers: Array<Helper | null> = [];

/** Threads the 'auto' setting uses: this machine's cores, at most 4; 1 where helpers cannot run. */
function autoThreads(): number {
  const os = nodeBuiltin<NodeOs>('node:os');
  const cores =
    os !== null && nodeBuiltin<NodeWorkerThreads>('node:worker_threads') !== null ? os.availableParallelism() : (webGlobals()?.navigator?.hardwareConcurrency ?? 1);
  return Math.max(1, Math.min(4, cores));
}

/**
 * Sets how many threads the recurrence kernel may use for one layer: `'auto'` (the default: the
 * machine's cores, at most 4, under Node and in cross-origin-isolated pages; else 1) or a count
 * ≥ 1 (1: this thread only).
 * Large layers (B·T·G·H ≥ 262,144) split their batch into that many parts, run at once.
 * Gradients then add per-part partial sums: they can differ from one thread's by float32 rounding
 * (the order of the sums over batch rows), and are the same from run to run for the same thread
 * count.
 */
export function setRecurrenceThreads(threads: number | 'auto'): void {
  if (threads !== 'auto' && !(Number.isInteger(threads) && threads >= 1)) {
    throw new Error(`setRecurrenceThreads: threads must be 'auto' or an integer ≥ 1, got ${String(threads)}`);
  }
  setting = threads;
}

/** The thread count the current setting resolves to (helpers start on the first large layer). */
export function recurrenceThreads(): number {
  return setting === 'auto' ? autoThreads() : setting;
}

/** Below this much work per layer (B·T·G·Hp) one thread does it: a split costs ~0.05 ms per pass. */
let minimumSplitWork = 1 << 18;
/** Each part keeps at least this many batch rows. */
const MINIMUM_PART_ROWS = 4;

/** Package-internal (tests): the work from which layers split; returns the previous value. */
export function setMinimumSplitWork(work: number): number {
  const previous = minimumSplitWork;
  minimumSplitWork = work;
  return previous;
}

/**
 * How many threads a call with `work` = B·T·G·Hp (summed over its layers) runs on: 1 without a
 * shared kernel memory, for small calls, or with one thread; else the thread count.
 */
export function kernelThreads(work: number): number {
  return work < minimumSplitWork || sharedKernelModule() === null ? 1 : recurrenceThreads();
}

/**
 * How many parts a layer of `batch` rows and `work` = B·T·G·Hp splits into, given the threads it
 * may use (by default those of {@link kernelThreads}): at most one per thread, each of ≥ 4 rows.
 */
export function kernelParts(batch: number, work: number, threads = kernelThreads(work)): number {
  return Math.max(1, Math.min(threads, Math.floor(batch / MINIMUM_PART_ROWS)));
}

/** The helper for slot `i`, started (or restarted after an idle exit) as needed; null when none can run. */
function helperFor(i: number, shared: SharedKernelModule): Helper | null {
  let helper = helpers[i] ?? null;
  if (helper !== null && (helper.memory !== shared.memory || Atomics.load(helper.control, STATE) === EXITED)) helper = null;
  if (helper === null) {
    helper = spawnHelper(shared);
    helpers[i] = helper;
  }
  return helper;
}

let canWait = true;

/** Blocks while control[index] is `value` (at most 1 s, then returns); spins where blocking is refused. */
function waitWhile(control: Int32Array, index: number, value: number): void {
  if (canWait) {
    try {
      Atomics.wait(control, index, value, 1000);
      return;
    } catch {
      canWait = false; // a page's main thread may not block
    }
  }
  const until = performance.now() + 1000;
  while (Atomics.load(control, index) === value && performance.now() < until);
}

function failure(helper: Helper): string {
  const end = helper.message.indexOf(0);
  return new TextDecoder().decode(helper.message.slice(0, end < 0 ? helper.message.length : end));
}

/**
 * Runs `parts[0]` on this thread and each other part on a helper thread, at once; a part whose
 * helper is unavailable (starting, exited, broken, none under this engine) runs here afterwards.
 * Returns when every part is done; throws what a helper's call threw.
 */
export function runParts(kernel: KernelExports, parts: ReadonlyArray<readonly KernelCall[]>): void {
  // helpers run over the current kernel's memory: parts of a kernel released since (a backward
  // after `releaseRecurrenceKernel`) run here
  const current = sharedKernelModule();
  const shared = current !== null && current.memory === kernel.memory ? current : null;
  const dispatched: Array<{ helper: Helper; seq: number }> = [];
  const local: Array<readonly KernelCall[]> = [];
  parts.forEach((calls, p) => {
    if (p === 0) return;
    const helper = shared === null ? null : helperFor(p - 1, shared);
    if (helper === null || Atomics.compareExchange(helper.control, STATE, IDLE, BUSY) !== IDLE) {
      local.push(calls);
      return;
    }
    encodeCalls(calls, helper.commands);
    const seq = (Atomics.add(helper.control, SEQ, 1) + 1) | 0;
    Atomics.notify(helper.control, SEQ);
    dispatched.push({ helper, seq });
  });
  let failed: Error | null = null;
  try {
    runCalls(kernel, parts[0] ?? []);
    for (const calls of local) runCalls(kernel, calls);
  } catch (error) {
    failed = error instanceof Error ? error : new Error(String(error));
  }
  // every dispatched part ends before anything else touches the memory, even after a failure here
  for (const { helper, seq } of dispatched) {
    const problem = finish(helper, seq); // always waits: `failed ??= finish(…)` would skip it
    failed ??= problem;
  }
  if (failed !== null) throw failed;
}

/**
 * Runs the call lists on at most `threads` threads at once ({@link runParts}): with more lists than
 * threads, list i joins group i mod `threads` (each group runs its lists in order).
 */
export function runOnThreads(kernel: KernelExports, lists: ReadonlyArray<readonly KernelCall[]>, threads: number): void {
  if (lists.length <= threads) return runParts(kernel, lists);
  const groups: KernelCall[][] = Array.from({ length: threads }, () => []);
  lists.forEach((calls, i) => groups[i % threads]!.push(...calls));
  runParts(kernel, groups);
}

/** Waits until the helper has run command `seq`; what went wrong there, or null. */
function finish(helper: Helper, seq: number): Error | null {
  for (;;) {
    const done = Atomics.load(helper.control, DONE);
    if (done === seq) break;
    if (Atomics.load(helper.control, STATE) === BROKEN) return new Error(`scan: a kernel helper thread stopped: ${failure(helper)}`);
    waitWhile(helper.control, DONE, done);
  }
  return Atomics.load(helper.control, FAILED_CALL) === 0 ? null : new Error(`scan: a kernel call failed on a helper thread: ${failure(helper)}`);
}

/** What the recurrence kernel runs on here ({@link recurrenceKernelInfo}). */
export interface RecurrenceKernelInfo {
  /** The WebAssembly SIMD kernel is loaded (else `scan` runs its tfjs-op recurrence). */
  readonly loaded: boolean;
  /** Its memory is shared, so large layers can split over threads. */
  readonly sharedMemory: boolean;
  /** The thread count large layers split over ({@link recurrenceThreads}). */
  readonly threads: number;
  /** Helper threads running now (they start on the first large layer and exit after 10 s idle). */
  readonly helpers: number;
}

/**
 * What the recurrence kernel runs on here — loaded or not, shared memory, threads, running helpers
 * — loading the kernel if it is not yet (where it can load synchronously).
 *
 * @example
 * const { threads, helpers } = recurrenceKernelInfo(); // e.g. { …, threads: 2, helpers: 1 } after a large layer
 */
export function recurrenceKernelInfo(): RecurrenceKernelInfo {
  const loaded = recurrenceKernel() !== null;
  const sharedMemory = sharedKernelModule() !== null;
  const running = helpers.filter((h) => h !== null && [IDLE, BUSY].includes(Atomics.load(h.control, STATE))).length;
  return { loaded, sharedMemory, threads: sharedMemory ? recurrenceThreads() : 1, helpers: running };
}

const STATE_NAMES = ['starting', 'idle', 'busy', 'exited', 'broken'] as const;

/**
 * Stops every helper: an idle one exits at once, a starting one as soon as it starts (this thread
 * never leaves one busy: `runParts` returns only when its parts are done). Later splits start new ones.
 */
export function stopHelpers(): void {
  for (const h of helpers) {
    if (h === null) continue;
    Atomics.store(h.control, STATE, EXITED);
    Atomics.add(h.control, SEQ, 1);
    Atomics.notify(h.control, SEQ);
  }
  helpers.length = 0;
}

/** Package-internal (tests, bench): each helper slot's state, null for a slot never started. */
export function helperStates(): Array<(typeof STATE_NAMES)[number] | null> {
  return helpers.map((h) => (h === null ? null : STATE_NAMES[Atomics.load(h.control, STATE)]!));
}

/** Package-internal (tests): how long helpers wait idle before they exit (from their next wait). */
export function setHelperIdleMs(ms: number): void {
  helperIdleMs = ms;
  for (const h of helpers) if (h !== null) Atomics.store(h.control, IDLE_MS, ms);
}
