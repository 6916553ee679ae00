/**
 * The seed's Keras script written with the model's own methods —
 *   model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
 *   model.fit(x_train, y_train, epochs, batch_size, validation_split=0.2)
 * — trains exactly as @rnnkit/training's free `fit` with the same seed and options: the same weights
 * and the same history, bit for bit.
 */
import { describeEachBackend } from '@rnnkit/testkit';
import { createRng, dispose, numTensors, tensor } from '@rnnkit/tensor';
import { adam, binaryAccuracy, binaryCrossentropy, fit } from '@rnnkit/training';
import { dense, embedding, sequential, simpleRnn } from '../index';
import type { Sequential } from '../index';

const N = 120;
const T = 12;
const VOCAB = 50;

/** Reviews of T token ids; positive when "good" words (ids 2–9) outnumber "bad" ones (10–17). */
function reviews(seed: number): { ids: Int32Array; labels: Float32Array } {
  const rng = createRng(seed);
  const ids = new Int32Array(N * T);
  const labels = new Float32Array(N);
  for (let i = 0; i < N; i++) {
    let score = 0;
    for (let t = 0; t < T; t++) {
      const id = 1 + rng.int(VOCAB - 1);
      ids[i * T + t] = id;
      if (id >= 2 && id <= 9) score++;
      if (id >= 10 && id <= 17) score--;
    }
    labels[i] = score > 0 ? 1 : 0;
  }
  return { ids, labels };
}

const build = (): Sequential =>
  sequential([embedding({ inputDim: VOCAB, outputDim: 8 }), simpleRnn({ units: 32 }), dense({ units: 1, activation: 'sigmoid' })], { seed: 7 });

const values = (model: Sequential): number[][] => Object.values(model.params).map((v) => Array.from(v.dataSync()));

describeEachBackend(['cpu', 'wasm'], 'the IMDB seed script through model.compile / model.fit', () => {
  const { ids, labels } = reviews(3);

  it('gives the weights and history of the free fit, bit for bit', async () => {
    const before = numTensors();
    const keras = build();
    const xTrain = tensor(ids, [N, T], 'int32');
    keras.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    // y as Keras users pass it: one label per review, [N]
    const history = await keras.fit(xTrain, labels, { epochs: 2, batchSize: 16, validationSplit: 0.2 });

    const free = build();
    const optimizer = adam();
    const reference = await fit({
      params: free.params,
      forward: (x, training, context) => free.apply(x, { training, seed: context.seed }),
      loss: binaryCrossentropy(),
      optimizer,
      metrics: [binaryAccuracy({ name: 'accuracy' })],
      x: xTrain,
      y: { values: labels, shape: [N, 1] },
      epochs: 2,
      batchSize: 16,
      validationSplit: 0.2,
    });

    expect(values(keras)).toEqual(values(free));
    expect(history.epoch).toEqual(reference.epochs);
    expect(history.history).toEqual(reference.history);
    expect(Object.keys(history.history)).toEqual(['loss', 'accuracy', 'val_loss', 'val_accuracy']);
    expect(history.history['loss']).toHaveLength(2);
    // it learned something: the second epoch's loss is lower
    expect(history.history['loss']![1]!).toBeLessThan(history.history['loss']![0]!);
    expect(history.params).toEqual({
      epochs: 2,
      initialEpoch: 0,
      samples: 96,
      steps: 6,
      batchSize: 16,
      verbose: 0,
      doValidation: true,
      metrics: ['loss', 'accuracy', 'val_loss', 'val_accuracy'],
    });

    // evaluate gives the free evaluation's numbers as tfjs-layers' scalars [loss, accuracy]
    const scores = keras.evaluate(xTrain, labels, { batchSize: 32 });
    expect(Array.isArray(scores)).toBe(true);
    const [loss, accuracy] = scores as [ReturnType<typeof tensor>, ReturnType<typeof tensor>];
    expect(loss.rank).toBe(0);
    expect(accuracy.dataSync()[0]!).toBeGreaterThan(0.4);
    dispose(scores as ReturnType<typeof tensor>[]);

    optimizer.dispose();
    keras.dispose();
    free.dispose();
    xTrain.dispose();
    expect(numTensors()).toBe(before);
  });
});
