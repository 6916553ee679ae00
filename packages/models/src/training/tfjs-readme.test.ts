/**
 * Type test: the training snippets of the tfjs-layers README ("Building, training and executing a
 * model") and of the tfjs README compile against rnnkit and run. The `compile`, `fit` and `predict`
 * lines are theirs verbatim; the import changes, and so does the model's construction, which uses
 * rnnkit's call form — tfjs-layers' `tf.sequential()` + `model.add(tf.layers.dense({ units: 1, inputShape: [1] }))`
 * is a separate part of issue 16 (tfjs-layers' call forms beside ours).
 */
import { describeEachBackend } from '@rnnkit/testkit';
import * as tf from '@rnnkit/tensor';
import { dense, sequential } from '../index';
import type { History } from '../index';

describeEachBackend(['cpu', 'wasm'], "tfjs-layers README's training snippet", () => {
  // `output.print()` writes to the console; the tests read what it printed
  let printed: jest.SpyInstance;
  beforeEach(() => {
    printed = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterEach(() => printed.mockRestore());

  it('builds, trains and predicts (tfjs-layers README: SGD, 500 epochs)', async () => {
    const before = tf.numTensors();
    // A sequential model with a dense layer with 1 output unit.
    const model = sequential([dense({ units: 1 })], { inputShape: [1] });

    // Specify the loss type and optimizer for training.
    model.compile({loss: 'meanSquaredError', optimizer: 'SGD'});

    // Generate some synthetic data for training.
    const xs = tf.tensor2d([[1], [2], [3], [4]], [4, 1]);
    const ys = tf.tensor2d([[1], [3], [5], [7]], [4, 1]);

    // Train the model.
    await model.fit(xs, ys, {epochs: 500});

    // After the training, perform inference.
    const output = model.predict(tf.tensor2d([[5]], [1, 1]));
    output.print();

    // y = 2x − 1, so the model should say about 9
    expect(Math.abs(output.dataSync()[0]! - 9)).toBeLessThan(0.5);
    expect(String(printed.mock.calls[0]?.[0])).toMatch(/^Tensor\n\s+\[\[8\.\d+\],\]$/);
    tf.dispose([xs, ys, output]);
    model.dispose();
    // the input of predict above is the README's own leak (a tensor nobody disposes)
    expect(tf.numTensors()).toBe(before + 1);
  });

  it('builds, trains and predicts (tfjs README: sgd, 10 epochs, then())', async () => {
    // Define a model for linear regression.
    const model = sequential([dense({ units: 1 })], { inputShape: [1] });

    model.compile({loss: 'meanSquaredError', optimizer: 'sgd'});

    // Generate some synthetic data for training.
    const xs = tf.tensor2d([1, 2, 3, 4], [4, 1]);
    const ys = tf.tensor2d([1, 3, 5, 7], [4, 1]);

    // Train the model using the data.
    let history: History | undefined;
    await model.fit(xs, ys, {epochs: 10}).then((h) => {
      history = h;
      // Use the model to do inference on a data point the model hasn't seen before:
      model.predict(tf.tensor2d([5], [1, 1])).print();
    });
    expect(history?.epoch).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(history?.history['loss']).toHaveLength(10);
    expect(String(printed.mock.calls[0]?.[0])).toMatch(/^Tensor\n/);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
