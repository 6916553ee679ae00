/**
 * Regression losses: mean squared error, mean absolute error, Huber.
 *
 * Shapes: B batch, T time, F features. yTrue and yPred are [B, F] or [B, T, F]; the per-sample loss
 * averages over F and is [B] or [B, T].
 */
import { abs, lessEqual, mean, mul, square, sub, tidy, where } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { assertSameShape } from './labels';
import { reduceLoss } from './reduce';
import type { Loss } from './reduce';

/** Per-sample mean squared error: ℓ = mean_f (y − ŷ)². */
export function meanSquaredErrorPerSample(yTrue: Tensor, yPred: Tensor): Tensor {
  assertSameShape(yTrue, yPred, 'meanSquaredError');
  return tidy(() => mean(square(sub(yPred, yTrue)), -1));
}

/** Per-sample mean absolute error: ℓ = mean_f |y − ŷ|. */
export function meanAbsoluteErrorPerSample(yTrue: Tensor, yPred: Tensor): Tensor {
  assertSameShape(yTrue, yPred, 'meanAbsoluteError');
  return tidy(() => mean(abs(sub(yPred, yTrue)), -1));
}

/**
 * Per-sample Huber loss with threshold δ (Keras default 1), averaged over the last axis:
 *
 *   e = |y − ŷ|,  ℓ = ½e² if e ≤ δ, else δ·e − ½δ²

 */
export function huberPerSample(yTrue: Tensor, yPred: Tensor, delta = 1): Tensor {
  assertSameShape(yTrue, yPred, 'huber');
  if (!(delta > 0)) throw new Error(`huber: delta must be > 0, got ${delta}`);
  return tidy(() => {
    const e = abs(sub(yPred, yTrue));
    const quadratic = mul(0.5, square(e));
    const linear = sub(mul(delta, e), 0.5 * delta * delta);
    return mean(where(lessEqual(e, delta), quadratic, linear), -1);
  });
}

/** Mean squared error loss (Keras `MeanSquaredError`), reduced by {@link reduceLoss}. */
export function meanSquaredError(): Loss {
  return (yTrue, yPred, weights) => tidy(() => reduceLoss(meanSquaredErrorPerSample(yTrue, yPred), weights, 'meanSquaredError'));
}

/** Mean absolute error loss (Keras `MeanAbsoluteError`), reduced by {@link reduceLoss}. */
export function meanAbsoluteError(): Loss {
  return (yTrue, yPred, weights) =>
    tidy(() => reduceLoss(meanAbsoluteErrorPerSample(yTrue, yPred), weights, 'meanAbsoluteError'));
}

/** Huber loss (Keras `Huber`, δ = 1 by default), reduced by {@link reduceLoss}. */
export function huber(options: { readonly delta?: number } = {}): Loss {
  return (yTrue, yPred, weights) => tidy(() => reduceLoss(huberPerSample(yTrue, yPred, options.delta ?? 1), weights, 'huber'));
}
