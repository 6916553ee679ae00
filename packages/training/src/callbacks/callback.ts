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
  readonly stepsPerEpoch: number;
  /** Training samples per epoch. */
  readonly samples: number;
  /** Asks `fit` to stop after the current epoch (Keras `model.stop_training = True`). */
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

/** Per-epoch values: `loss`, metric names, and `val_`-prefixed validation values (Keras' names). */
export type EpochLogs = Readonly<Record<string, number>>;

/** JSON values and tensors a callback needs to resume; tensors belong to whoever holds the state. */
export interface CallbackState {
  readonly values: Readonly<Record<string, number | boolean | null>>;
  readonly tensors: Readonly<Record<string, Tensor>>;
}

/** Hooks `fit` calls during training; every hook is optional. Callbacks with state take part in checkpoints. */
export interface Callback {
  /** Unique among a run's callbacks when it has state (the checkpoint key). */
  readonly name: string;
  /** Called once before the first epoch (also when resuming). */
  onTrainBegin?(context: TrainingContext): void | Promise<void>;
  /** Called before each epoch. */
  onEpochBegin?(epoch: number, context: TrainingContext): void | Promise<void>;
  /** Called after each update with the batch's loss, gradient norm and running means. */
  onBatchEnd?(logs: BatchLogs, context: TrainingContext): void | Promise<void>;
  /** Called after each epoch with its logs (validation included); may stop training through the context. */
  onEpochEnd?(epoch: number, logs: EpochLogs, context: TrainingContext): void | Promise<void>;
  /** Called once after the last epoch. */
  onTrainEnd?(context: TrainingContext): void | Promise<void>;
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
