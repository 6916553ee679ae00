import { readFileSync } from 'node:fs';
import { gzipSync } from 'fflate';
import { describeWithSharedData, fixture } from '../test-fixtures';
import { encodeWav, parseWav } from '../audio/wav';
import { buildDigitStrings } from './digit-strings';
import { fsddFromRecordings, fsddFromTarGz, fsddSplitOf, parseFsddName } from './fsdd';
import { loadFsdd } from './fsdd-load';
import { readTar, readTarGz } from './tar';

const tiny = readFileSync(fixture('fsdd', 'fsdd_tiny.tar.gz'));

describe('tar reader', () => {
  test('lists the regular files of the committed archive in order', () => {
    const entries = readTarGz(tiny);
    expect(entries.map((e) => e.name)).toEqual(['README.txt', '0_tiny_0.wav', '3_tiny_7.wav', '9_tiny_12.wav']);
    expect(new TextDecoder().decode(entries[0]!.data)).toBe('not a recording\n');
  });

  test('a truncated archive and a bad checksum throw, naming the archive', () => {
    const tar = readTarGz(tiny)[1]!.data.buffer as ArrayBuffer;
    const raw = new Uint8Array(tar);
    expect(() => readTar(raw.subarray(0, 1500), 'x.tar')).toThrow(/x\.tar: .*truncated/);
    const broken = raw.slice();
    broken[0] = 'Q'.charCodeAt(0);
    expect(() => readTar(broken, 'x.tar')).toThrow(/x\.tar: header checksum mismatch at byte 0/);
    expect(() => readTarGz(new Uint8Array([1, 2, 3]), 'y.tar.gz')).toThrow(/y\.tar\.gz: not a readable gzip file/);
  });
});

describe('WAV', () => {
  test('parses 16-bit PCM exactly, and encode → parse round-trips', () => {
    const wav = parseWav(readTarGz(tiny)[1]!.data);
    expect(wav.sampleRate).toBe(8000);
    expect(wav.samples).toHaveLength(400);
    expect(Array.from(wav.samples.subarray(0, 5))).toEqual([0, 1 / 32768, -1 / 32768, 32767 / 32768, -1]);
    const back = parseWav(encodeWav(wav.samples, 8000));
    expect(back.samples).toEqual(wav.samples);
  });

  test('corrupt files give errors that say what is wrong', () => {
    const good = encodeWav(new Float32Array([0.5, -0.5]), 8000);
    expect(() => parseWav(new Uint8Array(10), 'a.wav')).toThrow(/a\.wav: not a WAV file/);
    expect(() => parseWav(good.subarray(0, 46), 'b.wav')).toThrow(/b\.wav: 'data' chunk claims 4 bytes but only 2 follow/);
    const eightBit = good.slice();
    new DataView(eightBit.buffer).setUint16(34, 8, true);
    expect(() => parseWav(eightBit, 'c.wav')).toThrow(/c\.wav: only 16-bit samples are supported, got 8-bit/);
    const float = good.slice();
    new DataView(float.buffer).setUint16(20, 3, true);
    expect(() => parseWav(float, 'd.wav')).toThrow(/d\.wav: only PCM \(format 1\)/);
    expect(() => parseWav(good.subarray(0, 36), 'e.wav')).toThrow(/e\.wav: no 'data' chunk found/);
  });

  test('stereo is averaged to mono', () => {
    const bytes = encodeWav(new Float32Array([0.5, -0.25, 0.25, 0.25]), 8000);
    const view = new DataView(bytes.buffer);
    view.setUint16(22, 2, true);
    const wav = parseWav(bytes);
    expect(wav.channels).toBe(2);
    expect(Array.from(wav.samples)).toEqual([0.125, 0.25]);
  });
});

