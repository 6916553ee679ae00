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
import { add, div, mul, sqrt, square, sub } from '@rnnkit/tensor';
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
      const m = add(slots['m']!, mul(sub(g, slots['m']!), 1 - beta1));
      const v = add(slots['v']!, mul(sub(square(g), slots['v']!), 1 - beta2));
      // bias corrections in float64, from the step count (so a restored step count resumes exactly)
      const correction1 = 1 - beta1 ** t;
      const correction2 = 1 - beta2 ** t;
      let step;
      if (variant === 'keras') {
        const alpha = (learningRate * Math.sqrt(correction2)) / correction1;
        step = div(mul(m, alpha), add(sqrt(v), epsilon));
      } else {
        const denominator = add(div(sqrt(v), Math.sqrt(correction2)), epsilon);
        step = mul(div(m, denominator), learningRate / correction1);
      }
      return { w: sub(w, step), slots: { m, v } };
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
