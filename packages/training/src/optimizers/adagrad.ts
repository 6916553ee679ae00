/**
 * Adagrad in Keras 3's form (tfjs computes the same; PyTorch starts the accumulator at 0 and puts
 * ε = 1e-10 outside the square root).
 *
 *   s ← s + g²,   w ← w − η·g / √(s + ε)        s starts at 0.1
 */
import { add, div, mul, sqrt, square, sub } from '@rnnkit/tensor';
import { createOptimizer } from './optimizer';
import type { Optimizer, OptimizerOptions } from './optimizer';

export interface AdagradOptions extends OptimizerOptions {
  /** Starting value of the accumulator s. Default 0.1. */
  readonly initialAccumulatorValue?: number;
  /** Default 1e-7. */
  readonly epsilon?: number;
}

/** Adagrad (Keras defaults: η = 0.001, s₀ = 0.1, ε = 1e-7). */
export function adagrad(options: AdagradOptions = {}): Optimizer {
  const initial = options.initialAccumulatorValue ?? 0.1;
  const epsilon = options.epsilon ?? 1e-7;
  if (!(initial >= 0)) throw new Error(`adagrad: initialAccumulatorValue must be ≥ 0, got ${initial}`);
  return createOptimizer(
    'adagrad',
    {
      slots: { accumulator: initial },
      update(w, g, slots, { learningRate }) {
        const s = add(slots['accumulator']!, square(g));
        return { w: sub(w, div(mul(g, learningRate), sqrt(add(s, epsilon)))), slots: { accumulator: s } };
      },
    },
    options,
    0.001,
  );
}
