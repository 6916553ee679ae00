/**
 * The exported IMDB model scores the 25,000 test reviews with the accuracy rnnkit gives them: Keras' IMDB
 * script (top 10,000 words, pad_sequences to 200 — pre-padding and pre-truncation —, Embedding(10000, 32) →
 * SimpleRNN(32) → Dense(1, sigmoid)) trained for one epoch on the training reviews, exported with toOnnx and
 * run in onnxruntime-node: every score within 1e-5 of rnnkit's, so the same accuracy. Needs the offline IMDB
 * copy (shared/data/imdb, its Keras-preprocessed JSONL files).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describeWithSharedData, expectClose } from '@rnnkit/testkit';
import { initBackend, tensor } from '@rnnkit/tensor';
import { dense, embedding, sequential, simpleRnn } from '@rnnkit/models';
import { toOnnx } from './index';
import { runOrt } from './test-ort';

const WORDS = 10000;
const LENGTH = 200;
const BLOCK = 2500;

/** Keras' x, y from a JSONL file of {x, y}: words ≥ WORDS become 2 (oov), then pad_sequences(maxlen 200). */
function readSplit(path: string): { ids: Int32Array; labels: Float32Array; rows: number } {
  const lines = gunzipSync(readFileSync(path)).toString('utf8').trim().split('\n');
  const ids = new Int32Array(lines.length * LENGTH);
  const labels = new Float32Array(lines.length);
  lines.forEach((line, r) => {
    const { x, y } = JSON.parse(line) as { x: number[]; y: number };
    const kept = x.map((w) => (w < WORDS ? w : 2)).slice(-LENGTH);
    ids.set(kept, r * LENGTH + LENGTH - kept.length);
    labels[r] = y;
  });
  return { ids, labels, rows: lines.length };
}

function accuracy(scores: Float32Array, labels: Float32Array): number {
  let right = 0;
  scores.forEach((s, i) => {
    if ((s > 0.5 ? 1 : 0) === labels[i]) right++;
  });
  return right / labels.length;
}

describeWithSharedData('imdb', 'the exported IMDB model in onnxruntime-node', (dir) => {
  it('scores the test reviews as rnnkit does (one epoch of training first)', async () => {
    await initBackend();
    const train = readSplit(join(dir, 'keras_imdb_train.jsonl.gz'));
    const test = readSplit(join(dir, 'keras_imdb_test.jsonl.gz'));
    const model = sequential([embedding({ inputDim: WORDS, outputDim: 32 }), simpleRnn({ units: 32 }), dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const x = tensor(train.ids, [train.rows, LENGTH], 'int32');
    const y = tensor(train.labels, [train.rows, 1]);
    await model.fit(x, y, { epochs: 1, batchSize: 128, verbose: 0 });
    x.dispose();
    y.dispose();

    // scored in blocks of reviews (the whole split's embeddings would be 640 MB at once)
    const bytes = toOnnx(model);
    const onnxScores = new Float32Array(test.rows);
    const scores = new Float32Array(test.rows);
    for (let start = 0; start < test.rows; start += BLOCK) {
      const rows = Math.min(BLOCK, test.rows - start);
      const ids = test.ids.subarray(start * LENGTH, (start + rows) * LENGTH);
      const onnx = await runOrt(bytes, { input: { data: ids, dims: [rows, LENGTH] } });
      const xBlock = tensor(ids, [rows, LENGTH], 'int32');
      const ours = model.apply(xBlock, { training: false });
      expectClose(onnx.outputs[0]!.data, ours, { atol: 1e-5, rtol: 1e-5 });
      onnxScores.set(onnx.outputs[0]!.data, start);
      scores.set(ours.dataSync() as Float32Array, start);
      xBlock.dispose();
      ours.dispose();
    }
    const theirs = accuracy(onnxScores, test.labels);
    expect(theirs).toBe(accuracy(scores, test.labels));
    expect(theirs).toBeGreaterThan(0.6); // trained: better than chance
    model.dispose();
  }, 900_000);
});
