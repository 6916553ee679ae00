/** Helpers for this package's tests (not built, not exported). */
import { createRng, dispose, grads, mul, sum, tensor, tensor2d } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { gruCell, initCellParams, lstmCell, simpleRnnCell } from './index';
import type { CellConfig, CellParams, CellState, ScanOptions } from './index';
import { scanWith } from './scan';
import type { Recurrence } from './scan';
import { setMinimumSplitWork, setRecurrenceThreads } from './kernel/kernel-threads';

/** `count` seeded uniform values in [lo, hi). */
export function uniformValues(count: number, seed: number, lo = -1, hi = 1): Float32Array {
  const rng = createRng(seed);
  const values = new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = lo + (hi - lo) * rng.uniform();
  return values;
}

/** Seeded uniform values in [lo, hi) as a float32 tensor. */
export function uniform(shape: number[], seed: number, lo = -1, hi = 1): Tensor {
  return tensor(uniformValues(shape.reduce((a, b) => a * b, 1), seed, lo, hi), shape, 'float32');
}

/**
 * For the test file that calls it: every layer splits over the kernel's threads however small its
 * work (minimum split work 0), restored afterwards with the thread setting back to auto.
 */
export function splitEveryLayer(): void {
  let previousWork = 0;
  beforeAll(() => {
    previousWork = setMinimumSplitWork(0);
  });
  afterAll(() => {
    setMinimumSplitWork(previousWork);
    setRecurrenceThreads('auto');
  });
}

/** A [B, T] 0/1 mask of per-row lengths (right padding) or explicit rows. */
export function lengthsMask(lengths: number[], steps: number): Tensor {
  return tensor2d(lengths.map((len) => Array.from({ length: steps }, (_, t) => (t < len ? 1 : 0))));
}

/** Params with non-trivial biases (initial biases are zeros, which would hide bias bugs). */
export function randomParams(config: CellConfig, seed: number): CellParams {
  const base = initCellParams(config, seed);
  if (base.bh === undefined) return base;
  const bh = uniform(base.bh.shape, seed + 99, -0.5, 0.5);
  base.bh.dispose();
  return { wxh: base.wxh, whh: base.whh, bh };
}

export function disposeParams(params: CellParams): void {
  dispose([params.wxh, params.whh, ...(params.bh === undefined ? [] : [params.bh])]);
}

export function stateTensors(state: CellState): Tensor[] {
  return 'c' in state ? [state.h, state.c] : [state.h];
}

/** Every cell variant the drivers must support, with a label. */
export function allCellVariants(inputSize: number, units: number): Array<[string, CellConfig]> {
  return [
    ['simpleRnn', simpleRnnCell({ inputSize, units })],
    ['simpleRnn relu, no bias', simpleRnnCell({ inputSize, units, activation: 'relu', useBias: false })],
    ['lstm', lstmCell({ inputSize, units })],
    ['lstm hardSigmoidKeras2, no bias', lstmCell({ inputSize, units, recurrentActivation: 'hardSigmoidKeras2', useBias: false })],
    ['gru resetAfter', gruCell({ inputSize, units })],
    ['gru resetBefore', gruCell({ inputSize, units, resetAfter: false })],
    ['gru resetAfter hardSigmoidKeras3 no bias', gruCell({ inputSize, units, recurrentActivation: 'hardSigmoidKeras3', useBias: false })],
  ];
}

function paramList(params: CellParams): Tensor[] {
  return [params.wxh, params.whh, ...(params.bh === undefined ? [] : [params.bh])];
}

/**
 * `scanWith(recurrence, …)`'s outputs and states, then the gradients of a seeded probe loss
 * (Σ_i Σ result_i ⊙ U_i) with respect to xs, the initial state (when given) and the params.
 */
export function scanProbe(recurrence: Recurrence, config: CellConfig, params: CellParams, xs: Tensor, options: ScanOptions, init: CellState | null): Tensor[] {
  const stateCount = init === null ? 0 : stateTensors(init).length;
  const run = (args: Tensor[]): Tensor[] => {
    const [x, ...rest] = args;
    const s = rest.slice(0, stateCount);
    const ps = rest.slice(stateCount);
    const p: CellParams = ps.length === 3 ? { wxh: ps[0]!, whh: ps[1]!, bh: ps[2]! } : { wxh: ps[0]!, whh: ps[1]! };
    const opts = s.length === 0 ? options : { ...options, initialState: s.length === 2 ? { h: s[0]!, c: s[1]! } : { h: s[0]! } };
    const r = scanWith(recurrence, config, p, x!, opts as ScanOptions<never>);
    return [r.outputs, ...stateTensors(r.state)];
  };
  const args = [xs, ...(init === null ? [] : stateTensors(init)), ...paramList(params)];
  const probe = (a: Tensor[]): Tensor =>
    run(a)
      .map((o, i) => sum(mul(o, uniform(o.shape, 100 + i))))
      .reduce((x, y) => x.add(y));
  return [...run(args), ...grads((...a: Tensor[]) => probe(a))(args)];
}
