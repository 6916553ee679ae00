/**
 * The PyTorch fixtures against the float64 reference cells of @rnnkit/testkit, with the weights
 * mapped by `fromTorchStateDict`: stacked and bidirectional modules composed by hand (concat of the
 * directions, the backward one flipped back into time order; packed sequences as a mask with zero
 * outputs), outputs, final states, and the gradients with respect to the input, the initial states
 * and every state-dict entry, all within rtol = atol = 1e-6.
 *
 * This proves the mappers (layouts, gate reorder, bias sum) and the reference cells together against
 * an independent implementation. Shapes: B batch, T time, I input, H units, L layers, D directions.
 */
import { dispose } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, referenceGradients, toReferenceParams } from '@rnnkit/testkit';
import type { ReferenceGradients, ReferenceParams, ReferenceUpstream } from '@rnnkit/testkit';
import { gateCount } from '../config';
import type { CellConfig } from '../config';
import {
  directions,
  featureSlice,
  loadTorchFixture,
  stateSlice,
  torchCellConfig,
  torchMask,
  torchStateDictTensors,
} from './test-torch-fixtures';
import type { TorchCase, TorchKind } from './test-torch-fixtures';
import { fromTorchStateDict } from './torch';

const TOLERANCE = { rtol: 1e-6, atol: 1e-6 };

/** A reference gradient of ours in PyTorch's layout: `[I, G·H]` → `[G·H, I]`, GRU blocks z, r, h → r, z, n. */
function toTorchLayout(config: CellConfig, gradient: Float64Array, rows: number): number[] {
  const width = gateCount(config) * config.units;
  const H = config.units;
  const torchRow = (col: number): number => {
    if (config.kind !== 'gru') return col;
    const block = Math.floor(col / H);
    return (block === 0 ? 1 : block === 1 ? 0 : 2) * H + (col % H);
  };
  const out = new Array<number>(width * rows);
  for (let r = 0; r < rows; r++) {
    for (let col = 0; col < width; col++) out[torchRow(col) * rows + r] = gradient[r * width + col]!;
  }
  return out;
}

/** Runs a PyTorch case through the float64 reference, layer by layer and direction by direction, forward and backward. */
function runReference(c: TorchCase, params: ReferenceParams[][]): {
  output: number[];
  hN: number[];
  cN: number[];
  dInput: number[];
  dh0: number[];
  dc0: number[];
  layers: ReferenceGradients[][];
} {
  const { batch: B, time: T, hiddenSize: H, numLayers: L } = c;
  const D = directions(c);
  const isLstm = c.module === 'LSTM';
  const mask = torchMask(c);
  const maskOptions = mask === null ? {} : { mask, zeroOutputForMask: true };

  // forward: each layer reads the concatenated outputs of the layer below
  const inputs: number[][] = [c.input.values];
  const runs: Array<Array<(upstream: ReferenceUpstream) => ReferenceGradients>> = [];
  const hN: number[] = [];
  const cN: number[] = [];
  for (let l = 0; l < L; l++) {
    const config = torchCellConfig(c, l);
    const xs = Float64Array.from(inputs[l]!);
    const directionRuns = [];
    const outputs: number[][] = [];
    for (let d = 0; d < D; d++) {
      const k = l * D + d;
      const initialState = isLstm ? { h: Float64Array.from(stateSlice(c.h0, k)), c: Float64Array.from(stateSlice(c.c0!, k)) } : { h: Float64Array.from(stateSlice(c.h0, k)) };
      const options = { ...maskOptions, initialState, goBackwards: d === 1 };
      const run = (upstream: ReferenceUpstream): ReferenceGradients => referenceGradients(config, params[l]![d]!, xs, [B, T, config.inputSize], upstream, options);
      const forward = run({}).forward;
      directionRuns.push(run);
      // the backward direction's outputs come in processing order: flip them back into time order
      outputs.push(featureSlice(forward.outputs, [B, T, H], 0, H, d === 1));
      hN.push(...forward.state.h);
      if (forward.state.c !== undefined) cN.push(...forward.state.c);
    }
    runs.push(directionRuns);
    const merged = new Array<number>(B * T * D * H);
    for (let bt = 0; bt < B * T; bt++) {
      for (let d = 0; d < D; d++) for (let j = 0; j < H; j++) merged[bt * D * H + d * H + j] = outputs[d]![bt * H + j]!;
    }
    inputs.push(merged);
  }

  // backward: the top layer's upstream is R; each layer hands dxs (summed over directions) down
  let dOutput: number[] = c.R.values;
  const layers: ReferenceGradients[][] = [];
  const dh0: number[][] = [];
  const dc0: number[][] = [];
  for (let l = L - 1; l >= 0; l--) {
    const config = torchCellConfig(c, l);
    const dInput = new Array<number>(B * T * config.inputSize).fill(0);
    const layer: ReferenceGradients[] = [];
    for (let d = 0; d < D; d++) {
      const k = l * D + d;
      const upstream: ReferenceUpstream = {
        outputs: featureSlice(dOutput, [B, T, D * H], d * H, H, d === 1),
        h: stateSlice(c.Rh, k),
        ...(isLstm ? { c: stateSlice(c.Rc!, k) } : {}),
      };
      const g = runs[l]![d]!(upstream);
      layer.push(g);
      g.dxs.forEach((v, i) => (dInput[i] = dInput[i]! + v));
      dh0[k] = Array.from(g.dh0);
      if (g.dc0 !== undefined) dc0[k] = Array.from(g.dc0);
    }
    layers[l] = layer;
    dOutput = dInput;
  }
  return { output: inputs[L]!, hN, cN, dInput: dOutput, dh0: dh0.flat(), dc0: dc0.flat(), layers };
}

