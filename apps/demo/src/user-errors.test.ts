/**
 * Errors a user can cause end as a UsageError (exit code 2, one line) before any work starts (issue
 * 18, items 8 and 9): option combinations that cannot work, unknown flags of every command, missing
 * or corrupt data, and a `--resume` from a run with other options.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, memory } from '@rnnkit/tensor';
import { encodeCheckpoint, CHECKPOINT_FILE } from '@rnnkit/training';
import { parseForecastOptions } from './forecast-options';
import { checkForecastSplit } from './forecast-run';
import { buildImdbModel } from './imdb-model';
import { parseImdbOptions } from './imdb-options';
import { resumeCheckpoint, runImdb } from './imdb-run';
import { parseSpeechOptions } from './speech-options';
import { runSpeechCommand } from './speech-run';
import { parseTranslateOptions } from './translate-options';
import { parseVideoOptions } from './video-options';
import { loadingData, UsageError } from './usage-error';

/** The UsageError `f` throws (fails the test when it throws anything else, or nothing). */
async function usageError(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('no error');
}

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = mkdtempSync(join(tmpdir(), 'rnnkit-user-errors-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('option combinations that cannot work are refused while parsing', () => {
  it('translate --held-out 0 (no pairs to measure on), imdb --limit 1 (nothing left to train on)', async () => {
    expect(await usageError(() => parseTranslateOptions(['--held-out', '0']))).toBe(
      '--held-out must be a number in (0, 1): the held-out pairs are what the results are measured on, got "0"',
    );
    expect(parseTranslateOptions(['--held-out', '0.1'])?.heldOut).toBe(0.1);
    expect(await usageError(() => parseImdbOptions(['--limit', '1']))).toBe('--limit 1 leaves no training sample after the validation split of 0.2: use --limit 2 or more');
    expect(parseImdbOptions(['--limit', '2'])?.limit).toBe(2);
  });

  it('forecast --test and --window against the 144 months, before the backend starts or anything trains', () => {
    const check = (argv: string[], offset: number): void => checkForecastSplit(144, offset, parseForecastOptions(argv)!);
    expect(() => check(['--test', '140'], 12)).toThrow(
      new UsageError('--test 140 and --window 12 leave 4 of the 144 months for training (0 values of growth); they need at least 25: --test at most 119'),
    );
    expect(() => check(['--test', '119'], 12)).not.toThrow();
    expect(() => check(['--test', '120'], 12)).toThrow(UsageError);
    // level: no year lost to the differencing, but the seasonal baseline needs a year before the origin
    expect(() => check(['--test', '133', '--window', '2', '--target', 'level'], 0)).toThrow('they need at least 12: --test at most 132');
    expect(() => check(['--test', '132', '--window', '2', '--target', 'level'], 0)).not.toThrow();
  });
});

describe('unknown flags of every command are usage errors', () => {
  it('speech and video too (they exited 1)', async () => {
    expect(await usageError(() => parseSpeechOptions(['--bogus']))).toMatch(/^Unknown option '--bogus'/);
    expect(await usageError(() => parseSpeechOptions(['--units']))).toMatch(/argument missing/);
    expect(await usageError(() => parseVideoOptions(['--nope', '1']))).toMatch(/^Unknown option '--nope'/);
    expect(await usageError(() => parseImdbOptions(['--bogus']))).toMatch(/^Unknown option '--bogus'/);
  });

  it('sizes with no other bound: speech --beam-width, video --strip', async () => {
    expect(await usageError(() => parseSpeechOptions(['--beam-width', '100000']))).toBe('--beam-width must be at most 256, got 100000');
    expect(await usageError(() => parseVideoOptions(['--strip', '100000']))).toBe('--strip must be at most 64 clips, got 100000');
    expect(parseSpeechOptions(['--beam-width', '256'])?.beamWidth).toBe(256);
  });
});

describe('missing or corrupt data is a usage error', () => {
  it('loadingData turns a loader failure into one line', async () => {
    expect(await usageError(() => loadingData(() => { throw new Error('imdb.npz: the gzip CRC-32 does not match\nmore detail'); }))).toBe('imdb.npz: the gzip CRC-32 does not match');
    expect(await loadingData(async () => 7)).toBe(7);
  });

  it('a corrupt IMDB copy and an FSDD folder without recordings', async () => {
    const imdbDir = join(dir, 'imdb');
    mkdirSync(imdbDir);
    writeFileSync(join(imdbDir, 'imdb.npz'), 'PK\u0003\u0004 not really a zip');
    const before = memory().numTensors;
    expect(await usageError(() => runImdb(parseImdbOptions(['--data-dir', imdbDir, '--backend', 'cpu', '--out', join(dir, 'out-imdb'), '--limit', '8'])!, () => undefined))).toMatch(/imdb/i);
    expect(memory().numTensors).toBe(before);
    const fsddDir = join(dir, 'fsdd');
    mkdirSync(fsddDir);
    await expect(runSpeechCommand(['--data-dir', fsddDir, '--backend', 'cpu', '--out-dir', join(dir, 'out-speech')], () => undefined)).rejects.toBeInstanceOf(UsageError);
  });
});

describe('--resume from a run with other options', () => {
  it('is refused naming the file and the weight, before any data is read; a matching checkpoint is accepted', () => {
    const checkpointDir = join(dir, 'run', 'checkpoint');
    mkdirSync(checkpointDir, { recursive: true });
    const saved = buildImdbModel({ cell: 'simplernn', units: 8, embed: 4, numWords: 50, maxlen: 10, seed: 1 } as Parameters<typeof buildImdbModel>[0]);
    const bytes = encodeCheckpoint({
      epoch: 1, globalStep: 1, seed: 1, rngState: [1, 2, 3, 4], history: { epochs: [0], history: {} },
      params: saved.params, optimizer: { name: 'adam', iterations: 1, learningRateScale: 1, slots: {} }, callbacks: {},
    });
    saved.dispose();
    writeFileSync(join(checkpointDir, CHECKPOINT_FILE), bytes);
    const before = memory().numTensors;
    const other = buildImdbModel({ cell: 'simplernn', units: 16, embed: 4, numWords: 50, maxlen: 10, seed: 1 } as Parameters<typeof buildImdbModel>[0]);
    const file = join(checkpointDir, CHECKPOINT_FILE);
    expect(() => resumeCheckpoint(checkpointDir, other.params)).toThrow(
      new RegExp(`^--resume: ${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} is from a run with other options \\(weight \\S+ is \\[\\d+, 8\\] there, \\[\\d+, 16\\] with these\\)`),
    );
    other.dispose();
    const same = buildImdbModel({ cell: 'simplernn', units: 8, embed: 4, numWords: 50, maxlen: 10, seed: 1 } as Parameters<typeof buildImdbModel>[0]);
    const checkpoint = resumeCheckpoint(checkpointDir, same.params);
    expect(checkpoint.epoch).toBe(1);
    for (const t of Object.values(checkpoint.params)) t.dispose();
    same.dispose();
    expect(memory().numTensors).toBe(before);
    expect(() => resumeCheckpoint(join(dir, 'nowhere'), {})).toThrow(/^--resume: no checkpoint in /);
  });
});
