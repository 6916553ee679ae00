/**
 * The cells' sequence drivers against the PyTorch fixtures: weights loaded through
 * `fromTorchStateDict`, and outputs, final states and gradients (with respect to the input, the
 * initial states and every state-dict entry) compared with PyTorch's within rtol = atol = 1e-5, on
 * cpu and wasm. Three ways to build PyTorch's module from the cells:
 *   - `scanReference` per layer and direction (gradients by tfjs autodiff through the step loop);
 *   - the fused `scan` per layer and direction (gradients by its hand-written BPTT);
 *   - the public composition: `bidirectional` per bidirectional layer, `stacked` for unidirectional stacks.
 * With the drivers the backward direction runs with `goBackwards` and is flipped back into time
 * order; packed sequences become a mask with `zeroOutputForMask`.
 *
 * Shapes: B batch, T time, I input, H units, L layers, D directions.
 */
import { add, concat, grads, mul, reverse, sum, tensor, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { bidirectional } from '../bidirectional';
import type { CellParams } from '../params';
import { scan } from '../scan';
import { scanReference } from '../scan-reference';
import { stacked } from '../stacked';
import type { ScanOptions, ScanResult } from '../scan-options';
import type { CellConfig } from '../config';
import type { CellState } from '../state';
import {
  directions,
  loadTorchFixture,
  stateSlice,
  torchCellConfig,
  torchMask,
  torchStateDictTensors,
} from './test-torch-fixtures';
import type { TorchArray, TorchCase, TorchKind } from './test-torch-fixtures';
import { fromTorchStateDict, toTorchStateDict } from './torch';

const TOLERANCE = { rtol: 1e-5, atol: 1e-5 };

type Driver = (config: CellConfig, params: CellParams, xs: Tensor, options: ScanOptions<CellState>) => ScanResult<CellState>;

/** A PyTorch module built from the cells, reading its tensors from `flat` (see {@link caseTensors}). */
type TorchModule = (c: TorchCase, flat: readonly Tensor[]) => { output: Tensor; hN: Tensor[]; cN: Tensor[] };

const asTensor = (a: TorchArray): Tensor => tensor(a.values, a.shape, 'float32');

/**
 * PyTorch's module as a composition of driver runs. `flat` holds the differentiated tensors:
 * input, then h0 and c0 per layer·direction, then wxh, whh, bh per layer·direction.
 */
function fromDriver(driver: Driver): TorchModule {
  return (c, flat) => torchModule(c, driver, flat);
}

function torchModule(c: TorchCase, driver: Driver, flat: readonly Tensor[]): { output: Tensor; hN: Tensor[]; cN: Tensor[] } {
  const D = directions(c);
  const isLstm = c.module === 'LSTM';
  const maskValues = torchMask(c);
  const mask = maskValues === null ? null : tensor(maskValues, [c.batch, c.time], 'float32');
  const states = c.numLayers * D;
  let next = 1 + states * (isLstm ? 2 : 1);
  let input = flat[0]!;
  const hN: Tensor[] = [];
  const cN: Tensor[] = [];
  for (let l = 0; l < c.numLayers; l++) {
    const config = torchCellConfig(c, l);
    const outputs: Tensor[] = [];
    for (let d = 0; d < D; d++) {
      const k = l * D + d;
      const params: CellParams = config.useBias
        ? { wxh: flat[next]!, whh: flat[next + 1]!, bh: flat[next + 2]! }
        : { wxh: flat[next]!, whh: flat[next + 1]! };
      next += config.useBias ? 3 : 2;
      const h = flat[1 + k]!;
      const initialState: CellState = isLstm ? { h, c: flat[1 + states + k]! } : { h };
      const run = driver(config, params, input, {
        initialState,
        goBackwards: d === 1,
        returnSequences: true,
        ...(mask === null ? {} : { mask, zeroOutputForMask: true }),
      });
      outputs.push(d === 1 ? reverse(run.outputs, 1) : run.outputs);
      hN.push(run.state.h);
      if ('c' in run.state) cN.push(run.state.c);
    }
    input = D === 1 ? outputs[0]! : concat(outputs, 2);
  }
  return { output: input, hN, cN };
}

/** PyTorch's module from the public composition: `bidirectional` per bidirectional layer, `stacked` otherwise. */
const composed: TorchModule = (c, flat) => {
  const D = directions(c);
  const isLstm = c.module === 'LSTM';
  const maskValues = torchMask(c);
  const maskOption = maskValues === null ? {} : { mask: tensor(maskValues, [c.batch, c.time], 'float32'), zeroOutputForMask: true };
  const states = c.numLayers * D;
  const stateOf = (k: number): CellState => (isLstm ? { h: flat[1 + k]!, c: flat[1 + states + k]! } : { h: flat[1 + k]! });
  let next = 1 + states * (isLstm ? 2 : 1);
  const layerOf = (l: number): { config: CellConfig; params: CellParams } => {
    const config = torchCellConfig(c, l);
    const params: CellParams = config.useBias
      ? { wxh: flat[next]!, whh: flat[next + 1]!, bh: flat[next + 2]! }
      : { wxh: flat[next]!, whh: flat[next + 1]! };
    next += config.useBias ? 3 : 2;
    return { config, params };
  };
  const hN: Tensor[] = [];
  const cN: Tensor[] = [];
  const keep = (state: CellState): void => {
    hN.push(state.h);
    if ('c' in state) cN.push(state.c);
  };
  if (D === 1) {
    const layers = Array.from({ length: c.numLayers }, (_, l) => layerOf(l));
    const run = stacked(layers, flat[0]!, { ...maskOption, returnSequences: true, initialStates: layers.map((_, l) => stateOf(l)) });
    run.states.forEach(keep);
    return { output: run.outputs, hN, cN };
  }
  let input = flat[0]!;
  for (let l = 0; l < c.numLayers; l++) {
    const forward = layerOf(l);
    const backward = layerOf(l);
    const run = bidirectional(forward, backward, input, {
      ...maskOption,
      mergeMode: 'concat',
      returnSequences: true,
      initialState: { forward: stateOf(2 * l), backward: stateOf(2 * l + 1) },
    });
    keep(run.forwardState);
    keep(run.backwardState);
    input = run.outputs;
  }
  return { output: input, hN, cN };
};

/** The ways of building PyTorch's module under test. */
const MODULES: Array<[string, TorchModule]> = [
  ['scanReference', fromDriver(scanReference as Driver)],
  ['scan', fromDriver(scan as Driver)],
  ['bidirectional/stacked', composed],
];

/** The differentiated tensors of a case, in the order {@link torchModule} reads them; the caller owns them. */
function caseTensors(c: TorchCase): { flat: Tensor[]; configs: Array<[CellConfig, number, boolean]> } {
  const D = directions(c);
  const states = c.numLayers * D;
  const flat: Tensor[] = [asTensor(c.input)];
  for (let k = 0; k < states; k++) flat.push(tensor(stateSlice(c.h0, k), [c.batch, c.hiddenSize]));
  if (c.c0 !== undefined) for (let k = 0; k < states; k++) flat.push(tensor(stateSlice(c.c0, k), [c.batch, c.hiddenSize]));
  const dict = torchStateDictTensors(c);
  const configs: Array<[CellConfig, number, boolean]> = [];
  for (let l = 0; l < c.numLayers; l++) {
    for (let d = 0; d < D; d++) {
      const config = torchCellConfig(c, l);
      const p = fromTorchStateDict(config, dict, { layer: l, reverse: d === 1 });
      flat.push(p.wxh, p.whh, ...(p.bh === undefined ? [] : [p.bh]));
      configs.push([config, l, d === 1]);
    }
  }
  Object.values(dict).forEach((t) => t.dispose());
  return { flat, configs };
}

/** L = Σ output⊙R + Σ h_n⊙Rh (+ Σ c_n⊙Rc), as the generator defines it. */
function torchLoss(c: TorchCase, result: { output: Tensor; hN: Tensor[]; cN: Tensor[] }): Tensor {
  const terms = [sum(mul(result.output, asTensor(c.R)))];
  result.hN.forEach((h, k) => terms.push(sum(mul(h, tensor(stateSlice(c.Rh, k), h.shape)))));
  result.cN.forEach((cell, k) => terms.push(sum(mul(cell, tensor(stateSlice(c.Rc!, k), cell.shape)))));
  return terms.reduce((a, b) => add(a, b));
}

describeEachBackend(['cpu', 'wasm'], 'cells drivers against the PyTorch fixtures', () => {
  const kinds: TorchKind[] = ['rnn', 'lstm', 'gru'];
  for (const [moduleName, build] of MODULES) {
    for (const kind of kinds) {
      const fixture = loadTorchFixture(kind);
      it.each(fixture.cases.map((c) => [c.name, c] as const))(`${moduleName}: %s (torch ${fixture.torch})`, (_name, c) => {
        const { flat, configs } = caseTensors(c);
        tidy(() => {
          const result = build(c, flat);
          expectClose(result.output, c.output.values, TOLERANCE, `${c.name} output`);
          expectClose(concat(result.hN.map((h) => h.reshape([1, ...h.shape]))), c.h_n.values, TOLERANCE, `${c.name} h_n`);
          if (c.c_n !== undefined) expectClose(concat(result.cN.map((h) => h.reshape([1, ...h.shape]))), c.c_n.values, TOLERANCE, `${c.name} c_n`);

          const gradients = grads((...args: Tensor[]) => torchLoss(c, build(c, args)))(flat);
          const D = directions(c);
          const states = c.numLayers * D;
          expectClose(gradients[0]!, c.grads['input']!.values, TOLERANCE, `${c.name} dL/dinput`);
          expectClose(concat(gradients.slice(1, 1 + states)), c.grads['h0']!.values, TOLERANCE, `${c.name} dL/dh0`);
          if (c.c0 !== undefined) expectClose(concat(gradients.slice(1 + states, 1 + 2 * states)), c.grads['c0']!.values, TOLERANCE, `${c.name} dL/dc0`);
          let next = 1 + states * (c.c0 === undefined ? 1 : 2);
          for (const [config, layer, isReverse] of configs) {
            const dParams: CellParams = config.useBias
              ? { wxh: gradients[next]!, whh: gradients[next + 1]!, bh: gradients[next + 2]! }
              : { wxh: gradients[next]!, whh: gradients[next + 1]! };
            next += config.useBias ? 3 : 2;
            // the gradient of a permutation of weights is the same permutation of gradients: map it like weights
            const dTorch = toTorchStateDict(config, dParams, { layer, reverse: isReverse });
            const suffix = `_l${layer}${isReverse ? '_reverse' : ''}`;
            for (const name of ['weight_ih', 'weight_hh', ...(config.useBias ? ['bias_ih'] : [])]) {
              expectClose(dTorch[name + suffix]!, c.grads[name + suffix]!.values, TOLERANCE, `${c.name} d${name}${suffix}`);
            }
            // bh = b_ih + b_hh for RNN and LSTM: both PyTorch biases receive dbh (exported as bias_ih)
            if (config.useBias) {
              const dBiasHh = config.kind === 'gru' ? dTorch['bias_hh' + suffix]! : dTorch['bias_ih' + suffix]!;
              expectClose(dBiasHh, c.grads['bias_hh' + suffix]!.values, TOLERANCE, `${c.name} dbias_hh${suffix}`);
            }
          }
        });
        flat.forEach((t) => t.dispose());
      });
    }

    it(`${moduleName}: forward and backward of a fixture case leave no tensors behind`, async () => {
      const c = loadTorchFixture('lstm').cases.find((k) => k.name === 'lstm-l2-bi')!;
      const { flat } = caseTensors(c);
      await expectNoLeaks(() => {
        const gradients = grads((...args: Tensor[]) => torchLoss(c, build(c, args)))(flat);
        gradients.forEach((g) => g.dispose());
      });
      flat.forEach((t) => t.dispose());
    });
  }
});
