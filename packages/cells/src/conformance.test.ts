/**
 * Conformance with tfjs-layers (4.22): the same weights copied into tf.layers.simpleRNN / lstm / gru
 * give the same outputs, final states and gradients (inputs and every parameter) within 1e-5.
 *
 * tfjs-layers differs from Keras 3 in defaults, so every option is set explicitly: recurrentActivation
 * (tfjs defaults to its hardSigmoid = our 'hardSigmoidKeras2'), and GRU resetAfter false (tfjs has no
 * reset-after GRU). tfjs has no zeroOutputForMask: masked steps always repeat the carried h, our default.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import { dispose, grads, zerosTensor, mul, sum, tidy, variableGrads } from '@rnnkit/tensor';
import type { Tensor, Variable } from '@rnnkit/tensor';
import { describeEachBackend, expectClose } from '@rnnkit/testkit';
import { gruCell, lstmCell, scanReference, simpleRnnCell } from './index';
import type { ActivationName, CellConfig, CellParams, CellState, ScanOptions } from './index';
import { disposeParams, lengthsMask, randomParams, stateTensors, uniform } from './test-utils';

const B = 3;
const T = 6;
const I = 4;
const H = 5;
const tol = { rtol: 1e-5, atol: 1e-5 };

type TfjsActivation = 'tanh' | 'sigmoid' | 'relu' | 'linear' | 'hardSigmoid';
function tfjsActivation(name: ActivationName): TfjsActivation {
  if (name === 'hardSigmoidKeras3') throw new Error('tfjs-layers has no Keras 3 hard sigmoid');
  return name === 'hardSigmoidKeras2' ? 'hardSigmoid' : name;
}

interface LayerOptions {
  readonly returnSequences: boolean;
  readonly goBackwards: boolean;
}

/** The tfjs-layers layer equivalent to `config`, built and loaded with `params`. */
export function tfjsLayer(config: CellConfig, params: CellParams, options: LayerOptions): tfl.layers.Layer {
  const common = {
    units: config.units,
    activation: tfjsActivation(config.activation),
    useBias: config.useBias,
    returnSequences: options.returnSequences,
    goBackwards: options.goBackwards,
    returnState: true,
  };
  let layer: tfl.layers.Layer;
  if (config.kind === 'simpleRnn') layer = tfl.layers.simpleRNN(common);
  else if (config.kind === 'lstm') layer = tfl.layers.lstm({ ...common, recurrentActivation: tfjsActivation(config.recurrentActivation) });
  else {
    if (config.resetAfter) throw new Error('tfjs-layers has no reset-after GRU');
    layer = tfl.layers.gru({ ...common, recurrentActivation: tfjsActivation(config.recurrentActivation) });
  }
  tidy(() => void layer.apply(zerosTensor([1, 1, config.inputSize])));
  layer.setWeights([params.wxh, params.whh, ...(params.bh === undefined ? [] : [params.bh])]);
  return layer;
}

/** A fixed random linear functional of the outputs and states, so every gradient is exercised. */
function probe(outputs: Tensor, states: Tensor[], seed: number): Tensor {
  let total = sum(mul(outputs, uniform(outputs.shape, seed)));
  states.forEach((s, i) => (total = total.add(sum(mul(s, uniform(s.shape, seed + 1 + i))))));
  return total;
}

interface Case {
  readonly label: string;
  readonly config: CellConfig;
  readonly options: ScanOptions & LayerOptions;
  readonly lengths?: number[];
  readonly initialState?: boolean;
}

const configs: Array<[string, CellConfig]> = [
  ['simpleRnn tanh', simpleRnnCell({ inputSize: I, units: H })],
  ['simpleRnn relu no bias', simpleRnnCell({ inputSize: I, units: H, activation: 'relu', useBias: false })],
  ['lstm sigmoid', lstmCell({ inputSize: I, units: H })],
  ['lstm hardSigmoidKeras2 no bias', lstmCell({ inputSize: I, units: H, recurrentActivation: 'hardSigmoidKeras2', useBias: false })],
  ['gru resetBefore sigmoid', gruCell({ inputSize: I, units: H, resetAfter: false })],
  ['gru resetBefore hardSigmoidKeras2', gruCell({ inputSize: I, units: H, resetAfter: false, recurrentActivation: 'hardSigmoidKeras2' })],
];

const cases: Case[] = configs.flatMap(([name, config]) => [
  { label: `${name}`, config, options: { returnSequences: false, goBackwards: false } },
  { label: `${name} sequences + mask`, config, options: { returnSequences: true, goBackwards: false }, lengths: [6, 2, 4] },
  { label: `${name} goBackwards + mask + initial state`, config, options: { returnSequences: true, goBackwards: true }, lengths: [6, 1, 3], initialState: true },
]);

