/**
 * Scalers as plain data (JSON-serialisable), fitted on the training part only and then applied
 * to every part, so no statistic of the validation or test data leaks into training.
 */
export type Scaler =
  | { readonly kind: 'minmax'; readonly min: number; readonly max: number; readonly low: number; readonly high: number }
  | { readonly kind: 'standard'; readonly mean: number; readonly std: number };

/** Min–max scaler: x' = low + (x − min)·(high − low)/(max − min), min and max of `train`. Default range [0, 1]. */
export function fitMinMaxScaler(train: ArrayLike<number>, range: readonly [number, number] = [0, 1]): Scaler {
  if (train.length === 0) throw new Error('train must hold at least one value to fit a scaler');
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < train.length; i++) {
    min = Math.min(min, train[i] as number);
    max = Math.max(max, train[i] as number);
  }
  return { kind: 'minmax', min, max, low: range[0], high: range[1] };
}

/** Standard scaler: x' = (x − mean)/std over `train`, population std (ddof 0, as scikit-learn); std 0 → 1. */
export function fitStandardScaler(train: ArrayLike<number>): Scaler {
  if (train.length === 0) throw new Error('train must hold at least one value to fit a scaler');
  let sum = 0;
  for (let i = 0; i < train.length; i++) sum += train[i] as number;
  const mean = sum / train.length;
  let squares = 0;
  for (let i = 0; i < train.length; i++) squares += ((train[i] as number) - mean) ** 2;
  const std = Math.sqrt(squares / train.length);
  return { kind: 'standard', mean, std: std === 0 ? 1 : std };
}

/** Applies a fitted scaler. */
export function scale(scaler: Scaler, values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values);
  if (scaler.kind === 'standard') {
    for (let i = 0; i < out.length; i++) out[i] = ((out[i] as number) - scaler.mean) / scaler.std;
  } else {
    const width = scaler.max - scaler.min || 1;
    const ratio = (scaler.high - scaler.low) / width;
    for (let i = 0; i < out.length; i++) out[i] = scaler.low + ((out[i] as number) - scaler.min) * ratio;
  }
  return out;
}

/** Undoes `scale` (for predictions). */
export function unscale(scaler: Scaler, values: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(values);
  if (scaler.kind === 'standard') {
    for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) * scaler.std + scaler.mean;
  } else {
    const width = scaler.max - scaler.min || 1;
    const ratio = width / (scaler.high - scaler.low);
    for (let i = 0; i < out.length; i++) out[i] = scaler.min + ((out[i] as number) - scaler.low) * ratio;
  }
  return out;
}
