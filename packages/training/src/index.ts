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
