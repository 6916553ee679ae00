/**
 * Sparse categorical cross-entropy from logits, ℓ = −log softmax(z)_y averaged over real steps —
 * the value of training's `sparseCategoricalCrossentropy({ fromLogits: true })` — with the labels
 * made a float32 one-hot before they meet the logits.
 *
 * Why not training's own: in the bundled `@rnnkit/tensor` (dist/index.cjs, what `pnpm demo` runs),
 * multiplying int32 one-hot labels by float logits records a Cast whose gradient fails
 * ("Cannot read properties of null (reading 'clone')": the inlined tfjs-core copy's Tensor class has
 * no op handler). Under jest, which runs the sources, both losses are equal (sparse-logits-loss.test.ts).
 *
 * Shapes: N rows (B or B·T), C classes; yTrue [B] or [B, T] ids, yPred [B, C] or [B, T, C] logits.
 */
import { cast, oneHot, reshape, tidy } from '@rnnkit/tensor';
import { categoricalCrossentropyPerSample, reduceLoss } from '@rnnkit/training';
import type { Loss } from '@rnnkit/training';

export function sparseLogitsLoss(): Loss {
  return (yTrue, yPred, weights) =>
    tidy(() => {
      const classes = yPred.shape.at(-1)!;
      const ids = cast(reshape(yTrue, [-1]), 'int32');
      const labels = reshape(cast(oneHot(ids, classes), 'float32'), yPred.shape);
      return reduceLoss(categoricalCrossentropyPerSample(labels, yPred, { fromLogits: true }), weights, 'sparseLogitsLoss');
    });
}
