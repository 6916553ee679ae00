/**
 * Element-wise closeness with NumPy's rule: |a − e| ≤ atol + rtol·|e|. The failure message names
 * the first offending index, both values and how many elements failed.
 */
import { Tensor } from '@rnnkit/tensor';

export interface Tolerance {
  readonly rtol?: number;
  readonly atol?: number;
}

type Numbers = Tensor | ArrayLike<number> | number;

function toArray(value: Numbers): { values: ArrayLike<number>; shape: readonly number[] | null } {
  if (typeof value === 'number') return { values: [value], shape: null };
  if (value instanceof Tensor) return { values: value.dataSync(), shape: value.shape };
  return { values: value, shape: null };
}

export function expectClose(actual: Numbers, expected: Numbers, tolerance: Tolerance = {}, label = 'value'): void {
  const rtol = tolerance.rtol ?? 1e-5;
  const atol = tolerance.atol ?? 1e-6;
  const a = toArray(actual);
  const e = toArray(expected);
  if (a.shape !== null && e.shape !== null && a.shape.join(',') !== e.shape.join(',')) {
    throw new Error(`${label}: shape [${a.shape.join(', ')}] differs from expected [${e.shape.join(', ')}]`);
  }
  if (a.values.length !== e.values.length) {
    throw new Error(`${label}: ${a.values.length} elements, expected ${e.values.length}`);
  }
  let failures = 0;
  let first = -1;
  let worst = 0;
  for (let i = 0; i < e.values.length; i++) {
    const x = a.values[i]!;
    const y = e.values[i]!;
    const err = Math.abs(x - y);
    const bad = !(err <= atol + rtol * Math.abs(y)) && !(Number.isNaN(x) && Number.isNaN(y));
    if (bad) {
      failures++;
      if (first < 0) first = i;
      worst = Math.max(worst, err);
    }
  }
  if (failures > 0) {
    throw new Error(
      `${label}: ${failures} of ${e.values.length} elements differ (rtol ${rtol}, atol ${atol}); ` +
        `first at ${first}: got ${a.values[first]}, expected ${e.values[first]}; largest |error| ${worst}`,
    );
  }
}
