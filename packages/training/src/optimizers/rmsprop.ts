/**
 * RMSprop in Keras 3's form (tfjs-core computes the same, except that its centered form subtracts ε;
 * PyTorch puts ε outside the square root).
 *
 *   v ← ρ·v + (1 − ρ)·g²
 *   centered:  a ← ρ·a + (1 − ρ)·g,  d = v − a² + ε;   otherwise d = v + ε
 *   Δ = η·g / √d
 *   momentum μ > 0:  b ← μ·b + Δ,  w ← w − b;          otherwise w ← w − Δ
 */
import { add, div, mul, sqrt, square, sub } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { createOptimizer } from './optimizer';
import type { Optimizer, OptimizerOptions, UpdateRule } from './optimizer';

export interface RmspropOptions extends OptimizerOptions {
  /** ρ, the decay of the mean square. Default 0.9. */
  readonly rho?: number;
  /** μ. Default 0. */
  readonly momentum?: number;
  /** Default 1e-7. */
  readonly epsilon?: number;
  /** Normalise by the estimated variance instead of the mean square. Default false. */
  readonly centered?: boolean;
}

/** RMSprop (Keras defaults: η = 0.001, ρ = 0.9, μ = 0, ε = 1e-7). */
export function rmsprop(options: RmspropOptions = {}): Optimizer {
  const rho = options.rho ?? 0.9;
  const momentum = options.momentum ?? 0;
  const epsilon = options.epsilon ?? 1e-7;
  const centered = options.centered ?? false;
  if (!(rho >= 0 && rho < 1)) throw new Error(`rmsprop: rho must be in [0, 1), got ${rho}`);
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`rmsprop: momentum must be in [0, 1], got ${momentum}`);
  const slots: Record<string, number> = { v: 0 };
  if (centered) slots['averageGradient'] = 0;
  if (momentum > 0) slots['momentum'] = 0;
  const rule: UpdateRule = {
    slots,
    update(w, g, state, { learningRate }) {
      const next: Record<string, Tensor> = {};
      const v = add(mul(state['v']!, rho), mul(square(g), 1 - rho));
      next['v'] = v;
      let denominator = add(v, epsilon);
      if (centered) {
        const a = add(mul(state['averageGradient']!, rho), mul(g, 1 - rho));
        next['averageGradient'] = a;
        denominator = add(sub(v, square(a)), epsilon);
      }
      const increment = div(mul(g, learningRate), sqrt(denominator));
      if (momentum === 0) return { w: sub(w, increment), slots: next };
      const b = add(mul(state['momentum']!, momentum), increment);
      next['momentum'] = b;
      return { w: sub(w, b), slots: next };
    },
  };
  return createOptimizer('rmsprop', rule, options, 0.001);
}
