/**
 * What a model's `fit` returns, shaped as tfjs-layers' `History`: the epochs run, one array per log
 * name (Keras' names: `loss`, the metrics as given, `val_`-prefixed validation values) and the
 * run's parameters.
 */
import type { History as TrainingHistory } from '@rnnkit/training';

/** The settings of a run, as tfjs-layers reports them in `history.params`. */
export interface FitParams {
  readonly epochs: number;
  readonly initialEpoch: number;
  /** Training samples per epoch (validation rows excluded); null for a stream. */
  readonly samples: number | null;
  /** Batches per epoch. */
  readonly steps: number | null;
  /** Null for a stream (its batches are made by the source). */
  readonly batchSize: number | null;
  readonly verbose: number;
  readonly doValidation: boolean;
  /** The log names: `loss`, the metrics, then their `val_` counterparts when validating. */
  readonly metrics: readonly string[];
}

/** tfjs-layers' `History`: `history.history.loss[i]` is the loss of epoch `history.epoch[i]`. */
export interface History {
  readonly epoch: number[];
  readonly history: Record<string, number[]>;
  readonly params: FitParams;
}

/**
 * Gives each callback object the run's `params` and the `model`, before training starts, as tfjs-layers'
 * `setParams`/`setModel` and Keras do: a ported callback reading `this.params.epochs` finds them.
 */
export function giveParams(callbacks: readonly object[], params: FitParams, model: object): void {
  for (const callback of callbacks) {
    if (Object.isExtensible(callback)) Object.assign(callback, { params, model });
  }
}

/** The tfjs-layers shape of training's history. */
export function toHistory(history: TrainingHistory, params: FitParams): History {
  return { epoch: [...history.epochs], history: history.history, params };
}