describeEachBackend(['cpu', 'wasm'], 'PyTorch fixtures through fromTorchStateDict and the float64 reference', () => {
  const kinds: TorchKind[] = ['rnn', 'lstm', 'gru'];
  for (const kind of kinds) {
    const fixture = loadTorchFixture(kind);
    it.each(fixture.cases.map((c) => [c.name, c] as const))(`%s (torch ${fixture.torch})`, (_name, c) => {
      const dict = torchStateDictTensors(c);
      const D = directions(c);
      const params: ReferenceParams[][] = [];
      for (let l = 0; l < c.numLayers; l++) {
        params.push(
          Array.from({ length: D }, (_, d) => {
            const mapped = fromTorchStateDict(torchCellConfig(c, l), dict, { layer: l, reverse: d === 1 });
            const f64 = toReferenceParams(mapped);
            dispose([mapped.wxh, mapped.whh, ...(mapped.bh === undefined ? [] : [mapped.bh])]);
            return f64;
          }),
        );
      }
      dispose(Object.values(dict));

      const ours = runReference(c, params);
      expectClose(ours.output, c.output.values, TOLERANCE, `${c.name} output`);
      expectClose(ours.hN, c.h_n.values, TOLERANCE, `${c.name} h_n`);
      if (c.c_n !== undefined) expectClose(ours.cN, c.c_n.values, TOLERANCE, `${c.name} c_n`);
      expectClose(ours.dInput, c.grads['input']!.values, TOLERANCE, `${c.name} dL/dinput`);
      expectClose(ours.dh0, c.grads['h0']!.values, TOLERANCE, `${c.name} dL/dh0`);
      if (c.c0 !== undefined) expectClose(ours.dc0, c.grads['c0']!.values, TOLERANCE, `${c.name} dL/dc0`);

      for (let l = 0; l < c.numLayers; l++) {
        const config = torchCellConfig(c, l);
        for (let d = 0; d < D; d++) {
          const g = ours.layers[l]![d]!;
          const suffix = `_l${l}${d === 1 ? '_reverse' : ''}`;
          expectClose(toTorchLayout(config, g.dwxh, config.inputSize), c.grads[`weight_ih${suffix}`]!.values, TOLERANCE, `${c.name} dweight_ih${suffix}`);
          expectClose(toTorchLayout(config, g.dwhh, config.units), c.grads[`weight_hh${suffix}`]!.values, TOLERANCE, `${c.name} dweight_hh${suffix}`);
          const dbh = g.dbh!;
          const width = gateCount(config) * config.units;
          // bh = b_ih + b_hh for RNN and LSTM, so both receive dbh; a GRU's rows 0 and 1 map to b_ih and b_hh
          const dbIh = config.kind === 'gru' ? dbh.subarray(0, width) : dbh;
          const dbHh = config.kind === 'gru' ? dbh.subarray(width) : dbh;
          expectClose(toTorchLayout(config, dbIh, 1), c.grads[`bias_ih${suffix}`]!.values, TOLERANCE, `${c.name} dbias_ih${suffix}`);
          expectClose(toTorchLayout(config, dbHh, 1), c.grads[`bias_hh${suffix}`]!.values, TOLERANCE, `${c.name} dbias_hh${suffix}`);
        }
      }
    });
  }
});
