/**
 * Adam's per-element update of one variable, fused: on cpu and wasm one kernel pass
 * (`kernels/adam-kernel.ts`), elsewhere the same tfjs ops one by one. Both give the same bits.
 *
 * Shapes: w, g, m, v [...S] float32 → w', m', v' [...S].
 *   m' = m + (g − m)·(1 − β1);  v' = v + (g² − v)·(1 − β2)
 *   'keras' (Keras 3):  w' = w − (m'·a) / (√v' + ε)
 *   'paper':            w' = w − (m' / (√v' / s + ε))·a
 * with the constants as float32 scalars; the caller derives a and s from the step count.
 */
import { engine, getKernel } from '@tensorflow/tfjs-core';
import type { NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { add, div, getBackend, mul, sqrt, square, sub } from './ops';
import { ADAM_KERNEL } from './kernels/adam-kernel';

/** The constants of one Adam update. */
export interface AdamConstants {
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  /** 'keras': a = η·√(1 − β2ᵗ)/(1 − β1ᵗ); 'paper': a = η/(1 − β1ᵗ). */
  readonly a: number;
  /** √(1 − β2ᵗ), used by the paper form only. */
  readonly s: number;
  readonly variant: 'keras' | 'paper';
}

/** The updated variable and moments (new tensors; the caller owns them). */
export interface AdamResult {
  readonly w: Tensor;
  readonly m: Tensor;
  readonly v: Tensor;
}

/**
 * One Adam update of w from its gradient g and moments m, v (see the file comment).
 *
 * @example
 * const { w: w1, m: m1, v: v1 } = adamUpdate(w, g, m, v, { beta1: 0.9, beta2: 0.999, epsilon: 1e-7, a: 1e-3, s: 1, variant: 'keras' });
 */
export function adamUpdate(w: Tensor, g: Tensor, m: Tensor, v: Tensor, k: AdamConstants): AdamResult {
  const same = [g, m, v].every((t) => t.shape.length === w.shape.length && t.shape.every((d, i) => d === w.shape[i]));
  const fused = same && [w, g, m, v].every((t) => t.dtype === 'float32') && getKernel(ADAM_KERNEL, getBackend()) !== undefined;
  if (fused) {
    const attrs = { c1: 1 - k.beta1, c2: 1 - k.beta2, a: k.a, epsilon: k.epsilon, s: k.s, paper: k.variant === 'paper' };
    const [w1, m1, v1] = engine().runKernel(ADAM_KERNEL, { w, g, m, v }, attrs as NamedAttrMap) as Tensor[];
    return { w: w1!, m: m1!, v: v1! };
  }
  const m1 = add(m, mul(sub(g, m), 1 - k.beta1));
  const v1 = add(v, mul(sub(square(g), v), 1 - k.beta2));
  const step = k.variant === 'keras' ? div(mul(m1, k.a), add(sqrt(v1), k.epsilon)) : mul(div(m1, add(div(sqrt(v1), k.s), k.epsilon)), k.a);
  return { w: sub(w, step), m: m1, v: v1 };
}
