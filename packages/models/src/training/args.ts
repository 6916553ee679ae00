/**
 * The Keras-shaped training surface every rnnkit model has: `compile`, `fit`, `evaluate`, `predict`,
 * `trainOnBatch`, `predictOnBatch`, `getWeights`/`setWeights` and `stopTraining`, with tfjs-layers'
 * names and camelCase options (Keras' `batch_size` is `batchSize`).
 */
import type { Scalar, Tensor } from '@rnnkit/tensor';
import type { Callback, CheckpointStore, Checkpoint, GradientClipping, MaskFn, Optimizer } from '@rnnkit/training';
import type { ClassWeight } from './class-weight';
import type { Verbosity } from './fit-callbacks';
import type { History } from './history';
import type { TensorLike } from './inputs';
import type { ModelBatchStream } from './model-batches';
import type { CompileLoss, CompileMetrics, LossWeights } from './output-losses';

/** Options of `compile` (tfjs-layers' `ModelCompileArgs`). */
export interface ModelCompileArgs {
  /** `'adam'`, `'sgd'`, `'rmsprop'`, `'adagrad'`, `'adamw'` (any letter case, Keras 3 defaults) or an optimizer from @rnnkit/training. */
  readonly optimizer: string | Optimizer;
  /**
   * A loss name in Keras' or tfjs-layers' spelling — `'binary_crossentropy'`/`'binaryCrossentropy'`,
   * `'categorical_crossentropy'`/`'categoricalCrossentropy'`, `'sparse_categorical_crossentropy'`/`'sparseCategoricalCrossentropy'`,
   * `'mse'`/`'mean_squared_error'`/`'meanSquaredError'`, `'mae'`/`'mean_absolute_error'`/`'meanAbsoluteError'`, `'huber'` —
   * or a loss function from @rnnkit/training (e.g. `sparseCategoricalCrossentropy({ fromLogits: true })`).
   * A model with several outputs takes one for all of them, a list in output order, or an object by output name.
   */
  readonly loss: CompileLoss;
  /** The weight of each output's loss in the total loss (several outputs): a list in output order or by name. Default 1 each. */
  readonly lossWeights?: LossWeights;
  /**
   * `'accuracy'`/`'acc'` (the accuracy the loss implies), `'binary_accuracy'`, `'categorical_accuracy'`,
   * `'sparse_categorical_accuracy'` (or camelCase), `'auc'`, or metrics from @rnnkit/training. Logged under the name given.
   * With several outputs a flat list applies to every output (logged `<output>_<metric>`), and a list of lists or an
   * object by output name gives each output its own.
   */
  readonly metrics?: CompileMetrics;
}

/** Validation data: `[x, y]` or `[x, y, sampleWeight]`, as Keras and tfjs-layers take it. */
export type ValidationData<X = TensorLike> = readonly [X, X] | readonly [X, X, TensorLike];

