import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { dispose, tensor } from '@rnnkit/tensor';
import type { Scalar, Tensor } from '@rnnkit/tensor';
import { sgd } from '@rnnkit/training';
import { add, applyLayer, concatenate, dense, input, lstm, model } from '../index';
import type { Functional, SymbolicTensor } from '../index';
import { seeded } from '../test-utils';

function values(n: number, shape: number[], seed: number): Tensor {
  return tensor(Array.from(seeded(n, seed)), shape);
}

/** Two inputs through a shared LSTM; a regression head on their concatenation and a sigmoid head on their sum. */
function buildTheirs(): tfl.LayersModel {
  const a = tfl.input({ shape: [5, 3], name: 'a' });
  const b = tfl.input({ shape: [5, 3], name: 'b' });
  const shared = tfl.layers.lstm({ units: 4, recurrentActivation: 'sigmoid', name: 'shared' });
  const sa = shared.apply(a) as tfl.SymbolicTensor;
  const sb = shared.apply(b) as tfl.SymbolicTensor;
  const out1 = tfl.layers.dense({ units: 2, name: 'out1' }).apply(tfl.layers.concatenate({ name: 'cat' }).apply([sa, sb])) as tfl.SymbolicTensor;
  const out2 = tfl.layers.dense({ units: 1, activation: 'sigmoid', name: 'out2' }).apply(tfl.layers.add({ name: 'sum' }).apply([sa, sb])) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [a, b], outputs: [out1, out2] });
}

function buildOurs(): Functional {
  const a = input({ shape: [5, 3], name: 'a' });
  const b = input({ shape: [5, 3], name: 'b' });
  const shared = lstm({ units: 4, name: 'shared' });
  const sa = applyLayer(shared, a) as SymbolicTensor;
  const sb = applyLayer(shared, b) as SymbolicTensor;
  const out1 = applyLayer(dense({ units: 2, name: 'out1' }), applyLayer(concatenate({ name: 'cat' }), [sa, sb]));
  const out2 = applyLayer(dense({ units: 1, activation: 'sigmoid', name: 'out2' }), applyLayer(add({ name: 'sum' }), [sa, sb]));
  return model({ inputs: [a, b], outputs: [out1, out2], name: 'two_heads' });
}

function copyWeights(from: tfl.LayersModel, to: Functional): void {
  for (const layer of to.layers) {
    if (layer.weightNames.length === 0) continue;
    from.getLayer(layer.name).getWeights().forEach((w, i) => {
      const value = tensor(Array.from(w.dataSync()), w.shape);
      to.params[layer.weightNames[i]!]!.assign(value);
      value.dispose();
    });
  }
}

/** 12 samples: two inputs, a 2-d regression target and a 0/1 label. */
function data(): { xa: Tensor; xb: Tensor; y1: Tensor; y2: Tensor } {
  return {
    xa: values(12 * 15, [12, 5, 3], 21),
    xb: values(12 * 15, [12, 5, 3], 22),
    y1: values(24, [12, 2], 23),
    y2: tensor(Array.from({ length: 12 }, (_, i) => (i * 7) % 3 === 0 ? 1 : 0), [12, 1]),
  };
}

describeEachBackend(['cpu', 'wasm'], 'fit on a model with two inputs and two outputs', () => {
  it('trains as tfjs-layers does: per-output and total losses of each epoch, and the weights after, within 1e-5', async () => {
    const theirs = buildTheirs();
    const ours = buildOurs();
    copyWeights(theirs, ours);
    const { xa, xb, y1, y2 } = data();
    // tfjs-layers ignores lossWeights (Keras applies them; checked below by their definition)
    theirs.compile({ optimizer: tfc.train.sgd(0.2), loss: ['meanSquaredError', 'binaryCrossentropy'] });
    ours.compile({ optimizer: sgd({ learningRate: 0.2 }), loss: ['mse', 'binary_crossentropy'] });
    const reference = await theirs.fit([xa, xb], [y1, y2], { epochs: 3, batchSize: 4, shuffle: false, verbose: 0 });
    const history = await ours.fit([xa, xb], [y1, y2], { epochs: 3, batchSize: 4, shuffle: false });
    expect(Object.keys(history.history).sort()).toEqual(['loss', 'out1_loss', 'out2_loss']);
    for (const key of ['loss', 'out1_loss', 'out2_loss']) {
      const mine = history.history[key]!;
      const expected = reference.history[key] as number[];
      mine.forEach((v, e) => expect(Math.abs(v - expected[e]!)).toBeLessThan(1e-5));
    }
    for (const layer of ours.layers) {
      theirs.getLayer(layer.name).getWeights().forEach((w, i) => expectClose(ours.params[layer.weightNames[i]!]!, w, { atol: 1e-5 }, layer.weightNames[i]!));
    }

    // evaluate: [loss, out1_loss, out2_loss] as tfjs-layers; predict: one tensor per output
    const mine = ours.evaluate([xa, xb], [y1, y2], { batchSize: 5 }) as Scalar[];
    const expected = theirs.evaluate([xa, xb], [y1, y2], { batchSize: 5 }) as tfc.Scalar[];
    // tfjs-layers 4.22 returns one value more than its metricsNames ['loss', 'out1_loss', 'out2_loss'] (out1_loss again, in front)
    expect(theirs.metricsNames).toEqual(['loss', 'out1_loss', 'out2_loss']);
    expect(mine).toHaveLength(3);
    mine.forEach((v, i) => expectClose(v, expected.at(i - 3)!, { atol: 1e-5 }, `evaluate[${i}]`));
    const predicted = ours.predict([xa, xb], { batchSize: 5 }) as Tensor[];
    const theirPredicted = theirs.predict([xa, xb]) as tfc.Tensor[];
    expect(predicted.map((t) => t.shape)).toEqual([[12, 2], [12, 1]]);
    predicted.forEach((p, i) => expectClose(p, theirPredicted[i]!, { atol: 1e-5 }, `predict[${i}]`));

    // Keras' total loss weighs each output's: loss = 1·out1_loss + 0.5·out2_loss
    ours.compile({ optimizer: 'sgd', loss: ['mse', 'binary_crossentropy'], lossWeights: { out2: 0.5 } });
    const weighted = (ours.evaluate([xa, xb], [y1, y2]) as Scalar[]).map((s) => s.dataSync()[0]!);
    expect(weighted[0]!).toBeCloseTo(weighted[1]! + 0.5 * weighted[2]!, 6);
    dispose([xa, xb, y1, y2, ...mine, ...expected, ...predicted, ...theirPredicted]);
    theirs.dispose();
    ours.dispose();
  });
});

