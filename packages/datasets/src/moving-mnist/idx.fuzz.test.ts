/** Fuzzing of the idx reader (see @rnnkit/testkit `fuzz`): corrupted idx files, gzipped and not. */
import { gzipSync } from 'fflate';
import { applyByteEdits, byteEdits, expectCleanOutcome, fuzz, fuzzRuns } from '@rnnkit/testkit';
import { mnistFromIdx } from './idx';

/** 5 images of 4×3 and their labels, as idx3 and idx1 bytes. */
const images = Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 5, 0, 0, 0, 4, 0, 0, 0, 3, ...Array.from({ length: 60 }, (_, i) => (i * 37) & 0xff)]);
const labels = Uint8Array.from([0, 0, 8, 1, 0, 0, 0, 5, 3, 1, 4, 1, 5]);

describe('fuzz: idx files give a valid result or one clear Error naming the file', () => {
  test.each([
    ['raw', images],
    ['gzipped', gzipSync(images)],
  ])('mnistFromIdx on corrupted %s images', (_, valid) => {
    fuzz(`mnistFromIdx (${_})`, { seed: 1831, runs: fuzzRuns(300) }, byteEdits, (edits) => {
      const bytes = applyByteEdits(valid, edits);
      // a gzip's CRC-32 guards the pixels: a gzipped file that reads must give the original ones
      const unchanged = (digits: { images: Uint8Array }): void => {
        if (_ === 'gzipped' && digits.images.join() !== images.subarray(16).join()) throw new Error('a corrupted gzip was read as other pixels, with no error');
      };
      return expectCleanOutcome(() => mnistFromIdx(bytes, labels, 'digits'), bytes.length, { names: 'digits' }, unchanged);
    });
  });
});
