/**
 * CSV for univariate time series: RFC 4180 fields (quotes, doubled quotes inside quotes),
 * LF or CRLF line ends, with or without a final newline, one header row. Pure: no Node imports.
 */
import { DataFileError } from '../errors';

/** A univariate time series: its timestamps (as text) and values. */
export interface Series {
  /** The label column (dates as written in the file, e.g. '1949-01'). */
  readonly dates: readonly string[];
  readonly values: Float64Array;
}

/** Options of {@link parseCsvSeries}: which columns hold the time and the value, and the header handling. */
export interface CsvSeriesOptions {
  /** Name shown in errors. Default '<csv>'. */
  readonly file?: string;
  /** Column holding the values: header name or 0-based index. Default 1. */
  readonly valueColumn?: string | number;
  /** Column holding the dates: header name or 0-based index. Default 0. */
  readonly dateColumn?: string | number;
}

/** Splits one CSV line into fields; `line` is its 1-based number, for errors. */
export function parseCsvLine(text: string, file: string, line: number): string[] {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        const q = text.indexOf('"', i);
        if (q < 0) throw new DataFileError(file, 'unterminated quoted field', line);
        field += text.slice(i, q);
        i = q + 1;
        if (text[i] !== '"') break;
        field += '"';
        i++;
      }
      if (i < text.length && text[i] !== ',') throw new DataFileError(file, `unexpected character after a quoted field at column ${i + 1}`, line);
    } else {
      const comma = text.indexOf(',', i);
      field = text.slice(i, comma < 0 ? text.length : comma);
      if (field.includes('"')) throw new DataFileError(file, 'quote inside an unquoted field', line);
      i = comma < 0 ? text.length : comma;
    }
    fields.push(field);
    if (i >= text.length) return fields;
    i++; // skip the comma
  }
}

/** Parses a univariate series from CSV text; every row must have a finite number in the value column. */
export function parseCsvSeries(text: string, options: CsvSeriesOptions = {}): Series {
  const file = options.file ?? '<csv>';
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length === 0) throw new DataFileError(file, 'empty file: expected a header row');
  const header = parseCsvLine(lines[0] as string, file, 1);
  const column = (c: string | number, what: string): number => {
    const index = typeof c === 'number' ? c : header.indexOf(c);
    if (index < 0 || index >= header.length) {
      throw new DataFileError(file, `${what} ${JSON.stringify(c)} is not a column of the header [${header.map((h) => JSON.stringify(h)).join(', ')}]`, 1);
    }
    return index;
  };
  const valueIndex = column(options.valueColumn ?? 1, 'valueColumn');
  const dateIndex = column(options.dateColumn ?? 0, 'dateColumn');
  const dates: string[] = [];
  const values = new Float64Array(lines.length - 1);
  for (let r = 1; r < lines.length; r++) {
    const fields = parseCsvLine(lines[r] as string, file, r + 1);
    if (fields.length !== header.length) {
      throw new DataFileError(file, `expected ${header.length} fields as in the header, got ${fields.length}: ${JSON.stringify(lines[r])}`, r + 1);
    }
    const raw = (fields[valueIndex] as string).trim();
    const value = raw === '' ? Number.NaN : Number(raw);
    if (!Number.isFinite(value)) throw new DataFileError(file, `value ${JSON.stringify(raw)} is not a number`, r + 1);
    values[r - 1] = value;
    dates.push(fields[dateIndex] as string);
  }
  return { dates, values };
}

/**
 * Puts a daily series (dates 'YYYY-MM-DD', ascending) on a gap-free calendar: missing days are
 * inserted, filled by linear interpolation between their neighbours or with the previous value.
 */
export function fillDailyGaps(series: Series, options: { readonly method?: 'linear' | 'previous' } = {}): Series {
  const method = options.method ?? 'linear';
  const day = (d: string, k: number): number => {
    const t = Date.parse(`${d}T00:00:00Z`);
    if (!/^\d{4}-\d{2}-\d{2}$/.test(d) || Number.isNaN(t)) throw new Error(`dates[${k}] must be YYYY-MM-DD, got ${JSON.stringify(d)}`);
    return t / 86_400_000;
  };
  const dates: string[] = [];
  const values: number[] = [];
  for (let k = 0; k < series.dates.length; k++) {
    const today = day(series.dates[k] as string, k);
    const value = series.values[k] as number;
    if (k > 0) {
      const before = day(series.dates[k - 1] as string, k - 1);
      if (today <= before) throw new Error(`dates must ascend: dates[${k}] = ${series.dates[k]} follows ${series.dates[k - 1]}`);
      const previous = series.values[k - 1] as number;
      for (let d = before + 1; d < today; d++) {
        dates.push(new Date(d * 86_400_000).toISOString().slice(0, 10));
        values.push(method === 'previous' ? previous : previous + ((value - previous) * (d - before)) / (today - before));
      }
    }
    dates.push(series.dates[k] as string);
    values.push(value);
  }
  return { dates, values: Float64Array.from(values) };
}
