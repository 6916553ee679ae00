/** Keras weights ⇄ params: exact round trips, copies, errors that name the weight. */
import { dispose, tensor, zerosTensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { gruCell, lstmCell } from '../config';
import { allCellVariants, disposeParams, randomParams } from '../test-utils';
import { fromKerasWeights, toKerasWeights } from './keras';

describeEachBackend(['cpu', 'wasm'], 'Keras weight mappers', () => {
  it.each(allCellVariants(4, 3))('%s: ours → Keras → ours is exact, with Keras names and shapes', (_label, config) => {
    const params = randomParams(config, 5);
    const keras = toKerasWeights(config, params);
    expect(keras.kernel.shape).toEqual(params.wxh.shape);
    expect(keras.recurrent_kernel.shape).toEqual(params.whh.shape);
    expect(keras.bias?.shape).toEqual(params.bh?.shape);
    const back = fromKerasWeights(config, keras);
    expectClose(back.wxh, params.wxh, { rtol: 0, atol: 0 }, 'wxh');
    expectClose(back.whh, params.whh, { rtol: 0, atol: 0 }, 'whh');
    if (params.bh !== undefined) expectClose(back.bh!, params.bh, { rtol: 0, atol: 0 }, 'bh');
    else expect(back.bh).toBeUndefined();
    // copies: disposing the source leaves the results usable
    disposeParams(params);
    expect(back.wxh.isDisposed).toBe(false);
    disposeParams(back);
    dispose([keras.kernel, keras.recurrent_kernel, ...(keras.bias === undefined ? [] : [keras.bias])]);
  });

  it('names the weight, the expected and the given shape', () => {
    const config = lstmCell({ inputSize: 4, units: 3 });
    const kernel = zerosTensor([4, 12]);
    const recurrent = zerosTensor([3, 12]);
    const wrong = zerosTensor([12, 4]);
    const bias = zerosTensor([12]);
    expect(() => fromKerasWeights(config, { kernel: wrong, recurrent_kernel: recurrent, bias })).toThrow(
      'fromKerasWeights: kernel must have shape [4, 12], got [12, 4]',
    );
    expect(() => fromKerasWeights(config, { kernel, recurrent_kernel: recurrent })).toThrow('fromKerasWeights: bias of shape [12] is required');
    expect(() => fromKerasWeights({ ...config, useBias: false }, { kernel, recurrent_kernel: recurrent, bias })).toThrow(
      'fromKerasWeights: bias must be absent when config.useBias is false, got shape [12]',
    );
    const gru = gruCell({ inputSize: 4, units: 2 });
    const flat = zerosTensor([12]);
    expect(() => fromKerasWeights(gru, { kernel: zerosTensor([4, 6]), recurrent_kernel: zerosTensor([2, 6]), bias: flat })).toThrow(
      'fromKerasWeights: bias must have shape [2, 6] for a GRU with resetAfter: true, got [12] (the flat layout of the old CuDNNGRU',
    );
    expect(() => fromKerasWeights(config, { kernel: tensor([[1]], [1, 1], 'int32'), recurrent_kernel: recurrent, bias })).toThrow(
      'fromKerasWeights: kernel must have shape [4, 12], got [1, 1]',
    );
    dispose([kernel, recurrent, wrong, bias, flat]);
  });

  it('does not leak', async () => {
    const config = gruCell({ inputSize: 4, units: 3 });
    const params = randomParams(config, 1);
    await expectNoLeaks(() => {
      const keras = toKerasWeights(config, params);
      disposeParams(fromKerasWeights(config, keras));
      dispose([keras.kernel, keras.recurrent_kernel, keras.bias!]);
    });
    disposeParams(params);
  });
});