describe('FSDD on the committed fixture', () => {
  test('names, digits, speakers and the 0–4 test / 5–49 train split', () => {
    const recordings = fsddFromTarGz(tiny, 'fsdd_tiny.tar.gz');
    expect(recordings.map((r) => [r.file, r.digit, r.index, r.split])).toEqual([
      ['0_tiny_0.wav', 0, 0, 'test'],
      ['3_tiny_7.wav', 3, 7, 'train'],
      ['9_tiny_12.wav', 9, 12, 'train'],
    ]);
    const data = fsddFromRecordings(recordings);
    expect(data.train).toHaveLength(2);
    expect(data.test).toHaveLength(1);
    expect(fsddSplitOf(4)).toBe('test');
    expect(fsddSplitOf(5)).toBe('train');
    expect(() => parseFsddName('x.wav')).toThrow(/\{digit\}_\{speaker\}_\{index\}\.wav', got 'x\.wav'/);
  });

  test('a damaged recording inside an archive names archive and file', () => {
    const raw = readTarGz(tiny)[1]!.data;
    const tar = new Uint8Array(raw.buffer as ArrayBuffer, 0, raw.buffer.byteLength).slice();
    const at = raw.byteOffset;
    tar[at + 34] = 24; // bits per sample of 0_tiny_0.wav
    expect(() => fsddFromTarGz(gzipSync(tar), 'z.tar.gz')).toThrow(/z\.tar\.gz: 0_tiny_0\.wav: only 16-bit samples are supported, got 24-bit/);
  });

  test('a missing folder or speaker is a clear error', () => {
    expect(() => loadFsdd({ dataDir: fixture('fsdd'), speakers: ['nobody'] })).toThrow(/fsdd_nobody\.tar\.gz does not exist/);
  });

  test('loadFsdd reads fsdd_{speaker}.tar.gz from dataDir', () => {
    const data = loadFsdd({ dataDir: fixture('fsdd'), speakers: ['tiny'] });
    expect(data.recordings.map((r) => r.file)).toEqual(['0_tiny_0.wav', '3_tiny_7.wav', '9_tiny_12.wav']);
  });
});

describe('digit strings', () => {
  const sources = [
    { digit: 1, samples: new Float32Array(100).fill(0.1) },
    { digit: 2, samples: new Float32Array(200).fill(0.2) },
    { digit: 3, samples: new Float32Array(300).fill(0.3) },
  ];

  test('seeded, 2–6 digits, recordings joined by silences of the given range', () => {
    const options = { count: 50, seed: 7, sampleRate: 1000, minSilence: 0.01, maxSilence: 0.02 };
    const a = buildDigitStrings(sources, options);
    const b = buildDigitStrings(sources, options);
    expect(a.map((s) => Array.from(s.digits))).toEqual(b.map((s) => Array.from(s.digits)));
    const lengths = new Set(a.map((s) => s.digits.length));
    expect([...lengths].sort()).toEqual([2, 3, 4, 5, 6]);
    for (const s of a) {
      expect(Array.from(s.digits)).toEqual(Array.from(s.sources, (i) => sources[i]!.digit));
      // runs of non-zero samples are exactly the recordings, in order
      const runs: number[] = [];
      let previous = 0;
      for (const v of s.samples) {
        if (v !== 0 && previous === 0) runs.push(Math.round(v * 10));
        previous = v;
      }
      expect(runs).toEqual(Array.from(s.digits));
      const speech = s.digits.reduce((n, d) => n + d * 100, 0);
      const silence = s.samples.length - speech;
      expect(silence).toBeGreaterThanOrEqual(10 * (s.digits.length + 1));
      expect(silence).toBeLessThanOrEqual(20 * (s.digits.length + 1));
    }
    expect(buildDigitStrings(sources, { ...options, seed: 8 }).map((s) => s.digits.length)).not.toEqual(a.map((s) => s.digits.length));
  });

  test('bad options are named', () => {
    expect(() => buildDigitStrings([], { count: 1, seed: 0, sampleRate: 8000 })).toThrow(/recordings must not be empty/);
    expect(() => buildDigitStrings(sources, { count: 1, seed: 0, sampleRate: 8000, minDigits: 3, maxDigits: 2 })).toThrow(/maxDigits must be an integer >= 3, got 2/);
  });
});

describeWithSharedData('fsdd', 'FSDD on the shared files', (dir) => {
  test('one speaker: 500 recordings, 50 per digit, split 450/50, a known file', () => {
    const data = loadFsdd({ dataDir: dir, speakers: ['jackson'] });
    expect(data.recordings).toHaveLength(500);
    expect(data.train).toHaveLength(450);
    expect(data.test).toHaveLength(50);
    for (let d = 0; d < 10; d++) expect(data.recordings.filter((r) => r.digit === d)).toHaveLength(50);
    const known = data.recordings.find((r) => r.file === '7_jackson_32.wav')!;
    expect(known.split).toBe('train');
    expect(known.samples).toHaveLength(4301);
    // from make_fsdd_fixture.py (Python's wave module)
    expect(Array.from(known.samples.subarray(0, 8), (v) => v * 32768)).toEqual([307, -238, 265, -217, 140, -109, 27, -2]);
  });

  test('all speakers: 3,000 recordings, 2,700 train / 300 test, 300 per digit, 10,498,424 samples', () => {
    const data = loadFsdd({ dataDir: dir });
    expect(data.recordings).toHaveLength(3000);
    expect(data.train).toHaveLength(2700);
    expect(data.test).toHaveLength(300);
    for (let d = 0; d < 10; d++) expect(data.recordings.filter((r) => r.digit === d)).toHaveLength(300);
    expect(data.recordings.reduce((n, r) => n + r.samples.length, 0)).toBe(10_498_424);
    expect(new Set(data.test.map((r) => r.index))).toEqual(new Set([0, 1, 2, 3, 4]));
  });
});
