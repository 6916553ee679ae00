/**
 * tfjs-core's gradient functions, with the tape released when the function being differentiated
 * (or a custom gradient) throws.
 *
 * tfjs-core 4.22 keeps every tensor an op saves for its backward pass (`keep(clone(x))`) on the
 * engine's active tape, and frees them only at the end of a successful backward pass. When `f`
 * throws — a loss rejecting its labels, a NaN guard, a shape error — the tape and its saved tensors
 * stay behind, and the next `grad` call replaces the tape without freeing them: every failed
 * training step leaked the tensors its forward pass saved. A backward pass that throws (a custom
 * gradient) also leaves f's value behind. These wrappers run in a `tidy` (which keeps what they
 * return) and free the tape on the way out.
 */
import {
  engine,
  tidy,
  grad as tfGrad,
  grads as tfGrads,
  valueAndGrad as tfValueAndGrad,
  valueAndGrads as tfValueAndGrads,
  variableGrads as tfVariableGrads,
} from '@tensorflow/tfjs-core';
import type { Tensor, TensorContainer } from '@tensorflow/tfjs-core';

/** The engine's private tape, as tfjs-core 4.22 lays it out. */
interface TapeState {
  gradientDepth: number;
  activeTape: Array<{ saved?: Tensor[] }> | null;
}

/** Frees the saved tensors of a tape left by a failed outermost gradient computation. */
function releaseTape(): void {
  const state = (engine() as unknown as { state: TapeState }).state;
  if (state.gradientDepth !== 0 || state.activeTape === null) return;
  for (const node of state.activeTape) for (const t of node.saved ?? []) t.dispose();
  state.activeTape = null;
}

function releasingTape<F extends (...args: never[]) => unknown>(f: F): F {
  return ((...args: Parameters<F>) => {
    try {
      return tidy(() => f(...args) as TensorContainer);
    } catch (e) {
      releaseTape();
      throw e;
    }
  }) as F;
}

/** `tf.variableGrads` (value of f and its gradients with respect to variables), releasing the tape when f throws. */
export const variableGrads: typeof tfVariableGrads = releasingTape(tfVariableGrads);

/** `tf.valueAndGrad`; the returned function releases the tape when f throws. */
export const valueAndGrad: typeof tfValueAndGrad = (f) => releasingTape(tfValueAndGrad(f));

/** `tf.valueAndGrads`; the returned function releases the tape when f throws. */
export const valueAndGrads: typeof tfValueAndGrads = (f) => releasingTape(tfValueAndGrads(f));

/** `tf.grad`; the returned function releases the tape when f throws. */
export const grad: typeof tfGrad = (f) => releasingTape(tfGrad(f));

/** `tf.grads`; the returned function releases the tape when f throws. */
export const grads: typeof tfGrads = (f) => releasingTape(tfGrads(f));
