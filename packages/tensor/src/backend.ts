/**
 * Backend set-up: wasm (SIMD where the platform has it) by default, cpu as the fallback.
 */
import { engine, env, getBackend, ready, setBackend } from '@tensorflow/tfjs-core';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';

/** The backends rnnkit runs on: WebAssembly (SIMD where available) or pure JavaScript. */
export type BackendName = 'wasm' | 'cpu';

/** File names of tfjs-backend-wasm's three binaries, mapped to the URLs a bundler gave them. */
export type WasmPaths = string | Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;

/** Options of {@link initBackend}: the backend, the wasm thread count and where the `.wasm` files are. */
export interface BackendOptions {
  /** Which backend to run; default `'wasm'`. */
  readonly backend?: BackendName;
  /**
   * Threads for the wasm backend where the platform supports them (browsers with cross-origin
   * isolation); 1 keeps tfjs on its single-threaded build even there.
   */
  readonly threads?: number;
  /**
   * Where the `.wasm` files are, for bundled browser pages: a URL prefix, or a map from file name to
   * the asset URL the bundler produced. Not needed in Node, where they are found in `node_modules`.
   */
  readonly wasmPaths?: WasmPaths;
}

/** What really runs after {@link initBackend}. */
export interface BackendInfo {
  readonly backend: BackendName;
  /** True when the SIMD build of the wasm backend runs (always false on cpu). */
  readonly simd: boolean;
  /** Threads the backend computes with. */
  readonly threads: number;
}

/**
 * Selects and initialises the backend, and reports the flavour that runs.
 *
 * @example
 * const { backend, simd } = await initBackend(); // { backend: 'wasm', simd: true, threads: 1 } in Node
 */
export async function initBackend(options: BackendOptions = {}): Promise<BackendInfo> {
  const backend = options.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') {
    throw new Error(`initBackend: backend must be 'wasm' or 'cpu', got ${JSON.stringify(backend)}`);
  }
  if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 1)) {
    throw new Error(`initBackend: threads must be a positive integer, got ${options.threads}`);
  }
  if (backend === 'wasm') {
    if (options.wasmPaths !== undefined) setWasmPaths(options.wasmPaths);
    if (options.threads !== undefined) setThreadsCount(options.threads);
    // one thread: tfjs' single-threaded build, even where its threaded build could load
    if (options.threads === 1) env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  }
  if (!(await setBackend(backend))) throw new Error(`initBackend: the ${backend} backend failed to initialise`);
  await ready();
  if (getBackend() !== backend) throw new Error(`initBackend: asked for ${backend}, but ${getBackend()} is active`);
  if (backend === 'cpu') {
    silenceNodeBackendAdvice();
    return { backend, simd: false, threads: 1 };
  }
  const simd = (await env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
  const multithread = (await env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT')) === true;
  return { backend, simd, threads: multithread ? getThreadsCount() : 1 };
}

/**
 * tfjs' cpu backend prints "install our node backend" on its first write under Node. That backend
 * (tfjs-node) cannot be installed offline and is not what rnnkit runs on, so the advice is noise.
 */
function silenceNodeBackendAdvice(): void {
  const cpu = engine().findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (cpu !== null && 'firstUse' in cpu) cpu.firstUse = false;
}
