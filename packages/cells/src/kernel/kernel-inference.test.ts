/**
 * The forward-only kernel (`kernel-inference.ts`, `assembly/infer.ts`), which `scan` runs when no
 * gradient is recorded: against tfjs-layers 4.22 (SimpleRNN, LSTM; within 1e-5) and the tfjs-op
 * recurrence (GRU reset-after, which tfjs-layers lacks), bit-identical to the training forward
 * (the same sums in the same order), keeping nothing for a backward (its memory stays a fraction
 * of the training forward's), and a negative control: a weight moved by 1e-3 is caught.
 *
 * Shapes: B batch, T time, I input size, H units (I = 3, H = 6: both padded inside the kernel).
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { add, grads, mul, scalar, sum, tidy, zerosTensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { gruCell, lstmCell, simpleRnnCell } from '../config';
import type { CellConfig } from '../config';
import type { CellParams } from '../params';
import { scanWith } from '../scan';
import type { ScanOptions } from '../scan-options';
import type { CellState } from '../state';
import { disposeParams, lengthsMask, randomParams, stateTensors, uniform } from '../test-utils';
import { recurrenceKernel } from './kernel-module';
import { releaseRecurrenceKernel } from './kernel-release';
import { setMinimumSplitWork } from './kernel-threads';

const B = 5;
const T = 7;
const I = 3;
const H = 6;
const tol = { rtol: 1e-5, atol: 1e-5 };
const exact = { rtol: 0, atol: 0 };

const lstm = lstmCell({ inputSize: I, units: H });
const simple = simpleRnnCell({ inputSize: I, units: H });
const gruAfter = gruCell({ inputSize: I, units: H });
const gruAfterNoBias = gruCell({ inputSize: I, units: H, useBias: false, recurrentActivation: 'hardSigmoidKeras3' });

/** mask (rows of lengths 7, 2, 5, 1, 6), goBackwards, every step's output and an initial state: every input of the kernel. */
function richOptions(config: CellConfig): ScanOptions {
  const h = uniform([B, H], 71, -0.5, 0.5);
  const initialState: CellState = config.kind === 'lstm' ? { h, c: uniform([B, H], 72, -0.5, 0.5) } : { h };
  return { returnSequences: true, goBackwards: true, mask: lengthsMask([7, 2, 5, 1, 6], T), initialState } as ScanOptions;
}

/** outputs and final states as host arrays: `scanWith('kernel', …)` with no gradient recorded (the forward-only kernel). */
function inferred(config: CellConfig, params: CellParams, xs: Tensor, options: ScanOptions): Float32Array[] {
  return tidy(() => {
    const r = scanWith('kernel', config, params, xs, options as ScanOptions<never>);
    return [r.outputs, ...stateTensors(r.state)].map((t) => t.dataSync() as Float32Array);
  });
}

/** The same, computed by the training forward (inside a gradient, so the kernel keeps its results for a backward). */
function trained(config: CellConfig, params: CellParams, xs: Tensor, options: ScanOptions): Float32Array[] {
  let values: Float32Array[] = [];
  tidy(() =>
    grads((x: Tensor) => {
      const r = scanWith('kernel', config, params, x, options as ScanOptions<never>);
      const list = [r.outputs, ...stateTensors(r.state)];
      values = list.map((t) => t.dataSync() as Float32Array);
      return list.map((t) => sum(t)).reduce((a, b) => add(a, b));
    })([xs]),
  );
  return values;
}

/** The tfjs-layers layer with `params`, outputs and final states of `xs` under `options`. */
function tfjsLayers(config: CellConfig, params: CellParams, xs: Tensor, options: ScanOptions): Tensor[] {
  const common = { units: H, returnSequences: true, goBackwards: true, returnState: true };
  const layer = config.kind === 'lstm' ? tfl.layers.lstm({ ...common, recurrentActivation: 'sigmoid' }) : tfl.layers.simpleRNN(common);
  tidy(() => void layer.apply(zerosTensor([1, 1, I])));
  layer.setWeights([params.wxh, params.whh, params.bh!]);
  const init = stateTensors(options.initialState as CellState);
  const out = layer.apply(xs, { mask: options.mask, initialState: init }) as Tensor[];
  layer.dispose();
  return out;
}

