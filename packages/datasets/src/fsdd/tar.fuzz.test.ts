/**
 * Fuzzing of the FSDD readers (see @rnnkit/testkit `fuzz`): corrupted `.tar.gz` bytes, and a
 * corrupted tar (headers, WAV chunks and samples) inside a valid gzip.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'fflate';
import { applyByteEdits, byteEdits, expectCleanOutcome, fuzz, fuzzRuns } from '@rnnkit/testkit';
import { fixture } from '../test-fixtures';
import { fsddFromTarGz } from './fsdd';

const archive = new Uint8Array(readFileSync(fixture('fsdd', 'fsdd_tiny.tar.gz')));

describe('fuzz: FSDD archives give a valid result or one clear Error naming the archive', () => {
  test('fsddFromTarGz on corrupted gzip bytes: the original recordings or an error', () => {
    const fingerprint = (v: unknown): string => JSON.stringify(v, (_, x: unknown) => (ArrayBuffer.isView(x) ? Array.from(x as Float32Array) : x));
    const original = fingerprint(fsddFromTarGz(archive, 'fsdd_x.tar.gz'));
    const unchanged = (result: unknown): void => {
      if (fingerprint(result) !== original) throw new Error('a corrupted archive was read as different recordings, with no error');
    };
    fuzz('fsddFromTarGz (gzip bytes)', { seed: 1821, runs: fuzzRuns(300) }, byteEdits, (edits) => {
      const bytes = applyByteEdits(archive, edits);
      return expectCleanOutcome(() => fsddFromTarGz(bytes, 'fsdd_x.tar.gz'), bytes.length, { names: 'fsdd_x.tar.gz' }, unchanged);
    });
  });

  test('fsddFromTarGz on a corrupted tar in a valid gzip', () => {
    const tar = gunzipSync(archive);
    fuzz('fsddFromTarGz (tar)', { seed: 1822, runs: fuzzRuns(300) }, byteEdits, (edits) => {
      const gz = gzipSync(applyByteEdits(tar, edits), { level: 1 });
      return expectCleanOutcome(() => fsddFromTarGz(gz, 'fsdd_x.tar.gz'), tar.length, { names: 'fsdd_x.tar.gz' });
    });
  });
});
