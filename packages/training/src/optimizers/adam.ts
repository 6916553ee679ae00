/**
 * Adam and AdamW, in Keras 3's form by default, or in the form of the paper, PyTorch and tfjs.
 *
 * Both keep m ← m + (g − m)·(1 − β1) and v ← v + (g² − v)·(1 − β2); they place ε differently:
 *
 *   'keras' (default):  α = η·√(1 − β2ᵗ)/(1 − β1ᵗ),   w ← w − α·m / (√v + ε)        ε = 1e-7
 *   'paper':            w ← w − η·m̂ / (√v̂ + ε),  m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ)   (PyTorch: ε = 1e-8)
 *
 * Keras adds ε to the uncorrected √v ("ε-hat" in Kingma & Ba), so early steps differ from the
 * paper's by a factor of about (√v̂ + ε)/(√v̂ + ε/√(1 − β2ᵗ)). We default to Keras, whose numbers the
 * demo reproduces; pass `variant: 'paper', epsilon: 1e-8` to follow PyTorch.
 *
 * AdamW is Adam with decoupled weight decay, w ← w − w·λ·η before the step (Keras 3 `AdamW`,
 * default λ = 0.004; PyTorch's `AdamW` uses λ = 0.01 and w·(1 − η·λ), equal up to rounding).
 */
import { adamUpdate } from '@rnnkit/tensor';
import { createOptimizer } from './optimizer';
import type { Optimizer, OptimizerOptions, UpdateRule } from './optimizer';

export interface AdamOptions extends OptimizerOptions {
  readonly beta1?: number;
  readonly beta2?: number;
  /** 1e-7 by default (Keras and tfjs); PyTorch uses 1e-8. */
  readonly epsilon?: number;
  /** Where ε goes: `'keras'` (default, Keras 3) or `'paper'` (Kingma & Ba Alg. 1, PyTorch, tfjs). */
  readonly variant?: 'keras' | 'paper';
}

function adamRule(options: AdamOptions, name: string): UpdateRule {
  const beta1 = options.beta1 ?? 0.9;
  const beta2 = options.beta2 ?? 0.999;
  const epsilon = options.epsilon ?? 1e-7;
  const variant = options.variant ?? 'keras';
  for (const [key, value] of [['beta1', beta1], ['beta2', beta2]] as const) {
    if (!(value >= 0 && value < 1)) throw new Error(`${name}: ${key} must be in [0, 1), got ${value}`);
  }
  if (!(epsilon >= 0)) throw new Error(`${name}: epsilon must be ≥ 0, got ${epsilon}`);
  if (variant !== 'keras' && variant !== 'paper') {
    throw new Error(`${name}: variant must be 'keras' or 'paper', got ${JSON.stringify(variant)}`);
  }
  return {
    slots: { m: 0, v: 0 },
    update(w, g, slots, { learningRate, t }) {
      // bias corrections in float64, from the step count (so a restored step count resumes exactly)
      const correction1 = 1 - beta1 ** t;
      const correction2 = 1 - beta2 ** t;
      // one fused pass (m, v, then the step; `adamUpdate` in @rnnkit/tensor), the same bits as the ops:
      //   m ← m + (g − m)·(1 − β1);  v ← v + (g² − v)·(1 − β2)
      //   keras: w ← w − (m·α) / (√v + ε), α = η·√(1 − β2ᵗ)/(1 − β1ᵗ);   paper: w ← w − (m / (√v / √(1 − β2ᵗ) + ε))·η/(1 − β1ᵗ)
      const a = variant === 'keras' ? (learningRate * Math.sqrt(correction2)) / correction1 : learningRate / correction1;
      const next = adamUpdate(w, g, slots['m']!, slots['v']!, { beta1, beta2, epsilon, a, s: Math.sqrt(correction2), variant });
      return { w: next.w, slots: { m: next.m, v: next.v } };
    },
  };
}

/** Adam (Keras defaults: η = 0.001, β1 = 0.9, β2 = 0.999, ε = 1e-7, Keras 3 form). */
export function adam(options: AdamOptions = {}): Optimizer {
  return createOptimizer('adam', adamRule(options, 'adam'), options, 0.001);
}

/** AdamW: Adam with decoupled weight decay (Keras 3 defaults: λ = 0.004, η = 0.001). */
export function adamw(options: AdamOptions = {}): Optimizer {
  return createOptimizer('adamw', adamRule(options, 'adamw'), { ...options, weightDecay: options.weightDecay ?? 0.004 }, 0.001);
}
