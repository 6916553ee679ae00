/**
 * Power spectrum of a real frame by an in-place radix-2 FFT (float64).
 *
 *   X_k = Σ_n x_n·e^{−2πi·kn/N},   P_k = |X_k|²,   k = 0 … N/2
 */

/** True when `n` is a power of two ≥ 2. */
export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
}

/** Twiddles and bit-reversal table for size N, computed once per feature extractor. */
export interface FftPlan {
  readonly size: number;
  readonly cos: Float64Array;
  readonly sin: Float64Array;
  readonly reversed: Uint32Array;
}

export function fftPlan(size: number): FftPlan {
  if (!isPowerOfTwo(size)) throw new Error(`fft: size must be a power of two ≥ 2, got ${size}`);
  const cos = new Float64Array(size / 2);
  const sin = new Float64Array(size / 2);
  for (let k = 0; k < size / 2; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / size);
    sin[k] = -Math.sin((2 * Math.PI * k) / size);
  }
  const bits = Math.log2(size);
  const reversed = new Uint32Array(size);
  for (let i = 0; i < size; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b);
    reversed[i] = r;
  }
  return { size, cos, sin, reversed };
}

/**
 * P_k = |FFT(frame)_k|² for k = 0 … N/2, written into `out` (length N/2 + 1). `frame` may be shorter
 * than N (zero-padded). `re`, `im` are scratch buffers of length N.
 */
export function powerSpectrum(plan: FftPlan, frame: ArrayLike<number>, out: Float64Array, re: Float64Array, im: Float64Array): void {
  const n = plan.size;
  for (let i = 0; i < n; i++) {
    const j = plan.reversed[i]!;
    re[j] = i < frame.length ? frame[i]! : 0;
    im[j] = 0;
  }
  for (let half = 1; half < n; half *= 2) {
    const step = n / (2 * half);
    for (let start = 0; start < n; start += 2 * half) {
      for (let k = 0; k < half; k++) {
        const wr = plan.cos[k * step]!;
        const wi = plan.sin[k * step]!;
        const a = start + k;
        const b = a + half;
        const tr = wr * re[b]! - wi * im[b]!;
        const ti = wr * im[b]! + wi * re[b]!;
        re[b] = re[a]! - tr;
        im[b] = im[a]! - ti;
        re[a] = re[a]! + tr;
        im[a] = im[a]! + ti;
      }
    }
  }
  for (let k = 0; k <= n / 2; k++) out[k] = re[k]! * re[k]! + im[k]! * im[k]!;
}
