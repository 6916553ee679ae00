/**
 * Finds the offline dataset copies: `$RNNKIT_SHARED_DATA`, else a `shared/data` folder beside any
 * ancestor of the working directory or of this script (the layout of the rnnkit repository's CI).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './usage-error';

function ancestors(start: string): string[] {
  const out: string[] = [];
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    out.push(dir);
    if (dirname(dir) === dir) return out;
  }
}

/** The folder holding `imdb/`, `tiny-shakespeare/`, … (the one with `dataset` in it), or undefined when there is none. */
export function findSharedData(dataset = 'imdb'): string | undefined {
  const fromEnv = process.env['RNNKIT_SHARED_DATA'];
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? fromEnv : undefined;
  for (const dir of [...ancestors(process.cwd()), ...ancestors(__dirname)]) {
    const candidate = join(dir, 'shared', 'data');
    if (existsSync(join(candidate, dataset))) return candidate;
  }
  return undefined;
}

/**
 * The folder of one dataset: `--data-dir` when given (it must exist), else `shared/data/<dataset>`
 * when found, else undefined (the loader's own default: `$RNNKIT_DATA_DIR`, a download cache).
 */
export function datasetDir(dataDirFlag: string | undefined, dataset: string): string | undefined {
  if (dataDirFlag !== undefined) {
    if (!existsSync(dataDirFlag)) throw new UsageError(`--data-dir ${dataDirFlag} does not exist`);
    return dataDirFlag;
  }
  if (process.env['RNNKIT_DATA_DIR'] !== undefined && process.env['RNNKIT_DATA_DIR'] !== '') return undefined;
  const shared = findSharedData(dataset);
  return shared === undefined ? undefined : join(shared, dataset);
}
