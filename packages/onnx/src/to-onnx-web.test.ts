/**
 * The same export in onnxruntime-web (its WebAssembly build, run under Node in a child process, see
 * test/ort-web-run.mjs): a masked IMDB-style classifier and a stacked bidirectional model equal rnnkit's
 * outputs within 1e-5.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectClose } from '@rnnkit/testkit';
import { initBackend, tensor } from '@rnnkit/tensor';
import { bidirectional, dense, embedding, gru, lstm, sequential, simpleRnn } from '@rnnkit/models';
import type { Sequential } from '@rnnkit/models';
import { toOnnx } from './index';

const IDS = Int32Array.from([0, 0, 3, 7, 1, 4, 2, 8, 8, 5, 6, 9, 2, 0, 0, 5, 0, 3, 4, 0]);

async function expectSameInWeb(model: Sequential): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rnnkit-onnx-'));
  writeFileSync(join(dir, 'model.onnx'), toOnnx(model));
  writeFileSync(join(dir, 'input.json'), JSON.stringify({ dtype: 'int32', dims: [4, 5], data: Array.from(IDS) }));
  const runner = join(__dirname, '..', 'test', 'ort-web-run.mjs');
  const out = JSON.parse(execFileSync(process.execPath, [runner, join(dir, 'model.onnx'), join(dir, 'input.json')], { encoding: 'utf8' })) as { dims: number[]; data: number[] };
  rmSync(dir, { recursive: true });
  const input = tensor(IDS, [4, 5], 'int32');
  const y = model.apply(input, { training: false });
  expect([...out.dims]).toEqual(y.shape);
  expectClose(Float32Array.from(out.data), y, { atol: 1e-5, rtol: 1e-5 });
  y.dispose();
  input.dispose();
  model.dispose();
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('toOnnx in onnxruntime-web (wasm, under Node)', () => {
  it('Embedding(maskZero) → SimpleRNN → Dense(sigmoid): the IMDB script, masked', async () => {
    await expectSameInWeb(sequential([embedding({ inputDim: 10, outputDim: 8, maskZero: true }), simpleRnn({ units: 6 }), dense({ units: 1, activation: 'sigmoid' })], { seed: 3 }));
  });

  it('Embedding → Bidirectional(LSTM, seq) → GRU → Dense(softmax), unmasked', async () => {
    await expectSameInWeb(
      sequential([embedding({ inputDim: 10, outputDim: 8 }), bidirectional(lstm({ units: 5, returnSequences: true })), gru({ units: 4 }), dense({ units: 3, activation: 'softmax' })], { seed: 4 }),
    );
  });
});
