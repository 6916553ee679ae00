import * as tfl from '@tensorflow/tfjs-layers';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { dispose, tensor2d, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { bidirectional, dense, embedding, gru, lstm, sequential, simpleRnn } from '../index';
import type { LayerSpec, Sequential } from '../index';

/** The same network in tfjs-layers, with our weights copied in (both use Keras' layout and order). */
function tfjsTwin(model: Sequential, build: (input: number) => tfl.layers.Layer[]): tfl.Sequential {
  const twin = tfl.sequential({ layers: build(0) });
  twin.setWeights(Object.values(model.params) as unknown as Parameters<typeof twin.setWeights>[0]);
  return twin;
}

const ids = (): Tensor =>
  tensor2d(
    [
      [0, 0, 3, 7, 1, 9],
      [4, 2, 8, 8, 5, 6],
      [0, 0, 0, 0, 2, 3],
    ],
    [3, 6],
    'int32',
  );

describeEachBackend(['cpu', 'wasm'], 'recurrent layers', () => {
  it('count parameters as Keras: the IMDB SimpleRNN model (322,113) and the BiLSTM example (2,757,761)', () => {
    const imdb = sequential([embedding({ inputDim: 10000, outputDim: 32 }), simpleRnn({ units: 32 }), dense({ units: 1, activation: 'sigmoid' })]);
    expect(imdb.countParams()).toBe(322113);
    expect(imdb.summary()).toContain('simple_rnn (SimpleRNN)');
    expect(imdb.summary()).toContain('Total params: 322,113 (1.23 MB)');
    expect(Object.keys(imdb.params)).toEqual(['embedding/embeddings', 'simple_rnn/wxh', 'simple_rnn/whh', 'simple_rnn/bh', 'dense/kernel', 'dense/bias']);
    imdb.dispose();
    const bilstm = sequential([
      embedding({ inputDim: 20000, outputDim: 128 }),
      bidirectional(lstm({ units: 64, returnSequences: true })),
      bidirectional(lstm({ units: 64 })),
      dense({ units: 1, activation: 'sigmoid' }),
    ]);
    expect(bilstm.countParams()).toBe(2757761);
    expect(bilstm.layers.map((l) => l.outputShape)).toEqual([[null, null, 128], [null, null, 128], [null, 128], [null, 1]]);
    expect(bilstm.summary()).toContain('bidirectional_1 (Bidirectional)');
    bilstm.dispose();
    const counts = (layer: LayerSpec): number => {
      const m = sequential([layer], { inputShape: [null, 10] });
      const n = m.countParams();
      m.dispose();
      return n;
    };
    expect(counts(gru({ units: 8 }))).toBe(3 * 8 * (10 + 8 + 2));
    expect(counts(gru({ units: 8, resetAfter: false }))).toBe(3 * 8 * (10 + 8 + 1));
    expect(counts(lstm({ units: 8, useBias: false }))).toBe(4 * 8 * (10 + 8));
  });

  const cases: { name: string; ours: LayerSpec[]; theirs: () => tfl.layers.Layer[] }[] = [
    {
      name: 'SimpleRNN, masked',
      ours: [embedding({ inputDim: 10, outputDim: 4, maskZero: true }), simpleRnn({ units: 5 }), dense({ units: 2 })],
      theirs: () => [tfl.layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true }), tfl.layers.simpleRNN({ units: 5 }), tfl.layers.dense({ units: 2 })],
    },
    {
      name: 'LSTM sequences then LSTM, masked',
      ours: [embedding({ inputDim: 10, outputDim: 4, maskZero: true }), lstm({ units: 5, returnSequences: true }), lstm({ units: 3 })],
      theirs: () => [
        tfl.layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true }),
        tfl.layers.lstm({ units: 5, returnSequences: true, recurrentActivation: 'sigmoid' }),
        tfl.layers.lstm({ units: 3, recurrentActivation: 'sigmoid' }),
      ],
    },
    {
      name: 'GRU (resetAfter false), unmasked, sequences',
      ours: [embedding({ inputDim: 10, outputDim: 4 }), gru({ units: 5, resetAfter: false, returnSequences: true })],
      theirs: () => [tfl.layers.embedding({ inputDim: 10, outputDim: 4 }), tfl.layers.gru({ units: 5, recurrentActivation: 'sigmoid', returnSequences: true })],
    },
    {
      name: 'Bidirectional LSTM, concat, masked',
      ours: [embedding({ inputDim: 10, outputDim: 4, maskZero: true }), bidirectional(lstm({ units: 3 })), dense({ units: 1, activation: 'sigmoid' })],
      theirs: () => [
        tfl.layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true }),
        tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: 3, recurrentActivation: 'sigmoid' }) as tfl.RNN, mergeMode: 'concat' }),
        tfl.layers.dense({ units: 1, activation: 'sigmoid' }),
      ],
    },
    {
      name: 'Bidirectional GRU sequences, ave, unmasked',
      ours: [embedding({ inputDim: 10, outputDim: 4 }), bidirectional(gru({ units: 3, resetAfter: false, returnSequences: true }), { mergeMode: 'ave' })],
      theirs: () => [
        tfl.layers.embedding({ inputDim: 10, outputDim: 4 }),
        tfl.layers.bidirectional({ layer: tfl.layers.gru({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true }) as tfl.RNN, mergeMode: 'ave' }),
      ],
    },
  ];
  for (const c of cases) {
    it(`match tfjs-layers with copied weights: ${c.name}`, () => {
      const model = sequential(c.ours, { seed: 5 });
      const twin = tfjsTwin(model, c.theirs);
      const x = ids();
      const ours = model.apply(x, { training: false });
      const theirs = twin.predict(x) as Tensor;
      expectClose(ours, theirs, { rtol: 1e-5, atol: 1e-6 }, c.name);
      dispose([x, ours, theirs]);
      twin.dispose();
      model.dispose();
    });
  }

  it('pass the mask on only with returnSequences, and do not leak', async () => {
    const model = sequential([embedding({ inputDim: 10, outputDim: 4, maskZero: true }), gru({ units: 3, returnSequences: true, dropout: 0.2, recurrentDropout: 0.2 })], { seed: 1 });
    const x = ids();
    const out = model.call(x, { training: false });
    expect(out.y.shape).toEqual([3, 6, 3]);
    expect(Array.from(out.mask!.dataSync())).toEqual([0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 1, 1]);
    await expectNoLeaks(() => dispose(model.apply(x, { training: true })), 2, 'recurrent training apply');
    dispose([x, out.y, out.mask!]);
    model.dispose();
    const errorModel = sequential([simpleRnn({ units: 2 })], { inputShape: [null, 3] });
    expect(() => errorModel.apply(tidy(() => tensor2d([[1, 2, 3]])), { training: false })).toThrow(/input must have shape \(None, None, 3\), got \[1, 3\]/);
    errorModel.dispose();
  });
});
