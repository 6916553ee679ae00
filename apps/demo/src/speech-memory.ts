/**
 * What the `speech` command needs in memory, estimated before the digit strings, features or models
 * exist (issue 18, item 3; the shared accounting is in memory-estimate.ts).
 *
 * The two models train one after the other, so each is checked on its own against the backend's
 * limit; the digit strings' audio and MFCCs live in JavaScript memory and are checked against the
 * machine's. Shapes: B batch (at most the number of examples), T frames, F = 13 MFCCs, H units per
 * direction, n samples of a recording at 8 kHz.
 */
import { checkMemory, memoryLimit, recurrentActivations, recurrentParams, trainingState } from './memory-estimate';
import type { MemoryPart } from './memory-estimate';
import type { SpeechTrainOptions } from './speech-options';

/** The recordings the strings are built from: how many, and their mean and longest length in samples. */
export interface RecordingSizes {
  readonly trainCount: number;
  readonly meanSamples: number;
  readonly maxSamples: number;
}

/** The features, the hops and the digit-string shapes the command uses (speech-run.ts, buildDigitStrings' defaults). */
export interface SpeechShapes {
  readonly features: number;
  readonly sampleRate: number;
  readonly frameLength: number;
  readonly classifyHop: number;
  readonly ctcHop: number;
  readonly maxDigitFrames: number;
  readonly classes: { readonly classifier: number; readonly ctc: number };
  readonly strings: { readonly meanDigits: number; readonly maxDigits: number; readonly meanSilence: number; readonly maxSilence: number };
}

const frames = (samples: number, frameLength: number, hop: number): number => 1 + Math.max(0, Math.ceil((samples - frameLength) / hop));

/** Masking → BiGRU(H) → Dense(10) over single recordings cropped to `maxDigitFrames`. */
export function classifierMemory(o: Pick<SpeechTrainOptions, 'units' | 'batchSize'>, rec: RecordingSizes, s: SpeechShapes): MemoryPart[] {
  const H = o.units;
  const params = 2 * recurrentParams('gru', s.features, H) + (2 * H + 1) * s.classes.classifier;
  const B = Math.min(o.batchSize, rec.trainCount);
  const T = Math.min(s.maxDigitFrames, frames(rec.maxSamples, s.frameLength, s.classifyHop));
  const perStep = 2 * s.features + 2 * recurrentActivations('gru', H) + 2 * H;
  return [trainingState(params), { what: `activations of a batch of ${B} recordings × ${T} frames`, values: B * T * perStep }];
}

/** Masking → BiGRU(H) ×2 → Dense(11) per frame, CTC, over strings of up to `maxDigits` recordings. */
export function ctcMemory(o: Pick<SpeechTrainOptions, 'units' | 'batchSize'>, trainStrings: number, rec: RecordingSizes, s: SpeechShapes): MemoryPart[] {
  const H = o.units;
  const K = s.classes.ctc;
  const params = 2 * recurrentParams('gru', s.features, H) + 2 * recurrentParams('gru', 2 * H, H) + (2 * H + 1) * K;
  const B = Math.min(o.batchSize, trainStrings);
  const longest = s.strings.maxDigits * rec.maxSamples + (s.strings.maxDigits + 1) * s.strings.maxSilence * s.sampleRate;
  const T = frames(longest, s.frameLength, s.ctcHop);
  // inputs and the masked copy, two bidirectional layers and their outputs, logits and log-softmax,
  // CTC's forward and backward variables over the 2S + 1 extended labels
  const perStep = 2 * s.features + 2 * (2 * recurrentActivations('gru', H) + 2 * H) + 2 * K + 2 * (2 * s.strings.maxDigits + 1);
  return [trainingState(params), { what: `activations of a batch of ${B} digit strings × up to ${T} frames`, values: B * T * perStep }];
}

/** The strings' audio (all built at once) and their MFCCs before and after normalisation. */
export function stringDataMemory(count: number, rec: RecordingSizes, s: SpeechShapes): MemoryPart[] {
  const samples = s.strings.meanDigits * rec.meanSamples + (s.strings.meanDigits + 1) * s.strings.meanSilence * s.sampleRate;
  const mfcc = 2 * s.features * frames(samples, s.frameLength, s.ctcHop);
  return [{ what: `audio and MFCCs of ${count.toLocaleString('en')} digit strings`, values: count * (samples + mfcc) }];
}

/**
 * Refuses, with a UsageError saying what it needs and what the limit is, a `speech train` whose
 * models or digit strings do not fit; `trainStrings` and `testStrings` are the counts it will build.
 */
export function checkSpeechMemory(
  o: Pick<SpeechTrainOptions, 'task' | 'units' | 'batchSize' | 'backend'>,
  counts: { readonly trainStrings: number; readonly testStrings: number },
  rec: RecordingSizes,
  s: SpeechShapes,
): void {
  const limit = memoryLimit(o.backend);
  if (o.task !== 'ctc') checkMemory(classifierMemory(o, rec, s), limit, '--units or --batch-size');
  if (o.task === 'classify') return;
  checkMemory(stringDataMemory(counts.trainStrings + counts.testStrings, rec, s), memoryLimit('cpu'), '--train-strings or --test-strings');
  checkMemory(ctcMemory(o, counts.trainStrings, rec, s), limit, '--units or --batch-size');
}