describeEachBackend(['cpu', 'wasm'], 'conformance with tfjs-layers', () => {
  for (const c of cases) {
    test(c.label, () => {
      const params = randomParams(c.config, 17);
      const layer = tfjsLayer(c.config, params, c.options);
      tidy(() => {
        const xs = uniform([B, T, I], 5);
        const mask = c.lengths === undefined ? undefined : lengthsMask(c.lengths, T);
        const init: CellState | undefined = !c.initialState
          ? undefined
          : c.config.kind === 'lstm'
            ? { h: uniform([B, H], 6, -0.5, 0.5), c: uniform([B, H], 7, -0.5, 0.5) }
            : { h: uniform([B, H], 6, -0.5, 0.5) };
        const runOurs = (x: Tensor, p: CellParams, s: CellState | undefined): Tensor[] => {
          const r = scanReference(c.config, p, x, {
            returnSequences: c.options.returnSequences,
            goBackwards: c.options.goBackwards,
            ...(mask === undefined ? {} : { mask }),
            ...(s === undefined ? {} : { initialState: s }),
          });
          return [r.outputs, ...stateTensors(r.state)];
        };
        const runTheirs = (x: Tensor, s: CellState | undefined): Tensor[] => {
          const kwargs: Record<string, unknown> = {};
          if (mask !== undefined) kwargs['mask'] = mask;
          if (s !== undefined) kwargs['initialState'] = stateTensors(s);
          return layer.apply(x, kwargs) as Tensor[];
        };

        const ours = runOurs(xs, params, init);
        const theirs = runTheirs(xs, init);
        ours.forEach((t, i) => expectClose(t, theirs[i]!, tol, `forward ${i === 0 ? 'outputs' : `state ${i - 1}`}`));

        // gradients: inputs and initial state, then parameters
        const initList = init === undefined ? [] : stateTensors(init);
        const rebuild = (list: Tensor[]): CellState | undefined =>
          init === undefined ? undefined : c.config.kind === 'lstm' ? { h: list[0]!, c: list[1]! } : { h: list[0]! };
        const oursInputGrads = grads((...args: Tensor[]) => {
          const [o, ...s] = runOurs(args[0]!, params, rebuild(args.slice(1)));
          return probe(o!, s, 40);
        })([xs, ...initList]);
        const theirsInputGrads = grads((...args: Tensor[]) => {
          const [o, ...s] = runTheirs(args[0]!, rebuild(args.slice(1)));
          return probe(o!, s, 40);
        })([xs, ...initList]);
        oursInputGrads.forEach((g, i) => expectClose(g, theirsInputGrads[i]!, tol, i === 0 ? 'dxs' : `dstate ${i - 1}`));

        const paramList = [params.wxh, params.whh, ...(params.bh === undefined ? [] : [params.bh])];
        const oursParamGrads = grads((...ps: Tensor[]) => {
          const p: CellParams = ps.length === 3 ? { wxh: ps[0]!, whh: ps[1]!, bh: ps[2]! } : { wxh: ps[0]!, whh: ps[1]! };
          const [o, ...s] = runOurs(xs, p, init);
          return probe(o!, s, 40);
        })(paramList);
        const variables = layer.trainableWeights.map((w) => w.read() as Variable);
        const theirsParamGrads = variableGrads(() => {
          const [o, ...s] = runTheirs(xs, init);
          return probe(o!, s, 40) as never;
        }, variables).grads;
        variables.forEach((v, i) => expectClose(oursParamGrads[i]!, theirsParamGrads[v.name]!, tol, `d${['wxh', 'whh', 'bh'][i]}`));
      });
      layer.dispose();
      disposeParams(params);
    });
  }

  test('stacked: two layers, sequences into the second', () => {
    const first = lstmCell({ inputSize: I, units: H });
    const second = gruCell({ inputSize: H, units: 3, resetAfter: false });
    const p1 = randomParams(first, 1);
    const p2 = randomParams(second, 2);
    const l1 = tfjsLayer(first, p1, { returnSequences: true, goBackwards: false });
    const l2 = tfjsLayer(second, p2, { returnSequences: false, goBackwards: false });
    tidy(() => {
      const xs = uniform([B, T, I], 3);
      const mask = lengthsMask([6, 3, 1], T);
      const mid = scanReference(first, p1, xs, { mask, returnSequences: true }).outputs;
      const ours = scanReference(second, p2, mid, { mask });
      const theirsMid = (l1.apply(xs, { mask }) as Tensor[])[0]!;
      const theirs = l2.apply(theirsMid, { mask }) as Tensor[];
      expectClose(ours.outputs, theirs[0]!, tol, 'outputs');
      expectClose(ours.state.h, theirs[1]!, tol, 'h');
    });
    l1.dispose();
    l2.dispose();
    dispose([p1.wxh, p1.whh, p1.bh!, p2.wxh, p2.whh, p2.bh!]);
  });
});
