/**
 * releaseRecurrenceKernel: the memory is given back (a fresh, small kernel loads next), helpers stop,
 * and a backward pass pending across the release — even with a forward on the new kernel in between
 * — still gets the right gradients.
 */
import { grads, mul, sum, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose } from '@rnnkit/testkit';
import { gruCell, lstmCell } from '../config';
import { scanWith } from '../scan';
import { disposeParams, randomParams, uniform } from '../test-utils';
import { recurrenceKernel } from './kernel-module';
import { releaseRecurrenceKernel } from './kernel-release';
import { recurrenceKernelInfo, setMinimumSplitWork, setRecurrenceThreads } from './kernel-threads';

const T = 5;
const I = 3;

let previousWork = 0;
beforeAll(() => {
  previousWork = setMinimumSplitWork(0);
  setRecurrenceThreads(2);
});
afterAll(() => {
  setMinimumSplitWork(previousWork);
  setRecurrenceThreads('auto');
});

describeEachBackend(['wasm'], 'releaseRecurrenceKernel', () => {
  test('gives the memory back and stops the helpers; the next scan loads a fresh kernel', async () => {
    const config = lstmCell({ inputSize: I, units: 16 });
    const params = randomParams(config, 91);
    tidy(() => {
      const xs = uniform([256, 40, I], 92);
      grads((w: Tensor) => sum(scanWith('kernel', config, { ...params, whh: w }, xs, { returnSequences: true }).outputs))([params.whh]);
    });
    const before = recurrenceKernel()!;
    const grown = before.memory.buffer.byteLength;
    expect(grown).toBeGreaterThan(8 * 2 ** 20);
    for (let i = 0; i < 1000 && recurrenceKernelInfo().helpers === 0; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(recurrenceKernelInfo().helpers).toBe(1);

    releaseRecurrenceKernel();
    expect(recurrenceKernelInfo().helpers).toBe(0);
    const after = recurrenceKernel()!;
    expect(after).not.toBe(before);
    expect(after.memory.buffer.byteLength).toBeLessThan(grown / 8);
    releaseRecurrenceKernel(); // twice is fine
    disposeParams(params);
  });

  test('a backward pending across the release (and a forward on the new kernel) gets the same gradients', () => {
    const lstm = lstmCell({ inputSize: I, units: 6 });
    const gru = gruCell({ inputSize: I, units: 5 });
    const p1 = randomParams(lstm, 93);
    const p2 = randomParams(gru, 94);
    tidy(() => {
      const xs = uniform([12, T, I], 95);
      const probe = (release: boolean): Tensor[] =>
        grads((x: Tensor, w: Tensor) => {
          const first = scanWith('kernel', lstm, { ...p1, whh: w }, x, { returnSequences: true });
          if (release) {
            releaseRecurrenceKernel();
            // a forward on the fresh kernel, which makes its results resident there
            scanWith('kernel', gru, p2, xs, { returnSequences: true });
          }
          return sum(mul(first.outputs, uniform([12, T, 6], 96)));
        })([xs, p1.whh]);
      const plain = probe(false);
      const released = probe(true);
      released.forEach((g, i) => expectClose(g, plain[i]!, { rtol: 0, atol: 0 }, `gradient ${i}`));
    });
    disposeParams(p1);
    disposeParams(p2);
  });
});
