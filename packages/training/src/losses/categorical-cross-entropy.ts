/**
 * Categorical cross-entropy with one-hot (or soft) targets, and its sparse form with integer class
 * ids; from probabilities (Keras' ε-clipping) or from logits.
 *
 * Shapes: B batch, T time, C classes. yPred is [B, C] or [B, T, C]; the per-sample loss is [B] or
 * [B, T]. Dense yTrue has yPred's shape; sparse yTrue is [B] / [B, T] (or with a trailing 1).
 */
import {
  cast,
  clipByValue,
  div,
  log,
  logSoftmax,
  mul,
  neg,
  oneHot,
  reshape,
  sum,
  tidy,
} from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { assertClassLabels, assertSameShape, sparseLabelShape } from './labels';
import { reduceLoss } from './reduce';
import type { Loss } from './reduce';

/** Options of the categorical cross-entropies: logits or probabilities, and the clipping ε. */
export interface CategoricalCrossentropyOptions {
  /** True when yPred holds logits z instead of probabilities p = softmax(z). Default false. */
  readonly fromLogits?: boolean;
  /** Clipping of probabilities to [ε, 1 − ε]; Keras' backend epsilon 1e-7 by default. */
  readonly epsilon?: number;
}

/**
 * Per-sample categorical cross-entropy over the last axis:
 *
 *   from probabilities:  p' = clip(p / Σ_c p_c, ε, 1 − ε),  ℓ = −Σ_c y_c·log p'_c
 *   from logits:         ℓ = −Σ_c y_c·log softmax(z)_c
 */
export function categoricalCrossentropyPerSample(
  yTrue: Tensor,
  yPred: Tensor,
  options: CategoricalCrossentropyOptions = {},
): Tensor {
  assertSameShape(yTrue, yPred, 'categoricalCrossentropy');
  const epsilon = options.epsilon ?? 1e-7;
  return tidy(() => {
    const logP =
      options.fromLogits === true
        ? logSoftmax(yPred)
        : log(clipByValue(div(yPred, sum(yPred, -1, true)), epsilon, 1 - epsilon));
    return neg(sum(mul(yTrue, logP), -1));
  });
}

/**
 * Per-sample sparse categorical cross-entropy, ℓ = −log q_y, where
 *
 *   from logits:         q = softmax(z)
 *   from probabilities:  q = softmax(log clip(p, ε, 1 − ε))   (Keras; equals p when p sums to 1)
 *
 * Labels must be integer class ids in [0, C); anything else throws, naming the first offender.
 */
export function sparseCategoricalCrossentropyPerSample(
  yTrue: Tensor,
  yPred: Tensor,
  options: CategoricalCrossentropyOptions = {},
): Tensor {
  const name = 'sparseCategoricalCrossentropy';
  const labelShape = sparseLabelShape(yTrue, yPred, name);
  const numClasses = yPred.shape[yPred.rank - 1]!;
  assertClassLabels(yTrue, numClasses, name);
  const epsilon = options.epsilon ?? 1e-7;
  return tidy(() => {
    const logits = options.fromLogits === true ? yPred : log(clipByValue(yPred, epsilon, 1 - epsilon));
    const labels = oneHot(cast(reshape(yTrue, [-1]), 'int32'), numClasses);
    const logQ = reshape(logSoftmax(logits), [-1, numClasses]);
    return reshape(neg(sum(mul(labels, logQ), -1)), labelShape);
  });
}

/** Categorical cross-entropy loss (Keras `CategoricalCrossentropy`), reduced by {@link reduceLoss}. */
export function categoricalCrossentropy(options: CategoricalCrossentropyOptions = {}): Loss {
  return (yTrue, yPred, weights) =>
    tidy(() => reduceLoss(categoricalCrossentropyPerSample(yTrue, yPred, options), weights, 'categoricalCrossentropy'));
}

/** Sparse categorical cross-entropy loss (Keras `SparseCategoricalCrossentropy`), reduced by {@link reduceLoss}. */
export function sparseCategoricalCrossentropy(options: CategoricalCrossentropyOptions = {}): Loss {
  return (yTrue, yPred, weights) =>
    tidy(() =>
      reduceLoss(sparseCategoricalCrossentropyPerSample(yTrue, yPred, options), weights, 'sparseCategoricalCrossentropy'),
    );
}
