/**
 * Fuzzing of the WAV and CSV readers (see @rnnkit/testkit `fuzz`): a 16-bit PCM WAV made by
 * encodeWav and a monthly series CSV, with bytes flipped, cut, overwritten, inserted, deleted or
 * repeated. Every read gives a result or one clear Error naming the file.
 */
import { applyByteEdits, byteEdits, expectCleanOutcome, fuzz, fuzzRuns } from '@rnnkit/testkit';
import { encodeWav, parseCsvSeries, parseWav } from './index';

describe('fuzz: WAV and CSV give a result or one clear Error', () => {
  it('parseWav', () => {
    const wav = encodeWav(Float32Array.from({ length: 800 }, (_, i) => Math.sin(i / 7) * 0.5), 8000);
    fuzz('parseWav', { seed: 1841, runs: fuzzRuns(400) }, byteEdits, (edits) => {
      const bytes = applyByteEdits(wav, edits);
      return expectCleanOutcome(() => parseWav(bytes, 'digit.wav'), bytes.length, { names: 'digit.wav' });
    });
  });

  it('parseCsvSeries', () => {
    const rows = Array.from({ length: 144 }, (_, i) => `${1949 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},${112 + i * 3}`);
    const csv = new TextEncoder().encode(`"Month","Passengers"\n${rows.join('\n')}\n`);
    fuzz('parseCsvSeries', { seed: 1842, runs: fuzzRuns(400) }, byteEdits, (edits) => {
      const bytes = applyByteEdits(csv, edits);
      const text = new TextDecoder().decode(bytes);
      return expectCleanOutcome(() => parseCsvSeries(text, { file: 'airline.csv' }), bytes.length, { names: 'airline.csv' });
    });
  });
});
