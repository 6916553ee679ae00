import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { fixture } from '../test-fixtures';
import { applyKerasImdbOptions, type ImdbData, type ImdbOptions } from './imdb-keras';
import { imdbFromNpz, imdbFromSharedJsonl } from './imdb-sources';
import { decodeReview, parseWordIndex } from './word-index';

interface PyOptions { num_words?: number; skip_top?: number; maxlen?: number; seed?: number; start_char?: number | null; oov_char?: number | null; index_from?: number }
interface Expected { options: PyOptions; result: { train: { x: number[][]; y: number[] }; test: { x: number[][]; y: number[] } } }
const expected = JSON.parse(readFileSync(fixture('imdb-expected.json'), 'utf8')) as Expected[];

function toOptions(o: PyOptions): ImdbOptions {
  return {
    ...(o.num_words !== undefined && { numWords: o.num_words }),
    ...(o.skip_top !== undefined && { skipTop: o.skip_top }),
    ...(o.maxlen !== undefined && { maxlen: o.maxlen }),
    ...(o.seed !== undefined && { seed: o.seed }),
    ...('start_char' in o && { startChar: o.start_char ?? null }),
    ...('oov_char' in o && { oovChar: o.oov_char ?? null }),
    ...(o.index_from !== undefined && { indexFrom: o.index_from }),
  };
}
const plain = (d: ImdbData) => ({
  train: { x: d.train.sequences.map((s) => Array.from(s)), y: Array.from(d.train.labels) },
  test: { x: d.test.sequences.map((s) => Array.from(s)), y: Array.from(d.test.labels) },
});

const fromNpz = (f: string): ImdbData => imdbFromNpz(readFileSync(fixture(f)), f);
const fromShared = (): ImdbData =>
  imdbFromSharedJsonl(readFileSync(fixture('imdb', 'keras_imdb_train.jsonl.gz')), readFileSync(fixture('imdb', 'keras_imdb_test.jsonl.gz')));

describe('applyKerasImdbOptions equals keras imdb.load_data (numpy reference outputs)', () => {
  const sources: [string, () => ImdbData][] = [
    ['imdb.npz', () => fromNpz('imdb.npz')],
    ['imdb-protocol2.npz', () => fromNpz('imdb-protocol2.npz')],
    ['imdb-protocol4.npz', () => fromNpz('imdb-protocol4.npz')],
    ['shared jsonl copy', fromShared],
  ];
  for (const [name, load] of sources) {
    test.each(expected.map((e) => [JSON.stringify(e.options), e] as const))(`${name}: %s`, (_, e) => {
      expect(plain(applyKerasImdbOptions(load(), toOptions(e.options)))).toEqual(e.result);
    });
  }

  test('the .npz path and the shared-copy path give the same raw reviews', () => {
    expect(plain(fromShared())).toEqual(plain(fromNpz('imdb.npz')));
  });

  test('the shared copy with a full vocabulary is the file itself (it is already in Keras order)', () => {
    const rows = readFileSync(fixture('imdb', 'keras_imdb_train.jsonl.gz'));
    const lines = gunzipSync(rows).toString('utf8').trim().split('\n').map((l) => JSON.parse(l) as { x: number[]; y: number });
    // numWords above every id; without numWords Keras turns the single largest id into OOV
    const out = applyKerasImdbOptions(fromShared(), { numWords: 100_000 });
    expect(out.train.sequences.map((s) => Array.from(s))).toEqual(lines.map((l) => l.x));
    expect(Array.from(out.train.labels)).toEqual(lines.map((l) => l.y));
  });

  test('maxlen that drops a whole split is an error; bad options name the argument', () => {
    expect(() => applyKerasImdbOptions(fromShared(), { maxlen: 2 })).toThrow('maxlen 2 drops every review of the train split');
    expect(() => applyKerasImdbOptions(fromShared(), { numWords: 0 })).toThrow('numWords must be an integer >= 1, got 0');
    expect(() => applyKerasImdbOptions(fromShared(), { seed: -1 })).toThrow('seed');
    expect(() => applyKerasImdbOptions(fromShared(), { skipTop: 1.5 })).toThrow('skipTop');
  });
});

describe('shared-copy parser errors name the file and line', () => {
  const gz = (text: string): Uint8Array => gzipSync(text);
  const good = gz('{"y":1,"x":[1,4,5]}\n');
  test('malformed JSON line', () => {
    expect(() => imdbFromSharedJsonl(gz('{"y":1,"x":[1,4]}\n{"y":0,"x":[1,\n'), good, { train: 'a.gz', test: 'b.gz' })).toThrow(/^a\.gz:2: not valid JSON/);
  });
  test('wrong shape of a row', () => {
    expect(() => imdbFromSharedJsonl(good, gz('{"y":3,"x":[1,4]}\n'), { train: 'a.gz', test: 'b.gz' })).toThrow(/^b\.gz:1: expected \{"y": 0\|1/);
    expect(() => imdbFromSharedJsonl(good, gz('{"y":0,"x":[1,2]}\n'), { train: 'a.gz', test: 'b.gz' })).toThrow('b.gz:1: word id 2 at position 1');
  });
  test('truncated gzip', () => {
    const bytes = readFileSync(fixture('imdb', 'keras_imdb_train.jsonl.gz'));
    expect(() => imdbFromSharedJsonl(bytes.subarray(0, 200), good, { train: 'cut.gz', test: 'b.gz' })).toThrow(/^cut\.gz: not a readable gzip file/);
  });
});

describe('word index and decodeReview', () => {
  const index = parseWordIndex(readFileSync(fixture('imdb', 'imdb_word_index.json'), 'utf8'));
  test('ranks follow the Keras file: "the" is 1, "and" 2', () => {
    expect(index.get('the')).toBe(1);
    expect(index.get('and')).toBe(2);
  });
  test('decodes with the Keras offset and markers', () => {
    // ids: start, "the"+3, "and"+3, OOV, pad, an id without a word
    expect(decodeReview([1, 4, 5, 2, 0, 999999], index)).toBe('[START] the and [OOV] ?');
    expect(decodeReview([0, 1, 4], index, { markers: { start: '', pad: '<pad>' } })).toBe('<pad> the');
    expect(decodeReview([1, 1], index, { indexFrom: 0, startChar: 99 })).toBe('the the');
  });
  test('a bad word index names the file', () => {
    expect(() => parseWordIndex('{"a": 0}', 'wi.json')).toThrow('wi.json: rank of "a" must be an integer ≥ 1, got 0');
    expect(() => parseWordIndex('[', 'wi.json')).toThrow(/^wi\.json: not valid JSON/);
  });
});
