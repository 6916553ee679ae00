/**
 * The callback contract of `fit`: hooks at the start and end of training, epochs and batches, and
 * optional state that checkpoints carry (so early stopping or reduce-on-plateau resume exactly).
 */
import type { Tensor } from '@rnnkit/tensor';
import type { Optimizer, Params } from '../optimizers/optimizer';

/** What `fit` shares with callbacks. */
export interface TrainingContext {
  readonly params: Params;
  readonly optimizer: Optimizer;
  readonly epochs: number;
  /** Batches per epoch; null for a stream read to its end (unknown until it ends). */
  readonly stepsPerEpoch: number | null;
  /** Training samples per epoch; null for a stream. */
  readonly samples: number | null;
  /**
   * Asks `fit` to stop (Keras `model.stop_training = True`): after the current batch when called
   * from a batch hook (the epoch then ends early and its logs, validation included, are reported),
   * after the current epoch when called from `onEpochEnd`, before any batch when called from
   * `onTrainBegin` or `onEpochBegin`.
   */
  stop(): void;
}

/** Reported after every update. */
export interface BatchLogs {
  /** 0-based epoch and step within it. */
  readonly epoch: number;
  readonly step: number;
  /** Samples in this batch. */
  readonly size: number;
  readonly loss: number;
  /** Global gradient norm before clipping, √(Σ‖g‖²). */
  readonly gradientNorm: number;
  /** Learning rate used by this update. */
  readonly learningRate: number;
  /** Running means of the loss and metrics over the epoch so far. */
  readonly running: Readonly<Record<string, number>>;
}

/** Where the next update is, reported before it runs (a plain record of numbers, as tfjs-layers' `Logs`). */
export type BatchBeginLogs = {
  readonly epoch: number;
  readonly step: number;
  /** Samples in this batch. */
  readonly size: number;
};

/** Per-epoch values: `loss`, metric names, and `val_`-prefixed validation values (Keras' names). */
export type EpochLogs = Readonly<Record<string, number>>;

/** JSON values and tensors a callback needs to resume; tensors belong to whoever holds the state. */
export interface CallbackState {
  readonly values: Readonly<Record<string, number | boolean | null>>;
  readonly tensors: Readonly<Record<string, Tensor>>;
}

/**
 * Hooks `fit` calls during training; every hook is optional. The arguments are Keras' and
 * tfjs-layers' (`onEpochEnd(epoch, logs)`, `onBatchEnd(batch, logs)`, `onTrainBegin(logs)`…) with
 * rnnkit's {@link TrainingContext} appended, so callbacks written for either work unchanged.
 * Callbacks with state take part in checkpoints.
 */
export interface Callback {
  /** Required, and unique among a run's callbacks, when the callback has state (the checkpoint key). */
  readonly name?: string;
  /** Called once before the first epoch (also when resuming); `logs` is empty, as in Keras. */
  onTrainBegin?(logs: EpochLogs, context: TrainingContext): void | Promise<void>;
  /** Called before each epoch; `logs` is empty, as in Keras. */
  onEpochBegin?(epoch: number, logs: EpochLogs, context: TrainingContext): void | Promise<void>;
  /** Called before each update with its 0-based index in the epoch. */
  onBatchBegin?(batch: number, logs: BatchBeginLogs, context: TrainingContext): void | Promise<void>;
  /** Called after each update with the batch's loss, gradient norm and running means. */
  onBatchEnd?(batch: number, logs: BatchLogs, context: TrainingContext): void | Promise<void>;
  /** Called after each epoch with its logs (validation included); may stop training through the context. */
  onEpochEnd?(epoch: number, logs: EpochLogs, context: TrainingContext): void | Promise<void>;
  /** Called once at the end with the last epoch's logs (empty when no epoch ran), as Keras 3 does. */
  onTrainEnd?(logs: EpochLogs, context: TrainingContext): void | Promise<void>;
  /** A copy of the callback's state (caller owns the tensors). */
  getState?(): CallbackState;
  /** Restores a copy of `state` (the caller keeps its tensors). */
  setState?(state: CallbackState): void;
  /** Frees tensors the callback holds. */
  dispose?(): void;
}

/** Which direction is better for a monitored value: Keras' 'auto' picks max for accuracy/AUC names. */
export function betterIs(monitor: string, mode: 'auto' | 'min' | 'max'): 'min' | 'max' {
  if (mode !== 'auto') return mode;
  return /acc|auc/.test(monitor) ? 'max' : 'min';
}
