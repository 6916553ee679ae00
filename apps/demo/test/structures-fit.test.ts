/**
 * Integration: the input/output structures of @rnnkit/models trained by @rnnkit/training's `fit`
 * on toy tasks from @rnnkit/datasets, to a stated quality (wasm backend; a few seconds each).
 */
import { initBackend, tensor, tidy, dispose, slice, concat, fill, cast } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { dense, greedyDecode, lstm, packSeq2seqInput, sequential, seq2seq, timeDistributed } from '@rnnkit/models';
import { adam, binaryAccuracy, binaryCrossentropy, evaluate, fit, sparseCategoricalAccuracy, sparseCategoricalCrossentropy } from '@rnnkit/training';
import { reversalTask, runningSumSignTask } from '@rnnkit/datasets';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

it('N→N tagger: an LSTM labels every step with the sign of the running sum (≥ 95 % on held-out sequences)', async () => {
  const steps = 12;
  const train = runningSumSignTask({ numExamples: 1024, length: steps, seed: 1 });
  const test = runningSumSignTask({ numExamples: 256, length: steps, seed: 2 });
  const model = sequential([lstm({ units: 16, returnSequences: true }), timeDistributed(dense({ units: 1, activation: 'sigmoid' }))], {
    inputShape: [steps, 1],
    seed: 3,
  });
  const forward = (x: Tensor, training: boolean): Tensor => model.apply(x, { training });
  const data = (values: Float32Array) => ({ values, shape: [values.length / steps, steps, 1] });
  await fit({
    params: model.params,
    forward,
    loss: binaryCrossentropy(),
    optimizer: adam({ learningRate: 0.02 }),
    x: data(train.inputs),
    y: data(train.targets),
    epochs: 15,
    batchSize: 64,
    seed: 4,
  });
  const logs = await evaluate({ forward, loss: binaryCrossentropy(), metrics: [binaryAccuracy({ name: 'acc' })], x: data(test.inputs), y: data(test.targets), batchSize: 128 });
  expect(logs['acc']).toBeGreaterThanOrEqual(0.95);
  model.dispose();
});

it('N→M encoder–decoder with attention learns to reverse sequences through fit (≥ 95 % token accuracy, greedy decoding)', async () => {
  const length = 6;
  const vocab = 8; // tokens 1…7; the decoder's vocabulary adds <start> = 8
  const start = vocab;
  const make = (n: number, seed: number) => reversalTask({ numExamples: n, length, vocabSize: vocab, seed });
  const train = make(2048, 5);
  const test = make(128, 6);
  const model = seq2seq({ sourceVocab: vocab, targetVocab: vocab + 1, embeddingDim: 16, units: 48, sourceLength: length, attention: 'dot', cell: 'gru', seed: 7 });
  // decoder input = <start>, y_1 … y_{T−1} (teacher forcing); target = y_1 … y_T
  const packed = (task: ReturnType<typeof make>): Tensor =>
    tidy(() => {
      const n = task.shape[0];
      const targets = tensor(task.targets, [n, length], 'int32');
      const decoderInput = concat([cast(fill([n, 1], start), 'int32'), slice(targets, [0, 0], [n, length - 1])], 1);
      return packSeq2seqInput(tensor(task.inputs, [n, length], 'int32'), decoderInput);
    });
  const x = packed(train);
  const y = tensor(train.targets, [train.shape[0], length], 'int32');
  await fit({
    params: model.params,
    forward: (input, training, context) => model.apply(input, { training, seed: context.seed }),
    loss: sparseCategoricalCrossentropy({ fromLogits: true }),
    metrics: [sparseCategoricalAccuracy({ name: 'acc' })],
    optimizer: adam({ learningRate: 0.01 }),
    x,
    y,
    epochs: 12,
    batchSize: 64,
    seed: 8,
  });
  const source = tensor(test.inputs, [test.shape[0], length], 'int32');
  const decoded = greedyDecode(model.stepper, model.encode(source), { startToken: start, maxLength: length });
  let correct = 0;
  decoded.tokens.forEach((row, i) => row.forEach((token, t) => (correct += token === test.targets[i * length + t] ? 1 : 0)));
  const accuracy = correct / (test.shape[0] * length);
  expect(accuracy).toBeGreaterThanOrEqual(0.95);
  dispose([x, y, source]);
  model.dispose();
});
