export { reduceLoss } from './reduce';
export type { Loss, LossWeights } from './reduce';
export { binaryCrossentropy, binaryCrossentropyPerSample } from './binary-cross-entropy';
export type { BinaryCrossentropyOptions } from './binary-cross-entropy';
export {
  categoricalCrossentropy,
  categoricalCrossentropyPerSample,
  sparseCategoricalCrossentropy,
  sparseCategoricalCrossentropyPerSample,
} from './categorical-cross-entropy';
export type { CategoricalCrossentropyOptions } from './categorical-cross-entropy';
export { huber, huberPerSample, meanAbsoluteError, meanAbsoluteErrorPerSample, meanSquaredError, meanSquaredErrorPerSample } from './regression';
