import { mul, reshape, slice, stack, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose } from '@rnnkit/testkit';
import { dropoutMask } from './dropout';
import { cellStep, gruCell, scan, zeroState } from './index';
import type { CellState } from './index';
import { disposeParams, randomParams, uniform } from './test-utils';

const B = 4;
const T = 5;
const I = 6;
const H = 3;

describeEachBackend(['cpu', 'wasm'], 'Keras-style dropout', () => {
  test('masks: 0 or 1/(1−p), about p dropped, seeded', () => {
    tidy(() => {
      const values = dropoutMask(200, 50, 0.3, 7).dataSync();
      const dropped = values.filter((v) => v === 0).length / values.length;
      expect(dropped).toBeGreaterThan(0.28);
      expect(dropped).toBeLessThan(0.32);
      expect(values.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6)).toBe(true);
      expectClose(dropoutMask(4, 5, 0.5, 1), dropoutMask(4, 5, 0.5, 1), { rtol: 0, atol: 0 }, 'seeded');
    });
  });

  test('one input mask and one recurrent mask per sequence, reused at every step (training only)', () => {
    const config = gruCell({ inputSize: I, units: H });
    const params = randomParams(config, 3);
    tidy(() => {
      const xs = uniform([B, T, I], 4);
      const seed = 9;
      const inputMask = reshape(dropoutMask(B, I, 0.25, seed), [B, 1, I]);
      const recurrentMask = dropoutMask(B, H, 0.4, seed + 1);
      let state: CellState = zeroState(config, B);
      const ys: Tensor[] = [];
      for (let t = 0; t < T; t++) {
        const x = reshape(slice(mul(xs, inputMask), [0, t, 0], [B, 1, I]), [B, I]);
        const out: { state: CellState; y: Tensor } = cellStep(config, params, state as never, x, { recurrentMask });
        state = out.state;
        ys.push(out.y);
      }
      const dropped = scan(config, params, xs, { training: true, dropout: 0.25, recurrentDropout: 0.4, seed, returnSequences: true });
      expectClose(dropped.outputs, stack(ys, 1), { rtol: 1e-5, atol: 1e-6 }, 'outputs');
      const inference = scan(config, params, xs, { dropout: 0.25, recurrentDropout: 0.4, seed, returnSequences: true });
      expectClose(inference.outputs, scan(config, params, xs, { returnSequences: true }).outputs, { rtol: 0, atol: 0 }, 'no dropout at inference');
    });
    disposeParams(params);
  });
});
