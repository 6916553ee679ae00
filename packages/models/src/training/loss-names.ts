/**
 * Losses by name, as `compile` takes them: Keras' snake_case names and tfjs-layers' camelCase ones,
 * each the @rnnkit/training loss with its defaults (cross-entropies from probabilities, Huber δ = 1).
 * The kind of the loss is what `'accuracy'` resolves by.
 */
import { binaryCrossentropy, categoricalCrossentropy, huber, meanAbsoluteError, meanSquaredError, sparseCategoricalCrossentropy } from '@rnnkit/training';
import type { Loss } from '@rnnkit/training';

/** What a loss compares: `'other'` for regression losses and losses given as functions. */
export type LossKind = 'binary' | 'categorical' | 'sparse' | 'other';

interface NamedLoss {
  readonly make: () => Loss;
  readonly kind: LossKind;
}

const binary: NamedLoss = { make: () => binaryCrossentropy(), kind: 'binary' };
const categorical: NamedLoss = { make: () => categoricalCrossentropy(), kind: 'categorical' };
const sparse: NamedLoss = { make: () => sparseCategoricalCrossentropy(), kind: 'sparse' };
const mse: NamedLoss = { make: () => meanSquaredError(), kind: 'other' };
const mae: NamedLoss = { make: () => meanAbsoluteError(), kind: 'other' };

const LOSSES: ReadonlyMap<string, NamedLoss> = new Map([
  ['binary_crossentropy', binary],
  ['binaryCrossentropy', binary],
  ['categorical_crossentropy', categorical],
  ['categoricalCrossentropy', categorical],
  ['sparse_categorical_crossentropy', sparse],
  ['sparseCategoricalCrossentropy', sparse],
  ['mse', mse],
  ['mean_squared_error', mse],
  ['meanSquaredError', mse],
  ['mae', mae],
  ['mean_absolute_error', mae],
  ['meanAbsoluteError', mae],
  ['huber', { make: () => huber(), kind: 'other' }],
]);

/** The loss names `compile` accepts. */
export const LOSS_NAMES: readonly string[] = [...LOSSES.keys()];

/** The loss `identifier` names (or the function itself) and its kind. */
export function resolveLoss(identifier: string | Loss, who: string): { readonly loss: Loss; readonly kind: LossKind } {
  if (typeof identifier === 'function') return { loss: identifier, kind: 'other' };
  if (typeof identifier !== 'string') throw new Error(`${who}: loss must be a name (${LOSS_NAMES.join(', ')}) or a loss function, got ${String(identifier)}`);
  const named = LOSSES.get(identifier);
  if (named === undefined) throw new Error(`${who}: unknown loss '${identifier}'; expected one of ${LOSS_NAMES.map((n) => `'${n}'`).join(', ')} or a loss function`);
  return { loss: named.make(), kind: named.kind };
}
