/** Node loaders for CSV time series: any file, and the two classic series of the shared copy. */
import { DataFileError } from '../errors';
import { parseCsvSeries, type CsvSeriesOptions, type Series } from '../timeseries/csv';
import { node } from './builtins';
import { localDataFile, readTextFile, type LocalDataOptions } from './text-files';

/** Reads a univariate series from a CSV file (see `parseCsvSeries`); errors name the file and line. */
export function loadCsvSeries(file: string, options: Omit<CsvSeriesOptions, 'file'> = {}): Series {
  return parseCsvSeries(readTextFile(file), { ...options, file });
}

/** A known series from the shared copy; a copy with another number of rows is refused (truncated, or another series). */
function sharedSeries(name: string, rows: number, options: LocalDataOptions): Series {
  const file = localDataFile('timeseries', name, options);
  if (file === undefined) {
    throw new Error(`${name} not found: pass { dataDir } (a folder with ${name}) or set RNNKIT_DATA_DIR to a folder with timeseries/${name}`);
  }
  if (!node().fs.existsSync(file)) throw new Error(`${name}: ${file} does not exist (from dataDir or RNNKIT_DATA_DIR)`);
  const series = loadCsvSeries(file);
  if (series.values.length !== rows) {
    throw new DataFileError(file, `holds ${series.values.length} rows, ${name} has ${rows.toLocaleString('en-US')} (a truncated or different copy?)`);
  }
  return series;
}

/** Monthly international airline passengers (thousands), 1949-01 … 1960-12: 144 values. */
export function loadAirlinePassengers(options: LocalDataOptions = {}): Series {
  return sharedSeries('airline-passengers.csv', 144, options);
}

/** Daily minimum temperatures in Melbourne (°C), 1981–1990: 3,650 rows (two days are missing; see `fillDailyGaps`). */
export function loadDailyMinTemperatures(options: LocalDataOptions = {}): Series {
  return sharedSeries('daily-min-temperatures.csv', 3650, options);
}
