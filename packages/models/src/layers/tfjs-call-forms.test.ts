import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { dispose, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import {
  activation,
  bidirectional,
  dense,
  dropout,
  input,
  lstm,
  model,
  repeatVector,
  reshape,
  saveModelToArtifacts,
  loadModelFromArtifacts,
  sequential,
  timeDistributed,
  concatenate,
  gru,
  simpleRnn,
  simpleRNN,
  maxPool1d,
  maxPooling1d,
} from '../index';
import type { Model, SymbolicTensor } from '../index';
import { seeded } from '../test-utils';

/** Gives the tfjs-layers model our weights (both list them in Keras' order) and compares predictions on `x`. */
function expectSamePredictions(ours: Model & { getWeights(): Tensor[]; predict(x: Tensor): Tensor | Tensor[] }, theirs: tfl.LayersModel, x: Tensor): void {
  const weights = ours.getWeights();
  theirs.setWeights(weights.map((w) => tfc.tensor(Array.from(w.dataSync()), w.shape)));
  const expected = theirs.predict(tfc.tensor(Array.from(x.dataSync()), x.shape)) as tfc.Tensor;
  const predicted = ours.predict(x) as Tensor;
  expectClose(predicted, expected, { atol: 1e-5 }, 'prediction');
  dispose([...weights, predicted]);
}

describeEachBackend(['cpu', 'wasm'], "tfjs-layers' call forms", () => {
  it('sequential({ layers }), inputShape on the first layer and config objects build what tfjs-layers builds (1e-5)', () => {
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.lstm({ units: 6, inputShape: [5, 3], returnSequences: true, recurrentActivation: 'sigmoid' }),
        tfl.layers.dropout({ rate: 0.2 }),
        tfl.layers.bidirectional({ layer: tfl.layers.gru({ units: 4, recurrentActivation: 'sigmoid' }) as tfl.RNN, mergeMode: 'sum' }),
        tfl.layers.repeatVector({ n: 2 }),
        tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 4 }) }),
        tfl.layers.reshape({ targetShape: [8] }),
        tfl.layers.activation({ activation: 'tanh' }),
      ],
    });
    const ours = sequential({
      layers: [
        lstm({ units: 6, inputShape: [5, 3], returnSequences: true }),
        dropout({ rate: 0.2 }),
        bidirectional({ layer: gru({ units: 4, resetAfter: false }), mergeMode: 'sum' }),
        repeatVector({ n: 2 }),
        timeDistributed({ layer: dense({ units: 4 }) }),
        reshape({ targetShape: [8] }),
        activation({ activation: 'tanh' }),
      ],
      name: 'tfjs_form',
    });
    expect(ours.inputShape).toEqual([null, 5, 3]);
    expect(ours.name).toBe('tfjs_form');
    const x = tensor(Array.from(seeded(2 * 5 * 3, 11)), [2, 5, 3]);
    expectSamePredictions(ours, theirs, x);
    // batchInputShape says the same (its batch size is not kept)
    const viaBatchShape = sequential([lstm({ units: 6, batchInputShape: [2, 5, 3] }), dense({ units: 1 })]);
    expect(viaBatchShape.inputShape).toEqual([null, 5, 3]);
    viaBatchShape.dispose();
    x.dispose();
    ours.dispose();
  });

  it('layer.apply draws a functional graph as applyLayer does, as tfjs-layers writes it (1e-5)', () => {
    const a = tfl.input({ shape: [4, 3] });
    const b = tfl.input({ shape: [4, 3] });
    const sharedTf = tfl.layers.lstm({ units: 5, recurrentActivation: 'sigmoid' });
    const mergedTf = tfl.layers.concatenate().apply([sharedTf.apply(a) as tfl.SymbolicTensor, sharedTf.apply(b) as tfl.SymbolicTensor]) as tfl.SymbolicTensor;
    const theirs = tfl.model({ inputs: [a, b], outputs: tfl.layers.dense({ units: 2 }).apply(mergedTf) as tfl.SymbolicTensor });

    const x1 = input({ shape: [4, 3] });
    const x2 = input({ shape: [4, 3] });
    const shared = lstm({ units: 5 });
    const merged = concatenate().apply([shared.apply(x1) as SymbolicTensor, shared.apply(x2) as SymbolicTensor]) as SymbolicTensor;
    const ours = model({ inputs: [x1, x2], outputs: dense({ units: 2 }).apply(merged) as SymbolicTensor });
    expect(ours.layers.map((l) => l.name)).toEqual(['input_layer', 'input_layer_1', 'lstm', 'concatenate', 'dense']);

    const weights = ours.getWeights();
    theirs.setWeights(weights.map((w) => tfc.tensor(Array.from(w.dataSync()), w.shape)));
    const v1 = tensor(Array.from(seeded(24, 3)), [2, 4, 3]);
    const v2 = tensor(Array.from(seeded(24, 4)), [2, 4, 3]);
    const expected = theirs.predict([tfc.tensor(Array.from(v1.dataSync()), [2, 4, 3]), tfc.tensor(Array.from(v2.dataSync()), [2, 4, 3])]) as tfc.Tensor;
    const predicted = ours.predict([v1, v2]) as Tensor;
    expectClose(predicted, expected, { atol: 1e-5 }, 'two-input model');
    dispose([...weights, predicted, v1, v2]);
    ours.dispose();
  });

  it('a layer spec stays plain JSON: apply and the declared shape are not saved, spread or compared', async () => {
    const layer = lstm({ units: 3, inputShape: [4, 2], name: 'l' });
    expect(typeof layer.apply).toBe('function');
    expect(JSON.parse(JSON.stringify(layer))).toEqual({ ...layer });
    expect(Object.keys(layer)).not.toContain('apply');
    const m = sequential([layer, dense({ units: 1 })]);
    const copy = loadModelFromArtifacts(saveModelToArtifacts(m));
    expect(copy.summary()).toBe(m.summary());
    await expectNoLeaks(async () => {
      const again = sequential([layer, dense({ units: 1 })]);
      again.dispose();
    });
    copy.dispose();
    m.dispose();
  });

  it("answers to tfjs-layers' factory names too", () => {
    expect(simpleRNN).toBe(simpleRnn);
    expect(maxPooling1d).toBe(maxPool1d);
  });

  it('says what is wrong with an input shape or a config', () => {
    expect(() => sequential([lstm({ units: 3, inputShape: [4, 2] })], { inputShape: [4, 3] })).toThrow(
      "sequential: inputShape [4,3] differs from the first layer's inputShape [4,2]",
    );
    expect(() => sequential([lstm({ units: 3, inputShape: [4, 2], returnSequences: true }), dense({ units: 1, inputShape: [4, 5] })])).toThrow(
      "sequential: layers[1] 'dense' declares inputShape [4,5], but its input is (None, 4, 3)",
    );
    expect(() => lstm({ units: 3, inputShape: [4, 2], batchInputShape: [1, 4, 2] })).toThrow('lstm: give inputShape or batchInputShape, not both');
    expect(() => dense({ units: 3, inputShape: [0] })).toThrow('dense: inputShape must be an array of positive integers or null, got [0]');
    expect(() => dense({ units: 3, batchInputShape: [4] })).toThrow('dense: batchInputShape must have the batch axis and at least one more, got [4]');
    expect(() => sequential({ layer: [dense({ units: 1 })] } as never)).toThrow('sequential: expected an array of layers or { layers: [...] }, got an object with ["layer"]');
    expect(() => dropout({} as { rate: number })).toThrow('dropout: rate must be a number in [0, 1), got undefined');
    expect(() => sequential([dense({ units: 1 })])).toThrow('give it to sequential or to the first layer');
  });
});
