import { decodeImdbSlice, encodeImdbSlice } from './imdb-slice';

describe('imdb slice file', () => {
  const slice = {
    numWords: 5000,
    maxlen: 4,
    train: { sequences: [Int32Array.from([1, 14, 4999]), Int32Array.from([2])], labels: Uint8Array.from([1, 0]) },
    test: { sequences: [Int32Array.from([1, 2, 3, 4])], labels: Uint8Array.from([1]) },
  };

  it('round-trips reviews and labels', () => {
    const back = decodeImdbSlice(encodeImdbSlice(slice));
    expect(back.numWords).toBe(5000);
    expect(back.maxlen).toBe(4);
    expect(back.train.sequences.map((s) => [...s])).toEqual([[1, 14, 4999], [2]]);
    expect([...back.train.labels]).toEqual([1, 0]);
    expect(back.test.sequences.map((s) => [...s])).toEqual([[1, 2, 3, 4]]);
    expect([...back.test.labels]).toEqual([1]);
  });

  it('rejects what it cannot store, naming the problem', () => {
    expect(() => encodeImdbSlice({ ...slice, maxlen: 2 })).toThrow('encodeImdbSlice: a review has 3 ids, more than maxlen 2');
    expect(() => encodeImdbSlice({ ...slice, numWords: 100 })).toThrow('encodeImdbSlice: id 4999 is outside [0, 100)');
    expect(() => decodeImdbSlice(new TextEncoder().encode('not a slice at all, no'))).toThrow('decodeImdbSlice: expected the magic "RNNIMDB1", got "not a sl"');
    expect(() => decodeImdbSlice(encodeImdbSlice(slice).subarray(0, 40))).toThrow(/decodeImdbSlice: expected \d+ bytes, got 40/);
  });
});
