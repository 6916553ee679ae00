/**
 * One suite, every backend: `describeEachBackend(['cpu', 'wasm'], 'lstm', () => { … })` runs the
 * same tests once per backend, with the backend initialised before them.
 */
import { initBackend } from '@rnnkit/tensor';
import type { BackendInfo, BackendName } from '@rnnkit/tensor';

export const ALL_BACKENDS: readonly BackendName[] = ['cpu', 'wasm'];

export function describeEachBackend(
  backends: readonly BackendName[],
  name: string,
  body: (backend: BackendName, info: () => BackendInfo) => void,
): void {
  for (const backend of backends) {
    describe(`${name} [${backend}]`, () => {
      let info: BackendInfo | undefined;
      beforeAll(async () => {
        info = await initBackend({ backend });
      });
      body(backend, () => {
        if (info === undefined) throw new Error('describeEachBackend: backend not initialised yet');
        return info;
      });
    });
  }
}
