/**
 * Keras' files as addresses of @rnnkit/models' saveModel / loadModel / model.save, once @rnnkit/keras is imported.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { conditionalGenerator, dense, loadModel, lstm, saveModel, sequential } from '@rnnkit/models';
import { initBackend, numTensors, tensor } from '@rnnkit/tensor';
import { loadKerasModel } from './index';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe("'.keras' and '.h5' addresses", () => {
  it('model.save(path.keras) writes a .keras file that loadModel and loadKerasModel read back bit for bit', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rnnkit-keras-address-'));
    const before = numTensors();
    try {
      const model = sequential([lstm({ units: 3 }), dense({ units: 2 })], { inputShape: [4, 5], seed: 1 });
      const file = join(dir, 'model.keras');
      await model.save(file);
      expect(Array.from((await readFile(file)).subarray(0, 2))).toEqual([0x50, 0x4b]); // a zip, as Keras 3 writes
      const x = tensor(Array.from({ length: 40 }, (_, i) => Math.sin(i)), [2, 4, 5]);
      const reference = model.apply(x, { training: false });
      const expected = Array.from(reference.dataSync());
      reference.dispose();
      for (const loaded of [await loadModel(file), await loadKerasModel(file)]) {
        const y = loaded.apply(x, { training: false } as never) as { dataSync(): Float32Array; dispose(): void };
        expect(Array.from(y.dataSync())).toEqual(expected);
        y.dispose();
        loaded.dispose();
      }
      x.dispose();
      model.dispose();
      expect(numTensors()).toBe(before);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('says what a .keras file cannot hold, and leaves other addresses to @rnnkit/models', async () => {
    const generator = conditionalGenerator({ conditionSize: 2, vocabSize: 5, units: 3 });
    await expect(saveModel(generator, 'g.keras')).rejects.toThrow('saveModel: g.keras: a .keras file holds a Sequential or functional model, not a generator');
    generator.dispose();
    await expect(loadModel('nowhere/model.h5')).rejects.toThrow("loadKerasModel: cannot read 'nowhere/model.h5'");
    // a .h5 is read, not written (Keras 3 writes .keras)
    const model = sequential([dense({ units: 1 })], { inputShape: [2] });
    await expect(model.save('m.h5')).rejects.toThrow("saveModel: m.h5: rnnkit writes Keras 3's .keras files, not Keras 2's .h5; save as .keras");
    model.dispose();
  });
});
