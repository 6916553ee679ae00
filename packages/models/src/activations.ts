/**
 * Output activations of `dense` (the cells have their own, with the gate activations).
 *
 * linear(x) = x; relu(x) = max(x, 0); sigmoid(x) = 1/(1 + e^−x); tanh(x);
 * softmax(x)_j = e^{x_j} / Σ_k e^{x_k} over the last axis; softplus(x) = log(1 + e^x);
 * elu(x) = x for x > 0, e^x − 1 otherwise.
 */
import { elu, relu, sigmoid, softmax, softplus, tanh } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';

/** The activations a dense layer can apply to its output. */
export type DenseActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax' | 'softplus' | 'elu';

export const DENSE_ACTIVATIONS: readonly DenseActivation[] = ['linear', 'relu', 'sigmoid', 'tanh', 'softmax', 'softplus', 'elu'];

/** Throws unless `name` is a {@link DenseActivation}; `who` names the option. */
export function assertDenseActivation(name: unknown, who: string): asserts name is DenseActivation {
  if (!DENSE_ACTIVATIONS.includes(name as DenseActivation)) {
    throw new Error(`${who} must be one of ${DENSE_ACTIVATIONS.map((n) => `'${n}'`).join(', ')}, got ${JSON.stringify(name)}`);
  }
}

/** `act(x)`; returns `x` itself for `linear`. */
export function applyDenseActivation(name: DenseActivation, x: Tensor): Tensor {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return relu(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'tanh':
      return tanh(x);
    case 'softmax':
      return softmax(x);
    case 'softplus':
      return softplus(x);
    case 'elu':
      return elu(x);
  }
}
