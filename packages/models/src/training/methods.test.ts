/**
 * The other Keras-shaped methods — evaluate, predict, trainOnBatch, predictOnBatch, getWeights,
 * setWeights — against @rnnkit/training's free functions and tfjs-layers; inputs as tensors, typed
 * arrays and nested arrays; class weights; clear errors; no tensor leaks.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { createRng, dispose, numTensors, tensor, tensor2d } from '@rnnkit/tensor';
import type { Scalar, Tensor } from '@rnnkit/tensor';
import { binaryAccuracy, binaryCrossentropy, evaluate, fit, sgd, sparseCategoricalCrossentropy } from '@rnnkit/training';
import { bidirectional, dense, embedding, lstm, seq2seq, packSeq2seqInput, sequential, simpleRnn, toLayersArtifacts } from '../index';
import type { Sequential } from '../index';

/** N points in the plane labelled by the sign of x0 + x1. */
function points(n: number, seed: number): { x: number[][]; y: number[] } {
  const rng = createRng(seed);
  const x = Array.from({ length: n }, () => [rng.normal(), rng.normal()]);
  return { x, y: x.map(([a, b]) => (a! + b! > 0 ? 1 : 0)) };
}

const classifier = (seed = 1): Sequential =>
  sequential([dense({ units: 4, activation: 'tanh' }), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [2], seed, name: 'clf' });
const weightsOf = (model: Sequential): number[][] => Object.values(model.params).map((v) => Array.from(v.dataSync()));
const numbers = (t: Tensor): number[] => Array.from(t.dataSync());

