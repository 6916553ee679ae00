import { describeEachBackend } from '@rnnkit/testkit';
import { add, createRng, dispose, matMul, numTensors, sigmoid, tensor, tensor2d, variable } from '@rnnkit/tensor';
import type { Tensor, Variable } from '@rnnkit/tensor';
import { adam, binaryAccuracy, binaryCrossentropy, evaluate, evaluateStream, fit, predict, predictStream } from './index';
import type { Batch, Forward } from './index';

const N = 48;
const B = 8;

/** Points labelled by the sign of x0 + x1. */
function dataset(seed: number): { x: Float32Array; y: Float32Array } {
  const rng = createRng(seed);
  const x = Float32Array.from({ length: 2 * N }, () => rng.normal());
  const y = Float32Array.from({ length: N }, (_, i) => (x[2 * i]! + x[2 * i + 1]! > 0 ? 1 : 0));
  return { x, y };
}

function model(): { params: Record<string, Variable>; forward: Forward; dispose(): void } {
  const params = { w: variable(tensor2d([0.1, -0.05], [2, 1])), b: variable(tensor([0], [1])) };
  const forward: Forward = (x) => sigmoid(add(matMul(x, params.w), params.b));
  return { params, forward, dispose: () => dispose(Object.values(params)) };
}

const weights = (params: Record<string, Variable>): number[] => [...params['w']!.dataSync(), ...params['b']!.dataSync()];

/** The batches of (x, y) in order, made fresh on every pass (as a file reader would). */
function batches(x: Float32Array, y: Float32Array, log?: string[]): Iterable<Batch> {
  return {
    *[Symbol.iterator]() {
      try {
        for (let s = 0; s < N; s += B) yield { x: tensor2d(x.slice(2 * s, 2 * (s + B)), [B, 2]), y: tensor2d(y.slice(s, s + B), [B, 1]) };
      } finally {
        log?.push('closed');
      }
    },
  };
}

describeEachBackend(['cpu', 'wasm'], 'fit on a stream of batches', () => {
  const train = dataset(1);
  const val = dataset(2);
  const inMemory = { x: { values: train.x, shape: [N, 2] }, y: { values: train.y, shape: [N, 1] } };

  it('equals fit in memory on the same batches, bit for bit, validation included, and frees every batch', async () => {
    const a = model();
    const b = model();
    const common = { loss: binaryCrossentropy(), metrics: [binaryAccuracy()], epochs: 3 };
    const reference = await fit({ ...common, params: a.params, forward: a.forward, optimizer: adam(), ...inMemory, batchSize: B, shuffle: false, validationData: { x: { values: val.x, shape: [N, 2] }, y: { values: val.y, shape: [N, 1] } } });
    const before = numTensors();
    const optimizer = adam();
    const streamed = await fit({ ...common, params: b.params, forward: b.forward, optimizer, data: batches(train.x, train.y), validationData: batches(val.x, val.y) });
    optimizer.dispose();
    expect(numTensors()).toBe(before);
    expect(weights(b.params)).toEqual(weights(a.params));
    expect(streamed.history).toEqual(reference.history);
    a.dispose();
    b.dispose();
  });

  it('stepsPerEpoch takes the next batches of one pass: two epochs of 3 equal one epoch of 6', async () => {
    const a = model();
    const b = model();
    await fit({ params: a.params, forward: a.forward, loss: binaryCrossentropy(), optimizer: adam(), ...inMemory, batchSize: B, shuffle: false });
    const once = batches(train.x, train.y)[Symbol.iterator]();
    const oneShot = { [Symbol.iterator]: () => once };
    await fit({ params: b.params, forward: b.forward, loss: binaryCrossentropy(), optimizer: adam(), data: oneShot, stepsPerEpoch: 3, epochs: 2 });
    expect(weights(b.params)).toEqual(weights(a.params));
    a.dispose();
    b.dispose();
  });

  it('warns when a stream cannot start over or runs out, refuses a bad batch naming it, and closes the source on a stop', async () => {
    const m = model();
    const base = { params: m.params, forward: m.forward, loss: binaryCrossentropy(), optimizer: adam() };
    const generator = (function* () {
      yield* batches(train.x, train.y);
    })();
    // as Keras and tfjs-layers, a stream that runs out ends training with a warning, keeping the epochs done
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    const twoEpochs = await fit({ ...base, data: generator, epochs: 2 });
    expect(twoEpochs.epochs).toEqual([0]);
    const short = await fit({ ...base, data: batches(train.x, train.y), stepsPerEpoch: 4, epochs: 2 });
    expect(short.epochs).toEqual([0, 1]);
    expect(warn.mock.calls.map(([m]) => String(m))).toEqual([
      expect.stringContaining('fit: data has no batches for epoch 2: a generator cannot start over'),
      expect.stringContaining('fit: data ran out after 2 of the 4 batches of epoch 2'),
    ]);
    warn.mockRestore();
    await expect(fit({ ...base, data: [] })).rejects.toThrow('fit: data has no batches');
    const before = numTensors();
    const bad = [{ x: tensor2d([1, 2], [1, 2]), y: tensor2d([1, 0], [2, 1]) }];
    await expect(fit({ ...base, data: bad })).rejects.toThrow('fit: batch 1 of epoch 1: batch.x has 1 samples but batch.y has 2');
    expect(numTensors()).toBe(before);
    const log: string[] = [];
    const stopper = { onBatchEnd: (_b: number, _l: unknown, context: { stop(): void }) => context.stop() };
    const history = await fit({ ...base, data: batches(train.x, train.y, log), callbacks: [stopper] });
    expect(history.epochs).toEqual([0]);
    expect(log).toEqual(['closed']);
    await expect(fit({ ...base, data: batches(train.x, train.y), x: inMemory.x, y: inMemory.y } as never)).rejects.toThrow('give data (a stream of batches) or x and y, not both');
    m.dispose();
  });

  it('evaluateStream and predictStream equal evaluate and predict', async () => {
    const m = model();
    const logs = await evaluateStream({ forward: m.forward, loss: binaryCrossentropy(), metrics: [binaryAccuracy()], data: batches(val.x, val.y) });
    const reference = evaluate({ forward: m.forward, loss: binaryCrossentropy(), metrics: [binaryAccuracy()], x: { values: val.x, shape: [N, 2] }, y: { values: val.y, shape: [N, 1] }, batchSize: B });
    expect(logs).toEqual(reference);
    const inputs = { *[Symbol.iterator]() { for (const b of batches(val.x, val.y)) { b.y.dispose(); yield b.x; } } };
    const p = await predictStream({ forward: m.forward, data: inputs as Iterable<Tensor> });
    const q = predict({ forward: m.forward, x: { values: val.x, shape: [N, 2] }, batchSize: B });
    expect(Array.from(p.dataSync())).toEqual(Array.from(q.dataSync()));
    dispose([p, q]);
    m.dispose();
  });
});
