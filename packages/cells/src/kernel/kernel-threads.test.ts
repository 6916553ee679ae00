/**
 * The batch split over helper threads: the split layer equals the one-part layer (outputs bit for
 * bit, gradients up to the order of the float32 sums over rows) for every cell variant and option set, with the parts
 * really running on helper threads; helpers report failures, exit when idle and restart.
 */
import { grads, sum, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { lstmCell } from '../config';
import { scanWith } from '../scan';
import type { ScanOptions } from '../scan-options';
import type { CellState } from '../state';
import { allCellVariants, disposeParams, lengthsMask, randomParams, scanProbe, splitEveryLayer, stateTensors, uniform } from '../test-utils';
import { recurrenceKernel, reserve, sharedKernelModule } from './kernel-module';
import type { KernelCall } from './kernel-calls';
import { helperStates, kernelParts, recurrenceKernelInfo, recurrenceThreads, runParts, setHelperIdleMs, setRecurrenceThreads } from './kernel-threads';

const T = 6;
const I = 3;

/** Waits (up to 10 s, for a loaded CI machine) until every started helper is idle (helpers start asynchronously). */
async function helpersIdle(count: number): Promise<void> {
  for (let i = 0; i < 1000; i++) {
    const states = helperStates();
    if (states.length >= count && states.slice(0, count).every((s) => s === 'idle')) return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`helpers did not become idle: ${JSON.stringify(helperStates())}`);
}

splitEveryLayer();

test('under Node the kernel runs on a shared memory and the auto setting uses the cores', () => {
  expect(recurrenceKernel()).not.toBeNull();
  expect(sharedKernelModule()).not.toBeNull();
  expect(recurrenceKernelInfo()).toMatchObject({ loaded: true, sharedMemory: true });
  expect(recurrenceThreads()).toBeGreaterThanOrEqual(1);
  setRecurrenceThreads(1);
  expect(kernelParts(128, 1e9)).toBe(1);
  setRecurrenceThreads(2);
  expect(kernelParts(128, 1e9)).toBe(2);
  expect(kernelParts(7, 1e9)).toBe(1); // parts keep ≥ 4 rows
  expect(() => setRecurrenceThreads(0)).toThrow(/integer ≥ 1, got 0/);
  expect(() => setRecurrenceThreads(1.5)).toThrow(/integer ≥ 1/);
});

describeEachBackend(['wasm'], 'split kernel', () => {
describe.each([
  [2, 9],
  [3, 14],
])('%i threads, batch %i (uneven parts)', (threads, batch) => {
  const options: Array<[string, (b: number) => ScanOptions, boolean]> = [
    ['last output', () => ({}), false],
    ['sequences + initial state + mask', (b) => ({ returnSequences: true, mask: lengthsMask(Array.from({ length: b }, (_, i) => 1 + (i % T)), T) }), true],
    ['goBackwards + zeroOutputForMask', (b) => ({ goBackwards: true, returnSequences: true, zeroOutputForMask: true, mask: lengthsMask(Array.from({ length: b }, (_, i) => T - (i % 3)), T) }), false],
    ['dropout + recurrent dropout', () => ({ returnSequences: true, training: true, dropout: 0.2, recurrentDropout: 0.3, seed: 5 }), true],
  ];
  for (const [label, config] of allCellVariants(I, 6)) {
    test.each(options)(`${label}: %s`, async (_name, makeOptions, initialState) => {
      setRecurrenceThreads(1);
      const params = randomParams(config, 71);
      const xs = uniform([batch, T, I], 72);
      const init: CellState | null = !initialState
        ? null
        : config.kind === 'lstm'
          ? { h: uniform([batch, 6], 73, -0.5, 0.5), c: uniform([batch, 6], 74, -0.5, 0.5) }
          : { h: uniform([batch, 6], 73, -0.5, 0.5) };
      const opts = makeOptions(batch);
      const one = tidy(() => scanProbe('kernel', config, params, xs, opts, init));
      setRecurrenceThreads(threads);
      expect(kernelParts(batch, 1)).toBe(Math.min(threads, Math.floor(batch / 4)));
      tidy(() => scanProbe('kernel', config, params, xs, opts, init)); // starts the helpers
      await helpersIdle(threads - 1);
      const split = tidy(() => scanProbe('kernel', config, params, xs, opts, init));
      expect(helperStates().slice(0, threads - 1)).toEqual(Array(threads - 1).fill('idle'));
      expect(recurrenceKernelInfo()).toMatchObject({ threads, helpers: threads - 1 });
      const forwardCount = config.kind === 'lstm' ? 3 : 2;
      split.forEach((t, i) => {
        if (i < forwardCount) expect(Array.from(t.dataSync())).toEqual(Array.from(one[i]!.dataSync()));
        else expectClose(t, one[i]!, { rtol: 1e-5, atol: 1e-6 }, `gradient ${i - forwardCount}`);
      });
      [...one, ...split, xs, ...(init === null ? [] : stateTensors(init))].forEach((t) => t.dispose());
      disposeParams(params);
    });
  }
});

test('training steps on the split kernel leak no tensors', async () => {
  setRecurrenceThreads(2);
  const config = lstmCell({ inputSize: I, units: 8 });
  const params = randomParams(config, 81);
  const xs = uniform([16, T, I], 82);
  const step = (): void =>
    tidy(() => {
      grads((w: Tensor) => sum(scanWith('kernel', config, { ...params, whh: w }, xs, { returnSequences: true }).outputs))([params.whh]);
    });
  step();
  await helpersIdle(1);
  await expectNoLeaks(step, 3, 'split kernel forward + backward');
  xs.dispose();
  disposeParams(params);
});

test("a call that fails on a helper throws here with the helper's message", async () => {
  setRecurrenceThreads(2);
  const kernel = recurrenceKernel()!;
  runParts(kernel, [[], []]);
  await helpersIdle(1);
  const outOfBounds = kernel.memory.buffer.byteLength + 1024;
  expect(() => runParts(kernel, [[], [{ fn: 'transpose', args: [outOfBounds, 64, 64, 0] }]])).toThrow(/failed on a helper thread: RuntimeError: memory access out of bounds/);
  // the helper carries on
  expect(() => runParts(kernel, [[], []])).not.toThrow();
});

test("a call that fails on this thread throws only after the helpers' parts have ended", async () => {
  setRecurrenceThreads(2);
  const kernel = recurrenceKernel()!;
  runParts(kernel, [[], []]);
  await helpersIdle(1);
  const floats = 2048 * 2048;
  const { pointers } = reserve(kernel, [floats, floats]);
  const slow: KernelCall = { fn: 'transpose', args: [pointers[0]!, 2048, 2048, pointers[1]!] }; // some milliseconds
  const outOfBounds: KernelCall = { fn: 'transpose', args: [kernel.memory.buffer.byteLength + 1024, 64, 64, 0] };
  expect(() => runParts(kernel, [[outOfBounds], [slow, slow]])).toThrow(/memory access out of bounds/);
  expect(helperStates()[0]).toBe('idle'); // not 'busy': the memory is nobody's when the error arrives
});

test('an idle helper exits, and the next split starts a new one', async () => {
  setRecurrenceThreads(2);
  setHelperIdleMs(50);
  try {
    const kernel = recurrenceKernel()!;
    runParts(kernel, [[], []]); // starts the helper, or wakes it into a wait with the short timeout
    await helpersIdle(1);
    runParts(kernel, [[], []]);
    for (let i = 0; i < 200 && helperStates()[0] !== 'exited'; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(helperStates()[0]).toBe('exited');
    setHelperIdleMs(10_000);
    runParts(kernel, [[], []]); // ran here; a new helper starts
    await helpersIdle(1);
  } finally {
    setHelperIdleMs(10_000);
  }
});
});
