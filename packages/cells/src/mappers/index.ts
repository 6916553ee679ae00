/** Weight mappers: Keras names and PyTorch state dicts ⇄ cell params. */
export { fromKerasWeights, toKerasWeights } from './keras';
export type { KerasWeights } from './keras';
export { fromTorchStateDict, toTorchStateDict, torchKeys } from './torch';
export type { TorchKeyOptions, TorchKeys } from './torch';
