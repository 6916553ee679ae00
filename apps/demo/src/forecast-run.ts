/**
 * `forecast`: airline passengers with a recurrent forecaster, step by step.
 *
 *   y (144 months) → z (growth or level) → the first n − test months train: scaler fitted there,
 *   sliding windows of W → next value;  model = <cell>(units) → Dense(1), MSE, adam
 *   held-out months: one-step and recursive multi-step forecasts, the seasonal naive baseline,
 *   RMSE / MAE of each, and an SVG of truth vs forecasts.
 *
 * Shapes: N windows, W window, 1 feature.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend, tensor3d, tidy } from '@rnnkit/tensor';
import type { BackendInfo, Tensor } from '@rnnkit/tensor';
import { fitStandardScaler, fitMinMaxScaler, loadAirlinePassengers, scale, slidingWindows, unscale } from '@rnnkit/datasets';
import type { Series } from '@rnnkit/datasets';
import { dense, gru, lstm, sequential } from '@rnnkit/models';
import { adam, fit, meanSquaredError } from '@rnnkit/training';
import type { Callback } from '@rnnkit/training';
import { datasetDir } from './find-shared-data';
import { SEASON, forecastTail, mae, rmse, seasonalNaive, transformSeries } from './forecast-series';
import type { Forecasts } from './forecast-series';
import type { ForecastOptions } from './forecast-options';
import { renderLineChartSvg } from './plot-svg';
import { formatSeconds } from './progress-bar';
import { checkMemory, memoryLimit, recurrentActivations, recurrentParams, trainingState } from './memory-estimate';
import type { MemoryPart } from './memory-estimate';
import { UsageError } from './usage-error';

export interface ErrorFigures {
  readonly rmse: number;
  readonly mae: number;
}

export interface ForecastResult {
  readonly backend: BackendInfo;
  readonly dates: readonly string[];
  readonly truth: Float64Array;
  readonly origin: number;
  readonly model: Forecasts;
  readonly baseline: Forecasts;
  /** Errors on the held-out months: [one-step, multi-step] for the model and the baseline. */
  readonly errors: { readonly model: readonly [ErrorFigures, ErrorFigures]; readonly baseline: readonly [ErrorFigures, ErrorFigures] };
  readonly finalLoss: number;
  readonly seconds: number;
  readonly outDir: string;
}

