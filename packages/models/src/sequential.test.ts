import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { dispose, tensor2d, tidy, zerosTensor } from '@rnnkit/tensor';
import { dense, dropout, embedding, masking, sequential, sequentialFromTopology, timeDistributed } from './index';

describeEachBackend(['cpu', 'wasm'], 'sequential', () => {
  it('names layers like Keras, counts parameters and prints a summary', () => {
    const model = sequential(
      [embedding({ inputDim: 10000, outputDim: 32 }), dense({ units: 8, activation: 'relu' }), dropout(0.5), dense({ units: 1, activation: 'sigmoid' })],
      { seed: 3 },
    );
    expect(model.layers.map((l) => l.name)).toEqual(['embedding', 'dense', 'dropout', 'dense_1']);
    expect(Object.keys(model.params)).toEqual(['embedding/embeddings', 'dense/kernel', 'dense/bias', 'dense_1/kernel', 'dense_1/bias']);
    expect(model.countParams()).toBe(320000 + 264 + 9);
    expect(model.outputShape).toEqual([null, null, 1]);
    const text = model.summary();
    expect(text).toContain('embedding (Embedding)');
    expect(text).toContain('(None, None, 32)');
    expect(text).toContain('320,000');
    expect(text).toContain('Total params: 320,273 (1.22 MB)');
    model.dispose();
  });

  it('repeats from one seed, and threads the embedding mask through dense and dropout', () => {
    const layers = [embedding({ inputDim: 20, outputDim: 4, maskZero: true }), dropout(0.3), timeDistributed(dense({ units: 2 }))];
    const a = sequential(layers, { seed: 11 });
    const b = sequential(layers, { seed: 11 });
    const c = sequential(layers, { seed: 12 });
    expectClose(a.params['embedding/embeddings']!, b.params['embedding/embeddings']!, { rtol: 0, atol: 0 }, 'same seed');
    expect(Array.from(a.params['time_distributed/kernel']!.dataSync())).not.toEqual(Array.from(c.params['time_distributed/kernel']!.dataSync()));
    const ids = tensor2d([[0, 0, 3, 4], [1, 2, 3, 4]], [2, 4], 'int32');
    const out = a.call(ids, { training: true, seed: 5 });
    const again = b.call(ids, { training: true, seed: 5 });
    expectClose(out.y, again.y, { rtol: 0, atol: 0 }, 'seeded dropout');
    expect(Array.from(out.mask!.dataSync())).toEqual([0, 0, 1, 1, 1, 1, 1, 1]);
    const t1 = a.apply(ids, { training: true });
    const t2 = a.apply(ids, { training: true });
    expect(Array.from(t1.dataSync())).not.toEqual(Array.from(t2.dataSync()));
    dispose([ids, out.y, out.mask!, again.y, again.mask!, t1, t2]);
    for (const m of [a, b, c]) m.dispose();
  });

  it('rebuilds from its topology and weights without initialising, and checks weight shapes', () => {
    const model = sequential([masking(), dense({ units: 3 })], { inputShape: [5, 2], seed: 1 });
    const weights = { ...model.params };
    const copy = sequentialFromTopology(JSON.parse(JSON.stringify(model.topology())), { weights });
    const x = tidy(() => tensor2d([[1, 2], [0, 0], [3, 4], [5, 6], [0, 0]]).reshape([1, 5, 2]));
    const y1 = model.apply(x, { training: false });
    const y2 = copy.apply(x, { training: false });
    expectClose(y2, y1, { rtol: 0, atol: 0 }, 'rebuilt');
    const wrong = { ...weights, 'dense/kernel': zerosTensor([3, 3]) };
    expect(() => sequentialFromTopology(model.topology(), { weights: wrong })).toThrow("weight 'dense/kernel' has shape [3, 3], expected [2, 3]");
    const { ['dense/bias']: _bias, ...missing } = weights;
    expect(() => sequentialFromTopology(model.topology(), { weights: missing })).toThrow(/weight 'dense\/bias' is missing; expected shape \[3\]/);
    expect(() => model.apply(tensor2d([[1, 2]]), { training: false })).toThrow(/input must have shape \(None, 5, 2\), got \[1, 2\]/);
    expect(() => sequential([dense({ units: 1 })])).toThrow(/inputShape is required/);
    dispose([x, y1, y2, wrong['dense/kernel']]);
    model.dispose();
    copy.dispose();
  });

  it('does not leak in training or inference', async () => {
    const model = sequential([embedding({ inputDim: 10, outputDim: 4, maskZero: true }), dropout(0.5), dense({ units: 2 })], { seed: 2 });
    const ids = tensor2d([[0, 1, 2]], [1, 3], 'int32');
    await expectNoLeaks(() => dispose(model.apply(ids, { training: true })), 3, 'training apply');
    await expectNoLeaks(() => {
      const out = model.call(ids, { training: false });
      dispose([out.y, out.mask!]);
    }, 3, 'call');
    ids.dispose();
    model.dispose();
  });
});
