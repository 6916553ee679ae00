/**
 * The forecasting arithmetic of `forecast`, free of tensors: the target transform and its inverse,
 * one-step and recursive multi-step forecasts around any next-value predictor, the seasonal naive
 * baseline, and the error measures.
 *
 * Notation: y_t the series (t = 0 … n − 1), o the forecast origin (first held-out month), m = 12 the
 * season, W the window, z_t the modelled quantity, ẑ and ŷ forecasts.
 *   level:  z_t = y_t                          ŷ_t = ẑ_t
 *   growth: z_t = ln y_t − ln y_{t−m} (t ≥ m)  ŷ_t = y_{t−m}·exp(ẑ_t), with y_{t−m} itself a forecast when t − m ≥ o
 */
import type { ForecastTarget } from './forecast-options';

export const SEASON = 12;

/** z of every month where it is defined; `offset` is the month of z[0] (0 for level, m for growth). */
export function transformSeries(values: ArrayLike<number>, target: ForecastTarget): { z: Float64Array; offset: number } {
  if (target === 'level') return { z: Float64Array.from(values), offset: 0 };
  const z = new Float64Array(Math.max(0, values.length - SEASON));
  for (let t = SEASON; t < values.length; t++) z[t - SEASON] = Math.log(values[t]!) - Math.log(values[t - SEASON]!);
  return { z, offset: SEASON };
}

/** ŷ_t from ẑ_t; `earlier` is y_{t−m} (true or forecast). */
export function untransform(zHat: number, earlier: number, target: ForecastTarget): number {
  return target === 'level' ? zHat : earlier * Math.exp(zHat);
}

export interface Forecasts {
  /** Months o … n − 1. */
  readonly oneStep: Float64Array;
  readonly multiStep: Float64Array;
}

/**
 * One-step forecasts (each month from the true z before it) and recursive multi-step forecasts
 * (every month from the origin, the model's own ẑ fed back as input), for months o … n − 1.
 * `predictBatch` maps windows of W values of z (oldest first) to ẑ of the month after each.
 */
export function forecastTail(
  values: ArrayLike<number>,
  origin: number,
  window: number,
  target: ForecastTarget,
  predictBatch: (windows: readonly (readonly number[])[]) => number[],
): Forecasts {
  const n = values.length;
  const { z, offset } = transformSeries(values, target);
  if (origin - offset < window) throw new Error(`forecast: the origin ${origin} leaves fewer than ${window} months of history to read`);
  const months = n - origin;
  // one-step: all windows at once, from the true history
  const windows = Array.from({ length: months }, (_, k) => Array.from(z.subarray(origin + k - offset - window, origin + k - offset)));
  const zOne = predictBatch(windows);
  const oneStep = Float64Array.from({ length: months }, (_, k) => untransform(zOne[k]!, values[origin + k - SEASON]!, target));
  // multi-step: z and y beyond the origin are the model's own
  const zPath = Array.from(z.subarray(0, origin - offset));
  const yPath = Array.from({ length: origin }, (_, t) => values[t]!);
  for (let t = origin; t < n; t++) {
    const zHat = predictBatch([zPath.slice(-window)])[0]!;
    zPath.push(zHat);
    yPath.push(untransform(zHat, yPath[t - SEASON]!, target));
  }
  return { oneStep, multiStep: Float64Array.from(yPath.slice(origin)) };
}

/** Seasonal naive: one-step ŷ_t = y_{t−m}; multi-step from the origin, the last observed season repeated. */
export function seasonalNaive(values: ArrayLike<number>, origin: number): Forecasts {
  const months = values.length - origin;
  return {
    oneStep: Float64Array.from({ length: months }, (_, k) => values[origin + k - SEASON]!),
    multiStep: Float64Array.from({ length: months }, (_, k) => values[origin - SEASON + (k % SEASON)]!),
  };
}

/** Root-mean-square error √(Σ (ŷ − y)² / N). */
export function rmse(truth: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += (forecast[i]! - truth[i]!) ** 2;
  return Math.sqrt(sum / truth.length);
}

/** Mean absolute error Σ |ŷ − y| / N. */
export function mae(truth: ArrayLike<number>, forecast: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < truth.length; i++) sum += Math.abs(forecast[i]! - truth[i]!);
  return sum / truth.length;
}
