/**
 * Reduce the learning rate on a plateau (Keras `ReduceLROnPlateau`): when a monitored value has
 * not improved for `patience` epochs, η ← max(η·factor, minLearningRate), then wait `cooldown`
 * epochs. Works with any schedule: it scales the optimiser's learning rate, and its counters are
 * part of checkpoints.
 */
import { betterIs } from './callback';
import type { Callback } from './callback';

/** Options of {@link reduceLearningRateOnPlateau}, Keras' `ReduceLROnPlateau`. */
export interface ReduceOnPlateauOptions {
  /** Default 'val_loss'. */
  readonly monitor?: string;
  /** Default 0.1. */
  readonly factor?: number;
  /** Default 10. */
  readonly patience?: number;
  /** Default 1e-4. */
  readonly minDelta?: number;
  /** Default 0. */
  readonly cooldown?: number;
  /** Default 0. */
  readonly minLearningRate?: number;
  /** Default 'auto'. */
  readonly mode?: 'auto' | 'min' | 'max';
}

/** See {@link ReduceOnPlateauOptions}. */
export function reduceLearningRateOnPlateau(options: ReduceOnPlateauOptions = {}): Callback {
  const monitor = options.monitor ?? 'val_loss';
  const factor = options.factor ?? 0.1;
  const patience = options.patience ?? 10;
  const minDelta = options.minDelta ?? 1e-4;
  const cooldown = options.cooldown ?? 0;
  const minLearningRate = options.minLearningRate ?? 0;
  const direction = betterIs(monitor, options.mode ?? 'auto');
  if (!(factor > 0 && factor < 1)) throw new Error(`reduceLearningRateOnPlateau: factor must be in (0, 1), got ${factor}`);
  let best = direction === 'min' ? Infinity : -Infinity;
  let wait = 0;
  let cooldownLeft = 0;
  return {
    name: 'reduceLearningRateOnPlateau',
    onEpochEnd(_epoch, logs, context) {
      const value = logs[monitor];
      if (value === undefined) {
        throw new Error(`reduceLearningRateOnPlateau: monitor "${monitor}" is not among the logs (${Object.keys(logs).join(', ')})`);
      }
      if (cooldownLeft > 0) {
        cooldownLeft--;
        wait = 0;
      }
      if (direction === 'min' ? value < best - minDelta : value > best + minDelta) {
        best = value;
        wait = 0;
      } else if (cooldownLeft === 0) {
        wait++;
        if (wait >= patience) {
          const current = context.optimizer.learningRate();
          if (current > minLearningRate) {
            const next = Math.max(current * factor, minLearningRate);
            context.optimizer.scaleLearningRate(next / current);
            cooldownLeft = cooldown;
            wait = 0;
          }
        }
      }
    },
    getState: () => ({ values: { best, wait, cooldownLeft }, tensors: {} }),
    setState(state) {
      best = state.values['best'] as number;
      wait = state.values['wait'] as number;
      cooldownLeft = state.values['cooldownLeft'] as number;
    },
  };
}
