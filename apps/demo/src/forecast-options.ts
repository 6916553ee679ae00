/**
 * Options of the `forecast` command: monthly airline passengers, an LSTM/GRU forecaster against the
 * seasonal naive baseline.
 */
import { BACKENDS, nonNegativeInteger, oneOf, parseFlags, positiveInteger, positiveNumber, stringFlag } from './cli-options';
import type { BackendChoice } from './cli-options';
import { UsageError } from './usage-error';

export const FORECAST_CELLS = ['lstm', 'gru'] as const;
export type ForecastCell = (typeof FORECAST_CELLS)[number];

/**
 * What the network models: `growth` — the year-over-year change of log passengers,
 * g_t = ln y_t − ln y_{t−12} (so the seasonal naive forecast is g = 0); `level` — the passengers
 * themselves, min–max scaled (the classic tutorial set-up).
 */
export const FORECAST_TARGETS = ['growth', 'level'] as const;
export type ForecastTarget = (typeof FORECAST_TARGETS)[number];

export interface ForecastOptions {
  readonly cell: ForecastCell;
  readonly units: number;
  readonly window: number;
  /** Held-out months at the end of the series. */
  readonly test: number;
  readonly target: ForecastTarget;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly backend: BackendChoice;
  readonly dataDir: string | undefined;
  readonly outDir: string;
}

export const FORECAST_HELP = `rnnkit demo forecast — airline passengers 1949–1960, an LSTM forecaster against the seasonal naive baseline

  The last --test months are held out. The network reads --window months and predicts the next one;
  the scaler is fitted on the training months only. On the held-out months it forecasts
    one-step:    each month from the true months before it
    multi-step:  every month from the forecast origin, feeding its own forecasts back (recursive)
  and compares both with the seasonal naive forecast (the value 12 months earlier; multi-step: the last
  observed year repeated), printing RMSE and MAE, and writes a plot of truth vs forecasts.

Options:
  --cell lstm|gru        recurrent layer (default lstm)
  --units N              recurrent units (default 32)
  --window N             months the network reads (default 12)
  --test N               held-out months at the end (default 48: 1957–1960)
  --target growth|level  growth: year-over-year change of log passengers (default);
                         level: passengers min–max scaled, as the classic tutorial
  --epochs N             training epochs (default 300)
  --batch-size N         batch size (default 16)
  --lr X                 adam learning rate (default 0.005)
  --seed N               seed for weights and shuffling (default 1)
  --backend wasm|cpu     tensor backend (default wasm)
  --data-dir DIR         folder holding airline-passengers.csv (default: ../shared/data/timeseries when present, else $RNNKIT_DATA_DIR/timeseries)
  --out DIR              where the plot and the forecasts go (default out/forecast)
  --help                 this text
`;

/** Parses `forecast` flags; throws a one-line UsageError for anything wrong. Returns null for --help. */
export function parseForecastOptions(argv: readonly string[]): ForecastOptions | null {
  const flags = parseFlags(argv, {
    cell: { type: 'string' },
    units: { type: 'string' },
    window: { type: 'string' },
    test: { type: 'string' },
    target: { type: 'string' },
    epochs: { type: 'string' },
    'batch-size': { type: 'string' },
    lr: { type: 'string' },
    seed: { type: 'string' },
    backend: { type: 'string' },
    'data-dir': { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean' },
  });
  if (flags.values['help'] === true) return null;
  const s = (name: string) => stringFlag(flags, name);
  const window = positiveInteger('window', s('window'), 12);
  const test = positiveInteger('test', s('test'), 48);
  if (test < 2) throw new UsageError(`--test must be at least 2 months, got "${test}"`);
  return {
    cell: oneOf('cell', s('cell'), FORECAST_CELLS, 'lstm'),
    units: positiveInteger('units', s('units'), 32),
    window,
    test,
    target: oneOf('target', s('target'), FORECAST_TARGETS, 'growth'),
    epochs: positiveInteger('epochs', s('epochs'), 300),
    batchSize: positiveInteger('batch-size', s('batch-size'), 16),
    learningRate: positiveNumber('lr', s('lr'), 0.005),
    seed: nonNegativeInteger('seed', s('seed'), 1),
    backend: oneOf('backend', s('backend'), BACKENDS, 'wasm'),
    dataDir: s('data-dir'),
    outDir: s('out') ?? 'out/forecast',
  };
}
