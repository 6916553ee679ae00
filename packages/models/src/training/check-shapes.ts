/**
 * Up-front shape checks of a model's `fit`, `evaluate` and `predict`, so a wrong array fails before
 * training starts, with the argument, the model's shape and the given one in the message.
 *
 * Shapes: N samples; the model's shapes have `null` for the batch axis and for sizes known only at
 * run time (a sequence length). Targets may lack the output's trailing axis of 1 (labels [N] for a
 * sigmoid output [N, 1]), and sparse targets are class ids ([N, ...] or [N, ..., 1] for [N, ..., C]).
 */
import type { Shape } from '../shape';
import type { LossKind } from './loss-names';

const show = (shape: Shape): string => `[${shape.map((d) => (d === null ? 'null' : d)).join(', ')}]`;

/** `given` (with its batch axis) fits `expected` (with null for the batch axis). */
function fits(given: readonly number[], expected: Shape): boolean {
  return given.length === expected.length && expected.every((d, i) => i === 0 || d === null || d === given[i]);
}

/** Throws unless x [N, ...] fits the model's input shape. */
export function checkInputShape(x: readonly number[], inputShape: Shape, who: string, name = 'x'): void {
  if (!fits(x, inputShape)) {
    throw new Error(`${who}: ${name} has shape [${x.join(', ')}], but the model takes input of shape ${show(inputShape)} (batch first)`);
  }
}

/** Throws unless targets y [N, ...] fit the model's output shape under a loss of kind `kind`. */
export function checkTargetShape(y: readonly number[], outputShape: Shape, kind: LossKind, who: string, name = 'y'): void {
  if (fits(y, outputShape)) {
    // sparse labels with a last axis equal to the classes would be one-hot targets: allowed unless the loss is sparse
    if (kind !== 'sparse' || outputShape.at(-1) === 1) return;
  }
  const withoutLast = outputShape.slice(0, -1);
  const last = outputShape.at(-1);
  const classIds = kind === 'sparse' || kind === 'other';
  if (fits(y, withoutLast) && (last === 1 || classIds)) return;
  if (classIds && y.at(-1) === 1 && fits(y, [...withoutLast, 1])) return;
  const expected = kind === 'sparse' ? `class ids of shape ${show(withoutLast)} or ${show([...withoutLast, 1])}` : `shape ${show(outputShape)}`;
  throw new Error(`${who}: ${name} has shape [${y.join(', ')}], but the model's output ${show(outputShape)} needs targets of ${expected}`);
}
