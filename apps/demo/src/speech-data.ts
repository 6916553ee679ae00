/**
 * Data for the speech demo: FSDD recordings → normalised MFCC frames → padded batches.
 *
 * Shapes: N examples, B batch, T frames (padded to the longest in the batch), F features, S labels.
 */
import { buildDigitStrings, featureExtractor, fitFeatureNormalizer, normalizeFeatures } from '@rnnkit/datasets';
import type { FeatureExtractor, FeatureFrames, FeatureNormalizer, FsddRecording } from '@rnnkit/datasets';
import { tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';

/** One utterance: its feature frames and the digits spoken in it. */
export interface SpeechExample {
  readonly features: FeatureFrames;
  readonly digits: readonly number[];
}

export const SAMPLE_RATE = 8000;

/** 13 MFCCs of 25 ms frames every `hopMs` ms (10 ms for single digits, 20 ms for digit strings). */
export function speechExtractor(hopMs: number): FeatureExtractor {
  return featureExtractor({ sampleRate: SAMPLE_RATE, frameLength: 200, hopLength: (hopMs * SAMPLE_RATE) / 1000, coefficients: 13 });
}

/** Single recordings → examples (at most `maxFrames` frames each, cropped at the end). */
export function digitExamples(recordings: readonly FsddRecording[], extractor: FeatureExtractor, maxFrames: number): SpeechExample[] {
  return recordings.map((r) => ({ features: crop(extractor.mfcc(r.samples), maxFrames), digits: [r.digit] }));
}

/** Seeded digit strings (2–6 recordings with 50–250 ms silences) → examples. */
export function stringExamples(recordings: readonly FsddRecording[], count: number, seed: number, extractor: FeatureExtractor): SpeechExample[] {
  return buildDigitStrings(recordings, { count, seed, sampleRate: SAMPLE_RATE }).map((s) => ({
    features: extractor.mfcc(s.samples),
    digits: Array.from(s.digits),
  }));
}

function crop(frames: FeatureFrames, maxFrames: number): FeatureFrames {
  if (frames.frames <= maxFrames) return frames;
  return { data: frames.data.slice(0, maxFrames * frames.features), frames: maxFrames, features: frames.features };
}

/** Fits μ, σ on `train` and applies them to every split. */
export function normalizeSplits(train: SpeechExample[], others: readonly SpeechExample[][]): { normalizer: FeatureNormalizer; train: SpeechExample[]; others: SpeechExample[][] } {
  const normalizer = fitFeatureNormalizer(train.map((e) => e.features));
  const apply = (xs: readonly SpeechExample[]): SpeechExample[] => xs.map((e) => ({ ...e, features: normalizeFeatures(e.features, normalizer) }));
  return { normalizer, train: apply(train), others: others.map(apply) };
}

export interface SpeechBatch {
  /** [B, T, F], zero after each example's end (the model's masking layer skips those steps). */
  readonly x: Tensor;
  readonly lengths: number[];
  readonly digits: (readonly number[])[];
}

/** Post-padded batch of `examples[indices]`; the caller disposes `x`. */
export function makeBatch(examples: readonly SpeechExample[], indices: ArrayLike<number>): SpeechBatch {
  const rows = Array.from(indices, (i) => examples[i]!);
  const F = rows[0]!.features.features;
  const T = Math.max(...rows.map((r) => r.features.frames));
  const data = new Float32Array(rows.length * T * F);
  rows.forEach((r, b) => data.set(r.features.data, b * T * F));
  return { x: tensor(data, [rows.length, T, F]), lengths: rows.map((r) => r.features.frames), digits: rows.map((r) => r.digits) };
}
