import { reverse, slice, stack, tensor2d, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { cellStep, lstmCell, scanReference, zeroState } from './index';
import type { CellState } from './index';
import { allCellVariants, disposeParams, lengthsMask, randomParams, stateTensors, uniform } from './test-utils';

const B = 3;
const T = 5;
const I = 4;
const H = 3;
const exact = { rtol: 0, atol: 0 };

describeEachBackend(['cpu', 'wasm'], 'scanReference', () => {
  for (const [label, config] of allCellVariants(I, H)) {
    test(`${label}: equals a hand-written loop of cellStep, returnSequences and last output`, () => {
      const params = randomParams(config, 3);
      tidy(() => {
        const xs = uniform([B, T, I], 1);
        let state: CellState = zeroState(config, B);
        const ys: Tensor[] = [];
        for (let t = 0; t < T; t++) {
          const out = cellStep(config, params, state as never, slice(xs, [0, t, 0], [B, 1, I]).reshape([B, I]));
          state = out.state;
          ys.push(out.y);
        }
        const seq = scanReference(config, params, xs, { returnSequences: true });
        expectClose(seq.outputs, stack(ys, 1), exact, 'sequence');
        const last = scanReference(config, params, xs);
        expectClose(last.outputs, ys[T - 1]!, exact, 'last');
        stateTensors(state).forEach((s, i) => expectClose(stateTensors(last.state)[i]!, s, exact, 'state'));
      });
      disposeParams(params);
    });
  }

  test('masking: valid steps decide, masked steps carry state and output (or zero them)', () => {
    const config = lstmCell({ inputSize: I, units: H });
    const params = randomParams(config, 5);
    tidy(() => {
      const xs = uniform([B, T, I], 2);
      const mask = lengthsMask([5, 2, 3], T);
      const masked = scanReference(config, params, xs, { mask, returnSequences: true });
      // row 1 has length 2: its final state is the state after two unmasked steps
      const short = scanReference(config, params, slice(xs, [1, 0, 0], [1, 2, I]), { returnSequences: true });
      expectClose(slice(masked.state.h, [1, 0], [1, H]), slice(short.outputs, [0, 1, 0], [1, 1, H]).reshape([1, H]), exact, 'final h');
      // outputs at masked steps repeat the last valid output
      for (let t = 2; t < T; t++) expectClose(slice(masked.outputs, [1, t, 0], [1, 1, H]), slice(short.outputs, [0, 1, 0], [1, 1, H]), exact, `t=${t}`);
      const zeroed = scanReference(config, params, xs, { mask, returnSequences: true, zeroOutputForMask: true });
      expectClose(slice(zeroed.outputs, [1, 2, 0], [1, 3, H]), new Array(3 * H).fill(0), exact, 'zeroed');
      expectClose(zeroed.state.c, masked.state.c, exact, 'state unaffected by zeroOutputForMask');
      // a numeric mask works like a bool one
      const viaBool = scanReference(config, params, xs, { mask: mask.cast('bool') });
      expectClose(viaBool.outputs, slice(masked.outputs, [0, T - 1, 0], [B, 1, H]).reshape([B, H]), exact, 'bool mask');
    });
    disposeParams(params);
  });

  test('goBackwards: runs on the time-reversed input and returns outputs in processing order', () => {
    const config = lstmCell({ inputSize: I, units: H });
    const params = randomParams(config, 6);
    tidy(() => {
      const xs = uniform([B, T, I], 3);
      const mask = lengthsMask([5, 2, 3], T);
      const back = scanReference(config, params, xs, { goBackwards: true, returnSequences: true, mask });
      const forward = scanReference(config, params, reverse(xs, 1), { returnSequences: true, mask: reverse(mask, 1) });
      expectClose(back.outputs, forward.outputs, exact, 'outputs');
      expectClose(back.state.c, forward.state.c, exact, 'c');
    });
    disposeParams(params);
  });

  test('initial state and dropout in training mode only', () => {
    const config = lstmCell({ inputSize: I, units: H });
    const params = randomParams(config, 7);
    tidy(() => {
      const xs = uniform([B, T, I], 4);
      const initialState = { h: uniform([B, H], 8), c: uniform([B, H], 9) };
      const a = scanReference(config, params, xs, { initialState });
      const b = scanReference(config, params, xs);
      expect(a.outputs.sub(b.outputs).abs().max().dataSync()[0]).toBeGreaterThan(1e-3);
      // splitting the sequence and feeding the state back gives the same result
      const first = scanReference(config, params, slice(xs, [0, 0, 0], [B, 2, I]), { initialState });
      const rest = scanReference(config, params, slice(xs, [0, 2, 0], [B, T - 2, I]), { initialState: first.state });
      expectClose(rest.outputs, a.outputs, { rtol: 1e-6, atol: 1e-7 }, 'split');
      const dropout = { dropout: 0.5, recurrentDropout: 0.3, seed: 11 };
      expectClose(scanReference(config, params, xs, dropout).outputs, b.outputs, exact, 'inference ignores dropout');
      const d1 = scanReference(config, params, xs, { ...dropout, training: true }).outputs;
      const d2 = scanReference(config, params, xs, { ...dropout, training: true }).outputs;
      expectClose(d1, d2, exact, 'seeded');
      expect(d1.sub(b.outputs).abs().max().dataSync()[0]).toBeGreaterThan(1e-3);
    });
    disposeParams(params);
  });

  test('bad arguments are named', () => {
    const config = lstmCell({ inputSize: I, units: H });
    const params = randomParams(config, 1);
    tidy(() => {
      const xs = uniform([B, T, I], 1);
      expect(() => scanReference(config, params, uniform([B, I], 1))).toThrow('scanReference: xs must have rank 3, got rank 2 (shape [3, 4])');
      expect(() => scanReference(config, params, uniform([B, T, I + 1], 1))).toThrow('scanReference: xs must have shape [B, T, 4] (inputSize 4), got [3, 5, 5]');
      expect(() => scanReference(config, params, xs.cast('int32'))).toThrow('scanReference: xs must have dtype float32, got int32');
      expect(() => scanReference(config, params, xs, { mask: tensor2d([[1, 0]]) })).toThrow('scanReference: mask must have shape [3, 5] (the [B, T] of xs), got [1, 2]');
      const badState = { h: uniform([B + 1, H], 1), c: uniform([B + 1, H], 2) };
      expect(() => scanReference(config, params, xs, { initialState: badState })).toThrow('scanReference: initialState.h must have shape [3, 3], got [4, 3]');
      expect(() => scanReference(config, params, xs, { dropout: 1 })).toThrow('scanReference: dropout must be a number in [0, 1), got 1');
      expect(() => scanReference(config, params, xs, { dropout: 0.5, training: true })).toThrow('scanReference: seed must be an integer when training with dropout');
      expect(() => scanReference(config, params, xs, { reverse: true } as never)).toThrow("scanReference: unknown option 'reverse'");
      expect(() => scanReference(config, { wxh: params.whh, whh: params.whh, bh: params.bh! }, xs)).toThrow('scanReference: params.wxh must have shape [4, 12], got [3, 12]');
    });
    disposeParams(params);
  });

  test('no leaks', async () => {
    const config = lstmCell({ inputSize: I, units: H });
    const params = randomParams(config, 1);
    const xs = uniform([B, T, I], 1);
    const mask = lengthsMask([5, 2, 3], T);
    await expectNoLeaks(() => {
      const r = scanReference(config, params, xs, { mask, returnSequences: true, training: true, dropout: 0.2, recurrentDropout: 0.2, seed: 1 });
      r.outputs.dispose();
      stateTensors(r.state).forEach((t) => t.dispose());
    }, 2, 'scanReference');
    disposeParams(params);
    xs.dispose();
    mask.dispose();
  });
});

