/**
 * Node loader of FSDD from a folder of per-speaker archives (`fsdd_{speaker}.tar.gz`, the layout of
 * the project's shared/data/fsdd).
 */
import { DataFileError } from '../errors';
import { node, readFileBytes } from '../node/builtins';
import { FSDD_SPEAKERS, fsddFromRecordings, fsddFromTarGz } from './fsdd';
import type { Fsdd, FsddRecording } from './fsdd';

/** Where {@link loadFsdd} looks for the Free Spoken Digit Dataset archives. */
export interface LoadFsddOptions {
  /** Folder holding `fsdd_{speaker}.tar.gz`. Default `$RNNKIT_DATA_DIR/fsdd`. */
  readonly dataDir?: string;
  /** Load only these speakers. Default all six. */
  readonly speakers?: readonly string[];
}

/** The folder FSDD is read from, or a clear error saying how to provide one. */
export function fsddDir(options: LoadFsddOptions): string {
  if (options.dataDir !== undefined) return options.dataDir;
  const root = process.env['RNNKIT_DATA_DIR'];
  if (root) return node().path.join(root, 'fsdd');
  throw new Error('FSDD not found: pass { dataDir } (a folder with fsdd_{speaker}.tar.gz, e.g. shared/data/fsdd) or set RNNKIT_DATA_DIR');
}

/** Recordings of each digit per speaker in FSDD 1.0.10, with index 0 … 49. */
const FSDD_PER_DIGIT = 50;

/**
 * Throws, naming the archive, unless the archive of a known speaker holds exactly FSDD's recordings:
 * each digit 0–9 with each index 0–49 once, by that speaker.
 */
function checkKnownSpeaker(recordings: readonly FsddRecording[], speaker: string, file: string): void {
  const expected = 10 * FSDD_PER_DIGIT;
  const keys = new Set(recordings.filter((r) => r.speaker === speaker && r.index < FSDD_PER_DIGIT).map((r) => r.digit * FSDD_PER_DIGIT + r.index));
  if (recordings.length !== expected || keys.size !== expected) {
    throw new DataFileError(
      file,
      `holds ${recordings.length} recordings (${keys.size} distinct digit/index pairs of ${speaker}), FSDD's archive for ${speaker} has ${expected}: each digit 0–9 with index 0–49 (a truncated or partial copy?)`,
    );
  }
}

/**
 * Reads the FSDD recordings (all speakers by default) and splits them: index 0–4 test, 5–49 train.
 * The archive of each of the six FSDD speakers must hold its 500 recordings (see `checkKnownSpeaker`).
 *
 * @example const { train, test } = loadFsdd({ dataDir: '../shared/data/fsdd' }); // 2,700 / 300 recordings
 */
export function loadFsdd(options: LoadFsddOptions = {}): Fsdd {
  const { fs, path } = node();
  const dir = fsddDir(options);
  const speakers = options.speakers ?? FSDD_SPEAKERS;
  if (speakers.length === 0) throw new Error('loadFsdd: speakers must name at least one speaker, got []');
  const recordings: FsddRecording[] = [];
  for (const speaker of speakers) {
    const file = path.join(dir, `fsdd_${speaker}.tar.gz`);
    if (!fs.existsSync(file)) {
      throw new Error(`loadFsdd: ${file} does not exist (speakers available: ${FSDD_SPEAKERS.join(', ')}; folder from dataDir or RNNKIT_DATA_DIR)`);
    }
    const own = fsddFromTarGz(readFileBytes(file), file);
    if ((FSDD_SPEAKERS as readonly string[]).includes(speaker)) checkKnownSpeaker(own, speaker, file);
    recordings.push(...own);
  }
  return fsddFromRecordings(recordings);
}
