import { batchIndices, bucketByLength, padBatch, takeRows } from './batching';

describe('batching', () => {
  test('fixed batches: keep or drop the remainder; unseeded keeps order', () => {
    expect(batchIndices(5, { batchSize: 2 }).map((b) => Array.from(b))).toEqual([[0, 1], [2, 3], [4]]);
    expect(batchIndices(5, { batchSize: 2, remainder: 'drop' }).map((b) => Array.from(b))).toEqual([[0, 1], [2, 3]]);
    expect(() => batchIndices(5, { batchSize: 2, remainder: 'pad' as 'keep' })).toThrow("remainder must be one of 'keep', 'drop', got 'pad'");
  });

  test('seeded shuffle: a permutation, reproducible, seed-dependent', () => {
    const a = batchIndices(100, { batchSize: 7, seed: 1 });
    expect(a).toHaveLength(15);
    expect(a.flatMap((b) => Array.from(b)).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(batchIndices(100, { batchSize: 7, seed: 1 })).toEqual(a);
    expect(batchIndices(100, { batchSize: 7, seed: 2 })).not.toEqual(a);
  });

  test('bucketByLength groups similar lengths; boundaries; every index once', () => {
    const lengths = [5, 1, 9, 2, 8, 3, 7, 4];
    const batches = bucketByLength(lengths, { batchSize: 2, seed: 3 });
    expect(batches.flatMap((b) => Array.from(b)).sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    // sorted lengths 1 2 3 4 5 7 8 9 cut in twos, batches in shuffled order
    const groups = batches.map((b) => Array.from(b, (i) => lengths[i] as number).sort((x, y) => x - y));
    expect(groups.slice().sort((x, y) => (x[0] as number) - (y[0] as number))).toEqual([[1, 2], [3, 4], [5, 7], [8, 9]]);
    const bounded = bucketByLength(lengths, { batchSize: 3, boundaries: [4], remainder: 'drop' });
    // bucket [0,4): lengths 1,2,3 → one batch; bucket [4,∞): 4,5,7,8,9 → one full batch, remainder dropped
    expect(bounded.map((b) => Array.from(b, (i) => lengths[i]))).toEqual([[1, 2, 3], [4, 5, 7]]);
    expect(() => bucketByLength(lengths, { batchSize: 2, boundaries: [5, 3] })).toThrow('boundaries must ascend');
  });

  test('padBatch: post or pre padding with a mask and lengths', () => {
    const seqs = [[1, 2, 3], [4], [5, 6]];
    const post = padBatch(seqs, [1, 0]);
    expect(post.shape).toEqual([2, 3]);
    expect(Array.from(post.data)).toEqual([4, 0, 0, 1, 2, 3]);
    expect(Array.from(post.mask)).toEqual([1, 0, 0, 1, 1, 1]);
    expect(Array.from(post.lengths)).toEqual([1, 3]);
    const pre = padBatch(seqs, [2, 1], { padding: 'pre', value: -1, length: 4 });
    expect(Array.from(pre.data)).toEqual([-1, -1, 5, 6, -1, -1, -1, 4]);
    expect(Array.from(pre.mask)).toEqual([0, 0, 1, 1, 0, 0, 0, 1]);
    expect(() => padBatch(seqs, [0], { length: 2 })).toThrow('length 2 is shorter than the longest sequence of the batch (3)');
    expect(() => padBatch(seqs, [3])).toThrow('indices[0] = 3 is outside [0, 3)');
  });

  test('takeRows gathers rows of a row-major matrix', () => {
    const m = Float32Array.of(0, 1, 10, 11, 20, 21);
    expect(Array.from(takeRows(m, 2, [2, 0]))).toEqual([20, 21, 0, 1]);
    expect(takeRows(m, 2, [1])).toBeInstanceOf(Float32Array);
    expect(() => takeRows(m, 2, [3])).toThrow('indices[0] = 3 is outside [0, 3)');
  });
});
