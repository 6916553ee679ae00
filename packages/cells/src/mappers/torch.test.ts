/**
 * PyTorch state dicts ⇄ params (NUMERICS.md §2.3): key names, the transposes, the GRU gate
 * reorder, the LSTM/RNN bias sum, exact round trips, and the configs PyTorch cannot compute.
 * Shapes: I input size, H units.
 */
import { dispose, tensor1d, tensor2d, zerosTensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { gruCell, lstmCell, simpleRnnCell } from '../config';
import type { CellConfig } from '../config';
import { disposeParams, randomParams, uniform } from '../test-utils';
import { fromTorchStateDict, toTorchStateDict, torchKeys } from './torch';

const I = 4;
const H = 3;

const torchable: Array<[string, CellConfig]> = [
  ['rnn tanh', simpleRnnCell({ inputSize: I, units: H })],
  ['rnn relu, no bias', simpleRnnCell({ inputSize: I, units: H, activation: 'relu', useBias: false })],
  ['lstm', lstmCell({ inputSize: I, units: H })],
  ['lstm, no bias', lstmCell({ inputSize: I, units: H, useBias: false })],
  ['gru', gruCell({ inputSize: I, units: H })],
  ['gru, no bias', gruCell({ inputSize: I, units: H, useBias: false })],
];

function disposeDict(dict: Record<string, Tensor>): void {
  dispose(Object.values(dict));
}

/** A PyTorch-shaped state dict with random values in both biases. */
function randomTorchDict(config: CellConfig, seed: number, suffix = '_l0'): Record<string, Tensor> {
  const g = (config.kind === 'simpleRnn' ? 1 : config.kind === 'lstm' ? 4 : 3) * H;
  const dict: Record<string, Tensor> = {
    [`weight_ih${suffix}`]: uniform([g, config.inputSize], seed),
    [`weight_hh${suffix}`]: uniform([g, H], seed + 1),
  };
  if (config.useBias) {
    dict[`bias_ih${suffix}`] = uniform([g], seed + 2);
    dict[`bias_hh${suffix}`] = uniform([g], seed + 3);
  }
  return dict;
}

describe('torchKeys', () => {
  it('names layers, directions and submodules as PyTorch does', () => {
    expect(torchKeys()).toEqual({ weightIh: 'weight_ih_l0', weightHh: 'weight_hh_l0', biasIh: 'bias_ih_l0', biasHh: 'bias_hh_l0' });
    expect(torchKeys({ layer: 2, reverse: true, prefix: 'encoder.rnn.' }).weightHh).toBe('encoder.rnn.weight_hh_l2_reverse');
    expect(() => torchKeys({ layer: -1 })).toThrow('torchKeys: options.layer must be a non-negative integer, got -1');
  });
});

describeEachBackend(['cpu', 'wasm'], 'PyTorch state-dict mappers', () => {
  it.each(torchable)('%s: ours → torch → ours is exact; torch shapes are [G·H, I], [G·H, H], [G·H]', (_label, config) => {
    const params = randomParams(config, 11);
    const dict = toTorchStateDict(config, params, { layer: 1, reverse: true });
    const g = params.wxh.shape[1]!;
    expect(dict['weight_ih_l1_reverse']!.shape).toEqual([g, I]);
    expect(dict['weight_hh_l1_reverse']!.shape).toEqual([g, H]);
    expect(Object.keys(dict).sort()).toEqual(
      config.useBias
        ? ['bias_hh_l1_reverse', 'bias_ih_l1_reverse', 'weight_hh_l1_reverse', 'weight_ih_l1_reverse']
        : ['weight_hh_l1_reverse', 'weight_ih_l1_reverse'],
    );
    const back = fromTorchStateDict(config, dict, { layer: 1, reverse: true });
    expectClose(back.wxh, params.wxh, { rtol: 0, atol: 0 }, 'wxh');
    expectClose(back.whh, params.whh, { rtol: 0, atol: 0 }, 'whh');
    if (params.bh !== undefined) expectClose(back.bh!, params.bh, { rtol: 0, atol: 0 }, 'bh');
    else expect(back.bh).toBeUndefined();
    disposeParams(params);
    disposeParams(back);
    disposeDict(dict);
  });

  it.each(torchable)('%s: torch → ours → torch is exact (RNN/LSTM biases come back as (b_ih + b_hh, 0))', (_label, config) => {
    const dict = randomTorchDict(config, 21);
    const params = fromTorchStateDict(config, dict);
    const again = toTorchStateDict(config, params);
    expectClose(again['weight_ih_l0']!, dict['weight_ih_l0']!, { rtol: 0, atol: 0 }, 'weight_ih_l0');
    expectClose(again['weight_hh_l0']!, dict['weight_hh_l0']!, { rtol: 0, atol: 0 }, 'weight_hh_l0');
    if (config.useBias && config.kind === 'gru') {
      expectClose(again['bias_ih_l0']!, dict['bias_ih_l0']!, { rtol: 0, atol: 0 }, 'bias_ih_l0');
      expectClose(again['bias_hh_l0']!, dict['bias_hh_l0']!, { rtol: 0, atol: 0 }, 'bias_hh_l0');
    } else if (config.useBias) {
      const sum = Float32Array.from(dict['bias_ih_l0']!.dataSync(), (v, k) => v + dict['bias_hh_l0']!.dataSync()[k]!);
      expectClose(again['bias_ih_l0']!, sum, { rtol: 0, atol: 0 }, 'bias_ih_l0 = b_ih + b_hh');
      expectClose(again['bias_hh_l0']!, new Float32Array(H * (config.kind === 'lstm' ? 4 : 1)), { rtol: 0, atol: 0 }, 'bias_hh_l0 = 0');
    }
    disposeDict(dict);
    disposeDict(again);
    disposeParams(params);
  });

  it('GRU: PyTorch row blocks r, z, n become Keras column blocks z, r, h; biases go to rows 0 and 1', () => {
    const config = gruCell({ inputSize: 1, units: 1 });
    // weight_ih rows: r = 1, z = 2, n = 3; weight_hh rows: 10, 20, 30; biases likewise
    const dict = {
      weight_ih_l0: tensor2d([[1], [2], [3]]),
      weight_hh_l0: tensor2d([[10], [20], [30]]),
      bias_ih_l0: tensor1d([0.1, 0.2, 0.3]),
      bias_hh_l0: tensor1d([0.01, 0.02, 0.03]),
    };
    const params = fromTorchStateDict(config, dict);
    expectClose(params.wxh, [2, 1, 3], { rtol: 0, atol: 0 }, 'wxh z, r, h');
    expectClose(params.whh, [20, 10, 30], { rtol: 0, atol: 0 }, 'whh z, r, h');
    expect(params.bh!.shape).toEqual([2, 3]);
    expectClose(params.bh!, Float32Array.from([0.2, 0.1, 0.3, 0.02, 0.01, 0.03]), { rtol: 0, atol: 0 }, 'bh');
    disposeParams(params);
    disposeDict(dict);
  });

  it('LSTM: gate order i, f, g, o is kept, W is transposed and the two biases are summed', () => {
    const config = lstmCell({ inputSize: 2, units: 1 });
    const dict = {
      weight_ih_l0: tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]),
      weight_hh_l0: tensor2d([[1], [2], [3], [4]]),
      bias_ih_l0: tensor1d([1, 2, 3, 4]),
      bias_hh_l0: tensor1d([0.5, 0.5, 0.5, 0.5]),
    };
    const params = fromTorchStateDict(config, dict);
    expectClose(params.wxh, [1, 3, 5, 7, 2, 4, 6, 8], { rtol: 0, atol: 0 }, 'wxh [I, 4H]');
    expectClose(params.bh!, [1.5, 2.5, 3.5, 4.5], { rtol: 0, atol: 0 }, 'bh');
    disposeParams(params);
    disposeDict(dict);
  });

  it('refuses a resetAfter: false GRU, saying why', () => {
    const config = gruCell({ inputSize: I, units: H, resetAfter: false });
    const params = randomParams(config, 1);
    expect(() => toTorchStateDict(config, params)).toThrow(/resetAfter: false .* has no PyTorch equivalent: nn.GRU applies the reset gate after it/);
    expect(() => fromTorchStateDict(config, {})).toThrow('has no PyTorch equivalent');
    disposeParams(params);
  });

  it('refuses activations PyTorch modules cannot compute', () => {
    const lstm = lstmCell({ inputSize: I, units: H, recurrentActivation: 'hardSigmoidKeras2' });
    expect(() => fromTorchStateDict(lstm, {})).toThrow(
      "fromTorchStateDict: nn.LSTM always uses sigmoid gates, so config.recurrentActivation must be 'sigmoid', got 'hardSigmoidKeras2'",
    );
    const rnn = simpleRnnCell({ inputSize: I, units: H, activation: 'sigmoid' });
    expect(() => fromTorchStateDict(rnn, {})).toThrow("nn.RNN computes with nonlinearity 'tanh' or 'relu'");
  });

  it('names the missing key, the wrong-shaped entry with expected and given shapes, and a bias the config lacks', () => {
    const config = lstmCell({ inputSize: I, units: H });
    const dict = randomTorchDict(config, 3);
    expect(() => fromTorchStateDict(config, dict, { layer: 1 })).toThrow(
      "fromTorchStateDict: the state dict has no 'weight_ih_l1' (layer 1); it has [weight_ih_l0, weight_hh_l0, bias_ih_l0, bias_hh_l0]",
    );
    const transposed = { ...dict, weight_ih_l0: zerosTensor([I, 4 * H]) };
    expect(() => fromTorchStateDict(config, transposed)).toThrow('fromTorchStateDict: weight_ih_l0 must have shape [12, 4], got [4, 12]');
    expect(() => fromTorchStateDict({ ...config, useBias: false }, dict)).toThrow(
      "fromTorchStateDict: the state dict holds 'bias_ih_l0'/'bias_hh_l0' but config.useBias is false",
    );
    const { bias_hh_l0: _dropped, ...noHh } = dict;
    expect(() => fromTorchStateDict(config, noHh)).toThrow("the state dict has no 'bias_hh_l0'");
    disposeDict(dict);
    transposed.weight_ih_l0.dispose();
  });

  it('does not leak', async () => {
    for (const [, config] of torchable) {
      const params = randomParams(config, 1);
      await expectNoLeaks(() => {
        const dict = toTorchStateDict(config, params);
        disposeParams(fromTorchStateDict(config, dict));
        disposeDict(dict);
      });
      disposeParams(params);
    }
  });
});
