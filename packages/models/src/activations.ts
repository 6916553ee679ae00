/**
 * Output activations of layers (`dense`, the convolutions, `activation`): every Keras 3 activation
 * that a config can name, plus tfjs-layers' `gelu_new`. The cells have their own, with the gate
 * activations. Names are camelCase; `interop/keras-activations.ts` maps them to Keras' spelling.
 *
 * Shapes: any; element-wise except softmax, logSoftmax and sparsemax, which run along the last axis.
 *
 *   linear(x) = x                                 relu(x) = max(x, 0)            relu6(x) = min(max(x, 0), 6)
 *   leakyRelu(x) = x (x ≥ 0), 0.2·x (x < 0)       (Keras 3's function default negative_slope 0.2)
 *   elu(x) = x (x > 0), eˣ − 1 (x ≤ 0)             celu(x) = max(x, 0) + expm1(min(x, 0))  (α = 1, so = elu)
 *   selu(x) = λ·x (x > 0), λα(eˣ − 1) (x ≤ 0)       λ = 1.0507009873554805, α = 1.6732632423543772
 *   gelu(x) = x·Φ(x) = x/2·(1 + erf(x/√2))         (Keras 3 default approximate=False; tfjs-layers' 'gelu')
 *   geluNew(x) = x/2·(1 + tanh(√(2/π)·(x + 0.044715·x³)))   (tfjs-layers' 'gelu_new' = Keras gelu(approximate=True))
 *   silu(x) = x·σ(x)  (Keras 'silu' = 'swish')     hardSilu(x) = x·relu6(x + 3)/6  (Keras 3 'hard_silu' = 'hard_swish')
 *   sigmoid(x) = σ(x) = 1/(1 + e⁻ˣ)               logSigmoid(x) = −softplus(−x)
 *   hardSigmoidKeras2(x) = clip(0.2·x + 0.5, 0, 1)   — 'hard_sigmoid' of Keras 2 and tfjs-layers
 *   hardSigmoidKeras3(x) = clip(x/6 + 0.5, 0, 1)     — 'hard_sigmoid' of Keras 3 (NUMERICS.md §2.1)
 *   sparseSigmoid(x) = clip((x + 1)/2, 0, 1)
 *   tanh(x)        hardTanh(x) = clip(x, −1, 1)     tanhShrink(x) = x − tanh(x)
 *   hardShrink(x) = x (|x| > 0.5), 0 otherwise      softShrink(x) = x − clip(x, −0.5, 0.5)
 *   softmax(x)_j = e^{x_j} / Σ_k e^{x_k}           logSoftmax(x)_j = x_j − log Σ_k e^{x_k}
 *   sparsemax(x) = max(x − τ(x), 0), the projection onto the simplex (sparsemax.ts)
 *   softplus(x) = log(1 + eˣ)                     softsign(x) = x/(1 + |x|)      exponential(x) = eˣ
 *   sparsePlus(x) = 0 (x ≤ −1), (x + 1)²/4 (|x| < 1), x (x ≥ 1)
 *   squareplus(x) = (x + √(x² + 4))/2             mish(x) = x·tanh(softplus(x))
 */
import {
  abs,
  add,
  clipByValue,
  div,
  elu,
  erf,
  exp,
  leakyRelu,
  logSoftmax,
  mul,
  neg,
  relu,
  relu6,
  scalar,
  selu,
  sigmoid,
  softmax,
  softplus,
  sqrt,
  square,
  step,
  sub,
  tanh,
  tidy,
} from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { sparsemax } from './sparsemax';

/** The activations a layer can apply to its output (see the table at the top of this file). */
export type DenseActivation =
  | 'linear'
  | 'relu'
  | 'relu6'
  | 'leakyRelu'
  | 'elu'
  | 'celu'
  | 'selu'
  | 'gelu'
  | 'geluNew'
  | 'silu'
  | 'hardSilu'
  | 'sigmoid'
  | 'logSigmoid'
  | 'hardSigmoidKeras2'
  | 'hardSigmoidKeras3'
  | 'sparseSigmoid'
  | 'tanh'
  | 'hardTanh'
  | 'tanhShrink'
  | 'hardShrink'
  | 'softShrink'
  | 'softmax'
  | 'logSoftmax'
  | 'sparsemax'
  | 'softplus'
  | 'softsign'
  | 'exponential'
  | 'sparsePlus'
  | 'squareplus'
  | 'mish';

