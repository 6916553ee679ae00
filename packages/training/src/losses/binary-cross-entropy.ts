/**
 * Binary cross-entropy, from probabilities (Keras' ε-clipping) or from logits.
 *
 * Shapes: B batch, T time, K independent binary outputs. yTrue and yPred are [B, K] or [B, T, K];
 * the per-sample loss averages over K and is [B] or [B, T].
 */
import { abs, add, clipByValue, exp, log, log1p, maximum, mean, mul, neg, scalar, sub, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { assertProbabilityLabels, assertSameShape } from './labels';
import { reduceLoss } from './reduce';
import type { Loss } from './reduce';

/** Options of {@link binaryCrossentropy}: logits or probabilities, the clipping ε and label smoothing. */
export interface BinaryCrossentropyOptions {
  /** True when yPred holds logits z instead of probabilities p = σ(z). Default false. */
  readonly fromLogits?: boolean;
  /** Clipping of probabilities to [ε, 1 − ε]; Keras' backend epsilon 1e-7 by default. */
  readonly epsilon?: number;
  /** Keras' label smoothing s: y ← y·(1 − s) + s/2. Default 0. */
  readonly labelSmoothing?: number;
}

/**
 * Per-sample binary cross-entropy, averaged over the last axis:
 *
 *   from probabilities:  p' = clip(p, ε, 1 − ε),  ℓ = −[y·log p' + (1 − y)·log(1 − p')]
 *   from logits:         ℓ = max(z, 0) − z·y + log(1 + e^(−|z|))      (stable form of the same)
 *
 * Keras 3 on TensorFlow computes from the logits whenever yPred came straight from a sigmoid layer;
 * pass `fromLogits: true` (and a linear last layer) to get that behaviour.
 */
export function binaryCrossentropyPerSample(yTrue: Tensor, yPred: Tensor, options: BinaryCrossentropyOptions = {}): Tensor {
  const name = 'binaryCrossentropy';
  assertSameShape(yTrue, yPred, name);
  assertProbabilityLabels(yTrue, name);
  const epsilon = options.epsilon ?? 1e-7;
  const smoothing = options.labelSmoothing ?? 0;
  return tidy(() => {
    const y = smoothing > 0 ? add(mul(yTrue, 1 - smoothing), 0.5 * smoothing) : yTrue;
    let elementwise: Tensor;
    if (options.fromLogits === true) {
      const z = yPred;
      elementwise = add(sub(maximum(z, 0), mul(z, y)), log1p(exp(neg(abs(z)))));
    } else {
      const p = clipByValue(yPred, epsilon, 1 - epsilon);
      const positive = mul(y, log(p));
      const negative = mul(sub(scalar(1), y), log(sub(scalar(1), p)));
      elementwise = neg(add(positive, negative));
    }
    return mean(elementwise, -1);
  });
}

/**
 * Binary cross-entropy loss (Keras `BinaryCrossentropy`): the per-sample loss of
 * {@link binaryCrossentropyPerSample}, reduced by {@link reduceLoss} (mask and sample weights honoured).
 *
 * @example
 * const loss = binaryCrossentropy();            // probabilities from a sigmoid
 * const value = loss(yTrue, yPred);             // scalar, owned by the caller
 */
export function binaryCrossentropy(options: BinaryCrossentropyOptions = {}): Loss {
  return (yTrue, yPred, weights) =>
    tidy(() => reduceLoss(binaryCrossentropyPerSample(yTrue, yPred, options), weights, 'binaryCrossentropy'));
}
