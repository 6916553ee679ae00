/**
 * Helper threads for the recurrence kernel: a layer's batch is split into parts
 * (`kernel-recurrence.ts`), this thread runs the first part's kernel calls and each helper thread
 * one other part's, all at once, over the kernel's shared memory (`kernel-module.ts`).
 *
 * A helper is a `worker_threads` worker with its own instance of the shared-memory module. Each
 * has a control block (Int32Array over a SharedArrayBuffer) and a command buffer (the encoded calls,
 * `kernel-calls.ts`); this thread writes the commands, bumps SEQ and notifies, runs its own part,
 * then waits (`Atomics.wait`) until the helper's DONE equals SEQ. Splitting, not timing, decides
 * which rows a part has, so results do not depend on which thread ran what — a part whose helper
 * is busy or not started yet runs here, on the same rows.
 *
 * Helpers are Node-only for now (browsers would need a Blob-URL worker and a page that is
 * cross-origin isolated); they are unref'd, so they never keep a process alive, and a helper idle
 * for 10 s exits (a later split starts a new one).
 */
import { KERNEL_FUNCTIONS, encodeCalls, runCalls } from './kernel-calls';
import type { KernelCall } from './kernel-calls';
import { sharedKernelModule } from './kernel-module';
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

/** The helper's program (a CommonJS script run by `new Worker(source, { eval: true })`). */
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads');
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
if (kernel !== undefined) {
  let seen = Atomics.load(control, SEQ);
  Atomics.store(control, STATE, IDLE);
  Atomics.notify(control, STATE);
  for (;;) {
    if (Atomics.wait(control, SEQ, seen, Atomics.load(control, IDLE_MS)) === 'timed-out') {
      if (Atomics.compareExchange(control, STATE, IDLE, EXITED) === IDLE) break;
      continue;
    }
    seen = Atomics.load(control, SEQ);
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

function spawnHelper(shared: SharedKernelModule): Helper | null {
  const threads = nodeBuiltin<NodeWorkerThreads>('node:worker_threads');
  if (threads === null) return null;
  const helper: Helper = {
    control: new Int32Array(new SharedArrayBuffer(CONTROL_SLOTS * 4)),
    commands: new Float64Array(new SharedArrayBuffer(COMMAND_SLOTS * 8)),
    message: new Uint8Array(new SharedArrayBuffer(MESSAGE_BYTES)),
    memory: shared.memory,
  };
  Atomics.store(helper.control, IDLE_MS, helperIdleMs);
  try {
    const worker = new threads.Worker(HELPER_SOURCE, {
      eval: true,
      workerData: { ...shared, control: helper.control, commands: helper.commands, message: helper.message, functions: KERNEL_FUNCTIONS },
    });
    worker.on('error', () => Atomics.store(helper.control, STATE, BROKEN));
    worker.unref();
  } catch {
    return null;
  }
  return helper;
}

let setting: number | 'auto' = 'auto';
const helpers: Array<Helper | null> = [];

/** Threads the 'auto' setting uses: this machine's cores, at most 4; 1 where helpers cannot run. */
function autoThreads(): number {
  const os = nodeBuiltin<NodeOs>('node:os');
  if (os === null || nodeBuiltin<NodeWorkerThreads>('node:worker_threads') === null) return 1;
  return Math.max(1, Math.min(4, os.availableParallelism()));
}

/**
 * Sets how many threads the recurrence kernel may use for one layer: `'auto'` (the default: the
 * machine's cores, at most 4, under Node; 1 in browsers) or a count ≥ 1 (1: this thread only).
 * Large layers (see {@link kernelParts}) split their batch into that many parts, run at once.
 * Gradients then sum per-part partial sums: they can differ from one thread's in the last bits
 * (≤ 3e-7 relative), and are the same from run to run for the same setting.
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
 * How many parts a layer of `batch` rows and `work` = B·T·G·Hp splits into: 1 without a shared
 * kernel memory, for small layers, or with one thread; else up to the thread count.
 */
export function kernelParts(batch: number, work: number): number {
  if (work < minimumSplitWork || sharedKernelModule() === null) return 1;
  return Math.max(1, Math.min(recurrenceThreads(), Math.floor(batch / MINIMUM_PART_ROWS)));
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
  const shared = sharedKernelModule();
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
  runCalls(kernel, parts[0] ?? []);
  for (const calls of local) runCalls(kernel, calls);
  for (const { helper, seq } of dispatched) {
    for (;;) {
      const done = Atomics.load(helper.control, DONE);
      if (done === seq) break;
      if (Atomics.load(helper.control, STATE) === BROKEN) throw new Error(`scan: a kernel helper thread stopped: ${failure(helper)}`);
      Atomics.wait(helper.control, DONE, done, 1000);
    }
    if (Atomics.load(helper.control, FAILED_CALL) !== 0) throw new Error(`scan: a kernel call failed on a helper thread: ${failure(helper)}`);
  }
}

const STATE_NAMES = ['starting', 'idle', 'busy', 'exited', 'broken'] as const;

/** Package-internal (tests, bench): each helper slot's state, null for a slot never started. */
export function helperStates(): Array<(typeof STATE_NAMES)[number] | null> {
  return helpers.map((h) => (h === null ? null : STATE_NAMES[Atomics.load(h.control, STATE)]!));
}

/** Package-internal (tests): how long helpers wait idle before they exit (from their next wait). */
export function setHelperIdleMs(ms: number): void {
  helperIdleMs = ms;
  for (const h of helpers) if (h !== null) Atomics.store(h.control, IDLE_MS, ms);
}