describeEachBackend(['cpu', 'wasm'], 'model methods', () => {
  const { x, y } = points(50, 4);
  const flatX = Float32Array.from(x.flat());
  const labels = Float32Array.from(y);

  it('predict and predictOnBatch equal apply, for tensors, typed arrays and nested arrays', () => {
    const model = classifier();
    const xt = tensor2d(flatX, [50, 2]);
    const expected = model.apply(xt, { training: false });
    for (const input of [xt, { values: flatX, shape: [50, 2] }, x]) {
      const all = model.predict(input, { batchSize: 7 });
      expect(all.shape).toEqual([50, 1]);
      expectClose(all, expected, { rtol: 1e-6, atol: 1e-7 }, 'predict');
      const once = model.predictOnBatch(input);
      expect(numbers(once)).toEqual(numbers(expected));
      dispose([all, once]);
    }
    dispose([xt, expected]);
    model.dispose();
  });

  it('evaluate returns the free evaluation as tfjs-layers scalars: one without metrics, [loss, ...metrics] with', () => {
    const model = classifier();
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    const lossOnly = model.evaluate(x, labels, { batchSize: 16 }) as Scalar;
    const reference = evaluate({
      forward: (xb) => model.apply(xb, { training: false }),
      loss: binaryCrossentropy(),
      metrics: [binaryAccuracy({ name: 'accuracy' })],
      x: { values: flatX, shape: [50, 2] },
      y: { values: labels, shape: [50, 1] },
      batchSize: 16,
    });
    expect(lossOnly.rank).toBe(0);
    expect(lossOnly.dataSync()[0]).toBe(Math.fround(reference['loss']!));
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const both = model.evaluate(x, labels, { batchSize: 16 }) as Scalar[];
    expect(both.map((s) => s.dataSync()[0])).toEqual([Math.fround(reference['loss']!), Math.fround(reference['accuracy']!)]);
    dispose([lossOnly, ...both]);
    model.dispose();
  });

  it('trainOnBatch is one update of the free fit on the whole batch, returning [loss, ...metrics]', async () => {
    const model = classifier();
    model.compile({ optimizer: sgd({ learningRate: 0.5 }), loss: 'binary_crossentropy', metrics: ['acc'] });
    const twin = classifier();
    const optimizer = sgd({ learningRate: 0.5 });
    for (let round = 0; round < 3; round++) {
      const result = await model.trainOnBatch(x, labels);
      const history = await fit({
        params: twin.params,
        forward: (xb, training, context) => twin.apply(xb, { training, seed: context.seed }),
        loss: binaryCrossentropy(),
        optimizer,
        metrics: [binaryAccuracy({ name: 'acc' })],
        x: { values: flatX, shape: [50, 2] },
        y: { values: labels, shape: [50, 1] },
        batchSize: 50,
        shuffle: false,
      });
      expect(result).toEqual([history.history['loss']![0], history.history['acc']![0]]);
      expect(weightsOf(model)).toEqual(weightsOf(twin));
    }
    model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
    expect(typeof (await model.trainOnBatch(x, labels))).toBe('number');
    optimizer.dispose();
    twin.dispose();
    model.dispose();
  });

  it("getWeights lists copies in tfjs-layers' order and values; setWeights puts them back, checking count and shapes", async () => {
    const model = sequential(
      [embedding({ inputDim: 12, outputDim: 3 }), bidirectional(lstm({ units: 2, returnSequences: true })), simpleRnn({ units: 3 }), dense({ units: 1, activation: 'sigmoid' })],
      { seed: 5, name: 'tagger' },
    );
    const theirs = await tfl.loadLayersModel(tfc.io.fromMemory(toLayersArtifacts(model) as unknown as tfc.io.ModelArtifacts));
    const ours = model.getWeights();
    const expected = theirs.getWeights();
    expect(ours.map((w) => w.shape)).toEqual(expected.map((w) => w.shape));
    ours.forEach((w, i) => expect(numbers(w)).toEqual(numbers(expected[i]!)));
    const trainableOnly = model.getWeights(true);
    expect(trainableOnly).toHaveLength(ours.length);
    dispose(trainableOnly);

    const other = sequential(
      [embedding({ inputDim: 12, outputDim: 3 }), bidirectional(lstm({ units: 2, returnSequences: true })), simpleRnn({ units: 3 }), dense({ units: 1, activation: 'sigmoid' })],
      { seed: 6 },
    );
    const ids = tensor([1, 2, 3, 4, 5, 6, 7, 8], [2, 4], 'int32');
    const before = other.predict(ids);
    other.setWeights(ours);
    const after = other.predict(ids);
    const reference = model.predict(ids);
    expect(numbers(before)).not.toEqual(numbers(reference));
    expect(numbers(after)).toEqual(numbers(reference));
    // the copies belong to the caller: disposing them leaves both models intact
    dispose(ours);
    const again = model.predict(ids);
    expect(numbers(again)).toEqual(numbers(reference));
    again.dispose();

    const fresh = model.getWeights();
    expect(() => other.setWeights(fresh.slice(1))).toThrow(/^sequential\.setWeights: expected a list of 12 weights \(embedding\/embeddings, bidirectional\/forward\/wxh, .*, dense\/bias\), got 11$/);
    const wrong = [...fresh];
    wrong[4] = tensor2d([[1, 2]], [1, 2]);
    expect(() => other.setWeights(wrong)).toThrow(/^sequential\.setWeights: weights\[4\] \('bidirectional\/backward\/wxh'\) has shape \[1, 2\], expected \[3, 8\]$/);
    // tfjs-layers hands out its variables' own tensors (disposed with its model); ours are copies
    dispose([...fresh, wrong[4]!, ids, before, after, reference]);
    theirs.dispose();
    other.dispose();
    model.dispose();
  });

  it('classWeight weighs each sample by its class, as the same weights given as sampleWeight do', async () => {
    const a = classifier();
    const b = classifier();
    a.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    b.compile({ optimizer: 'adam', loss: 'binary_crossentropy' });
    const ha = await a.fit(x, y, { epochs: 2, batchSize: 8, classWeight: { 0: 1, 1: 3 } });
    const hb = await b.fit(x, y, { epochs: 2, batchSize: 8, sampleWeight: Float32Array.from(y, (c) => (c === 1 ? 3 : 1)) });
    expect(weightsOf(a)).toEqual(weightsOf(b));
    expect(ha.history).toEqual(hb.history);
    // one-hot targets take the class of their largest entry; unlisted classes weigh 1
    const c = sequential([dense({ units: 3, activation: 'softmax' })], { inputShape: [2] });
    c.compile({ optimizer: 'sgd', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    const oneHot = y.map((k) => [k === 0 ? 1 : 0, k === 1 ? 1 : 0, 0]);
    const hc = await c.fit(x, oneHot, { classWeight: { 1: 2 } });
    expect(Object.keys(hc.history)).toEqual(['loss', 'accuracy']);
    await expect(a.fit(x, y, { classWeight: { 0: 1 }, sampleWeight: labels })).rejects.toThrow('clf.fit: give sampleWeight or classWeight, not both');
    await expect(a.fit(x, y, { classWeight: { 1: Number.NaN } })).rejects.toThrow('clf.fit: classWeight[1] must be a finite number, got NaN');
    for (const m of [a, b, c]) m.dispose();
  });

  it('sparse targets and accuracy: ids [N] against softmax outputs [N, C]', async () => {
    const model = sequential([dense({ units: 3, activation: 'softmax' })], { inputShape: [2], seed: 2 });
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['acc'] });
    const ids = Int32Array.from(x, ([a, b]) => (a! > 0 ? 1 : 0) + (b! > 0 ? 1 : 0));
    const history = await model.fit(x, ids, { epochs: 3, batchSize: 10, validationData: [x.slice(0, 10), ids.slice(0, 10)] });
    expect(Object.keys(history.history)).toEqual(['loss', 'acc', 'val_loss', 'val_acc']);
    expect(history.history['acc']!.every((v) => v >= 0 && v <= 1)).toBe(true);
    await expect(model.fit(x, x.map((row) => [...row, 0]))).rejects.toThrow(
      "sequential.fit: y has shape [50, 3], but the model's output [null, 3] needs targets of class ids of shape [null] or [null, 1]",
    );
    model.dispose();
  });

  it('trains a seq2seq model too, from packed inputs and a loss instance', async () => {
    const model = seq2seq({ sourceVocab: 8, targetVocab: 8, units: 6, sourceLength: 4, seed: 3 });
    const rng = createRng(5);
    const source = tensor(Array.from({ length: 24 * 4 }, () => 1 + rng.int(7)), [24, 4], 'int32');
    const target = tensor(Array.from({ length: 24 * 5 }, () => 1 + rng.int(7)), [24, 5], 'int32');
    const packed = packSeq2seqInput(source, target);
    model.compile({ optimizer: 'adam', loss: sparseCategoricalCrossentropy({ fromLogits: true }), metrics: ['accuracy'] });
    const history = await model.fit(packed, target, { epochs: 3, batchSize: 8 });
    expect(history.history['loss']![2]!).toBeLessThan(history.history['loss']![0]!);
    const logits = model.predict(packed);
    expect(logits.shape).toEqual([24, 5, 8]);
    dispose([source, target, packed, logits]);
    model.dispose();
  });

  it('names what is wrong: not compiled, lengths, shapes, ragged arrays, bad validation data', async () => {
    const model = classifier();
    await expect(model.fit(x, y)).rejects.toThrow("clf.fit: the model must be compiled first, e.g. model.compile({ optimizer: 'adam', loss: 'binary_crossentropy' })");
    expect(() => model.evaluate(x, y)).toThrow(/^clf\.evaluate: the model must be compiled first/);
    await expect(model.trainOnBatch(x, y)).rejects.toThrow(/^clf\.trainOnBatch: the model must be compiled first/);
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    await expect(model.fit(x, y.slice(0, 40))).rejects.toThrow('fit: x has 50 samples but y has 40');
    expect(() => model.evaluate(x, y.slice(0, 40))).toThrow('evaluate: x has 50 samples but y has 40');
    await expect(model.fit(x.map((row) => [...row, 1]), y)).rejects.toThrow(
      'clf.fit: x has shape [50, 3], but the model takes input of shape [null, 2] (batch first)',
    );
    expect(() => model.predict([[1, 2, 3]])).toThrow('clf.predict: x has shape [1, 3], but the model takes input of shape [null, 2] (batch first)');
    await expect(model.fit(x, y.map((k) => [k, 1 - k]))).rejects.toThrow(
      "clf.fit: y has shape [50, 2], but the model's output [null, 1] needs targets of shape [null, 1]",
    );
    await expect(model.fit([[1, 2], [3]], [1, 0])).rejects.toThrow('clf.fit: nested arrays must be rectangular; x[1] has length 1, expected 2');
    await expect(model.fit([[1, 2], [3, 'a' as unknown as number]], [1, 0])).rejects.toThrow('clf.fit: x[1][1] must be a number (the array has rank 2), got string');
    await expect(model.fit('abc' as never, y)).rejects.toThrow(/^clf\.fit: x must be a Tensor, \{ values, shape \}, \{ data, shape \}, a typed array or nested arrays of numbers, got string$/);
    await expect(model.fit(x, y, { validationData: [x] as never })).rejects.toThrow('clf.fit: validationData must be [x, y] or [x, y, sampleWeight], got an array of 1');
    await expect(model.fit(x, y, { validationData: [x, y.map((k) => [k, k])] })).rejects.toThrow(
      "clf.fit: validationData[1] has shape [50, 2], but the model's output [null, 1] needs targets of shape [null, 1]",
    );
    await expect(model.fit(x, y, { validationSplit: 1.5 })).rejects.toThrow('fit: validationSplit must be in (0, 1), got 1.5');
    model.dispose();
  });

  it('leaks no tensors over fit, evaluate, predict, trainOnBatch, predictOnBatch and getWeights; dispose frees everything', async () => {
    const start = numTensors();
    const model = classifier();
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy', 'auc'] });
    await expectNoLeaks(() => model.fit(x, y, { epochs: 2, batchSize: 16, validationSplit: 0.2 }), 2, 'fit');
    await expectNoLeaks(() => dispose(model.evaluate(x, y) as Scalar[]), 2, 'evaluate');
    await expectNoLeaks(() => model.predict(x, { batchSize: 8 }).dispose(), 2, 'predict');
    await expectNoLeaks(() => model.trainOnBatch(x, y), 2, 'trainOnBatch');
    await expectNoLeaks(() => model.predictOnBatch({ values: flatX, shape: [50, 2] }).dispose(), 2, 'predictOnBatch');
    await expectNoLeaks(() => dispose(model.getWeights()), 2, 'getWeights');
    model.dispose();
    expect(numTensors()).toBe(start);
  });
});
