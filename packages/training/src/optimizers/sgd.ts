/**
 * Stochastic gradient descent with optional (Nesterov) momentum, in Keras 3's form.
 *
 *   plain:     w ← w − η·g
 *   momentum:  m ← μ·m − η·g,  w ← w + m
 *   Nesterov:  m ← μ·m − η·g,  w ← w + μ·m − η·g
 *
 * PyTorch and tfjs keep b ← μ·b + g and step w ← w − η·b; with a constant η the two are the same
 * sequence of weights (m = −η·b). They differ only while η changes (Keras' form applies each η to
 * the gradient of its own step).
 */
import { add, mul, sub } from '@rnnkit/tensor';
import { createOptimizer } from './optimizer';
import type { Optimizer, OptimizerOptions, UpdateRule } from './optimizer';

export interface SgdOptions extends OptimizerOptions {
  /** μ in [0, 1]; 0 (the default) is plain gradient descent. */
  readonly momentum?: number;
  /** Nesterov momentum. Default false. */
  readonly nesterov?: boolean;
}

/** SGD (Keras defaults: learning rate 0.01, momentum 0). */
export function sgd(options: SgdOptions = {}): Optimizer {
  const momentum = options.momentum ?? 0;
  const nesterov = options.nesterov ?? false;
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`sgd: momentum must be in [0, 1], got ${momentum}`);
  const rule: UpdateRule =
    momentum === 0
      ? { slots: {}, update: (w, g, _slots, { learningRate }) => ({ w: sub(w, mul(g, learningRate)), slots: {} }) }
      : {
          slots: { momentum: 0 },
          update(w, g, slots, { learningRate }) {
            const m = sub(mul(slots['momentum']!, momentum), mul(g, learningRate));
            const step = nesterov ? sub(mul(m, momentum), mul(g, learningRate)) : m;
            return { w: add(w, step), slots: { momentum: m } };
          },
        };
  return createOptimizer('sgd', rule, options, 0.01);
}
