/**
 * Plain-language notes for the training card: how long a run has left, and when the held-out loss
 * says the model has begun to memorise its training data (overfitting).
 */

/** The per-epoch losses of a run: `loss` on the training data (the epoch's mean), `heldOut` after the epoch. */
export interface EpochLosses {
  readonly loss: number;
  readonly heldOut: number;
}

/** The held-out loss must rise this much (relative) above its best before the page calls it overfitting. */
const RISE = 0.03;

/**
 * A warning when the held-out loss has risen above its best epoch while the training loss kept
 * falling — the model fits its training data better and new data worse; null otherwise.
 */
export function overfittingNote(epochs: readonly EpochLosses[], heldOutName: string): string | null {
  if (epochs.length < 2) return null;
  let best = 0;
  epochs.forEach((e, i) => {
    if (e.heldOut < epochs[best]!.heldOut) best = i;
  });
  const last = epochs.length - 1;
  const now = epochs[last]!;
  const then = epochs[best]!;
  if (best === last || now.heldOut < then.heldOut * (1 + RISE) || now.loss >= then.loss) return null;
  return (
    `Overfitting: the ${heldOutName} loss rose from ${then.heldOut.toFixed(3)} after epoch ${best + 1} to ${now.heldOut.toFixed(3)} ` +
    `while the training loss fell from ${then.loss.toFixed(3)} to ${now.loss.toFixed(3)}. The model is memorising its training ` +
    `data; fewer epochs (${best + 1} here), fewer units or a smaller learning rate would do better on new data.`
  );
}

/** "about 40 s left", "about 2 min left" — from the time the updates so far took. */
export function timeLeft(secondsSoFar: number, stepsDone: number, stepsPlanned: number): string {
  if (stepsDone <= 0 || secondsSoFar <= 0) return 'estimating the time left';
  const left = (secondsSoFar / stepsDone) * Math.max(0, stepsPlanned - stepsDone);
  if (left < 1) return 'less than a second left';
  if (left < 90) return `about ${Math.round(left)} s left`;
  return `about ${Math.round(left / 60)} min left`;
}
