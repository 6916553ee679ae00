/**
 * `RnnkitAdam`: Adam's per-element update as one kernel, for the cpu and wasm backends — one pass
 * over w, g, m, v instead of a dozen element-wise ops, each of which allocates, writes and reads a
 * whole tensor (an IMDB Embedding's 320,000 weights: ~2.5 ms of tfjs ops per step on wasm).
 *
 * Shapes: w, g, m, v [...S] float32 → [w', m', v'] [...S]. Attributes: c1 = 1 − β1, c2 = 1 − β2,
 * a (the step factor), epsilon, s (√(1 − β2ᵗ), the paper form only) and `paper` (0: Keras 3's form).
 *   m' = m + (g − m)·c1;  v' = v + (g² − v)·c2
 *   Keras 3: w' = w − (m'·a) / (√v' + ε)        paper: w' = w − (m' / (√v' / s + ε))·a
 * Every operation is rounded to float32 in the order of the tfjs ops (`adamUpdate` in
 * `../adam-update.ts`), so the kernel gives their bits: on wasm the row kernel's f32x4 loop
 * (`assembly/rows.ts`) over the backend's heap, on cpu (and on wasm without the row kernel) a JS
 * loop rounding every step as tfjs-backend-cpu does.
 */
import { getKernel, registerKernel, unregisterKernel, util } from '@tensorflow/tfjs-core';
import type { KernelBackend, KernelConfig, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { heapAddress, rowsKernel } from './wasm-rows';

/** The kernel's name. */
export const ADAM_KERNEL = 'RnnkitAdam';
const BACKENDS = ['cpu', 'wasm'] as const;

/** The update's constants (attributes of the kernel). */
export interface AdamAttrs {
  readonly c1: number;
  readonly c2: number;
  readonly a: number;
  readonly epsilon: number;
  readonly s: number;
  readonly paper: boolean;
}

/** The update on plain arrays, every operation rounded to float32 (tfjs-backend-cpu's arithmetic). */
function adamLoop(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, k: AdamAttrs, outW: Float32Array, outM: Float32Array, outV: Float32Array): void {
  const f = Math.fround;
  const [c1, c2, a, eps, s] = [f(k.c1), f(k.c2), f(k.a), f(k.epsilon), f(k.s)];
  for (let i = 0; i < w.length; i++) {
    const gi = g[i]!;
    const mi = m[i]!;
    const vi = v[i]!;
    const m1 = f(mi + f(f(gi - mi) * c1));
    const v1 = f(vi + f(f(f(gi * gi) - vi) * c2));
    const root = f(Math.sqrt(v1));
    const step = k.paper ? f(f(m1 / f(f(root / s) + eps)) * a) : f(f(m1 * a) / f(root + eps));
    outW[i] = w[i]! - step;
    outM[i] = m1;
    outV[i] = v1;
  }
}

function attrsOf(attrs: NamedAttrMap | undefined): AdamAttrs {
  const number = (key: string): number => {
    const value = attrs?.[key];
    if (typeof value !== 'number') throw new Error(`${ADAM_KERNEL}: attr ${key} must be a number`);
    return value;
  };
  return { c1: number('c1'), c2: number('c2'), a: number('a'), epsilon: number('epsilon'), s: number('s'), paper: attrs?.['paper'] === true };
}

function adam(args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }, backendName: (typeof BACKENDS)[number]): TensorInfo[] {
  const { w, g, m, v } = args.inputs;
  if (w === undefined || g === undefined || m === undefined || v === undefined) throw new Error(`${ADAM_KERNEL}: needs inputs w, g, m and v`);
  for (const t of [g, m, v]) {
    if (!util.arraysEqual(t.shape, w.shape) || t.dtype !== 'float32' || w.dtype !== 'float32') throw new Error(`${ADAM_KERNEL}: w, g, m, v must be float32 of one shape`);
  }
  const k = attrsOf(args.attrs);
  const shape = [...w.shape];
  const count = util.sizeFromShape(shape);
  if (backendName === 'wasm') {
    const wasm = args.backend as BackendWasm;
    const outs = [wasm.makeOutput(shape, 'float32'), wasm.makeOutput(shape, 'float32'), wasm.makeOutput(shape, 'float32')];
    // addresses and views taken after the outputs' allocation, which may grow (and so replace) the heap
    const rows = rowsKernel(wasm);
    if (rows !== null) {
      const [pw, pg, pm, pv, ow, om, ov] = [w, g, m, v, ...outs].map((t) => heapAddress(wasm, t));
      rows.adamUpdate(pw!, pg!, pm!, pv!, count, k.c1, k.c2, k.a, k.epsilon, k.s, k.paper ? 1 : 0, ow!, om!, ov!);
    } else {
      const view = (t: TensorInfo): Float32Array => wasm.typedArrayFromHeap(t) as Float32Array;
      adamLoop(view(w), view(g), view(m), view(v), k, view(outs[0]!), view(outs[1]!), view(outs[2]!));
    }
    return outs;
  }
  const backend = args.backend as KernelBackend;
  const read = (t: TensorInfo): Float32Array => backend.readSync(t.dataId) as Float32Array;
  const [outW, outM, outV] = [new Float32Array(count), new Float32Array(count), new Float32Array(count)];
  adamLoop(read(w), read(g), read(m), read(v), k, outW, outM, outV);
  return [outW, outM, outV].map((values) => ({ dataId: backend.write(values, shape, 'float32'), shape, dtype: 'float32' as const }));
}

/** Registers `RnnkitAdam` on cpu and wasm. */
export function registerAdamKernels(): void {
  for (const backendName of BACKENDS) {
    if (getKernel(ADAM_KERNEL, backendName) !== undefined) unregisterKernel(ADAM_KERNEL, backendName);
    const kernelFunc = (args: { inputs: NamedTensorInfoMap; backend: unknown; attrs?: NamedAttrMap }): TensorInfo[] => adam(args, backendName);
    const config: KernelConfig = { kernelName: ADAM_KERNEL, backendName, kernelFunc };
    registerKernel(config);
  }
}