/** Options of `fit` (tfjs-layers' `ModelFitArgs`, plus rnnkit's seed, clipping, mask and checkpoints). */
export interface ModelFitArgs<X = TensorLike> {
  /** The epoch to train up to (`epochs − initialEpoch` epochs run). Default 1. */
  readonly epochs?: number;
  /** Default 32. */
  readonly batchSize?: number;
  /** Hold out the LAST fraction of the samples for validation, taken before shuffling (Keras). In (0, 1). */
  readonly validationSplit?: number;
  /** Validation samples; takes precedence over `validationSplit`. */
  readonly validationData?: ValidationData<X>;
  /** Shuffle the training samples every epoch. Default true. */
  readonly shuffle?: boolean;
  /**
   * Callbacks with Keras/tfjs signatures (`onEpochEnd(epoch, logs)`, `onBatchEnd(batch, logs)`,
   * `onTrainBegin(logs)`…; `name` optional) or rnnkit's (`earlyStopping`, `progressLogger`, …).
   * Setting `model.stopTraining = true` in one stops training after the current batch.
   */
  readonly callbacks?: Callback | readonly Callback[];
  /** Per-sample weights [N] (or per-step [N, T]) of the training loss; split with the samples by `validationSplit`. */
  readonly sampleWeight?: TensorLike;
  /**
   * Weight of each class id, applied to the training loss sample by sample (Keras 3: unlisted classes
   * weigh 1; not together with `sampleWeight`). With `validationSplit` the held-out samples keep their
   * class weights in `val_loss`, where Keras leaves them unweighted.
   */
  readonly classWeight?: ClassWeight;
  /** Epoch index to start from (Keras `initial_epoch`). Default 0. */
  readonly initialEpoch?: number;
  /** 0 silent, 1 progress lines about every tenth of an epoch, 2 one line per epoch. Default 0 (as tfjs-layers without tfjs-node). */
  readonly verbose?: Verbosity;
  /**
   * Seeds shuffling and dropout. Default: 0 for the model's first `fit` or `trainOnBatch`, 1 for the
   * next, and so on, so repeated calls draw fresh shuffles and a script run twice repeats exactly.
   */
  readonly seed?: number;
  /** Gradient clipping by value, norm or global norm. */
  readonly clipping?: GradientClipping;
  /** Per-step mask of loss and metrics from each batch (e.g. non-padding target tokens). */
  readonly mask?: MaskFn;
  /** Save a checkpoint every `every` epochs (default 1) to a directory (Node) or a store. */
  readonly checkpoint?: { readonly dir: string; readonly every?: number } | { readonly store: CheckpointStore; readonly every?: number };
  /** Continue from a checkpoint: a directory (Node), a store, or a decoded checkpoint. */
  readonly resumeFrom?: string | CheckpointStore | Checkpoint;
}

/** The options of in-memory `fit` that streamed `fit` takes as they are. */
type SharedFitArgs<X> = Pick<ModelFitArgs<X>, 'callbacks' | 'initialEpoch' | 'verbose' | 'seed' | 'clipping' | 'mask' | 'checkpoint' | 'resumeFrom'>;

/** Options of `fit` on a stream of batches (Keras' `fit` on a dataset; see also `fitDataset`). */
export interface ModelFitStreamArgs<X = TensorLike> extends SharedFitArgs<X> {
  /** The epoch to train up to. Default 1. */
  readonly epochs?: number;
  /** Batches per epoch, taken one after the other from a single pass over the stream. Default: the whole stream each epoch (the source must start over). */
  readonly stepsPerEpoch?: number;
  /** Validation batches (a stream, read from its start each epoch) or `[x, y]` in memory. */
  readonly validationData?: ModelBatchStream<X> | ValidationData<X>;
  /** Validation batches per epoch. Default: the whole validation stream. */
  readonly validationSteps?: number;
}

/** tfjs-layers' `ModelFitDatasetArgs`: `batchesPerEpoch` and `validationBatches` are `stepsPerEpoch` and `validationSteps`. */
export interface ModelFitDatasetArgs<X = TensorLike> extends Omit<ModelFitStreamArgs<X>, 'stepsPerEpoch' | 'validationSteps'> {
  readonly batchesPerEpoch?: number;
  readonly validationBatches?: number;
}

/** Options of `evaluateDataset` and `predictDataset`: how many batches to read (default: the whole stream; tfjs' `batches`). */
export interface ModelStreamArgs {
  readonly steps?: number;
  readonly batches?: number;
}

/** Options of `evaluate` (tfjs-layers' `ModelEvaluateArgs`). */
export interface ModelEvaluateArgs {
  /** Default 32. */
  readonly batchSize?: number;
  /** Per-sample weights [N] (or per-step [N, T]) of the loss. */
  readonly sampleWeight?: TensorLike;
  /** Per-step mask of loss and metrics from each batch (e.g. non-padding target tokens). */
  readonly mask?: MaskFn;
}

