/**
 * Scalar activations in float64 and their derivatives with respect to the pre-activation.
 *
 * At the kinks the derivatives follow the tfjs kernels the cells run on: relu'(0) = 0; the Keras-2
 * hard sigmoid is a `clipByValue`, whose gradient passes at the clip bounds; the Keras-3 one is
 * `relu6(x + 3) / 6`, whose gradient is 0 at the bounds. Finite differences cannot see the
 * difference away from the kinks, which random test inputs never hit.
 */
import type { ReferenceActivation } from './types';

export interface ScalarActivation {
  readonly value: (x: number) => number;
  readonly derivative: (x: number) => number;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

const ACTIVATIONS: Readonly<Record<ReferenceActivation, ScalarActivation>> = {
  tanh: {
    value: Math.tanh,
    derivative: (x) => 1 - Math.tanh(x) ** 2,
  },
  sigmoid: {
    value: sigmoid,
    derivative: (x) => sigmoid(x) * (1 - sigmoid(x)),
  },
  relu: {
    value: (x) => Math.max(0, x),
    derivative: (x) => (x > 0 ? 1 : 0),
  },
  linear: {
    value: (x) => x,
    derivative: () => 1,
  },
  hardSigmoidKeras2: {
    value: (x) => Math.min(1, Math.max(0, 0.2 * x + 0.5)),
    derivative: (x) => (x >= -2.5 && x <= 2.5 ? 0.2 : 0),
  },
  hardSigmoidKeras3: {
    value: (x) => Math.min(1, Math.max(0, x / 6 + 0.5)),
    derivative: (x) => (x > -3 && x < 3 ? 1 / 6 : 0),
  },
};

/** The activation called `name`; throws on an unknown name. */
export function scalarActivation(name: ReferenceActivation, argument = 'activation'): ScalarActivation {
  const activation = ACTIVATIONS[name];
  if (activation === undefined) {
    throw new Error(`${argument} must be one of ${Object.keys(ACTIVATIONS).join(', ')}, got ${String(name)}`);
  }
  return activation;
}

/** Applies `f` element-wise into a new array. */
export function mapArray(values: Float64Array, f: (x: number) => number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = f(values[i]!);
  return out;
}