function loadSeries(options: ForecastOptions): Series {
  const dataDir = datasetDir(options.dataDir, 'timeseries');
  if (dataDir === undefined && !process.env['RNNKIT_DATA_DIR']) {
    throw new UsageError('no airline passenger data found: pass --data-dir DIR (a folder holding airline-passengers.csv: Month,Passengers rows 1949-01 … 1960-12) or set RNNKIT_DATA_DIR to a folder with timeseries/airline-passengers.csv');
  }
  try {
    return loadAirlinePassengers(dataDir === undefined ? {} : { dataDir });
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Prints the training loss ten times over the run. */
function sparseLog(epochs: number, print: (line: string) => void): Callback {
  const every = Math.max(1, Math.round(epochs / 10));
  return {
    name: 'forecast-log',
    onEpochEnd(epoch, logs) {
      if ((epoch + 1) % every === 0 || epoch === 0) print(`  epoch ${String(epoch + 1).padStart(String(epochs).length)}/${epochs}  loss ${logs['loss']?.toExponential(3)}`);
    },
  };
}

/**
 * Checks that `--test` and `--window` fit a series of n months, before anything is trained: the
 * training months must give at least one window and its target (z starts `offset` months in), and
 * the seasonal naive baseline needs a year before the origin.
 */
export function checkForecastSplit(n: number, offset: number, options: Pick<ForecastOptions, 'test' | 'window' | 'target'>): void {
  const origin = n - options.test;
  const trainValues = Math.max(0, origin - offset);
  if (origin < SEASON || trainValues < options.window + 1) {
    const needed = Math.max(SEASON, offset + options.window + 1);
    throw new UsageError(
      `--test ${options.test} and --window ${options.window} leave ${Math.max(0, origin)} of the ${n} months for training ` +
        `(${trainValues} values of ${options.target}); they need at least ${needed}: --test at most ${n - needed}`,
    );
  }
}

/** recurrent(H) over W months of one value → Dense(1), in batches of B (see memory-estimate.ts). */
export function forecastMemory(o: Pick<ForecastOptions, 'cell' | 'units' | 'window' | 'batchSize'>): MemoryPart[] {
  const params = recurrentParams(o.cell, 1, o.units) + o.units + 1;
  return [trainingState(params), { what: `activations of a batch of ${o.batchSize} × ${o.window} months`, values: o.batchSize * o.window * recurrentActivations(o.cell, o.units) }];
}

export async function runForecast(options: ForecastOptions, print: (line: string) => void = console.log): Promise<ForecastResult> {
  const started = performance.now();
  const series = loadSeries(options);
  const n = series.values.length;
  const origin = n - options.test;
  const { z, offset } = transformSeries(series.values, options.target);
  checkForecastSplit(n, offset, options);
  checkMemory(forecastMemory(options), memoryLimit(options.backend), '--units, --window or --batch-size');
  const backend = await initBackend({ backend: options.backend });
  const trainZ = z.subarray(0, origin - offset);
  // the scaler sees the training months only
  const scaler = options.target === 'level' ? fitMinMaxScaler(trainZ) : fitStandardScaler(trainZ);
  const windows = slidingWindows(scale(scaler, trainZ), { inputLength: options.window });
  print(
    `Airline passengers: ${n} months ${series.dates[0]} … ${series.dates[n - 1]}; training on ${series.dates[0]} … ${series.dates[origin - 1]}, ` +
      `testing on ${series.dates[origin]} … ${series.dates[n - 1]} (${options.test} months)`,
  );
  print(`Target: ${options.target === 'growth' ? 'year-over-year growth ln y_t − ln y_{t−12}, standardised' : 'passengers, min–max scaled to [0, 1]'}; ${windows.inputShape[0]} training windows of ${options.window} months`);

  const recurrent = options.cell === 'lstm' ? lstm({ units: options.units }) : gru({ units: options.units });
  const model = sequential([recurrent, dense({ units: 1 })], { inputShape: [options.window, 1], seed: options.seed, name: `forecast_${options.cell}` });
  print('');
  print(model.summary());
  print('');
  const optimizer = adam({ learningRate: options.learningRate });
  try {
    const history = await fit({
      params: model.params,
      forward: (x: Tensor, training: boolean) => model.apply(x, { training }),
      loss: meanSquaredError(),
      optimizer,
      x: { values: windows.inputs, shape: [...windows.inputShape] },
      y: { values: windows.targets, shape: [...windows.targetShape] },
      epochs: options.epochs,
      batchSize: options.batchSize,
      seed: options.seed,
      callbacks: [sparseLog(options.epochs, print)],
    });
    const predictBatch = (rows: readonly (readonly number[])[]): number[] => {
      const flat = scale(scaler, rows.flat());
      const scaled = tidy(() => model.apply(tensor3d(Float32Array.from(flat), [rows.length, options.window, 1]), { training: false }).dataSync());
      return Array.from(unscale(scaler, scaled));
    };
    const forecasts = forecastTail(series.values, origin, options.window, options.target, predictBatch);
    const baseline = seasonalNaive(series.values, origin);
    const truth = series.values.subarray(origin);
    const figures = (f: Forecasts): [ErrorFigures, ErrorFigures] => [
      { rmse: rmse(truth, f.oneStep), mae: mae(truth, f.oneStep) },
      { rmse: rmse(truth, f.multiStep), mae: mae(truth, f.multiStep) },
    ];
    const errors = { model: figures(forecasts), baseline: figures(baseline) };

    const outDir = resolve(options.outDir);
    mkdirSync(outDir, { recursive: true });
    writeOutputs(outDir, options, series, origin, forecasts, baseline);
    const losses = history.history['loss'] ?? [];
    return {
      backend,
      dates: series.dates,
      truth: series.values,
      origin,
      model: forecasts,
      baseline,
      errors,
      finalLoss: losses.at(-1) ?? Number.NaN,
      seconds: (performance.now() - started) / 1000,
      outDir,
    };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** The error table: one row per forecaster and horizon. */
export function formatErrorTable(result: ForecastResult, cell: string): string[] {
  const row = (name: string, e: ErrorFigures) => `  ${name.padEnd(34)} ${e.rmse.toFixed(2).padStart(8)} ${e.mae.toFixed(2).padStart(8)}`;
  const months = result.truth.length - result.origin;
  return [
    `Held-out months ${result.dates[result.origin]} … ${result.dates.at(-1)} (${months}), thousands of passengers:`,
    `  ${''.padEnd(34)} ${'RMSE'.padStart(8)} ${'MAE'.padStart(8)}`,
    row(`${cell} one-step`, result.errors.model[0]),
    row('seasonal naive one-step (y_{t−12})', result.errors.baseline[0]),
    row(`${cell} multi-step (recursive)`, result.errors.model[1]),
    row('seasonal naive multi-step', result.errors.baseline[1]),
    `  (${formatSeconds(result.seconds)}; final training loss ${result.finalLoss.toExponential(3)})`,
  ];
}

function writeOutputs(outDir: string, options: ForecastOptions, series: Series, origin: number, model: Forecasts, baseline: Forecasts): void {
  const tail = (values: Float64Array): (number | null)[] => [...new Array<null>(origin).fill(null), ...values];
  const svg = renderLineChartSvg(
    {
      title: `Airline passengers (thousands): truth vs ${options.cell.toUpperCase()} forecasts`,
      xLabels: series.dates,
      series: [
        { label: 'truth', values: Array.from(series.values), color: '#222222' },
        { label: `${options.cell} one-step`, values: tail(model.oneStep), color: '#d62728' },
        { label: `${options.cell} multi-step (recursive)`, values: tail(model.multiStep), color: '#1f77b4' },
        { label: 'seasonal naive one-step', values: tail(baseline.oneStep), color: '#999999', dashed: true },
      ],
      marker: { index: origin, label: 'forecast origin' },
    },
    `rnnkit · forecast · ${options.cell}(${options.units}) · target ${options.target} · window ${options.window}`,
  );
  writeFileSync(join(outDir, 'forecast.svg'), svg);
  const lines = ['date,truth,one_step,multi_step,seasonal_naive_one_step,seasonal_naive_multi_step'];
  for (let k = 0; k < model.oneStep.length; k++) {
    const t = origin + k;
    lines.push([series.dates[t], series.values[t], model.oneStep[k]!.toFixed(2), model.multiStep[k]!.toFixed(2), baseline.oneStep[k], baseline.multiStep[k]].join(','));
  }
  writeFileSync(join(outDir, 'forecast.csv'), lines.join('\n') + '\n');
}
