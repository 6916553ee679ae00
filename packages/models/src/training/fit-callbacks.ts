/**
 * The callbacks a model's `fit` adds to the user's: the watcher that turns `model.stopTraining = true`
 * into a stop after the current batch or epoch (as tfjs-layers checks it), and the progress lines
 * of `verbose`.
 */
import { progressLogger } from '@rnnkit/training';
import type { Callback } from '@rnnkit/training';

/** Stops training once `stopRequested()` is true, checked after every batch and every epoch. */
export function stopTrainingWatcher(stopRequested: () => boolean): Callback {
  return {
    onBatchEnd(_batch, _logs, context) {
      if (stopRequested()) context.stop();
    },
    onEpochEnd(_epoch, _logs, context) {
      if (stopRequested()) context.stop();
    },
  };
}

/** Keras' `verbose`: 0 silent, 1 a line about every tenth of an epoch and one per epoch, 2 one line per epoch. */
export type Verbosity = 0 | 1 | 2;

/** The progress callback of `verbose` (none for 0), for epochs of `stepsPerEpoch` batches. */
export function verboseLogger(verbose: Verbosity, stepsPerEpoch: number, who: string): Callback[] {
  if (verbose !== 0 && verbose !== 1 && verbose !== 2) throw new Error(`${who}: verbose must be 0, 1 or 2, got ${String(verbose)}`);
  if (verbose === 0) return [];
  return [progressLogger(verbose === 1 ? { every: Math.max(1, Math.ceil(stepsPerEpoch / 10)) } : {})];
}
