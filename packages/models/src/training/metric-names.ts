/**
 * Metrics by name, as `compile` takes them. `'accuracy'` (or `'acc'`) becomes the accuracy the loss
 * implies, as Keras and tfjs-layers resolve it: binary accuracy for binary cross-entropy,
 * sparse categorical accuracy for sparse categorical cross-entropy, categorical accuracy for
 * categorical cross-entropy. With any other loss it is decided from the shapes of the first batch,
 * by Keras 3's rule: binary when predictions have one output, sparse when the targets have one
 * axis fewer (or a last axis of 1 against several outputs), categorical otherwise.
 *
 * Logs name each metric by the string it was given (Keras): `metrics: ['acc']` logs `acc` and
 * `val_acc`, `['accuracy']` logs `accuracy` and `val_accuracy`.
 *
 * Shapes: B batch, K outputs; yPred [B, ..., K], yTrue [B, ..., K] or [B, ...] (sparse).
 */
import { auc, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy } from '@rnnkit/training';
import type { Metric, MetricAccumulator } from '@rnnkit/training';
import type { LossKind } from './loss-names';

type Accuracy = 'binary' | 'categorical' | 'sparse';

function accuracyOf(kind: Accuracy, name: string): Metric {
  if (kind === 'binary') return binaryAccuracy({ name });
  return kind === 'sparse' ? sparseCategoricalAccuracy({ name }) : categoricalAccuracy({ name });
}

/** Accuracy chosen on the first update from the shapes (Keras 3's `get_metric`). */
function accuracyByShape(name: string): Metric {
  return {
    name,
    create(): MetricAccumulator {
      let inner: MetricAccumulator | null = null;
      return {
        update(yTrue, yPred, mask) {
          if (inner === null) {
            const predLast = yPred.shape[yPred.rank - 1] ?? 1;
            const trueLast = yTrue.shape[yTrue.rank - 1] ?? 1;
            const kind: Accuracy = predLast === 1 ? 'binary' : yTrue.rank < yPred.rank || trueLast === 1 ? 'sparse' : 'categorical';
            inner = accuracyOf(kind, name).create();
          }
          inner.update(yTrue, yPred, mask);
        },
        result: () => inner?.result() ?? 0,
      };
    },
  };
}

const NAMED: ReadonlyMap<string, (name: string) => Metric> = new Map([
  ['binary_accuracy', (name: string) => binaryAccuracy({ name })],
  ['binaryAccuracy', (name: string) => binaryAccuracy({ name })],
  ['categorical_accuracy', (name: string) => categoricalAccuracy({ name })],
  ['categoricalAccuracy', (name: string) => categoricalAccuracy({ name })],
  ['sparse_categorical_accuracy', (name: string) => sparseCategoricalAccuracy({ name })],
  ['sparseCategoricalAccuracy', (name: string) => sparseCategoricalAccuracy({ name })],
  ['auc', (name: string) => auc({ name })],
  ['AUC', (name: string) => auc({ name })],
]);

/** The metric names `compile` accepts. */
export const METRIC_NAMES: readonly string[] = ['accuracy', 'acc', ...NAMED.keys()];

/** The metric `identifier` names (resolving accuracy by `lossKind`), or the metric itself. */
export function resolveMetric(identifier: string | Metric, lossKind: LossKind, who: string): Metric {
  if (typeof identifier !== 'string') {
    if (identifier === null || typeof identifier !== 'object' || typeof identifier.create !== 'function') {
      throw new Error(`${who}: each metric must be a name (${METRIC_NAMES.join(', ')}) or a metric from @rnnkit/training, got ${String(identifier)}`);
    }
    return identifier;
  }
  if (identifier === 'accuracy' || identifier === 'acc') {
    return lossKind === 'other' ? accuracyByShape(identifier) : accuracyOf(lossKind, identifier);
  }
  const make = NAMED.get(identifier);
  if (make === undefined) throw new Error(`${who}: unknown metric '${identifier}'; expected one of ${METRIC_NAMES.map((n) => `'${n}'`).join(', ')} or a metric instance`);
  return make(identifier);
}
