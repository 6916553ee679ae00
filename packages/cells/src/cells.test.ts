import { matMul, tensor1d, tensor2d, tidy, randomUniformTensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { cellStep, gruCell, initCellParams, lstmCell, simpleRnnCell, zeroState } from './index';
import type { CellParams } from './index';

const sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));

describe('cell configs', () => {
  test('constructors fill in the Keras 3 defaults', () => {
    expect(simpleRnnCell({ inputSize: 3, units: 2 })).toEqual({ kind: 'simpleRnn', inputSize: 3, units: 2, activation: 'tanh', useBias: true });
    expect(lstmCell({ inputSize: 3, units: 2 })).toMatchObject({ activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, unitForgetBias: true });
    expect(gruCell({ inputSize: 3, units: 2 })).toMatchObject({ activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, resetAfter: true });
    expect(gruCell({ inputSize: 3, units: 2, resetAfter: false }).resetAfter).toBe(false);
  });

  test('bad configs say what is wrong', () => {
    expect(() => lstmCell({ inputSize: 0, units: 2 })).toThrow('lstmCell: inputSize must be a positive integer, got 0');
    expect(() => gruCell({ inputSize: 2, units: 2.5 })).toThrow('gruCell: units must be a positive integer, got 2.5');
    // @ts-expect-error an activation that does not exist
    expect(() => simpleRnnCell({ inputSize: 2, units: 2, activation: 'hardSigmoid' })).toThrow(/activation must be one of .*got "hardSigmoid"/);
  });
});

