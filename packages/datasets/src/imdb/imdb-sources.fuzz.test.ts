/**
 * Fuzzing of the IMDB parsers (see @rnnkit/testkit `fuzz`): corrupted gzip bytes of the shared
 * JSON-lines copy, corrupted text inside a valid gzip, and corrupted copies of Keras' imdb.npz.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'fflate';
import { applyByteEdits, byteEdits, expectCleanOutcome, fuzz, fuzzRuns } from '@rnnkit/testkit';
import { fixture } from '../test-fixtures';
import { imdbFromNpz, imdbFromSharedJsonl } from './imdb-sources';

const train = new Uint8Array(readFileSync(fixture('imdb', 'keras_imdb_train.jsonl.gz')));
const testGz = new Uint8Array(readFileSync(fixture('imdb', 'keras_imdb_test.jsonl.gz')));
const files = { train: 'train.jsonl.gz', test: 'test.jsonl.gz' };
const fingerprint = (v: unknown): string => JSON.stringify(v, (_, x: unknown) => (ArrayBuffer.isView(x) ? Array.from(x as Uint8Array) : x));
/** A gzip's CRC-32 guards its content: a read that succeeds must give the original reviews back. */
const unchanged =
  (original: unknown) =>
  (result: unknown): void => {
    if (fingerprint(result) !== fingerprint(original)) throw new Error('a corrupted file was read as different reviews, with no error');
  };

describe('fuzz: IMDB files give a valid result or one clear Error naming the file', () => {
  test('imdbFromSharedJsonl on corrupted gzip bytes: the original reviews or an error', () => {
    const original = imdbFromSharedJsonl(train, testGz, files);
    fuzz('imdbFromSharedJsonl (gzip bytes)', { seed: 1811, runs: fuzzRuns(300) }, byteEdits, (edits) => {
      const bytes = applyByteEdits(train, edits);
      return expectCleanOutcome(() => imdbFromSharedJsonl(bytes, testGz, files), bytes.length, { names: 'train.jsonl.gz' }, unchanged(original));
    });
  });

  test('imdbFromSharedJsonl on corrupted text in a valid gzip', () => {
    const text = gunzipSync(train);
    fuzz('imdbFromSharedJsonl (text)', { seed: 1812, runs: fuzzRuns(300) }, byteEdits, (edits) => {
      const gz = gzipSync(applyByteEdits(text, edits), { level: 1 });
      return expectCleanOutcome(() => imdbFromSharedJsonl(gz, testGz, files), text.length, { names: 'train.jsonl.gz' });
    });
  });

  test('imdbFromNpz on corrupted archives (CRC-32 per member): the original reviews or an error', () => {
    const npz = new Uint8Array(readFileSync(fixture('imdb-protocol2.npz')));
    const original = imdbFromNpz(npz, 'imdb.npz');
    fuzz('imdbFromNpz', { seed: 1813, runs: fuzzRuns(300) }, byteEdits, (edits) => {
      const bytes = applyByteEdits(npz, edits);
      return expectCleanOutcome(() => imdbFromNpz(bytes, 'imdb.npz'), bytes.length, { names: 'imdb.npz' }, unchanged(original));
    });
  });
});
