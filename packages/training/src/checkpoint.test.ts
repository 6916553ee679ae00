import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachBackend } from '@rnnkit/testkit';
import { numTensors, tensor, tensor1d } from '@rnnkit/tensor';
import { decodeCheckpoint, disposeCheckpoint, encodeCheckpoint } from './checkpoint';
import type { Checkpoint } from './checkpoint';
import { fileCheckpointStore } from './checkpoint-file';

function sample(): Checkpoint {
  return {
    epoch: 3,
    globalStep: 42,
    seed: 7,
    rngState: [1, 2, 3, 4294967295],
    history: { epochs: [0, 1, 2], history: { loss: [0.9, 0.5, 0.25], val_loss: [1, NaN, 0.3] } },
    params: { w: tensor([0.1, -2.5e-39, 3.4e38, -0], [2, 2]), ids: tensor([1, -2, 3], [3], 'int32') },
    optimizer: { name: 'adam', iterations: 42, learningRateScale: 0.25, slots: { w: { m: tensor1d([1, 2, 3, 4]), v: tensor1d([5, 6, 7, 8]) } } },
    callbacks: { earlyStopping: { values: { best: Infinity, wait: 2, bestEpoch: null, flag: true }, tensors: { w: tensor1d([9]) } } },
  };
}

describeEachBackend(['cpu'], 'checkpoints', () => {
  it('encode → decode loses nothing: bits of every tensor, numbers (±∞, NaN), names', () => {
    const original = sample();
    const decoded = decodeCheckpoint(encodeCheckpoint(original));
    expect(decoded.epoch).toBe(3);
    expect(decoded.globalStep).toBe(42);
    expect(decoded.rngState).toEqual([1, 2, 3, 4294967295]);
    expect(decoded.history).toEqual(original.history);
    expect(Array.from(decoded.params['w']!.dataSync())).toEqual(Array.from(original.params['w']!.dataSync()));
    expect(Object.is(decoded.params['w']!.dataSync()[3], -0)).toBe(true);
    expect(decoded.params['ids']!.dtype).toBe('int32');
    expect(Array.from(decoded.params['ids']!.dataSync())).toEqual([1, -2, 3]);
    expect(decoded.optimizer.learningRateScale).toBe(0.25);
    expect(Array.from(decoded.optimizer.slots['w']!['v']!.dataSync())).toEqual([5, 6, 7, 8]);
    expect(decoded.callbacks['earlyStopping']!.values).toEqual({ best: Infinity, wait: 2, bestEpoch: null, flag: true });
    expect(Array.from(decoded.callbacks['earlyStopping']!.tensors['w']!.dataSync())).toEqual([9]);
    const before = numTensors();
    disposeCheckpoint(decoded);
    expect(numTensors()).toBe(before - 5);
    disposeCheckpoint(original);
  });

  it('rejects what is not a checkpoint', () => {
    expect(() => decodeCheckpoint(new TextEncoder().encode('hello world, not a checkpoint'))).toThrow(/not an rnnkit checkpoint/);
  });

  it('a file store replaces the checkpoint atomically (temp file + fsync + rename)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-store-'));
    try {
      const store = fileCheckpointStore(join(dir, 'nested'));
      expect(await store.load()).toBeNull();
      await store.save(new Uint8Array([1, 2, 3]));
      expect(Array.from((await store.load())!)).toEqual([1, 2, 3]);
      // a crash mid-write leaves a partial temp file; the checkpoint itself is untouched
      writeFileSync(`${store.file}.tmp`, new Uint8Array([9]));
      expect(Array.from((await store.load())!)).toEqual([1, 2, 3]);
      await store.save(new Uint8Array([4, 5]));
      expect(Array.from(readFileSync(store.file))).toEqual([4, 5]);
      expect(existsSync(`${store.file}.tmp`)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
