import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, memory } from '@rnnkit/tensor';
import { parseForecastOptions } from './forecast-options';
import { formatErrorTable, runForecast } from './forecast-run';
import { forecastTail, mae, rmse, seasonalNaive, transformSeries } from './forecast-series';
import { describeWithSharedData } from '@rnnkit/testkit';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('forecast options', () => {
  it('default to growth with an LSTM on 48 held-out months', () => {
    expect(parseForecastOptions([])).toMatchObject({ cell: 'lstm', units: 32, window: 12, test: 48, target: 'growth', epochs: 300, outDir: 'out/forecast' });
    expect(parseForecastOptions(['--target', 'level', '--cell', 'gru', '--test', '24'])).toMatchObject({ target: 'level', cell: 'gru', test: 24 });
    expect(parseForecastOptions(['--help'])).toBeNull();
  });

  it('reject bad values with one line naming the flag', () => {
    expect(() => parseForecastOptions(['--target', 'trend'])).toThrow('--target must be one of growth, level, got "trend"');
    expect(() => parseForecastOptions(['--window', '0'])).toThrow('--window must be a positive integer, got "0"');
    expect(() => parseForecastOptions(['--test', '1'])).toThrow('--test must be at least 2 months');
    expect(() => parseForecastOptions(['--lr'])).toThrow("Option '--lr <value>' argument missing");
  });
});

describe('forecast arithmetic', () => {
  // 3 seasons of 12 with 10 % yearly growth, plus a bump
  const values = Array.from({ length: 36 }, (_, t) => (100 + 10 * Math.sin((2 * Math.PI * t) / 12)) * 1.1 ** Math.floor(t / 12) + (t === 30 ? 7 : 0));

  it('growth is the log change over 12 months; level is the series', () => {
    const growth = transformSeries(values, 'growth');
    expect(growth.offset).toBe(12);
    expect(growth.z).toHaveLength(24);
    expect(growth.z[0]).toBeCloseTo(Math.log(1.1), 12);
    expect(transformSeries(values, 'level')).toEqual({ z: Float64Array.from(values), offset: 0 });
  });

  it('zero growth forecasts are exactly the seasonal naive forecasts, one-step and multi-step', () => {
    const zero = forecastTail(values, 28, 6, 'growth', (windows) => windows.map(() => 0));
    const naive = seasonalNaive(values, 28);
    expect(naive.oneStep[0]).toBe(values[16]);
    Array.from(naive.multiStep).forEach((v, k) => expect(v).toBe(values[16 + (k % 12)]));
    Array.from(zero.oneStep).forEach((v, k) => expect(v).toBeCloseTo(naive.oneStep[k]!, 9));
    Array.from(zero.multiStep).forEach((v, k) => expect(v).toBeCloseTo(naive.multiStep[k]!, 9));
  });

  it('feeds its own forecasts back in multi-step, and the true history in one-step', () => {
    const persistence = (windows: readonly (readonly number[])[]) => windows.map((w) => w.at(-1)!);
    const f = forecastTail(values, 30, 4, 'level', persistence);
    Array.from(f.oneStep).forEach((v, k) => expect(v).toBe(values[30 + k - 1]));
    Array.from(f.multiStep).forEach((v) => expect(v).toBe(values[29]));
    expect(() => forecastTail(values, 14, 4, 'growth', persistence)).toThrow('the origin 14 leaves fewer than 4 months of history');
  });

  it('measures RMSE and MAE', () => {
    expect(rmse([1, 2, 3, 4], [1, 2, 3, 8])).toBe(2);
    expect(mae([1, 2, 3, 4], [2, 1, 3, 8])).toBe(1.5);
  });
});

describeWithSharedData('timeseries', 'forecast on the airline passengers', (dataDir) => {
  it('trains, forecasts the held-out years and writes the plot and the numbers', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rnnkit-forecast-'));
    try {
      const before = memory().numTensors;
      const options = parseForecastOptions(['--epochs', '5', '--units', '8', '--backend', 'cpu', '--data-dir', dataDir, '--out', out])!;
      const result = await runForecast(options, () => undefined);
      expect(memory().numTensors).toBe(before);
      expect(result.origin).toBe(96);
      expect(result.dates[result.origin]).toBe('1957-01');
      // the seasonal naive baseline on 1957–1960 is a property of the data
      expect(result.errors.baseline[0].rmse).toBeCloseTo(41.85, 2);
      expect(result.errors.baseline[1].rmse).toBeCloseTo(97.8, 1);
      for (const e of [...result.errors.model, ...result.errors.baseline]) expect(Number.isFinite(e.rmse) && Number.isFinite(e.mae) && e.mae <= e.rmse).toBe(true);
      expect(result.model.oneStep).toHaveLength(48);
      const svg = readFileSync(join(out, 'forecast.svg'), 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('forecast origin');
      expect(readFileSync(join(out, 'forecast.csv'), 'utf8').split('\n')[1]).toMatch(/^1957-01,315,/);
      expect(formatErrorTable(result, 'LSTM').join('\n')).toContain('seasonal naive one-step (y_{t−12})    41.85');
      expect(existsSync(join(out, 'forecast.csv'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 600_000);

  it('says in one line when the held-out part leaves too little to train on', async () => {
    const options = parseForecastOptions(['--test', '130', '--backend', 'cpu', '--data-dir', dataDir])!;
    await expect(runForecast(options, () => undefined)).rejects.toThrow('--test 130 and --window 12 leave 14 of the 144 months for training (2 values of growth); they need at least 25: --test at most 119');
  });
});
