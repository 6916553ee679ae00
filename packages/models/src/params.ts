/**
 * Creating a model's variables, either freshly initialised (seeded) or from given weights
 * (loading: no random initialisation runs, and nothing is created unless every weight fits).
 */
import { dispose, variable } from '@rnnkit/tensor';
import type { Tensor, Variable } from '@rnnkit/tensor';
import type { WeightShape } from './layer';

/**
 * Where a model's weights come from: fresh from a seed, given tensors (the caller keeps them), or
 * tensors made once the model knows what it needs — `weightsFor` sees every layer's weight names and
 * shapes before anything is created (a file loader decodes exactly those), and its tensors are freed after.
 */
export type WeightSource =
  | { readonly seed: number }
  | { readonly weights: Readonly<Record<string, Tensor>> }
  | {
      /** Given every layer's expected weights, returns the tensors by full name (`layer/weight`). */
      readonly weightsFor: (expected: readonly WeightGroup[]) => Readonly<Record<string, Tensor>>;
    };

/** One owner of weights (a layer), with its weight shapes and its seeded initialiser. */
export interface WeightGroup {
  /** Prefix of the full names: `dense` gives `dense/kernel`. */
  readonly prefix: string;
  readonly weights: readonly WeightShape[];
  init(seed: number): Record<string, Tensor>;
}

/** `[2, 3]` */
function show(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Checks given weights against the expected names and shapes: every expected weight present with its
 * shape and a float dtype, nothing extra. Throws naming the weight, the expected and the given shape.
 */
export function checkWeights(groups: readonly WeightGroup[], weights: Readonly<Record<string, Tensor>>, who: string): void {
  const expected = new Set<string>();
  for (const group of groups) {
    for (const w of group.weights) {
      const name = `${group.prefix}/${w.name}`;
      expected.add(name);
      const given = weights[name];
      if (given === undefined) throw new Error(`${who}: weight '${name}' is missing; expected shape ${show(w.shape)}`);
      if (given.shape.length !== w.shape.length || given.shape.some((d, i) => d !== w.shape[i])) {
        throw new Error(`${who}: weight '${name}' has shape ${show(given.shape)}, expected ${show(w.shape)}`);
      }
      if (given.dtype !== 'float32') throw new Error(`${who}: weight '${name}' must have dtype float32, got ${given.dtype}`);
    }
  }
  const extra = Object.keys(weights).filter((name) => !expected.has(name));
  if (extra.length > 0) throw new Error(`${who}: unexpected weight(s) ${extra.map((n) => `'${n}'`).join(', ')}; expected ${[...expected].join(', ')}`);
}

/**
 * The variables of all `groups`, keyed by full name (`layer/weight`), in order. With `{ seed }`
 * group i initialises from `seedOf(i)`; with `{ weights }` the given tensors are copied (the caller
 * keeps ownership of them); with `{ weightsFor }` its tensors are copied, then freed.
 */
export function createVariables(
  groups: readonly WeightGroup[],
  source: WeightSource,
  seedOf: (index: number) => number,
  who: string,
): Record<string, Variable> {
  const given = 'weights' in source ? source.weights : 'weightsFor' in source ? source.weightsFor(groups) : null;
  try {
    if (given !== null) checkWeights(groups, given, who);
    const params: Record<string, Variable> = {};
    groups.forEach((group, index) => {
      if (group.weights.length === 0) return;
      const fresh = given === null ? group.init(seedOf(index)) : null;
      for (const w of group.weights) {
        const name = `${group.prefix}/${w.name}`;
        const value = fresh === null ? given![name]! : fresh[w.name];
        if (value === undefined) throw new Error(`${who}: layer initialiser gave no '${w.name}' for '${group.prefix}'`);
        params[name] = variable(value, w.trainable !== false);
      }
      if (fresh !== null) dispose(Object.values(fresh));
    });
    return params;
  } finally {
    if ('weightsFor' in source && given !== null) dispose(Object.values(given));
  }
}