describeEachBackend(['cpu', 'wasm'], 'forward-only kernel', () => {
  for (const config of [simple, lstm]) {
    test(`${config.kind}: equals tfjs-layers (mask, goBackwards, sequences, initial state); a 1e-3 weight change is caught`, () => {
      const params = randomParams(config, 73);
      tidy(() => {
        const xs = uniform([B, T, I], 74);
        const options = richOptions(config);
        const theirs = tfjsLayers(config, params, xs, options);
        const ours = inferred(config, params, xs, options);
        ours.forEach((values, i) => expectClose(values, theirs[i]!, tol, `result ${i}`));
        // negative control: one recurrent weight moved by 1e-3 moves the outputs beyond the tolerance
        const nudged = { ...params, whh: add(params.whh, mul(scalar(1e-3), uniform(params.whh.shape, 75).greater(0.9))) };
        const off = inferred(config, nudged, xs, options);
        expect(() => expectClose(off[0]!, theirs[0]!, tol, 'nudged outputs')).toThrow();
      });
      disposeParams(params);
    });
  }

  for (const [label, config] of [['simpleRnn', simple], ['lstm', lstm], ['gru resetAfter', gruAfter], ['gru resetAfter hardSigmoidKeras3 no bias', gruAfterNoBias]] as const) {
    test(`${label}: bit-identical to the training forward, and GRU reset-after within 1e-5 of the tfjs-op recurrence`, () => {
      const params = randomParams(config, 76);
      tidy(() => {
        const xs = uniform([B, T, I], 77);
        for (const options of [{}, { returnSequences: true }, richOptions(config)]) {
          const ours = inferred(config, params, xs, options);
          trained(config, params, xs, options).forEach((values, i) => expectClose(ours[i]!, values, exact, `result ${i}`));
          if (config.kind !== 'gru') continue;
          const ops = scanWith('ops', config, params, xs, options as ScanOptions<never>);
          [ops.outputs, ...stateTensors(ops.state)].forEach((t, i) => expectClose(ours[i]!, t, tol, `ops result ${i}`));
        }
      });
      disposeParams(params);
    });
  }

  test('split over threads: the same results as one part, bit for bit', () => {
    const params = randomParams(lstm, 78);
    tidy(() => {
      const xs = uniform([16, T, I], 79);
      const one = inferred(lstm, params, xs, { returnSequences: true });
      const previous = setMinimumSplitWork(0);
      try {
        inferred(lstm, params, xs, { returnSequences: true }).forEach((values, i) => expectClose(values, one[i]!, exact, `result ${i}`));
      } finally {
        setMinimumSplitWork(previous);
      }
    });
    disposeParams(params);
  });

  test('keeps nothing for a backward: a fresh kernel grows far less than for the training forward; no leaks', async () => {
    const config = lstmCell({ inputSize: 32, units: 32 });
    const params = randomParams(config, 80);
    const xs = uniform([32, 100, 32], 81);
    const memory = (): number => recurrenceKernel()!.memory.buffer.byteLength;
    releaseRecurrenceKernel();
    inferred(config, params, xs, {});
    const inferBytes = memory();
    releaseRecurrenceKernel();
    trained(config, params, xs, {});
    const trainBytes = memory();
    // training keeps P, gates [T·B, 4H] and h, c, act(c) [T·B, H] (~4.5 MB); inference X [T·B, I] (0.4 MB) and [B, 4H] blocks
    expect(inferBytes).toBeLessThan(trainBytes / 4);
    await expectNoLeaks(() => void inferred(config, params, xs, { returnSequences: true }), 3, 'forward-only kernel');
    xs.dispose();
    disposeParams(params);
  });
});
