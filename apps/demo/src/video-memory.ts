/**
 * What the `video` command needs in memory, estimated from its sizes before MNIST is read or the
 * model built (issue 18, item 3; the shared accounting is in memory-estimate.ts).
 *
 * Shapes (video-model.ts): B clips, T = 16 frames of S×S = 64×64 pixels; per frame Conv 5×5/2 (8)
 * → 30×30×8, MaxPool → 15×15×8, Conv 3×3 (16) → 13×13×16, MaxPool → 6×6×16 = 576 features;
 * an RNN of H units over the T frames; Dense(6).
 */
import { checkMemory, memoryLimit, recurrentActivations, recurrentParams, trainingState } from './memory-estimate';
import type { MemoryPart } from './memory-estimate';
import type { VideoOptions } from './video-options';

const FRAMES = 16;
const PIXELS = 64 * 64;
const CONV1 = 30 * 30 * 8;
const POOL1 = 15 * 15 * 8;
const CONV2 = 13 * 13 * 16;
const FEATURES = 6 * 6 * 16;
const CONV_PARAMS = 5 * 5 * 1 * 8 + 8 + 3 * 3 * 8 * 16 + 16;

/** The CNN → RNN → Dense(classes) model's training state and one batch's activations. */
export function videoMemory(o: Pick<VideoOptions, 'cell' | 'units' | 'batchSize'>, classes: number): MemoryPart[] {
  const params = CONV_PARAMS + recurrentParams(o.cell, FEATURES, o.units) + (o.units + 1) * classes;
  // the clip in JavaScript and as a tensor; each convolution before and after relu; pools; the flattened features
  const perFrame = 2 * PIXELS + 2 * CONV1 + POOL1 + 2 * CONV2 + 2 * FEATURES + recurrentActivations(o.cell, o.units);
  return [trainingState(params), { what: `activations of a batch of ${o.batchSize} clips × ${FRAMES} frames of 64×64`, values: o.batchSize * FRAMES * perFrame }];
}

/** Refuses, with a UsageError saying what it needs and what the limit is, a configuration that does not fit. */
export function checkVideoMemory(o: Pick<VideoOptions, 'cell' | 'units' | 'batchSize' | 'backend'>, classes: number): void {
  checkMemory(videoMemory(o, classes), memoryLimit(o.backend), '--units or --batch-size');
}
