/**
 * Keras' leniency about target shapes: a target with one axis fewer than predictions whose last
 * axis is 1 (labels [B] for a sigmoid output [B, 1], [B, T] for [B, T, 1]) gets that axis added
 * before the loss and the metrics see it, as Keras 3's `squeeze_or_expand_to_same_rank` does.
 *
 * Shapes: B batch, T time; yPred [B, ..., 1], yTrue [B, ...] or [B, ..., 1].
 */
import { expandDims, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { Loss, Metric } from '@rnnkit/training';

/** True when `yTrue` lacks only the trailing axis of size 1 that `yPred` has. */
function lacksUnitAxis(yTrue: Tensor, yPred: Tensor): boolean {
  return yTrue.rank === yPred.rank - 1 && yPred.shape[yPred.rank - 1] === 1 && yTrue.shape.every((d, i) => d === yPred.shape[i]);
}

/** `loss` taking targets without the predictions' trailing unit axis too. */
export function matchRankLoss(loss: Loss): Loss {
  return (yTrue, yPred, weights) =>
    lacksUnitAxis(yTrue, yPred) ? tidy(() => loss(expandDims(yTrue, -1), yPred, weights)) : loss(yTrue, yPred, weights);
}

/** `metric` taking targets without the predictions' trailing unit axis too; same name. */
export function matchRankMetric(metric: Metric): Metric {
  return {
    name: metric.name,
    create() {
      const inner = metric.create();
      return {
        update(yTrue, yPred, mask) {
          if (!lacksUnitAxis(yTrue, yPred)) return inner.update(yTrue, yPred, mask);
          tidy(() => inner.update(expandDims(yTrue, -1), yPred, mask));
        },
        result: () => inner.result(),
      };
    },
  };
}
