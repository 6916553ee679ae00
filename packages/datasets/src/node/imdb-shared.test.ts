import { describeWithSharedData } from '../test-fixtures';
import { padSequences } from '../pad-sequences';
import { decodeReview } from '../imdb/word-index';
import { loadImdb, loadImdbWordIndex } from './imdb-load';
import type { ImdbData } from '../imdb/imdb-keras';

describeWithSharedData('imdb', 'IMDB on the full shared copy', (dataDir) => {
  let data: ImdbData;
  beforeAll(async () => {
    const start = performance.now();
    data = await loadImdb({ dataDir, numWords: 10000 });
    // reported, not asserted: timing never goes into tests
    console.info(`loadImdb({ numWords: 10000 }) on the shared copy: ${(performance.now() - start).toFixed(0)} ms`);
  });

  test('25,000 / 25,000 reviews, balanced labels', () => {
    expect(data.train.sequences).toHaveLength(25000);
    expect(data.test.sequences).toHaveLength(25000);
    const positives = (l: Uint8Array) => l.reduce((a, b) => a + b, 0);
    expect(positives(data.train.labels)).toBe(12500);
    expect(positives(data.test.labels)).toBe(12500);
  });

  test('x_train[0] and x_train[1] as Keras prints them', () => {
    const first = data.train.sequences[0] as Int32Array;
    expect(Array.from(first.subarray(0, 12))).toEqual([1, 14, 22, 16, 43, 530, 973, 1622, 1385, 65, 458, 4468]);
    expect(first).toHaveLength(218);
    expect(data.train.sequences[1]).toHaveLength(189);
  });

  test('labels: y_train[:20], y_test[:3], y_test[-3:] (shared README)', () => {
    expect(Array.from(data.train.labels.subarray(0, 20))).toEqual([1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 1, 0, 0, 0, 0, 0, 1, 1, 0, 1]);
    expect(Array.from(data.test.labels.subarray(0, 3))).toEqual([0, 1, 1]);
    expect(Array.from(data.test.labels.subarray(-3))).toEqual([0, 0, 0]);
  });

  test('length statistics equal the shared README (start id included)', () => {
    const stats = (seqs: Int32Array[]) => {
      const lengths = seqs.map((s) => s.length).sort((a, b) => a - b);
      const total = lengths.reduce((a, b) => a + b, 0);
      return {
        total,
        mean: Number((total / lengths.length).toFixed(2)),
        median: lengths[lengths.length / 2 - 1] === lengths[lengths.length / 2] ? lengths[lengths.length / 2] : undefined,
        min: lengths[0],
        max: lengths.at(-1),
        shareUpTo200: Number(((100 * lengths.filter((l) => l <= 200).length) / lengths.length).toFixed(1)),
      };
    };
    expect(stats(data.train.sequences)).toEqual({ total: 5967841, mean: 238.71, median: 178, min: 11, max: 2494, shareUpTo200: 57.3 });
    expect(stats(data.test.sequences)).toEqual({ total: 5770105, mean: 230.8, median: 174, min: 7, max: 2315, shareUpTo200: 58.9 });
  });

  test('every id is below numWords; padSequences(maxlen 200) keeps the last 200 ids', () => {
    let max = 0;
    for (const s of data.train.sequences) for (const w of s) max = Math.max(max, w);
    expect(max).toBe(9999);
    const x = padSequences(data.train.sequences, { maxlen: 200 });
    expect(x.shape).toEqual([25000, 200]);
    const first = data.train.sequences[0] as Int32Array;
    expect(Array.from(x.data.subarray(0, 200))).toEqual(Array.from(first.subarray(first.length - 200)));
    const second = data.train.sequences[1] as Int32Array;
    expect(Array.from(x.data.subarray(200, 211))).toEqual(new Array(11).fill(0));
    expect(Array.from(x.data.subarray(211, 400))).toEqual(Array.from(second));
  });

  test('maxlen drops (not truncates) reviews with length ≥ maxlen', async () => {
    const short = await loadImdb({ dataDir, numWords: 10000, maxlen: 200 });
    const kept = data.train.sequences.filter((s) => s.length < 200);
    expect(short.train.sequences).toHaveLength(kept.length);
    expect(Array.from(short.train.sequences[0] as Int32Array)).toEqual(Array.from(kept[0] as Int32Array));
  });

  test('the word index decodes the first review', async () => {
    const index = await loadImdbWordIndex({ dataDir });
    expect(index.size).toBe(88584);
    expect(decodeReview((data.train.sequences[0] as Int32Array).subarray(0, 6), index)).toBe('[START] this film was just brilliant');
  });
});
