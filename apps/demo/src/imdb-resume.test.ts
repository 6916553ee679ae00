/**
 * `pnpm demo imdb --resume` through the model's own `fit`: a run stopped after one epoch and resumed
 * from its checkpoint ends with the weights and history of the run that never stopped, bit for bit.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, memory } from '@rnnkit/tensor';
import { describeWithSharedData } from '@rnnkit/testkit';
import { parseImdbOptions } from './imdb-options';
import { runImdb } from './imdb-run';

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = mkdtempSync(join(tmpdir(), 'rnnkit-imdb-resume-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeWithSharedData('imdb', 'imdb --resume', (dataDir) => {
  it('continues an interrupted run to the weights and history of an uninterrupted one, bit for bit', async () => {
    const before = memory().numTensors;
    const run = (out: string, ...more: string[]) =>
      runImdb(
        parseImdbOptions(['--limit', '200', '--maxlen', '40', '--units', '8', '--embed', '8', '--batch-size', '32', '--backend', 'cpu', '--data-dir', dataDir, '--out', join(dir, out), ...more])!,
        () => undefined,
      );
    const whole = await run('whole', '--epochs', '3');
    const first = await run('resumed', '--epochs', '1');
    expect(first.history.epoch).toEqual([0]);
    const resumed = await run('resumed', '--epochs', '3', '--resume');

    // the checkpoint carries the epochs before the stop, so the resumed run reports all three
    expect(resumed.history.epoch).toEqual([0, 1, 2]);
    expect(resumed.history.history).toEqual(whole.history.history);
    const saved = (r: typeof whole): unknown => (JSON.parse(readFileSync(join(r.outDir, 'history.json'), 'utf8')) as { history: unknown }).history;
    expect(saved(resumed)).toEqual(saved(whole));
    expect(resumed.test).toEqual(whole.test);
    expect(readFileSync(join(resumed.modelDir, 'weights.bin')).equals(readFileSync(join(whole.modelDir, 'weights.bin')))).toBe(true);
    expect(memory().numTensors).toBe(before);
    // three runs, each reading the whole of IMDB, on a machine busy with other tests
  }, 600_000);
});
