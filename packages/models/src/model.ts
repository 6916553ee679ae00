/**
 * The structural interface every rnnkit model satisfies, and what `fit` in @rnnkit/training needs:
 * named trainable variables and a batch-major forward function.
 */
import type { Tensor, Variable } from '@rnnkit/tensor';

/** Options of a forward pass. */
export interface ApplyOptions {
  /** Dropout is active while training. */
  readonly training: boolean;
  /**
   * Seed of this call's dropout masks. When absent, a training call takes the next seed of the
   * model's own stream (derived from the model seed), so a run repeats exactly from one model seed.
   */
  readonly seed?: number;
}

/** A model: parameters with stable unique names, and a pure forward function. */
export interface Model {
  readonly name: string;
  /**
   * All the model's variables by stable, unique names such as `embedding/embeddings`, `simple_rnn/wxh`,
   * `dense/kernel`: the trainable ones and state that training updates without gradients
   * (`batch_normalization/moving_mean`, with `trainable` false). Train only those with `v.trainable`.
   */
  readonly params: Readonly<Record<string, Variable>>;
  /** The forward pass on a batch-major input. The caller owns the returned tensor. */
  apply(x: Tensor, options: ApplyOptions): Tensor;
  /** Number of scalar parameters (Keras' `count_params`). */
  countParams(): number;
  /** The Keras-style summary table. */
  summary(): string;
  /** Frees the model's variables. */
  dispose(): void;
}
