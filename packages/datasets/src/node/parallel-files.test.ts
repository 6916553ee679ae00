import { describeWithSharedData } from '../test-fixtures';
import { prepareTranslationCorpus } from '../parallel/parallel-corpus';
import { bucketByLength, padBatch } from '../batching/batching';
import { loadFraEng } from './parallel-files';

test('loadFraEng without a data folder says how to provide one', () => {
  const saved = process.env['RNNKIT_DATA_DIR'];
  delete process.env['RNNKIT_DATA_DIR'];
  try {
    expect(() => loadFraEng()).toThrow('set RNNKIT_DATA_DIR to a folder with fra-eng/fra.txt');
  } finally {
    if (saved !== undefined) process.env['RNNKIT_DATA_DIR'] = saved;
  }
});

describeWithSharedData('fra-eng', 'fra-eng from the shared copy', (dataDir) => {
  test('18,065 pairs, first and last as the README; a bucketed, masked batch', () => {
    const pairs = loadFraEng({ dataDir });
    expect(pairs).toHaveLength(18065);
    expect(pairs[0]).toEqual({ source: 'Go.', target: 'Va !' });
    expect(pairs.at(-1)).toEqual({ source: 'They deported Tom.', target: 'Ils ont déporté Tom.' });
    const corpus = prepareTranslationCorpus(pairs.slice(0, 10000), { maxLength: 10 });
    expect(corpus.examples.length + corpus.dropped).toBe(10000);
    const batches = bucketByLength(corpus.examples.map((e) => e.source.length), { batchSize: 64, seed: 0 });
    const first = batches[0] as Int32Array;
    const batch = padBatch(corpus.examples.map((e) => e.source), first);
    expect(batch.shape[0]).toBe(64);
    expect(batch.mask.reduce((a, b) => a + b, 0)).toBe(batch.lengths.reduce((a, b) => a + b, 0));
  });
});
