/**
 * Log-mel and MFCC frames of a mono signal, computed in float64.
 *
 * Shapes: N samples, T frames, L frame length, K = fftSize/2 + 1 bins, M mel bands, C coefficients.
 *
 *   y_n      = x_n − α·x_{n−1}                          pre-emphasis (y_0 = x_0), α = 0.97
 *   frame t  = y[t·hop … t·hop + L) · w,  w_n = 0.5 − 0.5·cos(2πn/L)   periodic Hann window
 *   P_t,k    = |FFT_{fftSize}(frame t)_k|²               power spectrum (frame zero-padded to fftSize)
 *   E_t,m    = Σ_k P_t,k · H_m,k                         triangular filters on the HTK mel scale,
 *                                                          mel(f) = 2595·log10(1 + f/700), peak 1
 *   logmel   = ln(E_t,m + ε),  ε = 1e-10
 *   mfcc_t,c = s_c · Σ_m logmel_t,m · cos(π·c·(2m + 1) / 2M)   DCT-II, orthonormal: s_0 = √(1/M), s_c = √(2/M)
 *
 * T = 1 + ⌊(N − L)/hop⌋ frames (a signal shorter than L gives one zero-padded frame); no centring.
 */
import { fftPlan, isPowerOfTwo, powerSpectrum } from './fft';

/** Framing and filter-bank settings of {@link featureExtractor}; lengths are in samples. */
export interface FeatureOptions {
  readonly sampleRate: number;
  /** Samples per frame, L. Default 25 ms. */
  readonly frameLength?: number;
  /** Samples between frame starts. Default 10 ms. */
  readonly hopLength?: number;
  /** FFT size, a power of two ≥ L. Default the next power of two ≥ L. */
  readonly fftSize?: number;
  /** Mel bands M. Default 40. */
  readonly melBands?: number;
  /** Lowest and highest filter edge in Hz. Default 0 and sampleRate/2. */
  readonly minFrequency?: number;
  readonly maxFrequency?: number;
  /** Pre-emphasis α; 0 turns it off. Default 0.97. */
  readonly preEmphasis?: number;
  /** MFCC: coefficients C kept (c = 0 … C−1). Default 13. */
  readonly coefficients?: number;
}

/** Frames of features, row-major: `data[t·features + f]`. */
export interface FeatureFrames {
  readonly data: Float32Array;
  readonly frames: number;
  readonly features: number;
}

/** Log-mel and MFCC frames of a mono signal with fixed options (the mel filters and DCT computed once). */
export interface FeatureExtractor {
  readonly options: Required<FeatureOptions>;
  /** [T, M] log-mel energies. */
  logMel(signal: ArrayLike<number>): FeatureFrames;
  /** [T, C] MFCCs. */
  mfcc(signal: ArrayLike<number>): FeatureFrames;
}

const LOG_FLOOR = 1e-10;

/** Hertz → mel on the HTK scale: mel(f) = 2595·log10(1 + f/700). */
export const hzToMel = (hz: number): number => 2595 * Math.log10(1 + hz / 700);
/** Mel → hertz, the inverse of {@link hzToMel}: f = 700·(10^(mel/2595) − 1). */
export const melToHz = (mel: number): number => 700 * (10 ** (mel / 2595) - 1);

function positiveInteger(name: string, value: number): void {
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`features: ${name} must be a positive integer, got ${String(value)}`);
}

/** The options with every default filled in (25 ms frames, 10 ms hop, 40 mel bands, 13 coefficients, …); throws naming an invalid option. */
export function resolveFeatureOptions(options: FeatureOptions): Required<FeatureOptions> {
  const sampleRate = options.sampleRate;
  positiveInteger('sampleRate', sampleRate);
  const frameLength = options.frameLength ?? Math.round(0.025 * sampleRate);
  const hopLength = options.hopLength ?? Math.round(0.01 * sampleRate);
  positiveInteger('frameLength', frameLength);
  positiveInteger('hopLength', hopLength);
  const fftSize = options.fftSize ?? 2 ** Math.ceil(Math.log2(Math.max(2, frameLength)));
  if (!isPowerOfTwo(fftSize) || fftSize < frameLength) {
    throw new Error(`features: fftSize must be a power of two ≥ frameLength (${frameLength}), got ${String(fftSize)}`);
  }
  const melBands = options.melBands ?? 40;
  positiveInteger('melBands', melBands);
  const minFrequency = options.minFrequency ?? 0;
  const maxFrequency = options.maxFrequency ?? sampleRate / 2;
  if (!(minFrequency >= 0 && maxFrequency > minFrequency && maxFrequency <= sampleRate / 2)) {
    throw new Error(`features: need 0 ≤ minFrequency < maxFrequency ≤ sampleRate/2 (${sampleRate / 2}), got ${minFrequency} and ${maxFrequency}`);
  }
  const preEmphasis = options.preEmphasis ?? 0.97;
  if (!(preEmphasis >= 0 && preEmphasis < 1)) throw new Error(`features: preEmphasis must be in [0, 1), got ${String(preEmphasis)}`);
  const coefficients = options.coefficients ?? 13;
  positiveInteger('coefficients', coefficients);
  if (coefficients > melBands) throw new Error(`features: coefficients (${coefficients}) must not exceed melBands (${melBands})`);
  return { sampleRate, frameLength, hopLength, fftSize, melBands, minFrequency, maxFrequency, preEmphasis, coefficients };
}

