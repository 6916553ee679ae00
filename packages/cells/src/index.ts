/** Public API of @rnnkit/cells: explicit named exports only. */
export { ACTIVATION_NAMES, activate, activationGradFromOutput } from './activations';
export type { ActivationName } from './activations';
export { gateCount, gruCell, lstmCell, simpleRnnCell } from './config';
export type { CellConfig, GruConfig, LstmConfig, SimpleRnnConfig } from './config';
export { initCellParams } from './params';
export type { CellParams } from './params';
export { zeroState } from './state';
export type { CellState, LstmState, RnnState, StateOf } from './state';
export { cellStep } from './cell-step';
export type { CellStepOptions } from './cell-step';
export { scan, scanMany } from './scan';
export type { ScanCall } from './scan';
export { recurrenceKernelInfo, recurrenceThreads, setRecurrenceThreads } from './kernel/kernel-threads';
export { releaseRecurrenceKernel } from './kernel/kernel-release';
export { kernelStackStepper } from './kernel/kernel-stack-stepper';
export type { KernelStackStepper, StackHead, StackLayer, StackStep } from './kernel/kernel-stack-stepper';
export type { RecurrenceKernelInfo } from './kernel/kernel-threads';
export { scanReference } from './scan-reference';
export type { ScanOptions, ScanResult } from './scan-options';
export { bidirectional } from './bidirectional';
export type { BidirectionalOptions, BidirectionalResult, MergeMode, RecurrentLayer } from './bidirectional';
export { stacked } from './stacked';
export type { StackedOptions } from './stacked';
export { gruStep } from './cells/gru';
export { lstmStep } from './cells/lstm';
export { simpleRnnStep } from './cells/simple-rnn';

// weight mappers
export { fromKerasWeights, fromTorchStateDict, toKerasWeights, toTorchStateDict, torchKeys } from './mappers';
export type { KerasWeights, TorchKeyOptions, TorchKeys } from './mappers';
