import { grads, mul, sum, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { lstmCell, scan, scanReference } from './index';
import type { CellConfig, CellParams, CellState, ScanOptions } from './index';
import { allCellVariants, disposeParams, lengthsMask, randomParams, stateTensors, uniform } from './test-utils';

const B = 3;
const T = 6;
const I = 4;
const H = 5;
const forwardTol = { rtol: 1e-5, atol: 1e-6 };
const gradTol = { rtol: 1e-4, atol: 1e-5 };

type Driver = typeof scan;

interface Variant {
  readonly label: string;
  readonly options: (xs: Tensor) => ScanOptions;
  readonly initialState?: boolean;
}

const variants: Variant[] = [
  { label: 'last output', options: () => ({}) },
  { label: 'sequences', options: () => ({ returnSequences: true }) },
  { label: 'mask + sequences', options: () => ({ returnSequences: true, mask: lengthsMask([6, 2, 4], T) }) },
  { label: 'mask + zeroOutputForMask + left padding', options: () => ({ returnSequences: true, zeroOutputForMask: true, mask: lengthsMask([6, 2, 4], T).reverse(1) }) },
  { label: 'goBackwards + mask + initial state', options: () => ({ returnSequences: true, goBackwards: true, mask: lengthsMask([6, 1, 3], T) }), initialState: true },
  { label: 'training with dropout and recurrent dropout', options: () => ({ returnSequences: true, training: true, dropout: 0.3, recurrentDropout: 0.4, seed: 5, mask: lengthsMask([6, 5, 3], T) }), initialState: true },
];

function paramList(params: CellParams): Tensor[] {
  return [params.wxh, params.whh, ...(params.bh === undefined ? [] : [params.bh])];
}

/** outputs, states and gradients (xs, initial state, params) of a fixed probe loss for one driver. */
function evaluate(driver: Driver, config: CellConfig, params: CellParams, xs: Tensor, options: ScanOptions, init: CellState | null): Tensor[] {
  const run = (args: Tensor[]): Tensor[] => {
    const [x, ...rest] = args;
    const stateCount = init === null ? 0 : stateTensors(init).length;
    const s = rest.slice(0, stateCount);
    const ps = rest.slice(stateCount);
    const p: CellParams = ps.length === 3 ? { wxh: ps[0]!, whh: ps[1]!, bh: ps[2]! } : { wxh: ps[0]!, whh: ps[1]! };
    const opts = init === null ? options : { ...options, initialState: s.length === 2 ? { h: s[0]!, c: s[1]! } : { h: s[0]! } };
    const r = driver(config, p, x!, opts as ScanOptions<never>);
    return [r.outputs, ...stateTensors(r.state)];
  };
  const args = [xs, ...(init === null ? [] : stateTensors(init)), ...paramList(params)];
  const forward = run(args);
  const gradients = grads((...a: Tensor[]) => {
    const outs = run(a);
    return outs.map((o, i) => sum(mul(o, uniform(o.shape, 100 + i)))).reduce((x, y) => x.add(y));
  })(args);
  return [...forward, ...gradients];
}

describeEachBackend(['cpu', 'wasm'], 'scan (fused) equals scanReference', () => {
  for (const [cellLabel, config] of allCellVariants(I, H)) {
    for (const variant of variants) {
      test(`${cellLabel}: ${variant.label}`, () => {
        const params = randomParams(config, 21);
        tidy(() => {
          const xs = uniform([B, T, I], 22);
          const init: CellState | null = !variant.initialState
            ? null
            : config.kind === 'lstm'
              ? { h: uniform([B, H], 23, -0.5, 0.5), c: uniform([B, H], 24, -0.5, 0.5) }
              : { h: uniform([B, H], 23, -0.5, 0.5) };
          const options = variant.options(xs);
          const fused = evaluate(scan, config, params, xs, options, init);
          const reference = evaluate(scanReference, config, params, xs, options, init);
          const forwardCount = config.kind === 'lstm' ? 3 : 2;
          const names = ['outputs', 'h', ...(config.kind === 'lstm' ? ['c'] : []), 'dxs', ...(init === null ? [] : stateTensors(init).map((_, i) => `dstate${i}`)), 'dwxh', 'dwhh', 'dbh'];
          fused.forEach((t, i) => expectClose(t, reference[i]!, i < forwardCount ? forwardTol : gradTol, names[i]));
        });
        disposeParams(params);
      });
    }
  }

  test('no leaks: forward, and forward + backward', async () => {
    const config = lstmCell({ inputSize: I, units: H });
    const params = randomParams(config, 1);
    const xs = uniform([B, T, I], 1);
    const mask = lengthsMask([6, 2, 4], T);
    const options = { mask, returnSequences: true, training: true, recurrentDropout: 0.2, seed: 3 };
    await expectNoLeaks(() => {
      const r = scan(config, params, xs, options);
      [r.outputs, ...stateTensors(r.state)].forEach((t) => t.dispose());
    }, 2, 'scan forward');
    await expectNoLeaks(() => {
      const g = grads((x: Tensor, w: Tensor) => sum(scan(config, { ...params, wxh: w }, x, options).outputs))([xs, params.wxh]);
      g.forEach((t) => t.dispose());
    }, 2, 'scan backward');
    disposeParams(params);
    xs.dispose();
    mask.dispose();
  });
});
