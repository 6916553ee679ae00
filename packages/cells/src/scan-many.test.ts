/**
 * scanMany: independent scans in one kernel call (each layer on its own thread when there are
 * enough) equal the same scans run one by one on the tfjs-op recurrence — outputs, states and the
 * gradients of every input — on one, two and three threads, in training and in inference, with
 * the layers really running on a helper thread; no leaks.
 */
import { grads, mul, sum, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { gruCell, lstmCell, simpleRnnCell } from './config';
import type { CellConfig } from './config';
import type { CellParams } from './params';
import { scanMany, scanWith } from './scan';
import type { ScanCall } from './scan';
import type { ScanOptions, ScanResult } from './scan-options';
import { disposeParams, lengthsMask, randomParams, splitEveryLayer, stateTensors, uniform } from './test-utils';
import { helperStates, setRecurrenceThreads } from './kernel/kernel-threads';

const B = 9;
const T = 6;
const I = 3;
const forwardTol = { rtol: 1e-5, atol: 1e-6 };
const gradTol = { rtol: 1e-4, atol: 1e-5 };

/** Waits (up to 10 s) until the first helper is idle (helpers start asynchronously). */
async function helperIdle(): Promise<void> {
  for (let i = 0; i < 1000 && helperStates()[0] !== 'idle'; i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(helperStates()[0]).toBe('idle');
}

interface Layer {
  readonly config: CellConfig;
  readonly params: CellParams;
  readonly options: ScanOptions;
}

const mask = (): Tensor => lengthsMask(Array.from({ length: B }, (_, b) => 1 + (b % T)), T);

const lstm = lstmCell({ inputSize: I, units: 5 });
const simple = simpleRnnCell({ inputSize: I, units: 4 });
const gruBefore = gruCell({ inputSize: I, units: 7, resetAfter: false });
const gruAfter = gruCell({ inputSize: I, units: 6 });

/** Groups of independent layers over the same xs [B, T, I] (made when a test runs): a bidirectional LSTM pair, and three mixed cells. */
const GROUPS: Array<[string, () => Layer[]]> = [
    [
      'bidirectional LSTM pair, masked sequences',
      () => [
        { config: lstm, params: randomParams(lstm, 11), options: { returnSequences: true, mask: mask() } },
        { config: lstm, params: randomParams(lstm, 12), options: { returnSequences: true, mask: mask(), goBackwards: true } },
      ],
    ],
    [
      'SimpleRNN, GRU reset-before with dropout, GRU reset-after going backwards',
      () => [
        { config: simple, params: randomParams(simple, 13), options: {} },
        { config: gruBefore, params: randomParams(gruBefore, 14), options: { returnSequences: true, training: true, dropout: 0.2, recurrentDropout: 0.3, seed: 5 } },
        { config: gruAfter, params: randomParams(gruAfter, 15), options: { goBackwards: true, mask: mask() } },
      ],
    ],
];

/** A scalar of every output and state, with fixed random weights. */
function loss(results: readonly ScanResult[]): Tensor {
  let total: Tensor | null = null;
  results.forEach((r, i) => {
    [r.outputs, ...stateTensors(r.state)].forEach((t, j) => {
      const term = sum(mul(t, uniform(t.shape, 100 + 10 * i + j)));
      total = total === null ? term : total.add(term);
    });
  });
  return total!;
}

/** Outputs, states and the gradients of xs and every layer's params: the layers jointly, or one by one on the op path. */
function probe(layers: readonly Layer[], xs: Tensor, joint: boolean): Tensor[] {
  const paramList = layers.flatMap((l) => [l.params.wxh, l.params.whh, ...(l.params.bh === undefined ? [] : [l.params.bh])]);
  const run = (x: Tensor, flat: readonly Tensor[]): ScanResult[] => {
    let at = 0;
    const calls: ScanCall[] = layers.map((l) => {
      const p: CellParams = l.params.bh === undefined ? { wxh: flat[at++]!, whh: flat[at++]! } : { wxh: flat[at++]!, whh: flat[at++]!, bh: flat[at++]! };
      return { config: l.config, params: p, xs: x, options: l.options };
    });
    return joint ? scanMany(calls) : calls.map((c) => scanWith('ops', c.config, c.params, c.xs, c.options));
  };
  const values = run(xs, paramList).flatMap((r) => [r.outputs, ...stateTensors(r.state)]);
  const gradients = grads((...args: Tensor[]) => loss(run(args[0]!, args.slice(1))))([xs, ...paramList]);
  return [...values, ...gradients];
}

splitEveryLayer();

describeEachBackend(['cpu', 'wasm'], 'scanMany', () => {
  for (const [label, make] of GROUPS) {
    test.each([1, 2, 3])(`${label}: %i thread(s) equal the scans one by one on the op path`, async (threads) => {
      setRecurrenceThreads(threads);
      const layers = make();
      const xs = uniform([B, T, I], 21);
      if (threads > 1) {
        tidy(() => {
          scanMany(layers.map((l) => ({ config: l.config, params: l.params, xs, options: l.options })));
        });
        await helperIdle();
      }
      tidy(() => {
        const joint = probe(layers, xs, true);
        const ops = probe(layers, xs, false);
        const forwardCount = layers.reduce((n, l) => n + 1 + (l.config.kind === 'lstm' ? 2 : 1), 0);
        joint.forEach((t, i) => expectClose(t, ops[i]!, i < forwardCount ? forwardTol : gradTol, `result ${i}`));
        if (threads > 1) expect(helperStates()[0]).toBe('idle');
        // inference (no gradient recorded): the forward-only kernels, the same values
        const inferred = scanMany(layers.map((l) => ({ config: l.config, params: l.params, xs, options: { ...l.options, training: false } })));
        const reference = layers.map((l) => scanWith('ops', l.config, l.params, xs, { ...l.options, training: false }));
        inferred.forEach((r, i) => expectClose(r.outputs, reference[i]!.outputs, forwardTol, `inferred output ${i}`));
      });
      xs.dispose();
      layers.forEach((l) => {
        disposeParams(l.params);
        if (l.options.mask !== undefined) l.options.mask.dispose();
      });
    });
  }

  test('training steps on scanMany leak no tensors, on two threads', async () => {
    setRecurrenceThreads(2);
    const config = lstmCell({ inputSize: I, units: 8 });
    const pf = randomParams(config, 31);
    const pb = randomParams(config, 32);
    const xs = uniform([16, T, I], 33);
    const step = (): void =>
      tidy(() => {
        grads((w: Tensor) => {
          const [f, b] = scanMany([
            { config, params: { ...pf, whh: w }, xs, options: { returnSequences: true } },
            { config, params: pb, xs, options: { goBackwards: true } },
          ]) as [ScanResult, ScanResult];
          return sum(f.outputs).add(sum(b.outputs));
        })([pf.whh]);
      });
    step();
    await helperIdle();
    await expectNoLeaks(step, 3, 'scanMany forward + backward');
    xs.dispose();
    disposeParams(pf);
    disposeParams(pb);
  });
});