/** [M, K] triangular filters: band m rises from edge m to m+1 and falls to m+2 (M + 2 edges equally spaced in mel). */
export function melFilterbank(o: Required<FeatureOptions>): Float64Array {
  const bins = o.fftSize / 2 + 1;
  const lo = hzToMel(o.minFrequency);
  const hi = hzToMel(o.maxFrequency);
  const edges = Array.from({ length: o.melBands + 2 }, (_, i) => melToHz(lo + ((hi - lo) * i) / (o.melBands + 1)));
  const filters = new Float64Array(o.melBands * bins);
  for (let m = 0; m < o.melBands; m++) {
    const [left, centre, right] = [edges[m]!, edges[m + 1]!, edges[m + 2]!];
    for (let k = 0; k < bins; k++) {
      const f = (k * o.sampleRate) / o.fftSize;
      const w = Math.max(0, Math.min((f - left) / (centre - left), (right - f) / (right - centre)));
      filters[m * bins + k] = w;
    }
  }
  return filters;
}

/** [C, M] orthonormal DCT-II rows. */
function dctMatrix(coefficients: number, bands: number): Float64Array {
  const d = new Float64Array(coefficients * bands);
  for (let c = 0; c < coefficients; c++) {
    const s = Math.sqrt((c === 0 ? 1 : 2) / bands);
    for (let m = 0; m < bands; m++) d[c * bands + m] = s * Math.cos((Math.PI * c * (2 * m + 1)) / (2 * bands));
  }
  return d;
}

/**
 * A feature extractor with its filterbank, window and DCT computed once.
 *
 * @example const fx = featureExtractor({ sampleRate: 8000 });   // 25 ms frames, 10 ms hop, 256-point FFT
 *          const { data, frames } = fx.mfcc(recording.samples);   // [T, 13]
 */
export function featureExtractor(options: FeatureOptions): FeatureExtractor {
  const o = resolveFeatureOptions(options);
  const plan = fftPlan(o.fftSize);
  const bins = o.fftSize / 2 + 1;
  const filters = melFilterbank(o);
  const dct = dctMatrix(o.coefficients, o.melBands);
  const window = Float64Array.from({ length: o.frameLength }, (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / o.frameLength));
  const frame = new Float64Array(o.frameLength);
  const power = new Float64Array(bins);
  const re = new Float64Array(o.fftSize);
  const im = new Float64Array(o.fftSize);

  const logMel64 = (signal: ArrayLike<number>): { values: Float64Array; frames: number } => {
    const n = signal.length;
    const frames = n <= o.frameLength ? 1 : 1 + Math.floor((n - o.frameLength) / o.hopLength);
    const values = new Float64Array(frames * o.melBands);
    for (let t = 0; t < frames; t++) {
      const start = t * o.hopLength;
      for (let i = 0; i < o.frameLength; i++) {
        const j = start + i;
        const y = j < n ? signal[j]! - (j > 0 ? o.preEmphasis * signal[j - 1]! : 0) : 0;
        frame[i] = y * window[i]!;
      }
      powerSpectrum(plan, frame, power, re, im);
      for (let m = 0; m < o.melBands; m++) {
        let e = 0;
        for (let k = 0; k < bins; k++) e += power[k]! * filters[m * bins + k]!;
        values[t * o.melBands + m] = Math.log(e + LOG_FLOOR);
      }
    }
    return { values, frames };
  };

  return {
    options: o,
    logMel: (signal) => {
      const { values, frames } = logMel64(signal);
      return { data: Float32Array.from(values), frames, features: o.melBands };
    },
    mfcc: (signal) => {
      const { values, frames } = logMel64(signal);
      const data = new Float32Array(frames * o.coefficients);
      for (let t = 0; t < frames; t++) {
        for (let c = 0; c < o.coefficients; c++) {
          let s = 0;
          for (let m = 0; m < o.melBands; m++) s += dct[c * o.melBands + m]! * values[t * o.melBands + m]!;
          data[t * o.coefficients + c] = s;
        }
      }
      return { data, frames, features: o.coefficients };
    },
  };
}
