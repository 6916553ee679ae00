/**
 * Element-wise activations of the cells, and their derivatives written in terms of the output
 * (what the hand-written BPTT keeps from the forward pass).
 *
 * Shapes: any; every function is element-wise.
 */
import { add, clone, clipByValue, relu, sigmoid, tanh, tidy, mul, sub, scalar, cast, logicalAnd, greater, less, onesLike, square } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';

/**
 * Activations a cell may use. The two hard sigmoids differ and are named for where they come from:
 * - `hardSigmoidKeras2`: `clip(0.2·x + 0.5, 0, 1)` — tfjs-layers' and Keras 2's `hard_sigmoid`;
 * - `hardSigmoidKeras3`: `clip(x/6 + 0.5, 0, 1)` = `relu6(x + 3)/6` — Keras 3's `hard_sigmoid`.
 */
export type ActivationName = 'tanh' | 'sigmoid' | 'relu' | 'linear' | 'hardSigmoidKeras2' | 'hardSigmoidKeras3';

/** Every {@link ActivationName}, for validation and for tests that sweep them. */
export const ACTIVATION_NAMES: readonly ActivationName[] = ['tanh', 'sigmoid', 'relu', 'linear', 'hardSigmoidKeras2', 'hardSigmoidKeras3'];

const HARD_SIGMOID_SLOPE: Record<'hardSigmoidKeras2' | 'hardSigmoidKeras3', number> = {
  hardSigmoidKeras2: 0.2,
  hardSigmoidKeras3: 1 / 6,
};

/** Throws unless `name` is an {@link ActivationName}; `argument` names the option in the message. */
export function assertActivation(name: unknown, argument: string): asserts name is ActivationName {
  if (!ACTIVATION_NAMES.includes(name as ActivationName)) {
    throw new Error(`${argument} must be one of ${ACTIVATION_NAMES.map((n) => `'${n}'`).join(', ')}, got ${JSON.stringify(name)}`);
  }
}

/**
 * `act(x)` for the named activation. The caller owns the result.
 *
 * tanh(x); sigmoid(x) = 1/(1+e^−x); relu(x) = max(x, 0); linear(x) = x;
 * hardSigmoidKeras2(x) = clip(0.2x + 0.5, 0, 1); hardSigmoidKeras3(x) = clip(x/6 + 0.5, 0, 1).
 */
export function activate(name: ActivationName, x: Tensor): Tensor {
  switch (name) {
    case 'tanh':
      return tanh(x);
    case 'sigmoid':
      return sigmoid(x);
    case 'relu':
      return relu(x);
    case 'linear':
      return clone(x);
    case 'hardSigmoidKeras2':
    case 'hardSigmoidKeras3':
      return tidy(() => clipByValue(add(mul(x, scalar(HARD_SIGMOID_SLOPE[name])), scalar(0.5)), 0, 1));
  }
}

/**
 * `act'(x)` expressed through `y = act(x)`:
 * tanh → 1 − y²; sigmoid → y(1 − y); relu → [y > 0]; linear → 1; hard sigmoids → slope·[0 < y < 1].
 * At the kinks of relu and the hard sigmoids (a set of measure zero) this takes the one-sided value 0.
 */
export function activationGradFromOutput(name: ActivationName, y: Tensor): Tensor {
  return tidy(() => {
    switch (name) {
      case 'tanh':
        return sub(scalar(1), square(y));
      case 'sigmoid':
        return mul(y, sub(scalar(1), y));
      case 'relu':
        return cast(greater(y, scalar(0)), 'float32');
      case 'linear':
        return onesLike(y);
      case 'hardSigmoidKeras2':
      case 'hardSigmoidKeras3': {
        const inside = cast(logicalAnd(greater(y, scalar(0)), less(y, scalar(1))), 'float32');
        return mul(inside, scalar(HARD_SIGMOID_SLOPE[name]));
      }
    }
  });
}
