/**
 * Node loader of FSDD from a folder of per-speaker archives (`fsdd_{speaker}.tar.gz`, the layout of
 * the project's shared/data/fsdd).
 */
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

/**
 * Reads the FSDD recordings (all speakers by default) and splits them: index 0–4 test, 5–49 train.
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
    recordings.push(...fsddFromTarGz(readFileBytes(file), file));
  }
  return fsddFromRecordings(recordings);
}
