/**
 * Fuzzing of rnnkit's own model files (see @rnnkit/testkit `fuzz`): random edits of `model.json`
 * (fields deleted, replaced by odd values such as "constructor" or -1, or copied from elsewhere) and
 * corrupted bytes of `weights.bin`. Every load gives a model or one clear Error, and leaks nothing;
 * the weights are CRC-checked, so a load after a byte edit must give back the very same weights.
 */
import { applyByteEdits, applyJsonEdits, byteEdits, describeEachBackend, expectCleanOutcome, fuzz, fuzzRuns, jsonEdits } from '@rnnkit/testkit';
import { numTensors } from '@rnnkit/tensor';
import { bidirectional, conditionalGenerator, conv1d, dense, dropout, embedding, gru, loadModelFromArtifacts, lstm, maxPool1d, saveModelToArtifacts, seq2seq, sequential, timeDistributed } from '../index';
import type { ModelFile, SaveableModel } from '../index';

describeEachBackend(['cpu'], 'fuzz: model files give a model or one clear Error', () => {
  const build = () =>
    sequential(
      [
        embedding({ inputDim: 20, outputDim: 4, maskZero: true }),
        conv1d({ filters: 3, kernelSize: 2, padding: 'same', activation: 'relu' }),
        maxPool1d({ poolSize: 1 }),
        bidirectional(lstm({ units: 3, returnSequences: true }), { mergeMode: 'sum' }),
        gru({ units: 2, returnSequences: true }),
        dropout(0.1),
        timeDistributed(dense({ units: 3, activation: 'softmax' })),
      ],
      { seed: 5 },
    );

  test('random edits of model.json', () => {
    const model = build();
    const { modelJson, weightData } = saveModelToArtifacts(model);
    const before = numTensors();
    fuzz('loadModel (model.json edits)', { seed: 1841, runs: fuzzRuns(400) }, jsonEdits, (edits) => {
      const json = applyJsonEdits(modelJson, edits) as ModelFile;
      const size = JSON.stringify(json).length + weightData.length;
      return expectCleanOutcome(() => loadModelFromArtifacts({ modelJson: json, weightData }), size, {}, (m: SaveableModel) => m.dispose());
    });
    expect(numTensors()).toBe(before);
    model.dispose();
  });

  test.each([
    ['seq2seq', () => seq2seq({ sourceVocab: 12, targetVocab: 10, units: 4, sourceLength: 5, attention: 'bahdanau', bidirectionalEncoder: true, seed: 2 })],
    ['generator', () => conditionalGenerator({ conditionSize: 3, vocabSize: 9, units: 4, seed: 2 })],
  ])('random edits of a %s model.json', (kind, make) => {
    const model = make();
    const { modelJson, weightData } = saveModelToArtifacts(model);
    const before = numTensors();
    fuzz(`loadModel (${kind} model.json edits)`, { seed: 1843, runs: fuzzRuns(200) }, jsonEdits, (edits) => {
      const json = applyJsonEdits(modelJson, edits) as ModelFile;
      return expectCleanOutcome(() => loadModelFromArtifacts({ modelJson: json, weightData }), JSON.stringify(json).length + weightData.length, {}, (m: SaveableModel) => m.dispose());
    });
    expect(numTensors()).toBe(before);
    model.dispose();
  });

  test('corrupted weights.bin: the same weights or an error', () => {
    const model = build();
    const { modelJson, weightData } = saveModelToArtifacts(model);
    const original = Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, Array.from(v.dataSync())]));
    const before = numTensors();
    const same = (m: SaveableModel): void => {
      const loaded = Object.fromEntries(Object.entries(m.params).map(([k, v]) => [k, Array.from(v.dataSync())]));
      m.dispose();
      if (JSON.stringify(loaded) !== JSON.stringify(original)) throw new Error('corrupted weights loaded as other weights, with no error');
    };
    fuzz('loadModel (weights.bin bytes)', { seed: 1842, runs: fuzzRuns(300) }, byteEdits, (edits) => {
      const bytes = applyByteEdits(weightData, edits);
      return expectCleanOutcome(() => loadModelFromArtifacts({ modelJson, weightData: bytes }), bytes.length, {}, same);
    });
    expect(numTensors()).toBe(before);
    model.dispose();
  });
});
