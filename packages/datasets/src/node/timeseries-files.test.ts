import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithSharedData } from '../test-fixtures';
import { fillDailyGaps } from '../timeseries/csv';
import { fitMinMaxScaler, scale } from '../timeseries/scaling';
import { chronologicalSplit, slidingWindows } from '../timeseries/windows';
import { loadAirlinePassengers, loadCsvSeries, loadDailyMinTemperatures } from './timeseries-files';

test('loaders without a data folder say how to provide one', () => {
  const saved = process.env['RNNKIT_DATA_DIR'];
  delete process.env['RNNKIT_DATA_DIR'];
  try {
    expect(() => loadAirlinePassengers()).toThrow('set RNNKIT_DATA_DIR to a folder with timeseries/airline-passengers.csv');
    expect(() => loadCsvSeries('/no/such/file.csv')).toThrow('cannot read /no/such/file.csv');
  } finally {
    if (saved !== undefined) process.env['RNNKIT_DATA_DIR'] = saved;
  }
});

describeWithSharedData('timeseries', 'time series from the shared copy', (dataDir) => {
  test('airline passengers: 144 months, first year and totals as the README', () => {
    const s = loadAirlinePassengers({ dataDir });
    expect(s.values).toHaveLength(144);
    expect(Array.from(s.values.subarray(0, 12))).toEqual([112, 118, 132, 129, 121, 135, 148, 148, 136, 119, 104, 118]);
    expect(s.values.reduce((a, b) => a + b, 0)).toBe(40363);
    expect(s.dates.at(-1)).toBe('1960-12');
    // the common demo: fit on the first 96 months, windows of 12
    const { train, test } = chronologicalSplit(s.values, { train: 96 / 144 });
    const scaler = fitMinMaxScaler(train);
    expect(scaler).toMatchObject({ min: 104, max: 413 }); // the 1949–1956 range (1956-07 = 413)
    expect(slidingWindows(scale(scaler, test), { inputLength: 12 }).inputShape).toEqual([36, 12, 1]);
  });

  test('daily minimum temperatures: 3,650 rows, two missing days filled to 3,652', () => {
    const s = loadDailyMinTemperatures({ dataDir });
    expect(s.values).toHaveLength(3650);
    const mean = s.values.reduce((a, b) => a + b, 0) / s.values.length;
    expect(mean).toBeCloseTo(11.178, 3);
    const full = fillDailyGaps(s);
    expect(full.values).toHaveLength(3652);
    expect(full.dates).toContain('1984-12-31');
    expect(full.dates).toContain('1988-12-31');
  });
});

test('a copy of a known series with missing rows is refused, naming the file and both counts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-series-'));
  try {
    const rows = Array.from({ length: 100 }, (_, i) => `"${1949 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}",${100 + i}`);
    writeFileSync(join(dir, 'airline-passengers.csv'), ['"Month","Passengers"', ...rows].join('\r\n'));
    expect(() => loadAirlinePassengers({ dataDir: dir })).toThrow(`${join(dir, 'airline-passengers.csv')}: holds 100 rows, airline-passengers.csv has 144 (a truncated or different copy?)`);
    writeFileSync(join(dir, 'daily-min-temperatures.csv'), '"Date","Temp"\r\n"1981-01-01",20.7');
    expect(() => loadDailyMinTemperatures({ dataDir: dir })).toThrow('holds 1 rows, daily-min-temperatures.csv has 3,650');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
