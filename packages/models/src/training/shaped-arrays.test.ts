/**
 * Data as @rnnkit/datasets emits it goes into the model's methods as Keras' numpy arrays do:
 * `padSequences(…)`'s `{ data, shape }` for x and the labels' bare Uint8Array for y, as in
 *   model.fit(pad_sequences(x_train, maxlen), y_train, …)
 * They train bit for bit as a tensor x and float32 [N, 1] labels, and evaluate and predict take them too.
 */
import { describeEachBackend } from '@rnnkit/testkit';
import { createRng, dispose, numTensors, tensor } from '@rnnkit/tensor';
import type { Scalar } from '@rnnkit/tensor';
import { dense, embedding, sequential, simpleRnn } from '../index';
import type { Sequential } from '../index';

const N = 40;
const T = 6;
const VOCAB = 20;

/** `padSequences`' result for N random reviews of T ids, and their 0/1 labels as `loadImdb` gives them. */
function padded(seed: number): { x: { data: Int32Array; shape: readonly [number, number] }; labels: Uint8Array } {
  const rng = createRng(seed);
  const data = Int32Array.from({ length: N * T }, () => rng.int(VOCAB));
  const labels = Uint8Array.from({ length: N }, (_, i) => (data[i * T]! > VOCAB / 2 ? 1 : 0));
  return { x: { data, shape: [N, T] }, labels };
}

const build = (): Sequential =>
  sequential([embedding({ inputDim: VOCAB, outputDim: 4 }), simpleRnn({ units: 5 }), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [T], seed: 3 });
const weightsOf = (model: Sequential): number[][] => Object.values(model.params).map((v) => Array.from(v.dataSync()));
const numbers = (scores: Scalar | Scalar[]): number[] => (Array.isArray(scores) ? scores : [scores]).map((s) => s.dataSync()[0]!);

describeEachBackend(['cpu', 'wasm'], "datasets' { data, shape } and Uint8Array labels in fit, evaluate and predict", () => {
  const { x, labels } = padded(5);

  it('train, evaluate and predict exactly as a tensor x with float32 [N, 1] labels', async () => {
    const before = numTensors();
    const xTensor = tensor(x.data, [N, T], 'int32');
    const yTensor = tensor(Float32Array.from(labels), [N, 1]);
    const fitArgs = { epochs: 2, batchSize: 8, validationSplit: 0.25, seed: 1 };

    const asDatasets = build();
    asDatasets.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const history = await asDatasets.fit(x, labels, fitArgs);
    const asTensors = build();
    asTensors.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const reference = await asTensors.fit(xTensor, yTensor, fitArgs);

    expect(weightsOf(asDatasets)).toEqual(weightsOf(asTensors));
    expect(history.history).toEqual(reference.history);
    expect(history.params.samples).toBe(30);

    const scores = asDatasets.evaluate(x, labels, { batchSize: 16 });
    const referenceScores = asTensors.evaluate(xTensor, yTensor, { batchSize: 16 });
    expect(numbers(scores)).toEqual(numbers(referenceScores));

    const predicted = asDatasets.predict(x, { batchSize: 16 });
    const expected = asDatasets.predict(xTensor, { batchSize: 16 });
    expect(Array.from(predicted.dataSync())).toEqual(Array.from(expected.dataSync()));
    expect(predicted.shape).toEqual([N, 1]);

    dispose([...(scores as Scalar[]), ...(referenceScores as Scalar[]), predicted, expected, xTensor, yTensor]);
    asDatasets.dispose();
    asTensors.dispose();
    expect(numTensors()).toBe(before);
  });

  it('check a { data, shape } against the model like any input, naming it', () => {
    const model = build();
    const wrong = { data: new Int32Array(N * (T + 1)), shape: [N, T + 1] };
    expect(() => model.predict(wrong)).toThrow("sequential.predict: x has shape [40, 7], but the model takes input of shape [null, 6]");
    // a typed array that is not the shape's size is refused by the loop, naming x
    expect(() => model.predict({ data: new Int32Array(5), shape: [N, T] })).toThrow(/x: shape \[40, 6\] needs 240 values, got 5/);
    model.dispose();
  });
});
