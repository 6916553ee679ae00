/**
 * `getWeights` / `setWeights`: a model's variables as a list, in Keras 3's order — layer by layer,
 * each layer's weights in the order Keras lists them (kernel, recurrent kernel, bias; a
 * bidirectional layer's forward direction first), which is the order of `model.params`.
 * tfjs-layers lists every trainable weight before the non-trainable ones; the two orders agree
 * unless a model has non-trainable weights (moving statistics).
 */
import { clone } from '@rnnkit/tensor';
import type { Tensor, Variable } from '@rnnkit/tensor';

/** Copies of the variables' values (the caller owns and disposes them). */
export function getWeights(params: Readonly<Record<string, Variable>>, trainableOnly: boolean): Tensor[] {
  return Object.values(params)
    .filter((v) => !trainableOnly || v.trainable)
    .map((v) => clone(v));
}

/** Assigns `weights`, in {@link getWeights}' order, after checking their number and every shape (the caller keeps them). */
export function setWeights(params: Readonly<Record<string, Variable>>, weights: readonly Tensor[], who: string): void {
  const entries = Object.entries(params);
  const count = Array.isArray(weights) ? weights.length : null;
  if (count !== entries.length) {
    throw new Error(`${who}.setWeights: expected a list of ${entries.length} weights (${entries.map(([n]) => n).join(', ')}), got ${count ?? String(weights)}`);
  }
  entries.forEach(([name, v], i) => {
    const w = weights[i]!;
    if (w.shape.length !== v.shape.length || w.shape.some((d, k) => d !== v.shape[k])) {
      throw new Error(`${who}.setWeights: weights[${i}] ('${name}') has shape [${w.shape.join(', ')}], expected [${v.shape.join(', ')}]`);
    }
    if (w.dtype !== v.dtype) throw new Error(`${who}.setWeights: weights[${i}] ('${name}') has dtype ${w.dtype}, expected ${v.dtype}`);
  });
  entries.forEach(([, v], i) => v.assign(weights[i]!));
}