describeEachBackend(['cpu', 'wasm'], 'cells', () => {
  test('initCellParams: Keras shapes, unit forget bias, useBias false, seeded', () => {
    const lstm = initCellParams(lstmCell({ inputSize: 3, units: 2 }), 7);
    expect(lstm.wxh.shape).toEqual([3, 8]);
    expect(lstm.whh.shape).toEqual([2, 8]);
    expectClose(lstm.bh!, [0, 0, 1, 1, 0, 0, 0, 0], {}, 'lstm bias');
    const again = initCellParams(lstmCell({ inputSize: 3, units: 2 }), 7);
    expectClose(again.wxh, lstm.wxh, { rtol: 0, atol: 0 }, 'same seed');
    const gru = initCellParams(gruCell({ inputSize: 3, units: 2 }), 1);
    expect(gru.bh!.shape).toEqual([2, 6]);
    const gruBefore = initCellParams(gruCell({ inputSize: 3, units: 2, resetAfter: false }), 1);
    expect(gruBefore.bh!.shape).toEqual([6]);
    const noBias = initCellParams(simpleRnnCell({ inputSize: 3, units: 2, useBias: false }), 1);
    expect(noBias.bh).toBeUndefined();
    // the recurrent kernel is orthogonal: whh·whhᵀ = I for [H, G·H] with H ≤ G·H
    expectClose(tidy(() => matMul(lstm.whh, lstm.whh, false, true)), [1, 0, 0, 1], { atol: 1e-6 }, 'orthogonal');
    for (const p of [lstm, again, gru, gruBefore, noBias]) for (const t of Object.values(p) as Tensor[]) t.dispose();
  });

  test('hand-computed steps: SimpleRNN, LSTM, GRU (both resets)', () => {
    tidy(() => {
      const x = tensor2d([[1, -2]]);
      // SimpleRNN, I=2, H=1
      const srn = simpleRnnCell({ inputSize: 2, units: 1 });
      const srnParams: CellParams = { wxh: tensor2d([[0.5], [0.25]]), whh: tensor2d([[2]]), bh: tensor1d([0.1]) };
      const s = cellStep(srn, srnParams, { h: tensor2d([[0.3]]) }, x);
      expectClose(s.y, [Math.tanh(0.5 - 0.5 + 0.1 + 0.6)], { rtol: 1e-6 }, 'simpleRnn');
      // LSTM, I=2, H=1: columns i f c o
      const lstm = lstmCell({ inputSize: 2, units: 1 });
      const lp: CellParams = {
        wxh: tensor2d([[0.1, 0.2, 0.3, 0.4], [0.5, -0.6, 0.7, -0.8]]),
        whh: tensor2d([[1, -1, 0.5, 0.25]]),
        bh: tensor1d([0.01, 1, -0.02, 0.03]),
      };
      const ls = cellStep(lstm, lp, { h: tensor2d([[0.2]]), c: tensor2d([[-0.5]]) }, x);
      const zi = 0.1 - 1 + 0.2 + 0.01, zf = 0.2 + 1.2 - 0.2 + 1, zc = 0.3 - 1.4 + 0.1 - 0.02, zo = 0.4 + 1.6 + 0.05 + 0.03;
      const c = sigmoid(zf) * -0.5 + sigmoid(zi) * Math.tanh(zc);
      expectClose(ls.state.c, [c], { rtol: 1e-6 }, 'lstm c');
      expectClose(ls.y, [sigmoid(zo) * Math.tanh(c)], { rtol: 1e-6 }, 'lstm h');
      // GRU, I=2, H=1: columns z r h
      const gp = (resetAfter: boolean): CellParams => ({
        wxh: tensor2d([[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]]),
        whh: tensor2d([[0.7, -0.8, 0.9]]),
        bh: resetAfter ? tensor2d([[0.01, 0.02, 0.03], [0.04, 0.05, 0.06]]) : tensor1d([0.01, 0.02, 0.03]),
      });
      const h0 = 0.5;
      const after = cellStep(gruCell({ inputSize: 2, units: 1 }), gp(true), { h: tensor2d([[h0]]) }, x);
      {
        const z = sigmoid(0.1 - 0.8 + 0.01 + 0.35 + 0.04), r = sigmoid(0.2 - 1 + 0.02 - 0.4 + 0.05);
        const hh = Math.tanh(0.3 - 1.2 + 0.03 + r * (0.45 + 0.06));
        expectClose(after.y, [z * h0 + (1 - z) * hh], { rtol: 1e-6 }, 'gru reset-after');
      }
      const before = cellStep(gruCell({ inputSize: 2, units: 1, resetAfter: false }), gp(false), { h: tensor2d([[h0]]) }, x);
      {
        const z = sigmoid(0.1 - 0.8 + 0.01 + 0.35), r = sigmoid(0.2 - 1 + 0.02 - 0.4);
        const hh = Math.tanh(0.3 - 1.2 + 0.03 + r * h0 * 0.9);
        expectClose(before.y, [z * h0 + (1 - z) * hh], { rtol: 1e-6 }, 'gru reset-before');
      }
    });
  });

  test('cellStep checks its arguments and names them', () => {
    const config = lstmCell({ inputSize: 3, units: 2 });
    const params = initCellParams(config, 1);
    const state = zeroState(config, 4);
    tidy(() => {
      expect(() => cellStep(config, params, state, randomUniformTensor([4, 5]))).toThrow('cellStep: x must have shape [B, 3], got [4, 5]');
      expect(() => cellStep(config, params, state, randomUniformTensor([5, 3]))).toThrow('cellStep: state.h must have shape [5, 2], got [4, 2]');
      expect(() => cellStep(config, params, { h: state.h } as typeof state, randomUniformTensor([4, 3]))).toThrow('cellStep: state.c must be a Tensor');
      expect(() => cellStep(config, { wxh: params.wxh, whh: params.whh }, state, randomUniformTensor([4, 3]))).toThrow('cellStep: params.bh must have shape [8]');
      expect(() => cellStep(config, params, state, randomUniformTensor([4, 3], 0, 5, 'int32'))).toThrow('cellStep: x must have dtype float32, got int32');
    });
    for (const t of [params.wxh, params.whh, params.bh!, state.h, state.c]) t.dispose();
  });

  test('no leaks', async () => {
    const config = gruCell({ inputSize: 3, units: 2 });
    const params = initCellParams(config, 1);
    const x = randomUniformTensor([4, 3]);
    const state = zeroState(config, 4);
    await expectNoLeaks(() => {
      const out = cellStep(config, params, state, x);
      out.y.dispose();
    }, 3, 'cellStep');
    for (const t of [params.wxh, params.whh, params.bh!, state.h, x]) t.dispose();
  });
});
