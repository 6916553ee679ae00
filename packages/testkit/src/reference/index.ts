/** Float64 reference cells with hand-written backpropagation through time (no tfjs inside). */
export { referenceForward, referenceGradients, referenceLoss, referenceParamShapes } from './sequence';
export { scalarActivation } from './activations';
export type { ScalarActivation } from './activations';
export { randomFloat64, toFloat64, toReferenceParams } from './convert';
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
  SequenceShape,
} from './types';
