/** Suites that need the offline datasets say so when they are missing, instead of passing silently. */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** `$RNNKIT_SHARED_DATA`, else `<repo>/../shared/data`. */
export const SHARED_DATA = process.env['RNNKIT_SHARED_DATA'] ?? resolve(__dirname, '..', '..', '..', '..', 'shared', 'data');

/**
 * `describe` when `shared/data/<dataset>` exists; otherwise a skipped suite whose name, and a
 * printed line, say where the data was expected.
 */
export function describeWithSharedData(dataset: string, name: string, fn: (dir: string) => void): void {
  const dir = join(SHARED_DATA, dataset);
  if (existsSync(dir)) {
    describe(name, () => fn(dir));
  } else {
    // skipped for a reason the run shows: the suite name and the warning say which data is missing and where
    describe.skip(`${name} (skipped: shared data not found at ${dir})`, () => fn(dir));
    console.warn(`skipped: shared data not found at ${dir} (set RNNKIT_SHARED_DATA to run "${name}")`);
  }
}
