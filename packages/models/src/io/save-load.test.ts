import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachBackend, expectNoLeaks } from '@rnnkit/testkit';
import { dispose, numTensors, tensor2d } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { bidirectional, dense, dropout, embedding, gru, loadModel, loadModelFromArtifacts, lstm, saveModel, saveModelToArtifacts, sequential, timeDistributed } from '../index';
import type { ModelArtifacts, Sequential } from '../index';
import { recurrentLayer } from '../layers/recurrent';

function bits(t: Tensor): number[] {
  return Array.from(new Uint32Array((t.dataSync() as Float32Array).slice().buffer));
}

function build(): Sequential {
  return sequential(
    [
      embedding({ inputDim: 30, outputDim: 6, maskZero: true }),
      bidirectional(lstm({ units: 4, returnSequences: true }), { mergeMode: 'sum' }),
      gru({ units: 5, returnSequences: true, resetAfter: true }),
      dropout(0.1),
      timeDistributed(dense({ units: 3, activation: 'softmax' })),
    ],
    { seed: 21, name: 'tagger' },
  );
}

describeEachBackend(['cpu', 'wasm'], 'save and load', () => {
  const ids = (): Tensor => tensor2d([[0, 3, 9, 29], [5, 6, 7, 8]], [2, 4], 'int32');

  it('round-trips bit-exactly in memory, keeping names, topology and predictions', () => {
    const model = build();
    const artifacts = saveModelToArtifacts(model);
    const init = jest.spyOn(recurrentLayer, 'init');
    const copy = loadModelFromArtifacts({ modelJson: JSON.parse(JSON.stringify(artifacts.modelJson)), weightData: artifacts.weightData });
    expect(init).not.toHaveBeenCalled(); // loading runs no initialiser (orthogonal init of big matrices is slow)
    init.mockRestore();
    expect(Object.keys(copy.params)).toEqual(Object.keys(model.params));
    for (const [name, v] of Object.entries(model.params)) expect(bits(copy.params[name]!)).toEqual(bits(v));
    expect(copy.topology()).toEqual(model.topology());
    const x = ids();
    const a = model.apply(x, { training: false });
    const b = copy.apply(x, { training: false });
    expect(bits(b)).toEqual(bits(a));
    expect(copy.summary()).toEqual(model.summary());
    dispose([x, a, b]);
    model.dispose();
    copy.dispose();
  });

  it('detects truncated or damaged weights and wrong shapes, creating nothing', () => {
    const model = build();
    const artifacts = saveModelToArtifacts(model);
    const before = numTensors();
    const truncated: ModelArtifacts = { ...artifacts, weightData: artifacts.weightData.subarray(0, artifacts.weightData.length - 4) };
    expect(() => loadModelFromArtifacts(truncated)).toThrow(/has \d+ bytes, the model file records \d+ \(truncated\)/);
    const damaged = artifacts.weightData.slice();
    damaged[17] = damaged[17]! ^ 0xff;
    expect(() => loadModelFromArtifacts({ ...artifacts, weightData: damaged })).toThrow(/damaged \(CRC-32/);
    // the same number of values (the manifest stays contiguous), in the wrong shape
    const entries = artifacts.modelJson.weights.entries.map((e) => (e.name === 'gru/whh' ? { ...e, shape: [15, 5] } : e));
    const wrongShape: ModelArtifacts = { ...artifacts, modelJson: { ...artifacts.modelJson, weights: { ...artifacts.modelJson.weights, entries } } };
    expect(() => loadModelFromArtifacts(wrongShape)).toThrow("weight 'gru/whh' has shape [15, 5], expected [5, 15]");
    expect(() => loadModelFromArtifacts({ ...artifacts, modelJson: { ...artifacts.modelJson, formatVersion: 2 } })).toThrow(/format version 2 is not supported/);
    expect(() => loadModelFromArtifacts({ ...artifacts, modelJson: { ...artifacts.modelJson, format: 'keras' as 'rnnkit-model' } })).toThrow(/not an rnnkit model file/);
    expect(numTensors()).toBe(before);
    model.dispose();
  });

  it('saves to and loads from files atomically, and the loaded model predicts the same', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rnnkit-models-'));
    try {
      const model = build();
      await saveModel(model, dir);
      expect((await readdir(dir)).sort()).toEqual(['model.json', 'weights.bin']);
      const copy = await loadModel(dir);
      const x = ids();
      const a = model.apply(x, { training: false });
      const b = copy.apply(x, { training: false });
      expect(bits(b)).toEqual(bits(a));
      dispose([x, a, b]);
      copy.dispose();
      await saveModel(model, dir); // overwrite in place
      const bytes = await readFile(join(dir, 'weights.bin'));
      await writeFile(join(dir, 'weights.bin'), bytes.subarray(0, 100));
      await expect(loadModel(dir)).rejects.toThrow(/has 100 bytes, the model file records \d+ \(truncated\)/);
      model.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('does not leak', async () => {
    const model = build();
    await expectNoLeaks(() => loadModelFromArtifacts(saveModelToArtifacts(model)).dispose(), 2, 'save + load');
    model.dispose();
  });
});
