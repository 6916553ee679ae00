import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { dispose, oneHot, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { sgd } from '@rnnkit/training';
import { applyLayer, dense, input, loadModel, loadModelFromArtifacts, lstm, model, saveModel, saveModelToArtifacts } from '../index';
import type { Functional, SymbolicTensor } from '../index';

const T_SOURCE = 6;
const T_TARGET = 5;
const V_SOURCE = 7;
const V_TARGET = 6;
const UNITS = 8;

/** Keras' character-level seq2seq: the encoder LSTM's final [h, c] start the decoder LSTM. */
function buildTheirs(): tfl.LayersModel {
  const encoderInputs = tfl.input({ shape: [T_SOURCE, V_SOURCE], name: 'encoder_inputs' });
  const [, h, c] = tfl.layers.lstm({ units: UNITS, returnState: true, recurrentActivation: 'sigmoid', name: 'encoder' }).apply(encoderInputs) as tfl.SymbolicTensor[];
  const decoderInputs = tfl.input({ shape: [T_TARGET, V_TARGET], name: 'decoder_inputs' });
  const decoded = tfl.layers.lstm({ units: UNITS, returnSequences: true, recurrentActivation: 'sigmoid', name: 'decoder' }).apply(decoderInputs, { initialState: [h!, c!] }) as tfl.SymbolicTensor;
  const outputs = tfl.layers.dense({ units: V_TARGET, activation: 'softmax', name: 'dense' }).apply(decoded) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [encoderInputs, decoderInputs], outputs });
}

function buildOurs(): Functional {
  const encoderInputs = input({ shape: [T_SOURCE, V_SOURCE], name: 'encoder_inputs' });
  const [, h, c] = applyLayer(lstm({ units: UNITS, returnState: true, name: 'encoder' }), encoderInputs) as SymbolicTensor[];
  const decoderInputs = input({ shape: [T_TARGET, V_TARGET], name: 'decoder_inputs' });
  const decoded = applyLayer(lstm({ units: UNITS, returnSequences: true, name: 'decoder' }), decoderInputs, { initialState: [h!, c!] }) as SymbolicTensor;
  const outputs = applyLayer(dense({ units: V_TARGET, activation: 'softmax', name: 'dense' }), decoded);
  return model({ inputs: [encoderInputs, decoderInputs], outputs, name: 'seq2seq' });
}

/** One-hot source [N, T_SOURCE, V_SOURCE], teacher-forced decoder input and its next-token targets [N, T_TARGET, V_TARGET]. */
function corpus(n: number): { source: Tensor; decoderInput: Tensor; target: Tensor } {
  const ids = (len: number, v: number, salt: number) => Array.from({ length: n * len }, (_, i) => (i * 7 + salt * 3 + ((i / len) | 0)) % v);
  const src = tensor(ids(T_SOURCE, V_SOURCE, 1), [n, T_SOURCE], 'int32');
  const tgt = ids(T_TARGET + 1, V_TARGET, 2);
  const decIds = tensor(tgt.filter((_, i) => i % (T_TARGET + 1) !== T_TARGET), [n, T_TARGET], 'int32');
  const nextIds = tensor(tgt.filter((_, i) => i % (T_TARGET + 1) !== 0), [n, T_TARGET], 'int32');
  const out = { source: oneHot(src, V_SOURCE).toFloat(), decoderInput: oneHot(decIds, V_TARGET).toFloat(), target: oneHot(nextIds, V_TARGET).toFloat() };
  dispose([src, decIds, nextIds]);
  return out;
}

function copyWeights(from: tfl.LayersModel, to: Functional): void {
  for (const layer of to.layers) {
    from.getLayer(layer.name).getWeights().forEach((w, i) => {
      const value = tensor(Array.from(w.dataSync()), w.shape);
      to.params[layer.weightNames[i]!]!.assign(value);
      value.dispose();
    });
  }
}

