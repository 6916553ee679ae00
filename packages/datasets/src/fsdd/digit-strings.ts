/**
 * Spoken digit strings for N→M recognition (CTC): 2–6 recordings joined by short silences, seeded.
 *
 *   utterance = sil₀ · rec₁ · sil₁ · rec₂ · … · rec_k · sil_k,   k ~ U{minDigits … maxDigits},
 *   rec_i drawn uniformly from the given recordings, sil_i of U[minSilence, maxSilence] seconds.
 */
import { checkInteger } from '../errors';
import { createRandom } from '../random';

/** One recording of a spoken digit: the digit and its samples. */
export interface DigitSource {
  readonly digit: number;
  readonly samples: Float32Array;
}

/** Options of the digit-string builder: how many utterances, the seed, the sample rate, and the ranges of digits and silences. */
export interface DigitStringOptions {
  /** Number of utterances. */
  readonly count: number;
  readonly seed: number;
  readonly sampleRate: number;
  /** Default 2. */
  readonly minDigits?: number;
  /** Default 6. */
  readonly maxDigits?: number;
  /** Seconds of silence between (and around) recordings. Default 0.05. */
  readonly minSilence?: number;
  /** Default 0.25. */
  readonly maxSilence?: number;
}

/** One utterance of several spoken digits: its samples, the digits in order, and which recordings were used. */
export interface DigitString {
  readonly samples: Float32Array;
  /** The spoken digits in order, each 0–9. */
  readonly digits: Int32Array;
  /** Indices of the recordings used, into the given list. */
  readonly sources: Int32Array;
}

/**
 * `count` utterances built from `recordings` (e.g. only the test split's, for a held-out set).
 * The same seed and recordings give the same utterances.
 */
export function buildDigitStrings(recordings: readonly DigitSource[], options: DigitStringOptions): DigitString[] {
  const minDigits = options.minDigits ?? 2;
  const maxDigits = options.maxDigits ?? 6;
  const minSilence = options.minSilence ?? 0.05;
  const maxSilence = options.maxSilence ?? 0.25;
  checkInteger('buildDigitStrings: count', options.count, 0);
  checkInteger('buildDigitStrings: minDigits', minDigits, 1);
  checkInteger('buildDigitStrings: maxDigits', maxDigits, minDigits);
  if (recordings.length === 0) throw new Error('buildDigitStrings: recordings must not be empty');
  if (!(minSilence >= 0 && maxSilence >= minSilence)) {
    throw new Error(`buildDigitStrings: need 0 ≤ minSilence ≤ maxSilence, got ${minSilence} and ${maxSilence}`);
  }
  const random = createRandom(options.seed);
  const silence = (): number => Math.round((minSilence + (maxSilence - minSilence) * random.nextFloat()) * options.sampleRate);
  const out: DigitString[] = [];
  for (let n = 0; n < options.count; n++) {
    const k = minDigits + random.nextInt(maxDigits - minDigits + 1);
    const sources = new Int32Array(k);
    const gaps = new Int32Array(k + 1);
    let length = 0;
    for (let i = 0; i < k; i++) {
      sources[i] = random.nextInt(recordings.length);
      length += recordings[sources[i]!]!.samples.length;
    }
    for (let i = 0; i <= k; i++) {
      gaps[i] = silence();
      length += gaps[i]!;
    }
    const samples = new Float32Array(length);
    let at = gaps[0]!;
    for (let i = 0; i < k; i++) {
      const rec = recordings[sources[i]!]!.samples;
      samples.set(rec, at);
      at += rec.length + gaps[i + 1]!;
    }
    out.push({ samples, digits: Int32Array.from(sources, (s) => recordings[s]!.digit), sources });
  }
  return out;
}
