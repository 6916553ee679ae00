import * as tfl from '@tensorflow/tfjs-layers';
import { dispose, grads, mul, reverse, slice, sum, tidy, zerosTensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { bidirectional, gruCell, lstmCell, scan, simpleRnnCell, stacked } from './index';
import type { CellConfig, CellParams, MergeMode, RecurrentLayer } from './index';
import { disposeParams, lengthsMask, randomParams, stateTensors, uniform } from './test-utils';

const B = 3;
const T = 6;
const I = 4;
const H = 5;
const tol = { rtol: 1e-5, atol: 1e-5 };

function tfjsRnn(config: CellConfig, returnSequences: boolean): tfl.layers.Layer {
  const common = { units: config.units, returnSequences, returnState: true };
  if (config.kind === 'simpleRnn') return tfl.layers.simpleRNN(common);
  if (config.kind === 'lstm') return tfl.layers.lstm({ ...common, recurrentActivation: 'sigmoid' });
  return tfl.layers.gru({ ...common, recurrentActivation: 'sigmoid' });
}

function weights(params: CellParams): Tensor[] {
  return [params.wxh, params.whh, ...(params.bh === undefined ? [] : [params.bh])];
}

const configs: Array<[string, CellConfig]> = [
  ['lstm', lstmCell({ inputSize: I, units: H })],
  ['gru resetBefore', gruCell({ inputSize: I, units: H, resetAfter: false })],
  ['simpleRnn', simpleRnnCell({ inputSize: I, units: H })],
];
const modes: MergeMode[] = ['concat', 'sum', 'mul', 'ave', 'none'];

describeEachBackend(['cpu', 'wasm'], 'bidirectional', () => {
  for (const [label, config] of configs) {
    for (const mergeMode of modes) {
      for (const returnSequences of [true, false]) {
        test(`${label}, ${mergeMode}, returnSequences ${returnSequences}, masked: equals tf.layers.bidirectional`, () => {
          const fwd: RecurrentLayer = { config, params: randomParams(config, 31) };
          const bwd: RecurrentLayer = { config, params: randomParams(config, 32) };
          const layer = tfl.layers.bidirectional({ layer: tfjsRnn(config, returnSequences) as tfl.RNN, // tfjs takes null (untyped) for 'none'
            mergeMode: (mergeMode === 'none' ? null : mergeMode) as 'concat' });
          tidy(() => {
            layer.apply(zerosTensor([1, T, I]));
            layer.setWeights([...weights(fwd.params), ...weights(bwd.params)]);
            const xs = uniform([B, T, I], 33);
            const mask = lengthsMask([6, 2, 4], T);
            // tfjs-layers has no zeroOutputForMask: masked steps repeat the carried h
            const ours = bidirectional(fwd, bwd, xs, { mergeMode, returnSequences, mask, zeroOutputForMask: false });
            const theirs = layer.apply(xs, { mask }) as Tensor[];
            const outputs = mergeMode === 'none' ? (ours.outputs as Tensor[]) : [ours.outputs as Tensor];
            const states = [...stateTensors(ours.forwardState), ...stateTensors(ours.backwardState)];
            [...outputs, ...states].forEach((t, i) => expectClose(t, theirs[i]!, tol, i < outputs.length ? `output ${i}` : `state ${i - outputs.length}`));
            if (mergeMode === 'concat') {
              const probe = (out: Tensor): Tensor => sum(mul(out, uniform(out.shape, 34)));
              const [dOurs] = grads((x: Tensor) => probe(bidirectional(fwd, bwd, x, { returnSequences, mask, zeroOutputForMask: false }).outputs as Tensor))([xs]);
              const [dTheirs] = grads((x: Tensor) => probe((layer.apply(x, { mask }) as Tensor[])[0]!))([xs]);
              expectClose(dOurs!, dTheirs!, tol, 'dxs');
            }
          });
          layer.dispose();
          disposeParams(fwd.params);
          disposeParams(bwd.params);
        });
      }
    }
  }

  test('Keras default: masked outputs are zero when returning sequences; backward outputs are in time order', () => {
    const config = lstmCell({ inputSize: I, units: H });
    const fwd = { config, params: randomParams(config, 1) };
    const bwd = { config, params: randomParams(config, 2) };
    tidy(() => {
      const xs = uniform([B, T, I], 3);
      const mask = lengthsMask([6, 2, 4], T);
      const { outputs } = bidirectional(fwd, bwd, xs, { mergeMode: 'none', returnSequences: true, mask });
      const [yf, yb] = outputs;
      expectClose(slice(yf, [1, 2, 0], [1, 4, H]), new Array(4 * H).fill(0), { rtol: 0, atol: 0 }, 'forward zeros');
      expectClose(slice(yb, [1, 2, 0], [1, 4, H]), new Array(4 * H).fill(0), { rtol: 0, atol: 0 }, 'backward zeros');
      const manual = scan(config, bwd.params, xs, { goBackwards: true, returnSequences: true, mask, zeroOutputForMask: true }).outputs;
      expectClose(yb, reverse(manual, 1), { rtol: 0, atol: 0 }, 'flipped');
    });
    disposeParams(fwd.params);
    disposeParams(bwd.params);
  });

  test('stacked equals scans chained by hand and tfjs-layers stacked', () => {
    const l1 = lstmCell({ inputSize: I, units: H });
    const l2 = gruCell({ inputSize: H, units: 3, resetAfter: false });
    const layers = [{ config: l1, params: randomParams(l1, 1) }, { config: l2, params: randomParams(l2, 2) }];
    const t1 = tfjsRnn(l1, true);
    const t2 = tfjsRnn(l2, false);
    tidy(() => {
      t1.apply(zerosTensor([1, T, I]));
      t2.apply(zerosTensor([1, T, H]));
      t1.setWeights(weights(layers[0]!.params));
      t2.setWeights(weights(layers[1]!.params));
      const xs = uniform([B, T, I], 3);
      const mask = lengthsMask([6, 3, 1], T);
      const ours = stacked(layers, xs, { mask });
      const mid = (t1.apply(xs, { mask }) as Tensor[])[0]!;
      const theirs = t2.apply(mid, { mask }) as Tensor[];
      expectClose(ours.outputs, theirs[0]!, tol, 'outputs');
      expectClose(ours.states[1]!.h, theirs[1]!, tol, 'state of layer 2');
      expect(() => stacked([layers[1]!, layers[0]!], xs)).toThrow('stacked: layers[1].config.inputSize must equal layers[0].config.units (3), got 4');
    });
    t1.dispose();
    t2.dispose();
    layers.forEach((l) => disposeParams(l.params));
  });

  test('bad merge mode is named; no leaks', async () => {
    const config = gruCell({ inputSize: I, units: H });
    const fwd = { config, params: randomParams(config, 1) };
    const bwd = { config, params: randomParams(config, 2) };
    const xs = uniform([B, T, I], 3);
    expect(() => bidirectional(fwd, bwd, xs, { mergeMode: 'max' as MergeMode })).toThrow("bidirectional: mergeMode must be one of 'concat', 'sum', 'mul', 'ave', 'none', got \"max\"");
    await expectNoLeaks(() => {
      const [d] = grads((x: Tensor) => sum(bidirectional(fwd, bwd, x, { returnSequences: true, training: true, dropout: 0.2, recurrentDropout: 0.2, seed: 4 }).outputs))([xs]);
      d!.dispose();
      const r = bidirectional(fwd, bwd, xs, { mergeMode: 'none' });
      dispose([...r.outputs, ...stateTensors(r.forwardState), ...stateTensors(r.backwardState)]);
    }, 2, 'bidirectional');
    disposeParams(fwd.params);
    disposeParams(bwd.params);
    xs.dispose();
  });
});

