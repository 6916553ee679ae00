import { fillDailyGaps, parseCsvLine, parseCsvSeries } from './csv';
import { fitMinMaxScaler, fitStandardScaler, scale, unscale } from './scaling';
import { chronologicalSplit, slidingWindows } from './windows';

describe('CSV series', () => {
  test('quoted header and dates, CRLF, no final newline', () => {
    const s = parseCsvSeries('"Month","Passengers"\r\n"1949-01",112\r\n"1949-02",118');
    expect(s.dates).toEqual(['1949-01', '1949-02']);
    expect(Array.from(s.values)).toEqual([112, 118]);
  });

  test('columns by name, LF and a final newline, quotes with commas and doubled quotes', () => {
    const s = parseCsvSeries('v,"d, e"\n1.5,"a ""b"", c"\n-2,x\n', { valueColumn: 'v', dateColumn: 'd, e' });
    expect(s.dates).toEqual(['a "b", c', 'x']);
    expect(Array.from(s.values)).toEqual([1.5, -2]);
    expect(parseCsvLine('a,,"",b', 'f', 1)).toEqual(['a', '', '', 'b']);
  });

  test('malformed rows name the file and the line', () => {
    const head = '"Date","Temp"\r\n"1981-01-01",20.7\r\n';
    expect(() => parseCsvSeries(`${head}"1981-01-02",?0.1`, { file: 't.csv' })).toThrow('t.csv:3: value "?0.1" is not a number');
    expect(() => parseCsvSeries(`${head}"1981-01-02"`, { file: 't.csv' })).toThrow('t.csv:3: expected 2 fields as in the header, got 1');
    expect(() => parseCsvSeries(`${head}"1981-01-02,3`, { file: 't.csv' })).toThrow('t.csv:3: unterminated quoted field');
    expect(() => parseCsvSeries(`${head}"1981"x,3`, { file: 't.csv' })).toThrow('t.csv:3: unexpected character after a quoted field');
    expect(() => parseCsvSeries(`${head}1981-01-02,`, { file: 't.csv' })).toThrow('t.csv:3: value "" is not a number');
    expect(() => parseCsvSeries(head, { file: 't.csv', valueColumn: 'Temperature' })).toThrow('t.csv:1: valueColumn "Temperature" is not a column');
    expect(() => parseCsvSeries('', { file: 't.csv' })).toThrow('t.csv: empty file');
  });

  test('fillDailyGaps inserts missing days (linear or previous)', () => {
    const s = { dates: ['1984-12-30', '1985-01-01', '1985-01-02'], values: Float64Array.of(10, 14, 15) };
    const linear = fillDailyGaps(s);
    expect(linear.dates).toEqual(['1984-12-30', '1984-12-31', '1985-01-01', '1985-01-02']);
    expect(Array.from(linear.values)).toEqual([10, 12, 14, 15]);
    expect(Array.from(fillDailyGaps(s, { method: 'previous' }).values)).toEqual([10, 10, 14, 15]);
    expect(() => fillDailyGaps({ dates: ['1985-01-02', '1985-01-01'], values: Float64Array.of(1, 2) })).toThrow('dates must ascend');
  });
});

describe('scaling fitted on the training part only', () => {
  const train = Float64Array.of(2, 4, 6);
  test('min-max to [0, 1] and to [-1, 1]; values outside the training range go outside', () => {
    const s = fitMinMaxScaler(train);
    expect(Array.from(scale(s, [2, 4, 6, 8]))).toEqual([0, 0.5, 1, 1.5]);
    const t = fitMinMaxScaler(train, [-1, 1]);
    expect(Array.from(scale(t, [2, 4, 6]))).toEqual([-1, 0, 1]);
    expect(Array.from(unscale(t, [-1, 0, 1, 2]))).toEqual([2, 4, 6, 8]);
  });
  test('standard: population std (ddof 0), inverse round-trips', () => {
    const s = fitStandardScaler(train);
    expect(s).toEqual({ kind: 'standard', mean: 4, std: Math.sqrt(8 / 3) });
    const z = scale(s, [4, 6]);
    expect(z[0]).toBe(0);
    expect(z[1]).toBeCloseTo(2 / Math.sqrt(8 / 3), 12);
    expect(Array.from(unscale(s, z))).toEqual([4, 6]);
    expect(fitStandardScaler([3, 3])).toEqual({ kind: 'standard', mean: 3, std: 1 });
    expect(() => fitStandardScaler([])).toThrow('train must hold at least one value');
  });
});

describe('windows and split', () => {
  const v = Float64Array.from({ length: 10 }, (_, i) => i);
  test('one-step windows [N, W, 1] → [N, 1]', () => {
    const w = slidingWindows(v, { inputLength: 3 });
    expect(w.inputShape).toEqual([7, 3, 1]);
    expect(w.targetShape).toEqual([7, 1]);
    expect(Array.from(w.inputs.subarray(0, 6))).toEqual([0, 1, 2, 1, 2, 3]);
    expect(Array.from(w.targets)).toEqual([3, 4, 5, 6, 7, 8, 9]);
  });
  test('multi-step windows with stride', () => {
    const w = slidingWindows(v, { inputLength: 4, horizon: 3, stride: 2 });
    expect(w.inputShape).toEqual([2, 4, 1]);
    expect(Array.from(w.inputs)).toEqual([0, 1, 2, 3, 2, 3, 4, 5]);
    expect(Array.from(w.targets)).toEqual([4, 5, 6, 6, 7, 8]);
    expect(slidingWindows(v, { inputLength: 9, horizon: 2 }).inputShape).toEqual([0, 9, 1]);
    expect(() => slidingWindows(v, { inputLength: 0 })).toThrow('inputLength must be an integer >= 1, got 0');
  });
  test('chronological split keeps order', () => {
    const s = chronologicalSplit(v, { train: 0.6, val: 0.2 });
    expect(Array.from(s.train)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(s.val)).toEqual([6, 7]);
    expect(Array.from(s.test)).toEqual([8, 9]);
    expect(() => chronologicalSplit(v, { train: 0.9, val: 0.2 })).toThrow('fractions must satisfy');
  });
});
