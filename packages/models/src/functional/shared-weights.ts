/**
 * Layers shared between functional models, as in Keras: a layer spec applied in the graphs of two
 * models is one layer with one set of weights. The model built first owns the variables; a model built
 * with `shareWeightsWith: [first]` uses the same variables for every layer both graphs call, so
 * training either model changes both (Keras' seq2seq builds its inference encoder and decoder this way).
 *
 * Layers are matched by identity of the spec object (what `applyLayer` was given), not by name.
 */
import type { Variable } from '@rnnkit/tensor';
import type { AnyLayerSpec } from '../layers/registry';
import type { WeightShape } from '../layer';
import type { InputSpec } from './symbolic';

/** A model's layers by spec object: its name there and its weights by local name (`kernel`). */
type LayerWeights = Map<AnyLayerSpec | InputSpec, { readonly model: string; readonly layer: string; readonly weights: Readonly<Record<string, Variable>> }>;

const weightsOfModel = new WeakMap<object, LayerWeights>();

/** Remembers which spec object holds which variables in `model`, so later models can share them. */
export function recordLayerWeights(
  model: object,
  modelName: string,
  specs: readonly (AnyLayerSpec | InputSpec)[],
  names: readonly string[],
  weights: readonly Readonly<Record<string, Variable>>[],
): void {
  weightsOfModel.set(model, new Map(specs.map((spec, i) => [spec, { model: modelName, layer: names[i]!, weights: weights[i]! }] as const)));
}

/**
 * For each layer of a new model, the variables it shares with one of `models` (null for a layer of
 * its own). A layer found in a model must expect exactly the weights it has there (names and shapes).
 */
export function sharedLayerWeights(
  specs: readonly (AnyLayerSpec | InputSpec)[],
  names: readonly string[],
  expected: readonly (readonly WeightShape[])[],
  models: readonly object[],
  who: string,
): (Readonly<Record<string, Variable>> | null)[] {
  const known = models.map((m, i) => {
    const found = weightsOfModel.get(m);
    if (found === undefined) throw new Error(`${who}: shareWeightsWith[${i}] must be a functional model built by model(), got ${typeof m}`);
    return found;
  });
  return specs.map((spec, i) => {
    if (spec.kind === 'input') return null;
    const owner = known.map((k) => k.get(spec)).find((entry) => entry !== undefined);
    if (owner === undefined) return null;
    const theirs = Object.entries(owner.weights);
    const mine = expected[i]!;
    const same = theirs.length === mine.length && mine.every((w) => owner.weights[w.name]?.shape.join() === w.shape.join());
    if (!same) {
      const shapes = (list: readonly [string, readonly number[]][]): string => list.map(([n, s]) => `${n} [${s.join(', ')}]`).join(', ') || 'none';
      throw new Error(
        `${who}: layer '${names[i]}' is shared with layer '${owner.layer}' of model '${owner.model}', whose weights are ${shapes(theirs.map(([n, v]) => [n, v.shape]))}, ` +
          `but here it needs ${shapes(mine.map((w) => [w.name, w.shape]))}`,
      );
    }
    return owner.weights;
  });
}
