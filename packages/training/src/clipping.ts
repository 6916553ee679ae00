/**
 * Gradient clipping, and the global gradient norm that training reports every step.
 *
 *   by value:             g ← clip(g, −c, c)
 *   per-variable norm:    g ← g · c / max(‖g‖, c)                      (Keras `clipnorm`, each variable)
 *   global norm:          N = √(Σ_v ‖g_v‖²),  g ← g · min(1, c / (N + 1e-6))   (PyTorch `clip_grad_norm_`)
 *
 * Keras' `clipnorm` clips every variable separately; PyTorch's `clip_grad_norm_` (and Keras'
 * `global_clipnorm`, up to its missing 1e-6) scales all gradients together (NUMERICS §2.6).
 */
import { addN, clipByValue, clone, div, maximum, mul, sqrt, square, sum, tidy } from '@rnnkit/tensor';
import type { Scalar, Tensor } from '@rnnkit/tensor';
import type { Grads } from './optimizers/optimizer';

/** Gradient clipping: by value, per-variable norm (Keras' `clipnorm`) or global norm (PyTorch's `clip_grad_norm_`); any combination. */
export interface GradientClipping {
  /** Clip every gradient element to [−value, value]. */
  readonly value?: number;
  /** Rescale each variable's gradient to norm ≤ `norm` (Keras `clipnorm`). */
  readonly norm?: number;
  /** Rescale all gradients together to global norm ≤ `globalNorm` (PyTorch `clip_grad_norm_`). */
  readonly globalNorm?: number;
}

/** N = √(Σ_v ‖g_v‖²), as a scalar tensor owned by the caller. */
export function globalNorm(grads: Grads): Scalar {
  return tidy(() => {
    const squares = Object.values(grads).map((g) => sum(square(g)));
    return sqrt(squares.length === 0 ? sum(0) : addN(squares)) as Scalar;
  });
}

function checkLimit(value: number | undefined, what: string): void {
  if (value !== undefined && !(value > 0)) throw new Error(`clipGradients: ${what} must be > 0, got ${value}`);
}

/**
 * Clips gradients (per-variable norm, then global norm, then value — Keras' order) and returns the
 * clipped gradients with the global norm measured BEFORE clipping (as `clip_grad_norm_` returns it).
 * The returned tensors are new and belong to the caller; the inputs are untouched.
 */
export function clipGradients(grads: Grads, clipping: GradientClipping = {}): { grads: Record<string, Tensor>; globalNorm: number } {
  checkLimit(clipping.value, 'value');
  checkLimit(clipping.norm, 'norm');
  checkLimit(clipping.globalNorm, 'globalNorm');
  const normTensor = globalNorm(grads);
  const norm = normTensor.dataSync()[0]!;
  const clipped = tidy(() => {
    let out: Record<string, Tensor> = { ...grads };
    if (clipping.norm !== undefined) {
      const c = clipping.norm;
      out = mapValues(out, (g) => div(mul(g, c), maximum(sqrt(sum(square(g))), c)));
    }
    if (clipping.globalNorm !== undefined) {
      const coefficient = Math.min(1, clipping.globalNorm / (norm + 1e-6));
      if (coefficient < 1) out = mapValues(out, (g) => mul(g, coefficient));
    }
    if (clipping.value !== undefined) {
      const c = clipping.value;
      out = mapValues(out, (g) => clipByValue(g, -c, c));
    }
    // hand back copies, so the caller may dispose the result without touching the inputs
    return mapValues(out, (g) => (Object.values(grads).includes(g) ? clone(g) : g));
  });
  normTensor.dispose();
  return { grads: clipped, globalNorm: norm };
}

function mapValues(grads: Readonly<Record<string, Tensor>>, f: (g: Tensor) => Tensor): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(grads).map(([name, g]) => [name, f(g)]));
}
