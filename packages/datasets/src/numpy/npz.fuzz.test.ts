/**
 * Fuzzing of the numpy readers (see @rnnkit/testkit `fuzz`): corrupted `.npz` archives, and
 * corrupted `.npy` members and pickles read directly (past the zip's CRC, which catches most edits).
 */
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { applyByteEdits, byteEdits, expectCleanOutcome, fuzz, fuzzRuns } from '@rnnkit/testkit';
import { fixture } from '../test-fixtures';
import { readNpy } from './npy';
import { readNpz } from './npz';
import { readPickle } from './pickle';

const files = ['imdb.npz', 'imdb-protocol2.npz', 'imdb-protocol4.npz'];

describe('fuzz: numpy files give a valid result or one clear Error', () => {
  test.each(files)('readNpz on corrupted copies of %s', (f) => {
    const valid = new Uint8Array(readFileSync(fixture(f)));
    const fingerprint = (v: unknown): string =>
      JSON.stringify(v, (_, x: unknown) => (ArrayBuffer.isView(x) ? Array.from(x as Uint8Array) : typeof x === 'bigint' ? String(x) : x));
    const original = fingerprint(readNpz(valid, f));
    // every member has a CRC-32: an archive that reads must give the original arrays back
    const unchanged = (arrays: unknown): void => {
      if (fingerprint(arrays) !== original) throw new Error('a corrupted archive was read as other arrays, with no error');
    };
    fuzz(`readNpz ${f}`, { seed: 1801, runs: fuzzRuns(150) }, byteEdits, (edits) => {
      const bytes = applyByteEdits(valid, edits);
      return expectCleanOutcome(() => readNpz(bytes, 'fuzzed.npz'), bytes.length, { names: 'fuzzed.npz' }, unchanged);
    });
  });

  test.each(files)('readNpy and readPickle on corrupted members of %s', (f) => {
    const members = Object.values(unzipSync(new Uint8Array(readFileSync(fixture(f)))));
    const plan = byteEdits.map((edits) => edits);
    fuzz(`readNpy members of ${f}`, { seed: 1802, runs: fuzzRuns(300) }, plan, (edits) => {
      const member = members[edits.length % members.length]!;
      const bytes = applyByteEdits(member, edits);
      return expectCleanOutcome(() => readNpy(bytes), bytes.length);
    });
    const pickles = members.map((m) => m.subarray(10 + (m[8]! | (m[9]! << 8)))).filter((p) => p[0] === 0x80);
    fuzz(`readPickle members of ${f}`, { seed: 1803, runs: fuzzRuns(300) }, plan, (edits) => {
      const bytes = applyByteEdits(pickles[edits.length % pickles.length]!, edits);
      return expectCleanOutcome(() => readPickle(bytes), bytes.length);
    });
  });
});
