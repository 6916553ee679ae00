/**
 * Early stopping (Keras `EarlyStopping`): stop when a monitored value has not improved by more
 * than `minDelta` for `patience` epochs; optionally put back the weights of the best epoch when
 * training ends.
 */
import { clone, dispose } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { betterIs } from './callback';
import type { Callback, CallbackState } from './callback';

/** Options of {@link earlyStopping}, Keras' `EarlyStopping`. */
export interface EarlyStoppingOptions {
  /** Default 'val_loss'. */
  readonly monitor?: string;
  /** Smallest change that counts as an improvement. Default 0. */
  readonly minDelta?: number;
  /** Epochs without improvement before stopping. Default 0. */
  readonly patience?: number;
  /** Default 'auto' (max for accuracy/AUC, min otherwise). */
  readonly mode?: 'auto' | 'min' | 'max';
  /** Restore the best epoch's weights at the end of training. Default false. */
  readonly restoreBestWeights?: boolean;
}

/** See {@link EarlyStoppingOptions}. */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback & { readonly stoppedEpoch: number | null; readonly bestEpoch: number | null } {
  const monitor = options.monitor ?? 'val_loss';
  const minDelta = Math.abs(options.minDelta ?? 0);
  const patience = options.patience ?? 0;
  const direction = betterIs(monitor, options.mode ?? 'auto');
  const restore = options.restoreBestWeights ?? false;
  let best = direction === 'min' ? Infinity : -Infinity;
  let bestEpoch: number | null = null;
  let wait = 0;
  let stoppedEpoch: number | null = null;
  let bestWeights: Record<string, Tensor> | null = null;

  const improves = (value: number): boolean => (direction === 'min' ? value < best - minDelta : value > best + minDelta);

  return {
    name: 'earlyStopping',
    get stoppedEpoch() {
      return stoppedEpoch;
    },
    get bestEpoch() {
      return bestEpoch;
    },
    onEpochEnd(epoch, logs, context) {
      const value = logs[monitor];
      if (value === undefined) {
        throw new Error(`earlyStopping: monitor "${monitor}" is not among the logs (${Object.keys(logs).join(', ')})`);
      }
      wait++;
      if (improves(value)) {
        best = value;
        bestEpoch = epoch;
        wait = 0;
        if (restore) {
          if (bestWeights !== null) dispose(Object.values(bestWeights));
          bestWeights = Object.fromEntries(Object.entries(context.params).map(([k, v]) => [k, clone(v)]));
        }
        return;
      }
      if (wait >= patience && epoch > 0) {
        stoppedEpoch = epoch;
        context.stop();
      }
    },
    onTrainEnd(_logs, context) {
      if (!restore || bestWeights === null) return;
      for (const [k, v] of Object.entries(bestWeights)) context.params[k]?.assign(v);
    },
    getState(): CallbackState {
      const tensors = bestWeights === null ? {} : Object.fromEntries(Object.entries(bestWeights).map(([k, v]) => [k, clone(v)]));
      return { values: { best, bestEpoch, wait, stoppedEpoch, hasBestWeights: bestWeights !== null }, tensors };
    },
    setState(state) {
      best = state.values['best'] as number;
      bestEpoch = state.values['bestEpoch'] as number | null;
      wait = state.values['wait'] as number;
      stoppedEpoch = state.values['stoppedEpoch'] as number | null;
      if (bestWeights !== null) dispose(Object.values(bestWeights));
      bestWeights =
        state.values['hasBestWeights'] === true ? Object.fromEntries(Object.entries(state.tensors).map(([k, v]) => [k, clone(v)])) : null;
    },
    dispose() {
      if (bestWeights !== null) dispose(Object.values(bestWeights));
      bestWeights = null;
    },
  };
}
