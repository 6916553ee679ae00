/**
 * Layers shared between functional models, as in Keras: a layer spec applied in the graphs of two
 * models is one layer with one set of weights. The first model built with a layer owns its variables;
 * every later model whose graph applies the same spec object uses those variables (not a copy), so
 * training either model trains both — Keras' seq2seq draws its inference encoder and one-step decoder
 * from the training model's layers this way. Once the owner is disposed, a new model gets fresh weights.
 *
 * Layers are matched by identity of the spec object (what `applyLayer` was given, or a model's
 * `layers[i].spec`), not by name.
 */
import type { Variable } from '@rnnkit/tensor';
import type { AnyLayerSpec } from '../layers/registry';
import type { WeightShape } from '../layer';
import type { InputSpec } from './symbolic';

/** Who made a layer's variables: the model's and the layer's name there, and the variables by local name (`kernel`). */
interface LayerOwner {
  readonly model: string;
  readonly layer: string;
  readonly weights: Readonly<Record<string, Variable>>;
}

const ownerOf = new WeakMap<object, LayerOwner>();

function live(owner: LayerOwner | undefined): owner is LayerOwner {
  return owner !== undefined && Object.values(owner.weights).every((v) => !v.isDisposed);
}

/** Records `model`'s layers (by spec object) as the owners of their variables, unless a live model owns them already. */
export function recordLayerWeights(
  modelName: string,
  specs: readonly (AnyLayerSpec | InputSpec)[],
  names: readonly string[],
  weights: readonly Readonly<Record<string, Variable>>[],
): void {
  specs.forEach((spec, i) => {
    if (spec.kind === 'input' || live(ownerOf.get(spec))) return;
    ownerOf.set(spec, { model: modelName, layer: names[i]!, weights: weights[i]! });
  });
}

/**
 * For each layer of a new model, the variables it shares with the live model that owns it (null for a
 * layer of its own). A shared layer must expect exactly the weights it has there (names and shapes).
 */
export function sharedLayerWeights(
  specs: readonly (AnyLayerSpec | InputSpec)[],
  names: readonly string[],
  expected: readonly (readonly WeightShape[])[],
  who: string,
): (Readonly<Record<string, Variable>> | null)[] {
  return specs.map((spec, i) => {
    const owner = ownerOf.get(spec);
    if (spec.kind === 'input' || !live(owner)) return null;
    const theirs = Object.entries(owner.weights);
    const mine = expected[i]!;
    const same = theirs.length === mine.length && mine.every((w) => owner.weights[w.name]?.shape.join() === w.shape.join());
    if (!same) {
      const shapes = (list: readonly (readonly [string, readonly number[]])[]): string => list.map(([n, s]) => `${n} [${s.join(', ')}]`).join(', ') || 'none';
      throw new Error(
        `${who}: layer '${names[i]}' is shared with layer '${owner.layer}' of model '${owner.model}', whose weights are ${shapes(theirs.map(([n, v]) => [n, v.shape] as const))}, ` +
          `but here it needs ${shapes(mine.map((w) => [w.name, w.shape] as const))} (a layer applied to inputs of another size needs its own spec)`,
      );
    }
    return owner.weights;
  });
}
