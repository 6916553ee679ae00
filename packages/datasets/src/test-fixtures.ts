/** Paths of the committed fixtures and of the optional shared data folder (tests only). */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const FIXTURES = resolve(__dirname, '..', 'fixtures');
export const fixture = (...parts: string[]): string => join(FIXTURES, ...parts);

/** `$RNNKIT_SHARED_DATA`, else `<repo>/../shared/data`. */
export const SHARED_DATA = process.env['RNNKIT_SHARED_DATA'] ?? resolve(__dirname, '..', '..', '..', '..', 'shared', 'data');

/**
 * `describe` when the shared folder `sub` exists; otherwise a skipped suite and a message that
 * says where the data was expected, so a run without it never passes silently.
 */
export function describeWithSharedData(sub: string, name: string, fn: (dir: string) => void): void {
  const dir = join(SHARED_DATA, sub);
  if (existsSync(dir)) {
    describe(name, () => fn(dir));
  } else {
    describe.skip(`${name} (skipped: shared data not found at ${dir})`, () => fn(dir));
    console.warn(`skipped: shared data not found at ${dir} (set RNNKIT_SHARED_DATA to run "${name}")`);
  }
}
