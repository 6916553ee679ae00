/**
 * The callback contract speaks Keras and tfjs-layers: hooks take (logs), (epoch, logs) and
 * (batch, logs) with the training context appended, `name` is needed only with state, a stop asked
 * for during an epoch takes effect after the current batch, and `initialEpoch` numbers epochs.
 */
import { describeEachBackend } from '@rnnkit/testkit';
import { add, dispose, matMul, sigmoid, tensor, tensor2d, variable } from '@rnnkit/tensor';
import type { Variable } from '@rnnkit/tensor';
import { binaryCrossentropy, fit, memoryCheckpointStore, sgd } from '../index';
import type { Callback, Forward } from '../index';

function logistic(): { params: Record<string, Variable>; forward: Forward; dispose(): void } {
  const params = { w: variable(tensor2d([0.1, 0.05], [2, 1])), b: variable(tensor([0], [1])) };
  return { params, forward: (x) => sigmoid(add(matMul(x, params.w), params.b)), dispose: () => dispose(Object.values(params)) };
}

describeEachBackend(['cpu', 'wasm'], 'callback signatures', () => {
  const n = 20;
  const xs = { values: Float32Array.from({ length: 2 * n }, (_, i) => Math.sin(i)), shape: [n, 2] };
  const ys = { values: Float32Array.from({ length: n }, (_, i) => (Math.sin(2 * i) + Math.sin(2 * i + 1) > 0 ? 1 : 0)), shape: [n, 1] };
  const base = (m: ReturnType<typeof logistic>) => ({ params: m.params, forward: m.forward, loss: binaryCrossentropy(), optimizer: sgd(), x: xs, y: ys, batchSize: 8 });

  it('hooks get Keras arguments first and the context last; a callback without state needs no name', async () => {
    const m = logistic();
    const calls: string[] = [];
    const callback: Callback = {
      onTrainBegin: (logs, context) => void calls.push(`trainBegin ${JSON.stringify(logs)} ${context.stepsPerEpoch}`),
      onEpochBegin: (epoch, logs) => void calls.push(`epochBegin ${epoch} ${JSON.stringify(logs)}`),
      onBatchBegin: (batch, logs) => void calls.push(`batchBegin ${batch} ${JSON.stringify(logs)}`),
      onBatchEnd: (batch, logs) => void calls.push(`batchEnd ${batch} ${logs.step} ${typeof logs.loss}`),
      onEpochEnd: (epoch, logs) => void calls.push(`epochEnd ${epoch} ${Object.keys(logs).join(',')}`),
      onTrainEnd: (logs, context) => void calls.push(`trainEnd ${Object.keys(logs).join(',')} ${context.epochs}`),
    };
    await fit({ ...base(m), epochs: 1, callbacks: [callback] });
    expect(calls).toEqual([
      'trainBegin {} 3',
      'epochBegin 0 {}',
      'batchBegin 0 {"epoch":0,"step":0,"size":8}',
      'batchEnd 0 0 number',
      'batchBegin 1 {"epoch":0,"step":1,"size":8}',
      'batchEnd 1 1 number',
      'batchBegin 2 {"epoch":0,"step":2,"size":4}',
      'batchEnd 2 2 number',
      'epochEnd 0 loss',
      'trainEnd loss 1',
    ]);
    m.dispose();
  });

  it('a stop asked for in onBatchEnd ends the epoch after that batch; in onEpochBegin, before any batch', async () => {
    const m = logistic();
    const batches: number[] = [];
    const history = await fit({
      ...base(m),
      epochs: 4,
      callbacks: [
        {
          onBatchEnd(batch, logs, context) {
            batches.push(batch);
            if (logs.epoch === 1 && batch === 0) context.stop();
          },
        },
      ],
    });
    expect(batches).toEqual([0, 1, 2, 0]);
    expect(history.epochs).toEqual([0, 1]);
    expect(history.history['loss']).toHaveLength(2);

    const none = await fit({ ...base(m), epochs: 3, callbacks: [{ onEpochBegin: (_e, _l, context) => context.stop() }] });
    expect(none.epochs).toEqual([]);
    m.dispose();
  });

  it('initialEpoch numbers the epochs from there; a checkpoint being resumed takes precedence', async () => {
    const m = logistic();
    const history = await fit({ ...base(m), epochs: 4, initialEpoch: 2 });
    expect(history.epochs).toEqual([2, 3]);
    const store = memoryCheckpointStore();
    await fit({ ...base(m), epochs: 1, checkpoint: { store } });
    const resumed = await fit({ ...base(m), epochs: 3, initialEpoch: 2, resumeFrom: store });
    expect(resumed.epochs).toEqual([0, 1, 2]);
    await expect(fit({ ...base(m), initialEpoch: -1 })).rejects.toThrow('fit: initialEpoch must be a non-negative integer, got -1');
    m.dispose();
  });

  it('a callback with state must have a name', async () => {
    const m = logistic();
    const stateful: Callback = { getState: () => ({ values: {}, tensors: {} }) };
    await expect(fit({ ...base(m), callbacks: [stateful] })).rejects.toThrow('fit: a callback with state (getState) needs a name, which keys its state in checkpoints');
    m.dispose();
  });
});
