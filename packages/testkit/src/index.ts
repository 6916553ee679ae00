/** Test helpers shared by the rnnkit packages (private). */
export { ALL_BACKENDS, describeEachBackend } from './backends';
export { expectClose } from './expect-close';
export type { Tolerance } from './expect-close';
export { expectNoLeaks } from './leaks';
export { expectGradcheck, gradcheck, numericalGradients } from './gradcheck';
export type { Float64Loss, GradcheckMismatch, GradcheckOptions, GradcheckReport } from './gradcheck';
export {
  randomFloat64,
  referenceForward,
  referenceGradients,
  referenceLoss,
  referenceParamShapes,
  scalarActivation,
  toFloat64,
  toReferenceParams,
} from './reference';
export type {
  ReferenceActivation,
  ReferenceCellConfig,
  ReferenceForward,
  ReferenceGradients,
  ReferenceGruConfig,
  ReferenceLstmConfig,
  ReferenceOptions,
  ReferenceParams,
  ReferenceSimpleRnnConfig,
  ReferenceState,
  ReferenceUpstream,
  ScalarActivation,
  SequenceShape,
} from './reference';
export { SHARED_DATA, describeWithSharedData } from './shared-data';
export { corpusInput, fnv1a, mulberry32 } from './corpus-input';
export { applyByteEdits, applyJsonEdits, byteEdits, expectCleanOutcome, expectCleanOutcomeAsync, fuzz, fuzzAsync, fuzzRuns, jsonEdits } from './fuzz';
export type { ByteEdit, FuzzLimits, FuzzOutcome, FuzzTally, JsonEdit } from './fuzz';