export const DENSE_ACTIVATIONS: readonly DenseActivation[] = [
  'linear',
  'relu',
  'relu6',
  'leakyRelu',
  'elu',
  'celu',
  'selu',
  'gelu',
  'geluNew',
  'silu',
  'hardSilu',
  'sigmoid',
  'logSigmoid',
  'hardSigmoidKeras2',
  'hardSigmoidKeras3',
  'sparseSigmoid',
  'tanh',
  'hardTanh',
  'tanhShrink',
  'hardShrink',
  'softShrink',
  'softmax',
  'logSoftmax',
  'sparsemax',
  'softplus',
  'softsign',
  'exponential',
  'sparsePlus',
  'squareplus',
  'mish',
];

/** Throws unless `name` is a {@link DenseActivation}; `who` names the option. */
export function assertDenseActivation(name: unknown, who: string): asserts name is DenseActivation {
  if (!DENSE_ACTIVATIONS.includes(name as DenseActivation)) {
    throw new Error(`${who} must be one of ${DENSE_ACTIVATIONS.map((n) => `'${n}'`).join(', ')}, got ${JSON.stringify(name)}`);
  }
}

/** `act(x)` (the table at the top of this file); returns `x` itself for `linear`. */
export function applyDenseActivation(name: DenseActivation, x: Tensor): Tensor {
  switch (name) {
    case 'linear':
      return x;
    case 'relu':
      return relu(x);
    case 'relu6':
      return relu6(x);
    case 'leakyRelu':
      return leakyRelu(x, 0.2);
    case 'elu':
    case 'celu':
      return elu(x);
    case 'selu':
      return selu(x);
    case 'gelu':
      return tidy(() => mul(mul(x, scalar(0.5)), add(scalar(1), erf(mul(x, scalar(Math.SQRT1_2))))));
    case 'geluNew':
      return tidy(() => {
        const inner = mul(scalar(Math.sqrt(2 / Math.PI)), add(x, mul(scalar(0.044715), mul(x, square(x)))));
        return mul(mul(x, scalar(0.5)), add(scalar(1), tanh(inner)));
      });
    case 'silu':
      return tidy(() => mul(x, sigmoid(x)));
    case 'hardSilu':
      return tidy(() => mul(x, div(relu6(add(x, scalar(3))), scalar(6))));
    case 'sigmoid':
      return sigmoid(x);
    case 'logSigmoid':
      return tidy(() => neg(softplus(neg(x))));
    case 'hardSigmoidKeras2':
      return tidy(() => clipByValue(add(mul(x, scalar(0.2)), scalar(0.5)), 0, 1));
    case 'hardSigmoidKeras3':
      return tidy(() => div(relu6(add(x, scalar(3))), scalar(6)));
    case 'sparseSigmoid':
      return tidy(() => clipByValue(mul(add(x, scalar(1)), scalar(0.5)), 0, 1));
    case 'tanh':
      return tanh(x);
    case 'hardTanh':
      return clipByValue(x, -1, 1);
    case 'tanhShrink':
      return tidy(() => sub(x, tanh(x)));
    case 'hardShrink':
      // step(|x| − 0.5) is 1 where |x| > 0.5, else 0, and has a zero gradient (a comparison has none in tfjs)
      return tidy(() => mul(x, step(sub(abs(x), scalar(0.5)))));
    case 'softShrink':
      return tidy(() => sub(x, clipByValue(x, -0.5, 0.5)));
    case 'softmax':
      return softmax(x);
    case 'logSoftmax':
      return logSoftmax(x);
    case 'sparsemax':
      return sparsemax(x);
    case 'softplus':
      return softplus(x);
    case 'softsign':
      return tidy(() => div(x, add(abs(x), scalar(1))));
    case 'exponential':
      return exp(x);
    case 'sparsePlus':
      // (c + 1)²/4 with c = clip(x, −1, 1), plus the linear part beyond 1
      return tidy(() => add(mul(square(add(clipByValue(x, -1, 1), scalar(1))), scalar(0.25)), relu(sub(x, scalar(1)))));
    case 'squareplus':
      return tidy(() => mul(add(x, sqrt(add(square(x), scalar(4)))), scalar(0.5)));
    case 'mish':
      return tidy(() => mul(x, tanh(softplus(x))));
  }
}
