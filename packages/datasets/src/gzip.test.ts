import { gzipSync as zlibGzip } from 'node:zlib';
import { gzipSync } from 'fflate';
import { gunzipChecked } from './gzip';
import { imdbFromSharedJsonl } from './imdb/imdb-sources';
import { parseIdx } from './moving-mnist/idx';
import { readTarGz } from './fsdd/tar';

const text = new TextEncoder().encode('{"y":1,"x":[1,4,5]}\n'.repeat(200));

/** A copy of `gz` with byte `at` (negative: from the end) XOR-ed with `mask`. */
function flip(gz: Uint8Array, at: number, mask = 0x01): Uint8Array {
  const out = gz.slice();
  const i = at < 0 ? out.length + at : at;
  out[i] = out[i]! ^ mask;
  return out;
}

describe('gunzipChecked: the CRC-32 and length trailer of every member is verified', () => {
  test('valid files from fflate and from zlib unpack to the original bytes', () => {
    expect(gunzipChecked(gzipSync(text), 'a.gz')).toEqual(text);
    expect(gunzipChecked(zlibGzip(text), 'a.gz')).toEqual(text);
    expect(gunzipChecked(gzipSync(new Uint8Array(0)), 'empty.gz')).toEqual(new Uint8Array(0));
  });

  test('a wrong CRC trailer is an error naming the file', () => {
    const gz = gzipSync(text);
    expect(() => gunzipChecked(flip(gz, -8), 'reviews.jsonl.gz')).toThrow(
      /^reviews\.jsonl\.gz: the gzip data is damaged: its CRC-32 is 0x[0-9a-f]{8}, the trailer records 0x[0-9a-f]{8}$/,
    );
  });

  test('a wrong length trailer, a cut trailer and trailing bytes are errors naming the file', () => {
    const gz = gzipSync(text);
    expect(() => gunzipChecked(flip(gz, -1), 'n.gz')).toThrow(/^n\.gz: the gzip data unpacks to 4000 bytes but its trailer records \d+/);
    expect(() => gunzipChecked(gz.subarray(0, gz.length - 4), 'cut.gz')).toThrow(/^cut\.gz: the gzip data/);
    expect(() => gunzipChecked(new Uint8Array([...gz, 1, 2, 3]), 'tail.gz')).toThrow(/^tail\.gz: the gzip data/);
    expect(() => gunzipChecked(gz.subarray(0, 30), 'short.gz')).toThrow(/^short\.gz: not a readable gzip file/);
  });

  test('damaged compressed data is caught by the CRC even when it still inflates', () => {
    // stored (level 0) deflate blocks inflate whatever their bytes are: only the CRC can tell
    const stored = gzipSync(text, { level: 0 });
    expect(() => gunzipChecked(flip(stored, 100, 0x20), 'stored.gz')).toThrow(/^stored\.gz: the gzip data is damaged: its CRC-32/);
  });

  test('concatenated members are all read and each is checked', () => {
    const a = gzipSync(text.subarray(0, 1000));
    const b = zlibGzip(text.subarray(1000));
    const both = new Uint8Array([...a, ...b]);
    expect(gunzipChecked(both, 'ab.gz')).toEqual(text);
    expect(() => gunzipChecked(new Uint8Array([...flip(a, -8), ...b]), 'ab.gz')).toThrow(/^ab\.gz: gzip member 1 of 2 is damaged/);
    expect(() => gunzipChecked(new Uint8Array([...a, ...flip(b, -5)]), 'ab.gz')).toThrow(/^ab\.gz: gzip member 2 of 2 is damaged/);
  });

  test('every reader that gunzips checks the trailer: IMDB jsonl, tar.gz, idx.gz', () => {
    const badCrc = (data: Uint8Array): Uint8Array => flip(gzipSync(data), -8);
    const jsonl = badCrc(text);
    expect(() => imdbFromSharedJsonl(jsonl, gzipSync(text), { train: 'train.jsonl.gz', test: 'test.jsonl.gz' })).toThrow(/^train\.jsonl\.gz: the gzip data is damaged/);
    expect(() => readTarGz(badCrc(new Uint8Array(1024)), 'speaker.tar.gz')).toThrow(/^speaker\.tar\.gz: the gzip data is damaged/);
    expect(() => parseIdx(badCrc(Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 2, 7, 9])), 'labels.gz')).toThrow(/^labels\.gz: the gzip data is damaged/);
  });
});
