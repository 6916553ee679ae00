/**
 * Label checks shared by the losses and metrics: shapes against the predictions, and value ranges.
 * Range checks read the labels back (cheap on the cpu and wasm backends, where data lives in memory).
 */
import type { Tensor } from '@rnnkit/tensor';

function describe(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Throws unless `yTrue` and `yPred` have the same shape. */
export function assertSameShape(yTrue: Tensor, yPred: Tensor, name: string): void {
  if (yTrue.rank !== yPred.rank || yTrue.shape.some((d, i) => d !== yPred.shape[i])) {
    throw new Error(`${name}: yTrue must have the shape of yPred ${describe(yPred.shape)}, got ${describe(yTrue.shape)}`);
  }
}

/** Throws unless every label lies in [0, 1] (binary targets, possibly soft). */
export function assertProbabilityLabels(yTrue: Tensor, name: string): void {
  const values = yTrue.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v <= 1)) throw new Error(`${name}: yTrue must lie in [0, 1], got ${v} at flat index ${i}`);
  }
}

/** Throws unless every label is an integer class id in [0, numClasses). */
export function assertClassLabels(yTrue: Tensor, numClasses: number, name: string): void {
  const values = yTrue.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(Number.isInteger(v) && v >= 0 && v < numClasses)) {
      throw new Error(`${name}: yTrue must hold integer class ids in [0, ${numClasses}), got ${v} at flat index ${i}`);
    }
  }
}

/**
 * Sparse labels may carry a trailing axis of 1 (Keras): [B, 1] for [B, C] predictions, [B, T, 1] for
 * [B, T, C]. Returns the label shape without it, and checks it equals the prediction shape minus C.
 */
export function sparseLabelShape(yTrue: Tensor, yPred: Tensor, name: string): number[] {
  let shape = [...yTrue.shape];
  if (shape.length === yPred.rank && shape[shape.length - 1] === 1) shape = shape.slice(0, -1);
  const expected = yPred.shape.slice(0, -1);
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    throw new Error(
      `${name}: yTrue must hold one class id per prediction, shape ${describe(expected)} ` +
        `(or ${describe([...expected, 1])}), got ${describe(yTrue.shape)}`,
    );
  }
  return shape;
}
