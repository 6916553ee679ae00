/**
 * @rnnkit/training — losses, optimisers, gradient clipping, learning-rate schedules, full and
 * truncated BPTT, and `fit` with resumable checkpoints. Trains anything with `params` (Variables).
 */
export {
  binaryCrossentropy,
  binaryCrossentropyPerSample,
  categoricalCrossentropy,
  categoricalCrossentropyPerSample,
  huber,
  huberPerSample,
  meanAbsoluteError,
  meanAbsoluteErrorPerSample,
  meanSquaredError,
  meanSquaredErrorPerSample,
  reduceLoss,
  sparseCategoricalCrossentropy,
  sparseCategoricalCrossentropyPerSample,
} from './losses/index';
export type { BinaryCrossentropyOptions, CategoricalCrossentropyOptions, Loss, LossWeights } from './losses/index';
export { ctcLoss, ctcLossFromTargets, ctcLossPerSample, labelsFromPadded } from './losses/ctc';
export type { CtcLossOptions, CtcOptions, CtcTargets } from './losses/ctc';
export { adagrad, adam, adamw, createOptimizer, rmsprop, sgd } from './optimizers/index';
export type {
  AdagradOptions,
  AdamOptions,
  Grads,
  Optimizer,
  OptimizerOptions,
  OptimizerState,
  Params,
  RmspropOptions,
  SgdOptions,
  StepContext,
  UpdateRule,
} from './optimizers/index';
export { clipGradients, globalNorm } from './clipping';
export type { GradientClipping } from './clipping';
export { constantSchedule, cosineDecay, exponentialDecay, stepDecay } from './schedules';
export type { CosineDecayOptions, ExponentialDecayOptions, LearningRateSchedule, StepDecayOptions } from './schedules';
export { auc, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy } from './metrics';
export type { Metric, MetricAccumulator } from './metrics';
export { earlyStopping, progressLogger, reduceLearningRateOnPlateau } from './callbacks/index';
export type {
  BatchBeginLogs,
  BatchLogs,
  Callback,
  CallbackState,
  EarlyStoppingOptions,
  EpochLogs,
  ProgressOptions,
  ReduceOnPlateauOptions,
  TrainingContext,
} from './callbacks/index';
export { rowsOf } from './data';
export type { ArrayData, Data, Rows } from './data';
export { evaluate, evaluateStream, predict, predictStream } from './evaluate';
export type { EvaluateOptions, Forward, ForwardContext, MaskFn } from './evaluate';
export { fit } from './fit';
export type { FitCommonOptions, FitOptions, FitStreamOptions, ValidationRows } from './fit';
export { isBatchStream } from './batch-stream';
export type { Batch, BatchStream } from './batch-stream';
export { decodeCheckpoint, disposeCheckpoint, encodeCheckpoint, memoryCheckpointStore } from './checkpoint';
export type { Checkpoint, CheckpointStore, DecodeCheckpointOptions, History } from './checkpoint';
export { CHECKPOINT_FILE, fileCheckpointStore } from './checkpoint-file';
export { applyUpdate, fullBpttStep, lossAndGradients, truncatedBptt } from './bptt';
export type { FullBpttStepOptions, RecurrentState, TruncatedBpttOptions } from './bptt';