describeEachBackend(['cpu', 'wasm'], "Keras' LSTM seq2seq as a functional model", () => {
  it('returnState and initialState: predictions and two epochs of fit equal tfjs-layers’ within 1e-5', async () => {
    const theirs = buildTheirs();
    const ours = buildOurs();
    copyWeights(theirs, ours);
    const { source, decoderInput, target } = corpus(10);
    const expected = theirs.predict([source, decoderInput]) as tfc.Tensor;
    const predicted = ours.predict([source, decoderInput]) as Tensor;
    expectClose(predicted, expected, { atol: 1e-5 }, 'predict');

    theirs.compile({ optimizer: tfc.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    ours.compile({ optimizer: sgd({ learningRate: 0.5 }), loss: 'categorical_crossentropy' });
    const reference = await theirs.fit([source, decoderInput], target, { epochs: 2, batchSize: 4, shuffle: false, verbose: 0 });
    const history = await ours.fit([source, decoderInput], target, { epochs: 2, batchSize: 4, shuffle: false });
    history.history['loss']!.forEach((v, e) => expect(Math.abs(v - (reference.history['loss'] as number[])[e]!)).toBeLessThan(1e-5));
    for (const layer of ours.layers) {
      theirs.getLayer(layer.name).getWeights().forEach((w, i) => expectClose(ours.params[layer.weightNames[i]!]!, w, { atol: 1e-5 }, layer.weightNames[i]!));
    }
    dispose([source, decoderInput, target, expected, predicted]);
    theirs.dispose();
    ours.dispose();
  });
});

describeEachBackend(['cpu'], 'saving and loading a functional model', () => {
  it('round trips bit for bit through artifacts and a directory, trains further, and leaks nothing', async () => {
    const ours = buildOurs();
    const { source, decoderInput, target } = corpus(8);
    ours.compile({ optimizer: 'adam', loss: 'categorical_crossentropy', metrics: ['accuracy'] });
    await ours.fit({ encoder_inputs: source, decoder_inputs: decoderInput }, target, { epochs: 2, batchSize: 4 });
    const before = ours.predict([source, decoderInput]) as Tensor;

    const copy = loadModelFromArtifacts(saveModelToArtifacts(ours));
    expect(copy.kind).toBe('functional');
    expect(copy.summary()).toBe(ours.summary());
    const after = copy.predict([source, decoderInput]) as Tensor;
    expect(Array.from(after.dataSync())).toEqual(Array.from(before.dataSync()));

    const dir = await mkdtemp(join(tmpdir(), 'rnnkit-functional-'));
    try {
      await saveModel(ours, dir);
      const fromDisk = await loadModel(dir);
      const again = fromDisk.predict([source, decoderInput]) as Tensor;
      expect(Array.from(again.dataSync())).toEqual(Array.from(before.dataSync()));
      fromDisk.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
      const history = await fromDisk.fit([source, decoderInput], target, { epochs: 1, batchSize: 4 });
      expect(Number.isFinite(history.history['loss']![0]!)).toBe(true);
      await expectNoLeaks(async () => {
        await fromDisk.fit([source, decoderInput], target, { epochs: 1, batchSize: 4 });
        dispose(fromDisk.predict([source, decoderInput]));
      });
      dispose(again);
      fromDisk.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    dispose([source, decoderInput, target, before, after]);
    copy.dispose();
    ours.dispose();
  });

  it('refuses a damaged functional topology, naming the layer and the field', () => {
    const ours = buildOurs();
    const artifacts = saveModelToArtifacts(ours);
    const topology = artifacts.modelJson.topology as unknown as { layers: { spec: Record<string, unknown>; calls: { inputs: unknown[] }[] }[]; outputs: unknown };
    const damaged = (edit: (t: typeof topology) => void) => {
      const copy = JSON.parse(JSON.stringify(artifacts.modelJson)) as typeof artifacts.modelJson;
      edit(copy.topology as unknown as typeof topology);
      return () => loadModelFromArtifacts({ modelJson: copy, weightData: artifacts.weightData });
    };
    expect(damaged((t) => ((t.layers[2]!.spec['cell'] as Record<string, unknown>)['units'] = 0))).toThrow("loadModel: layers[2] 'encoder': field 'cell.units' must be a positive integer, got 0");
    expect(damaged((t) => (t.layers[0]!.spec['shape'] = [6, 7]))).toThrow("loadModel: layers[0] 'encoder_inputs': field 'shape' must be [null, …]");
    expect(damaged((t) => (t.layers[3]!.calls[0]!.inputs = [['nowhere', 0, 0]]))).toThrow("reads [nowhere, 0, 0], which no earlier layer call makes");
    expect(damaged((t) => (t.outputs = 'dense'))).toThrow("loadModel: field 'outputs' must be a list of [layerName, call, output] references");
    expect(damaged((t) => (t.layers[3]!.spec['name'] = 'encoder'))).toThrow("field 'spec.name' must be unique among the layers");
    ours.dispose();
  });
});
