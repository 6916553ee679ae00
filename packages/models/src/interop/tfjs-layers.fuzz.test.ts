/**
 * Fuzzing of `fromLayersArtifacts` (see @rnnkit/testkit `fuzz`), on a model rnnkit exports and on a
 * published one (fixtures/real-models/chemhover-smiles-gru): random edits of the model topology and
 * of the weight specs, and corrupted weight bytes. Every read gives a model or one clear Error.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { applyByteEdits, applyJsonEdits, byteEdits, describeEachBackend, expectCleanOutcome, fuzz, fuzzRuns, jsonEdits } from '@rnnkit/testkit';
import { numTensors } from '@rnnkit/tensor';
import { bidirectional, dense, embedding, fromLayersArtifacts, gru, lstm, sequential, toLayersArtifacts } from '../index';
import type { KerasFileModel, LayersModelArtifacts, LayersWeightSpec } from '../index';
import { realModelFile } from '../test-utils';

const quiet = { onWarning: (): void => undefined };

/** The published model's model.json, where the corpus files are present (they stay out of commits). */
const PUBLISHED = realModelFile('chemhover-smiles-gru/model.json');

/** The artifacts of a published model: its model.json and its one weights file. */
function published(): { artifacts: LayersModelArtifacts; weightData: Uint8Array } {
  const dir = dirname(PUBLISHED!);
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as { modelTopology: object; weightsManifest: { weights: LayersWeightSpec[] }[] };
  const bytes = readFileSync(join(dir, 'group1-shard1of1.bin'));
  const weightData = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength).slice();
  return { artifacts: { modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => g.weights) }, weightData };
}

describeEachBackend(['cpu'], 'fuzz: tfjs-layers artifacts give a model or one clear Error', () => {
  const own = () => {
    const model = sequential([embedding({ inputDim: 15, outputDim: 4 }), bidirectional(lstm({ units: 3, returnSequences: true })), gru({ units: 2 }), dense({ units: 2, activation: 'softmax' })], { seed: 4 });
    const out = toLayersArtifacts(model);
    model.dispose();
    return { artifacts: { modelTopology: out.modelTopology, weightSpecs: out.weightSpecs }, weightData: new Uint8Array(out.weightData) };
  };
  // the published model joins where its files are (a fresh clone has only rnnkit's export)
  const sources: [string, () => { artifacts: LayersModelArtifacts; weightData: Uint8Array }][] = [
    ['rnnkit export', own],
    ...(PUBLISHED !== null ? [['chemhover-smiles-gru', published] as [string, typeof published]] : []),
  ];
  const read = (artifacts: LayersModelArtifacts, weightData: Uint8Array) => () =>
    fromLayersArtifacts({ ...artifacts, weightData: weightData.buffer.slice(weightData.byteOffset, weightData.byteOffset + weightData.byteLength) as ArrayBuffer }, quiet);
  const size = (a: LayersModelArtifacts, w: Uint8Array): number => JSON.stringify(a).length + w.length;
  const free = (m: KerasFileModel): void => m.dispose();

  test.each(sources)('random edits of the topology and weight specs (%s)', (name, make) => {
    const { artifacts, weightData } = make();
    const before = numTensors();
    fuzz(`fromLayersArtifacts (${name}, JSON edits)`, { seed: 1861, runs: fuzzRuns(300) }, jsonEdits, (edits) => {
      const edited = applyJsonEdits(artifacts, edits);
      return expectCleanOutcome(read(edited, weightData), size(edited, weightData), {}, free);
    });
    expect(numTensors()).toBe(before);
  });

  test.each(sources)('corrupted weight bytes (%s)', (name, make) => {
    const { artifacts, weightData } = make();
    const before = numTensors();
    fuzz(`fromLayersArtifacts (${name}, weight bytes)`, { seed: 1862, runs: fuzzRuns(200) }, byteEdits, (edits) => {
      const bytes = applyByteEdits(weightData, edits);
      return expectCleanOutcome(read(artifacts, bytes), size(artifacts, bytes), {}, free);
    });
    expect(numTensors()).toBe(before);
  });
});
