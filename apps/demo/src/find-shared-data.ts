/**
 * Finds the offline dataset copies: `$RNNKIT_SHARED_DATA`, else a `shared/data` folder beside any
 * ancestor of the working directory or of this script (the layout of the rnnkit repository's CI).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

function ancestors(start: string): string[] {
  const out: string[] = [];
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    out.push(dir);
    if (dirname(dir) === dir) return out;
  }
}

/** The folder holding `imdb/`, `tiny-shakespeare/`, … or undefined when there is none. */
export function findSharedData(): string | undefined {
  const fromEnv = process.env['RNNKIT_SHARED_DATA'];
  if (fromEnv !== undefined && fromEnv !== '') return existsSync(fromEnv) ? fromEnv : undefined;
  for (const dir of [...ancestors(process.cwd()), ...ancestors(__dirname)]) {
    const candidate = join(dir, 'shared', 'data');
    if (existsSync(join(candidate, 'imdb'))) return candidate;
  }
  return undefined;
}
