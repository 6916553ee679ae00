import { padSequences } from './pad-sequences';

const rows = (p: { data: ArrayLike<number>; shape: readonly [number, number] }): number[][] =>
  Array.from({ length: p.shape[0] }, (_, i) => Array.from(p.data).slice(i * p.shape[1], (i + 1) * p.shape[1]));

describe('padSequences (Keras pad_sequences docstring examples)', () => {
  const sequence = [[1], [2, 3], [4, 5, 6]];

  test('defaults: maxlen = longest, pre-padding with 0, int32', () => {
    const out = padSequences(sequence);
    expect(out.data).toBeInstanceOf(Int32Array);
    expect(out.shape).toEqual([3, 3]);
    expect(rows(out)).toEqual([[0, 0, 1], [0, 2, 3], [4, 5, 6]]);
  });

  test('value = -1', () => {
    expect(rows(padSequences(sequence, { value: -1 }))).toEqual([[-1, -1, 1], [-1, 2, 3], [4, 5, 6]]);
  });

  test("padding = 'post'", () => {
    expect(rows(padSequences(sequence, { padding: 'post' }))).toEqual([[1, 0, 0], [2, 3, 0], [4, 5, 6]]);
  });

  test('maxlen = 2 truncates at the front by default', () => {
    expect(rows(padSequences(sequence, { maxlen: 2 }))).toEqual([[0, 1], [2, 3], [5, 6]]);
  });
});

describe('padSequences: every padding × truncating mode, by hand', () => {
  const seqs = [[1, 2, 3, 4, 5], [7], []];
  const cases: [('pre' | 'post'), ('pre' | 'post'), number[][]][] = [
    ['pre', 'pre', [[3, 4, 5], [0, 0, 7], [0, 0, 0]]],
    ['pre', 'post', [[1, 2, 3], [0, 0, 7], [0, 0, 0]]],
    ['post', 'pre', [[3, 4, 5], [7, 0, 0], [0, 0, 0]]],
    ['post', 'post', [[1, 2, 3], [7, 0, 0], [0, 0, 0]]],
  ];
  test.each(cases)('padding %s, truncating %s', (padding, truncating, expected) => {
    expect(rows(padSequences(seqs, { maxlen: 3, padding, truncating }))).toEqual(expected);
  });

  test('a sequence exactly maxlen long is copied unchanged in every mode', () => {
    for (const padding of ['pre', 'post'] as const) {
      for (const truncating of ['pre', 'post'] as const) {
        expect(rows(padSequences([[9, 8, 7]], { maxlen: 3, padding, truncating }))).toEqual([[9, 8, 7]]);
      }
    }
  });

  test('float32 keeps fractions and fills with a fractional value', () => {
    const out = padSequences([[0.5, 1.25], [2.5]], { maxlen: 3, dtype: 'float32', value: -0.5, padding: 'post' });
    expect(out.data).toBeInstanceOf(Float32Array);
    expect(rows(out)).toEqual([[0.5, 1.25, -0.5], [2.5, -0.5, -0.5]]);
  });

  test('int32 truncates fractions toward zero, like numpy astype', () => {
    expect(rows(padSequences([[1.7, -1.7, 2.2]]))).toEqual([[1, -1, 2]]);
  });

  test('typed-array inputs and an empty list', () => {
    expect(rows(padSequences([Int32Array.of(4, 5)], { maxlen: 4 }))).toEqual([[0, 0, 4, 5]]);
    expect(padSequences([]).shape).toEqual([0, 0]);
    expect(padSequences([], { maxlen: 5 }).shape).toEqual([0, 5]);
  });

  test('bad options name the argument', () => {
    expect(() => padSequences([[1]], { maxlen: 0 })).toThrow('maxlen must be an integer >= 1, got 0');
    expect(() => padSequences([[1]], { maxlen: 2.5 })).toThrow('maxlen');
    expect(() => padSequences([[1]], { padding: 'middle' as 'pre' })).toThrow("padding must be one of 'pre', 'post', got 'middle'");
    expect(() => padSequences([[1]], { truncating: 'x' as 'pre' })).toThrow('truncating');
    expect(() => padSequences([[1]], { value: Number.NaN })).toThrow('value must be finite');
  });
});