describeEachBackend(['cpu'], 'fit on a model with several inputs and outputs', () => {
  it('takes data by name, per-output metrics, validation, sample weights, and leaks nothing', async () => {
    const ours = buildOurs();
    const { xa, xb, y1, y2 } = data();
    ours.compile({ optimizer: 'adam', loss: { out1: 'mse', out2: 'binary_crossentropy' }, metrics: { out2: ['accuracy'] } });
    const byList = await ours.fit([xa, xb], [y1, y2], { epochs: 1, batchSize: 4, validationSplit: 0.25, seed: 3 });
    expect(byList.params.metrics).toEqual(['loss', 'out1_loss', 'out2_loss', 'out2_accuracy', 'val_loss', 'val_out1_loss', 'val_out2_loss', 'val_out2_accuracy']);
    expect(byList.params.samples).toBe(9);
    const before = ours.getWeights();
    const byName = await ours.fit({ a: xa, b: xb }, { out1: y1, out2: y2 }, { epochs: 1, batchSize: 4, validationData: [{ a: xa, b: xb }, { out2: y2, out1: y1 }], seed: 4 });
    expect(byName.history['val_out2_accuracy']).toHaveLength(1);

    // sample weights of 2 double every loss; trainOnBatch and predictOnBatch take lists too
    const plain = ours.evaluate([xa, xb], [y1, y2]) as Scalar[];
    const twice = ours.evaluate([xa, xb], [y1, y2], { sampleWeight: new Float32Array(12).fill(2) }) as Scalar[];
    [0, 1, 2].forEach((i) => expect(twice[i]!.dataSync()[0]!).toBeCloseTo(2 * plain[i]!.dataSync()[0]!, 5));
    expect(twice[3]!.dataSync()[0]).toBeCloseTo(plain[3]!.dataSync()[0]!, 6);
    const step = await ours.trainOnBatch([xa, xb], [y1, y2]);
    expect(step).toHaveLength(4);
    const onBatch = ours.predictOnBatch({ a: xa, b: xb }) as Tensor[];
    expect(onBatch.map((t) => t.shape)).toEqual([[12, 2], [12, 1]]);
    dispose([...before, ...plain, ...twice, ...onBatch]);

    await expectNoLeaks(async () => {
      await ours.fit([xa, xb], [y1, y2], { epochs: 1, batchSize: 5, validationSplit: 0.2 });
      dispose(ours.evaluate([xa, xb], [y1, y2]) as Scalar[]);
      dispose(ours.predict([xa, xb]) as Tensor[]);
    });
    dispose([xa, xb, y1, y2]);
    ours.dispose();
  });

  it('says what is wrong with the data', async () => {
    const ours = buildOurs();
    const { xa, xb, y1, y2 } = data();
    ours.compile({ optimizer: 'sgd', loss: 'mse' });
    await expect(ours.fit(xa, [y1, y2])).rejects.toThrow("two_heads.fit: the model has 2 ('a', 'b'); x must be a list or an object with one value for each");
    await expect(ours.fit([xa], [y1, y2])).rejects.toThrow("two_heads.fit: x must be a list of 2 (one for each of 'a', 'b'), got a list of 1");
    await expect(ours.fit({ a: xa, c: xb }, [y1, y2])).rejects.toThrow("two_heads.fit: x has no 'c'; the model's names are 'a', 'b'");
    await expect(ours.fit({ a: xa }, [y1, y2])).rejects.toThrow("two_heads.fit: x is missing 'b'");
    await expect(ours.fit([xa, xb], [y1, y1])).rejects.toThrow("y[1] has shape [12, 2], but the model's output [null, 1]");
    await expect(ours.fit([xa, xb], [y1, y2], { classWeight: { 0: 1, 1: 2 } })).rejects.toThrow('classWeight needs a model with one output (this one has 2)');
    await expect(ours.fit([xa, xb], [y1, y2], { mask: (x) => x })).rejects.toThrow('mask is for models with one input and one output');
    const short = values(15 * 10, [10, 5, 3], 5);
    await expect(ours.fit([xa, short], [y1, y2])).rejects.toThrow('every part of x must have the same number of samples, got 12, 10');
    expect(() => ours.compile({ optimizer: 'sgd', loss: ['mse'] })).toThrow("loss must have one entry per output ('out1', 'out2'), got 1");
    expect(() => ours.compile({ optimizer: 'sgd', loss: { out3: 'mse' } })).toThrow("loss names 'out3', which the model's outputs ('out1', 'out2') are not");
    expect(() => ours.compile({ optimizer: 'sgd', loss: { out1: 'mse' } })).toThrow("loss gives nothing for output 'out2'");
    dispose([xa, xb, y1, y2, short]);
    ours.dispose();
  });
});
