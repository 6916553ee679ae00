/**
 * The Free Spoken Digit Dataset (FSDD): 3,000 recordings of the digits 0–9, 8 kHz mono 16-bit,
 * files named `{digit}_{speaker}_{index}.wav`. The dataset's own split: index 0–4 test, 5–49 train.
 *
 * Pure functions over archive bytes (browser-safe); `loadFsdd` in `fsdd-load.ts` reads files in Node.
 */
import { readTarGz } from './tar';
import { parseWav } from '../audio/wav';

/** The six speakers of FSDD 1.0.10, one archive each in the project's shared copy. */
export const FSDD_SPEAKERS = ['george', 'jackson', 'lucas', 'nicolas', 'theo', 'yweweler'] as const;
/** The sample rate of every FSDD recording, in Hz. */
export const FSDD_SAMPLE_RATE = 8000;
/** Recordings with index ≤ this are the test split (the FSDD README's convention). */
export const FSDD_LAST_TEST_INDEX = 4;

/** FSDD's split: recordings with index ≤ 4 are the test split, the rest train. */
export type FsddSplit = 'train' | 'test';

/** One FSDD recording: its file name, digit, speaker, index, split and samples. */
export interface FsddRecording {
  /** e.g. `7_jackson_32.wav` */
  readonly file: string;
  readonly digit: number;
  readonly speaker: string;
  readonly index: number;
  readonly split: FsddSplit;
  /** Samples in [-1, 1) at `FSDD_SAMPLE_RATE`. */
  readonly samples: Float32Array;
}

/** The Free Spoken Digit Dataset: every recording, and the train and test splits. */
export interface Fsdd {
  readonly sampleRate: number;
  /** All recordings, sorted by speaker, digit, index (as the dataset's index.csv). */
  readonly recordings: readonly FsddRecording[];
  readonly train: readonly FsddRecording[];
  readonly test: readonly FsddRecording[];
}

/** `{ digit, speaker, index }` from an FSDD file name; throws, naming the file, on any other name. */
export function parseFsddName(file: string): { digit: number; speaker: string; index: number } {
  const base = file.slice(file.lastIndexOf('/') + 1);
  const m = /^(\d)_([a-z]+)_(\d+)\.wav$/.exec(base);
  if (m === null) throw new Error(`FSDD: file name must look like '{digit}_{speaker}_{index}.wav', got '${file}'`);
  return { digit: Number(m[1]), speaker: m[2]!, index: Number(m[3]) };
}

/** The split of a recording index: 0–4 test, 5–49 train. */
export function fsddSplitOf(index: number): FsddSplit {
  return index <= FSDD_LAST_TEST_INDEX ? 'test' : 'train';
}

/** The recordings of one speaker archive (`.tar.gz` bytes); `label` names it in errors. */
export function fsddFromTarGz(bytes: Uint8Array, label = 'FSDD archive'): FsddRecording[] {
  const out: FsddRecording[] = [];
  for (const entry of readTarGz(bytes, label)) {
    if (!entry.name.endsWith('.wav')) continue;
    const { digit, speaker, index } = parseFsddName(entry.name);
    const wav = parseWav(entry.data, `${label}: ${entry.name}`);
    if (wav.sampleRate !== FSDD_SAMPLE_RATE) {
      throw new Error(`${label}: ${entry.name} has sample rate ${wav.sampleRate}, expected ${FSDD_SAMPLE_RATE}`);
    }
    out.push({ file: entry.name.slice(entry.name.lastIndexOf('/') + 1), digit, speaker, index, split: fsddSplitOf(index), samples: wav.samples });
  }
  return out;
}

/** Sorts by speaker, digit, index and splits into train and test. */
export function fsddFromRecordings(recordings: readonly FsddRecording[]): Fsdd {
  const sorted = [...recordings].sort((a, b) =>
    a.speaker === b.speaker ? (a.digit === b.digit ? a.index - b.index : a.digit - b.digit) : a.speaker < b.speaker ? -1 : 1,
  );
  return {
    sampleRate: FSDD_SAMPLE_RATE,
    recordings: sorted,
    train: sorted.filter((r) => r.split === 'train'),
    test: sorted.filter((r) => r.split === 'test'),
  };
}
