/**
 * Per-feature standardisation of feature frames, fitted on training data only:
 *
 *   μ_f = mean over every training frame of x_f,   σ_f = std (population) of x_f,
 *   x̂_f = (x_f − μ_f) / max(σ_f, 1e-8)
 */
import type { FeatureFrames } from './features';

/** Per-feature mean μ and standard deviation σ fitted on training frames; normalising maps x_f to (x_f − μ_f)/σ_f. */
export interface FeatureNormalizer {
  readonly mean: Float32Array;
  readonly std: Float32Array;
}

/** μ and σ of each feature over all frames of `items` (which must share a feature count). */
export function fitFeatureNormalizer(items: readonly FeatureFrames[]): FeatureNormalizer {
  if (items.length === 0) throw new Error('fitFeatureNormalizer: items must not be empty');
  const features = items[0]!.features;
  const sum = new Float64Array(features);
  const sumSq = new Float64Array(features);
  let count = 0;
  items.forEach((item, i) => {
    if (item.features !== features) throw new Error(`fitFeatureNormalizer: items[${i}] has ${item.features} features, expected ${features}`);
    for (let t = 0; t < item.frames; t++) {
      for (let f = 0; f < features; f++) {
        const v = item.data[t * features + f]!;
        sum[f] = sum[f]! + v;
        sumSq[f] = sumSq[f]! + v * v;
      }
    }
    count += item.frames;
  });
  const mean = new Float32Array(features);
  const std = new Float32Array(features);
  for (let f = 0; f < features; f++) {
    const mu = sum[f]! / count;
    mean[f] = mu;
    std[f] = Math.sqrt(Math.max(0, sumSq[f]! / count - mu * mu));
  }
  return { mean, std };
}

/** (x − μ)/σ per feature; returns new frames. */
export function normalizeFeatures(item: FeatureFrames, normalizer: FeatureNormalizer): FeatureFrames {
  const features = item.features;
  if (normalizer.mean.length !== features) {
    throw new Error(`normalizeFeatures: the normalizer has ${normalizer.mean.length} features, the frames have ${features}`);
  }
  const data = new Float32Array(item.data.length);
  for (let i = 0; i < data.length; i++) {
    const f = i % features;
    data[i] = (item.data[i]! - normalizer.mean[f]!) / Math.max(normalizer.std[f]!, 1e-8);
  }
  return { data, frames: item.frames, features };
}
