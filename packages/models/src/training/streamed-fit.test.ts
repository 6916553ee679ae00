import { describeEachBackend } from '@rnnkit/testkit';
import { dispose, numTensors, slice, tensor } from '@rnnkit/tensor';
import type { Scalar, Tensor } from '@rnnkit/tensor';
import { add, applyLayer, dense, embedding, gru, input, lstm, model, sequential } from '../index';
import type { Functional, Sequential, SymbolicTensor } from '../index';
import { seeded } from '../test-utils';

const N = 24;
const B = 6;
const T = 5;

function ids(seed: number): Tensor {
  return tensor(Array.from(seeded(N * T, seed), (v) => Math.floor(Math.abs(v) * 97) % 10), [N, T], 'int32');
}

function labels(seed: number): Tensor {
  return tensor(Array.from(seeded(N, seed), (v) => (v > 0 ? 1 : 0)), [N, 1]);
}

const rows = (t: Tensor, s: number): Tensor => slice(t, [s, ...t.shape.slice(1).map(() => 0)], [B, ...t.shape.slice(1)]);

/** An async source of the batches of `parts` in order, starting over each time it is iterated (as a reader of files would). */
function asyncBatches<E>(make: (s: number) => E): AsyncIterable<E> {
  return {
    async *[Symbol.asyncIterator]() {
      for (let s = 0; s < N; s += B) yield make(s);
    },
  };
}

function classifier(): Sequential {
  return sequential([embedding({ inputDim: 10, outputDim: 4 }), gru({ units: 3 }), dense({ units: 1, activation: 'sigmoid' })], { seed: 7 });
}

function twoHeads(): Functional {
  const a = input({ shape: [T], dtype: 'int32', name: 'a' });
  const b = input({ shape: [T], dtype: 'int32', name: 'b' });
  const e = embedding({ inputDim: 10, outputDim: 4 });
  const shared = lstm({ units: 3 });
  const ha = applyLayer(shared, applyLayer(e, a)) as SymbolicTensor;
  const hb = applyLayer(shared, applyLayer(e, b)) as SymbolicTensor;
  const sum = applyLayer(add(), [ha, hb]);
  return model({ inputs: [a, b], outputs: [applyLayer(dense({ units: 1, activation: 'sigmoid', name: 'p' }), sum), applyLayer(dense({ units: 2, name: 'r' }), sum)], seed: 9 });
}

const weights = (m: { getWeights(): Tensor[] }): number[][] => {
  const ws = m.getWeights();
  const out = ws.map((w) => Array.from(w.dataSync()));
  dispose(ws);
  return out;
};

describeEachBackend(['cpu', 'wasm'], 'model.fit on a stream of batches', () => {
  it('a Sequential trains on an async stream exactly as on the same batches in memory; evaluateDataset and predictDataset agree too', async () => {
    const x = ids(1);
    const y = labels(2);
    const inMemory = classifier();
    const streamed = classifier();
    for (const m of [inMemory, streamed]) m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const reference = await inMemory.fit(x, y, { epochs: 2, batchSize: B, shuffle: false, validationData: [x, y] });
    const stream = asyncBatches((s) => ({ x: rows(x, s), y: rows(y, s) }));
    const history = await streamed.fit(stream, { epochs: 2, validationData: asyncBatches((s) => [rows(x, s), rows(y, s)] as const) });
    expect(history.history).toEqual(reference.history);
    expect(weights(streamed)).toEqual(weights(inMemory));
    expect(history.params.samples).toBeNull();
    // every batch is freed (the optimiser's slots exist since the first run)
    const before = numTensors();
    await streamed.fit(stream, { epochs: 1 });
    expect(numTensors()).toBe(before);

    const evaluated = (await streamed.evaluateDataset(asyncBatches((s) => ({ xs: rows(x, s), ys: rows(y, s) })))) as Scalar[];
    const expected = streamed.evaluate(x, y, { batchSize: B }) as Scalar[];
    expect(evaluated.map((v) => v.dataSync()[0])).toEqual(expected.map((v) => v.dataSync()[0]));
    const predicted = (await streamed.predictDataset(asyncBatches((s) => rows(x, s)))) as Tensor;
    const direct = streamed.predict(x, { batchSize: B }) as Tensor;
    expect(Array.from(predicted.dataSync())).toEqual(Array.from(direct.dataSync()));
    dispose([x, y, ...evaluated, ...expected, predicted, direct]);
    inMemory.dispose();
    streamed.dispose();
  });

  it('a model with two inputs and two outputs trains on a stream (tfjs fitDataset spelling) exactly as in memory, and frees every batch', async () => {
    const xa = ids(3);
    const xb = ids(4);
    const y1 = labels(5);
    const y2 = tensor(Array.from(seeded(2 * N, 6)), [N, 2]);
    const inMemory = twoHeads();
    const streamed = twoHeads();
    for (const m of [inMemory, streamed]) m.compile({ optimizer: 'adam', loss: ['binary_crossentropy', 'mse'], metrics: { p: ['accuracy'] } });
    const reference = await inMemory.fit([xa, xb], [y1, y2], { epochs: 2, batchSize: B, shuffle: false });
    const stream = asyncBatches((s) => ({ xs: { a: rows(xa, s), b: rows(xb, s) }, ys: [rows(y1, s), rows(y2, s)] }));
    const history = await streamed.fitDataset(stream, { epochs: 2 });
    expect(history.history).toEqual(reference.history);
    expect(weights(streamed)).toEqual(weights(inMemory));
    const before = numTensors();
    await streamed.fitDataset(stream, { epochs: 1, batchesPerEpoch: N / B });
    const predicted = (await streamed.predictDataset(asyncBatches((s) => [rows(xa, s), rows(xb, s)]))) as Tensor[];
    const direct = streamed.predict([xa, xb]) as Tensor[];
    predicted.forEach((p, i) => expect(Array.from(p.dataSync())).toEqual(Array.from(direct[i]!.dataSync())));
    expect(numTensors()).toBe(before + 4);
    dispose([xa, xb, y1, y2, ...predicted, ...direct]);
    inMemory.dispose();
    streamed.dispose();
  });

  it('names what is wrong with a stream element', async () => {
    const m = classifier();
    m.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
    await expect(m.fit(asyncBatches(() => ({ inputs: 1 }) as never))).rejects.toThrow('sequential.fit: data: batch 1 must be { x, y, sampleWeight? }, { xs, ys } or [x, y], got object');
    const before = numTensors();
    await expect(m.fit(asyncBatches(() => ({ x: tensor([[1, 2]], [1, 2], 'int32'), y: tensor([[1, 0, 1]], [1, 3]) })))).rejects.toThrow("batch.y has shape [1, 3], but the model's output [null, 1]");
    expect(numTensors()).toBe(before);
    await expect(m.fit(tensor([1]) as never)).rejects.toThrow('give targets y, or a stream of { x, y } batches');
    m.dispose();
  });
});
