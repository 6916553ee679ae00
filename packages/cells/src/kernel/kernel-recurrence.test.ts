/**
 * The WebAssembly recurrence kernel against the tfjs-op recurrence: outputs, states and every
 * gradient, for every cell variant, activation and option set, on the cpu and wasm backends.
 */
import { grads, mul, sum, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { ACTIVATION_NAMES } from '../activations';
import { gruCell, lstmCell, simpleRnnCell } from '../config';
import type { CellConfig } from '../config';
import { defaultRecurrence, scanWith } from '../scan';
import type { Recurrence } from '../scan';
import type { ScanOptions } from '../scan-options';
import type { CellState } from '../state';
import { allCellVariants, disposeParams, lengthsMask, randomParams, scanProbe, uniform } from '../test-utils';
import { recurrenceKernel } from './kernel-module';

const T = 7;
const I = 3;
const forwardTol = { rtol: 1e-5, atol: 1e-6 };
const gradTol = { rtol: 1e-4, atol: 1e-5 };

interface OptionSet {
  readonly label: string;
  readonly options: (batch: number) => ScanOptions;
  readonly initialState?: boolean;
}

const lengths = (batch: number): number[] => Array.from({ length: batch }, (_, b) => [T, 2, 5, 1, 6][b % 5]!);

const optionSets: OptionSet[] = [
  { label: 'last output', options: () => ({}) },
  { label: 'sequences + initial state', options: () => ({ returnSequences: true }), initialState: true },
  { label: 'mask', options: (b) => ({ returnSequences: true, mask: lengthsMask(lengths(b), T) }) },
  { label: 'left padding + zeroOutputForMask', options: (b) => ({ returnSequences: true, zeroOutputForMask: true, mask: lengthsMask(lengths(b), T).reverse(1) }) },
  { label: 'last output + zeroOutputForMask + right padding', options: (b) => ({ zeroOutputForMask: true, mask: lengthsMask(lengths(b), T) }), initialState: true },
  { label: 'goBackwards + mask + initial state', options: (b) => ({ goBackwards: true, mask: lengthsMask(lengths(b), T) }), initialState: true },
  {
    label: 'dropout + recurrent dropout + mask',
    options: (b) => ({ returnSequences: true, training: true, dropout: 0.2, recurrentDropout: 0.4, seed: 3, mask: lengthsMask(lengths(b), T) }),
    initialState: true,
  },
];

/** Every activation in every activation slot of every cell. */
function activationVariants(units: number): Array<[string, CellConfig]> {
  const sizes = { inputSize: I, units };
  const list: Array<[string, CellConfig]> = [];
  for (const activation of ACTIVATION_NAMES) {
    list.push([`simpleRnn ${activation}`, simpleRnnCell({ ...sizes, activation })]);
    list.push([`lstm ${activation}/${activation}`, lstmCell({ ...sizes, activation, recurrentActivation: activation })]);
    list.push([`gru resetAfter ${activation}/sigmoid`, gruCell({ ...sizes, activation })]);
    list.push([`gru resetBefore tanh/${activation}`, gruCell({ ...sizes, recurrentActivation: activation, resetAfter: false })]);
  }
  return list;
}

test('the kernel loads here (Node has WebAssembly SIMD), and scan uses it; oversized layers go to the tfjs-op recurrence', () => {
  expect(recurrenceKernel()).not.toBeNull();
  const config = lstmCell({ inputSize: 3, units: 4 });
  // shape-only stand-ins (only the shape is read): 2 GiB would not fit the kernel memory
  expect(defaultRecurrence(config, { shape: [2, 3, 3] } as unknown as Tensor)).toBe('kernel');
  const huge = { shape: [4096, 4096, 3] } as unknown as Tensor;
  expect(defaultRecurrence(config, huge)).toBe('ops');
});

describeEachBackend(['cpu', 'wasm'], 'recurrence kernel equals the tfjs-op recurrence', () => {
  for (const [batch, units] of [[3, 5], [6, 8]] as const) {
    // every variant with every option set; every activation with the two richest option sets
    const cases = [
      ...allCellVariants(I, units).flatMap(([label, config]) => optionSets.map((set) => [label, config, set] as const)),
      ...activationVariants(units).flatMap(([label, config]) => optionSets.slice(5).map((set) => [label, config, set] as const)),
    ];
    for (const [cellLabel, config, set] of cases) {
      {
        test(`B${batch} H${units} ${cellLabel}: ${set.label}`, () => {
          const params = randomParams(config, 31);
          tidy(() => {
            const xs = uniform([batch, T, I], 32);
            const init: CellState | null = !set.initialState
              ? null
              : config.kind === 'lstm'
                ? { h: uniform([batch, units], 33, -0.5, 0.5), c: uniform([batch, units], 34, -0.5, 0.5) }
                : { h: uniform([batch, units], 33, -0.5, 0.5) };
            const options = set.options(batch);
            const kernel = scanProbe('kernel', config, params, xs, options, init);
            const ops = scanProbe('ops', config, params, xs, options, init);
            const forwardCount = config.kind === 'lstm' ? 3 : 2;
            expect(kernel.length).toBe(ops.length);
            kernel.forEach((t, i) => expectClose(t, ops[i]!, i < forwardCount ? forwardTol : gradTol, `result ${i}`));
          });
          disposeParams(params);
        });
      }
    }
  }

  test('edge sizes: one step, one unit, one input, batch 1 (and batch 0 forward)', () => {
    for (const config of [simpleRnnCell({ inputSize: 1, units: 1 }), lstmCell({ inputSize: 1, units: 1 }), gruCell({ inputSize: 1, units: 1, resetAfter: false })]) {
      const params = randomParams(config, 61);
      tidy(() => {
        const xs = uniform([1, 1, 1], 62);
        const kernel = scanProbe('kernel', config, params, xs, { returnSequences: true }, null);
        const ops = scanProbe('ops', config, params, xs, { returnSequences: true }, null);
        kernel.forEach((t, i) => expectClose(t, ops[i]!, i < 2 ? forwardTol : gradTol, `${config.kind} result ${i}`));
        const empty = scanWith('kernel', config, params, uniform([0, 3, 1], 63), { returnSequences: true });
        expect(empty.outputs.shape).toEqual([0, 3, 1]);
        expect(empty.state.h.shape).toEqual([0, 1]);
      });
      disposeParams(params);
    }
  });

  test('layers in one gradient (resident results evicted by later calls) match the op path', () => {
    const lstm = lstmCell({ inputSize: I, units: 5 });
    const gru = gruCell({ inputSize: 5, units: 6 });
    const p1 = randomParams(lstm, 51);
    const p2 = randomParams(gru, 52);
    tidy(() => {
      const xs = uniform([4, T, I], 53);
      const mask = lengthsMask(lengths(4), T);
      const run = (recurrence: Recurrence): Tensor[] =>
        grads((x: Tensor, w1: Tensor, w2: Tensor) => {
          const first = scanWith(recurrence, lstm, { ...p1, whh: w1 }, x, { returnSequences: true, mask });
          const second = scanWith(recurrence, gru, { ...p2, whh: w2 }, first.outputs, { goBackwards: true, mask });
          const side = scanWith(recurrence, lstm, { ...p1, whh: w1 }, x, { goBackwards: true });
          return sum(mul(second.outputs, uniform([4, 6], 54))).add(sum(mul(side.state.c, uniform([4, 5], 55))));
        })([xs, p1.whh, p2.whh]);
      const kernel = run('kernel');
      const ops = run('ops');
      kernel.forEach((t, i) => expectClose(t, ops[i]!, gradTol, `gradient ${i}`));
    });
    disposeParams(p1);
    disposeParams(p2);
  });

  test('no leaks, and the kernel memory is reused across calls', async () => {
    const config = lstmCell({ inputSize: I, units: 6 });
    const params = randomParams(config, 41);
    const xs = uniform([4, T, I], 42);
    const step = (): void =>
      tidy(() => {
        const f = (w: Tensor): Tensor => sum(scanWith('kernel', config, { ...params, whh: w }, xs, { returnSequences: true }).outputs);
        grads((w: Tensor) => f(w))([params.whh]);
      });
    step();
    const bytes = recurrenceKernel()!.memory.buffer.byteLength;
    await expectNoLeaks(step, 3, 'kernel scan forward + backward');
    expect(recurrenceKernel()!.memory.buffer.byteLength).toBe(bytes);
    xs.dispose();
    disposeParams(params);
  });
});
