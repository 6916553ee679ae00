export { betterIs } from './callback';
export type { BatchBeginLogs, BatchLogs, Callback, CallbackState, EpochLogs, TrainingContext } from './callback';
export { progressLogger } from './progress';
export type { ProgressOptions } from './progress';
export { earlyStopping } from './early-stopping';
export type { EarlyStoppingOptions } from './early-stopping';
export { reduceLearningRateOnPlateau } from './reduce-on-plateau';
export type { ReduceOnPlateauOptions } from './reduce-on-plateau';
