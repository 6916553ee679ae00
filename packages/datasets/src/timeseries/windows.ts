/**
 * Sliding windows for forecasting and the chronological split. Pure: no Node imports.
 *
 * Shapes: N windows, W input steps, H forecast steps; univariate, so F = 1.
 */
import { checkInteger } from '../errors';

/** Sliding windows for forecasting: inputs `[N, W, 1]` and targets `[N, H]` (the next H values). */
export interface ForecastWindows {
  /** `[N, W, 1]`, batch-major as the recurrent layers take it. */
  readonly inputs: Float32Array;
  /** `[N, H]` */
  readonly targets: Float32Array;
  readonly inputShape: readonly [number, number, number];
  readonly targetShape: readonly [number, number];
}

/**
 * Window n starts at s = n·stride: inputs = v[s, s+W), targets = v[s+W, s+W+H).
 * H = 1 is one-step forecasting; H > 1 multi-step (direct). N = ⌊(len − W − H)/stride⌋ + 1.
 */
export function slidingWindows(
  values: ArrayLike<number>,
  options: { readonly inputLength: number; readonly horizon?: number; readonly stride?: number },
): ForecastWindows {
  const w = options.inputLength;
  const h = options.horizon ?? 1;
  const stride = options.stride ?? 1;
  checkInteger('inputLength', w, 1);
  checkInteger('horizon', h, 1);
  checkInteger('stride', stride, 1);
  const n = values.length < w + h ? 0 : Math.floor((values.length - w - h) / stride) + 1;
  const inputs = new Float32Array(n * w);
  const targets = new Float32Array(n * h);
  for (let k = 0; k < n; k++) {
    const s = k * stride;
    for (let t = 0; t < w; t++) inputs[k * w + t] = values[s + t] as number;
    for (let t = 0; t < h; t++) targets[k * h + t] = values[s + w + t] as number;
  }
  return { inputs, targets, inputShape: [n, w, 1], targetShape: [n, h] };
}

/** A series split in time order into train, validation and test parts. */
export interface ChronologicalSplit<A> {
  readonly train: A;
  readonly val: A;
  readonly test: A;
}

/**
 * Splits in time order, never shuffled: the first ⌊train·len⌋ values, the next ⌊val·len⌋,
 * the rest for test. Views share memory with `values`.
 */
export function chronologicalSplit<A extends Float64Array | Float32Array>(
  values: A,
  fractions: { readonly train: number; readonly val?: number },
): ChronologicalSplit<A> {
  const val = fractions.val ?? 0;
  if (!(fractions.train > 0) || val < 0 || fractions.train + val > 1) {
    throw new Error(`fractions must satisfy train > 0, val ≥ 0, train + val ≤ 1; got train ${fractions.train}, val ${val}`);
  }
  const a = Math.floor(values.length * fractions.train);
  const b = a + Math.floor(values.length * val);
  return { train: values.subarray(0, a) as A, val: values.subarray(a, b) as A, test: values.subarray(b) as A };
}