/** Options of `predict` (tfjs-layers' `ModelPredictArgs`). */
export interface ModelPredictArgs {
  /** Default 32. */
  readonly batchSize?: number;
}

/**
 * The Keras-shaped training methods of a model. `X` is the data a model takes (one tensor-like for one
 * input or output; lists or objects by name for several), `P` what `predict` returns.
 */
export interface ModelTraining<X = TensorLike, P = Tensor> {
  /**
   * Chooses the optimiser, loss and metrics of `fit`, `evaluate` and `trainOnBatch`. Compiling
   * again replaces them (and disposes an optimiser made from a name).
   *
   * @example
   * model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
   */
  compile(args: ModelCompileArgs): void;
  /**
   * Trains the model (Keras `model.fit`) with @rnnkit/training's `fit`, and returns the history:
   * `history.history.loss`, `.accuracy`, `.val_loss`, `.val_accuracy`… per epoch.
   *
   * @example
   * const history = await model.fit(xTrain, yTrain, { epochs: 5, batchSize: 128, validationSplit: 0.2 });
   */
  fit(x: X, y: X, args?: ModelFitArgs<X>): Promise<History>;
  /**
   * Trains on a stream of batches — an iterable or async iterable of `{ x, y, sampleWeight? }` (or
   * `{ xs, ys }`, `[x, y]`) — for data that does not fit in memory; each batch is freed after its step.
   *
   * @example
   * await model.fit(readBatches('corpus/'), { epochs: 3, stepsPerEpoch: 1000 });
   */
  fit(data: ModelBatchStream<X>, args?: ModelFitStreamArgs<X>): Promise<History>;
  /** tfjs-layers' name for `fit` on a stream of batches. */
  fitDataset(data: ModelBatchStream<X>, args?: ModelFitDatasetArgs<X>): Promise<History>;
  /** `evaluate` over a stream of batches (tfjs-layers' `evaluateDataset`); each batch is freed after use. */
  evaluateDataset(data: ModelBatchStream<X>, args?: ModelStreamArgs): Promise<Scalar | Scalar[]>;
  /** `predict` over a stream of inputs (each an x, `{ x }` or `{ xs }`); each batch is freed after use. */
  predictDataset(data: AsyncIterable<X> | Iterable<X>, args?: ModelStreamArgs): Promise<P>;
  /**
   * The loss and metrics on (x, y), as tfjs-layers returns them: a scalar without metrics, else
   * `[loss, ...metrics]` in `compile`'s order. The caller owns (and disposes) the scalars.
   */
  evaluate(x: X, y: X, args?: ModelEvaluateArgs): Scalar | Scalar[];
  /** The predictions for every sample of x (one tensor per output), computed in batches without dropout (caller owns them). */
  predict(x: X, args?: ModelPredictArgs): P;
  /** One update on the batch (x, y); its loss, or `[loss, ...metrics]` when compiled with metrics. */
  trainOnBatch(x: X, y: X): Promise<number | number[]>;
  /** The predictions for x as one batch (caller owns them). */
  predictOnBatch(x: X): P;
  /** Copies of the weights in Keras' order, optionally the trainable ones only (caller owns them). */
  getWeights(trainableOnly?: boolean): Tensor[];
  /** Sets every weight, in `getWeights()`' order; shapes are checked first (the caller keeps the tensors). */
  setWeights(weights: readonly Tensor[]): void;
  /** Set to true (e.g. in a callback) to stop `fit` after the current batch; reset when `fit` starts. */
  stopTraining: boolean;
  /**
   * Saves the model (tfjs-layers' `model.save`): a directory path or `file://` URL in Node, `indexeddb://key`
   * or `downloads://name` in a browser; `loadModel(address)` reads it back.
   *
   * @example await model.save('file://./imdb-model');
   */
  save(address: string): Promise<void>;
}
