/**
 * Refused HDF5 files cost nothing that outlives the call. h5wasm's throwing error handler throws out
 * of HDF5's C frames, so before the fix every refused file lost 0.9 KB of h5wasm's 2 MiB WebAssembly
 * stack and 7.6 KB of its heap (and, until hdf5.ts closed them, one of 4,096 file descriptors, found
 * by keras-files.fuzz.test.ts); the 2,259th refusal in a process aborted ("null function or function
 * signature mismatch", then "Aborted()"). 3,000 refusals here pass that point.
 */
import { unzipSync } from 'fflate';
import { dense, sequential } from '@rnnkit/models';
import { initBackend, numTensors } from '@rnnkit/tensor';
import { kerasModelBytes, loadKerasModel, loadKerasWeights } from './index';
import { h5wasmGrowth, h5wasmUse } from './test-h5wasm';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

test('3,000 refused HDF5 files cost h5wasm no stack, heap or open file, and a good file still loads after them', async () => {
  const before = numTensors();
  const model = sequential([dense({ units: 2 })], { inputShape: [3], seed: 1 });
  const good = await kerasModelBytes(model);
  const weights = unzipSync(good)['model.weights.h5']!;
  // HDF5's signature, then nothing a superblock needs; and a weights file cut in half
  const signatureOnly = new Uint8Array(600);
  signatureOnly.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);
  const truncated = weights.slice(0, Math.floor(weights.length / 2));
  await expect(loadKerasWeights(model, signatureOnly)).rejects.toThrow(/^loadKerasWeights: a Uint8Array of 600 bytes: /);
  await expect(loadKerasWeights(model, truncated)).rejects.toThrow(/^loadKerasWeights: a Uint8Array of \d+ bytes: truncated file: eof = /);
  const start = await h5wasmUse();
  for (let i = 0; i < 3000; i++) {
    const error = await loadKerasWeights(model, i % 2 === 0 ? signatureOnly : truncated).then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof Error) || error.name !== 'KerasFileError') throw new Error(`refusal ${i} was not a KerasFileError: ${String(error)}`);
  }
  const end = await h5wasmUse();
  const growth = h5wasmGrowth(start, end);
  // the stated bound: nothing (old code: 0.9 KB of stack and 7.6 KB of heap per refusal, then an abort)
  expect(growth).toEqual({ stack: 0, heap: 0, memory: 0 });
  expect(end.openFiles).toBe(start.openFiles);
  const loaded = await loadKerasModel(good);
  expect(Array.from(loaded.params['dense/kernel']!.dataSync())).toEqual(Array.from(model.params['dense/kernel']!.dataSync()));
  loaded.dispose();
  model.dispose();
  expect(numTensors()).toBe(before);
}, 60_000);

test('HDF5 errors are not printed: what HDF5 reports becomes the Error only', async () => {
  const model = sequential([dense({ units: 2 })], { inputShape: [3], seed: 1 });
  const weights = unzipSync(await kerasModelBytes(model))['model.weights.h5']!;
  const printed = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    await expect(loadKerasWeights(model, weights.slice(0, 1000))).rejects.toThrow(/truncated file/);
    expect(printed).not.toHaveBeenCalled();
  } finally {
    printed.mockRestore();
    model.dispose();
  }
});
