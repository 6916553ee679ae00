/**
 * Optimisers by name, as `compile` takes them in Keras and tfjs-layers: `'adam'`, `'sgd'`,
 * `'rmsprop'`, `'adagrad'`, `'adamw'`, in any letter case (`'SGD'`, `'RMSProp'`), each with Keras 3's
 * default hyper-parameters (those of @rnnkit/training's factories).
 */
import { adagrad, adam, adamw, rmsprop, sgd } from '@rnnkit/training';
import type { Optimizer } from '@rnnkit/training';

const OPTIMIZERS: ReadonlyMap<string, () => Optimizer> = new Map([
  ['adam', () => adam()],
  ['sgd', () => sgd()],
  ['rmsprop', () => rmsprop()],
  ['adagrad', () => adagrad()],
  ['adamw', () => adamw()],
]);

/** The optimiser names `compile` accepts (letter case aside). */
export const OPTIMIZER_NAMES: readonly string[] = [...OPTIMIZERS.keys()];

/**
 * The optimiser `identifier` names, freshly made, or the instance itself. `owned` tells whether the
 * model made it (and so disposes it).
 */
export function resolveOptimizer(identifier: string | Optimizer, who: string): { readonly optimizer: Optimizer; readonly owned: boolean } {
  if (typeof identifier !== 'string') {
    if (identifier === null || typeof identifier !== 'object' || typeof identifier.applyGradients !== 'function') {
      throw new Error(`${who}: optimizer must be a name (${OPTIMIZER_NAMES.join(', ')}) or an optimizer from @rnnkit/training, got ${String(identifier)}`);
    }
    return { optimizer: identifier, owned: false };
  }
  const make = OPTIMIZERS.get(identifier.toLowerCase());
  if (make === undefined) throw new Error(`${who}: unknown optimizer '${identifier}'; expected one of ${OPTIMIZER_NAMES.map((n) => `'${n}'`).join(', ')} or an optimizer instance`);
  return { optimizer: make(), owned: true };
}
