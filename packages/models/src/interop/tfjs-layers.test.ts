import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose } from '@rnnkit/testkit';
import { dispose, numTensors, tensor2d, tensor3d } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { bidirectional, dense, dropout, embedding, fromLayersArtifacts, gru, lstm, sequential, simpleRnn, timeDistributed, toLayersArtifacts } from '../index';
import { loadLayersModelFiles, saveLayersModelFiles } from '../index';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveTfjs } from '../test-utils';

const ids = (): Tensor => tensor2d([[0, 0, 3, 7, 1, 9], [4, 2, 8, 8, 5, 6], [0, 0, 0, 0, 2, 3]], [3, 6], 'int32');

describeEachBackend(['cpu', 'wasm'], 'tfjs-layers interop', () => {
  it('loads a tfjs-layers model (hard-sigmoid gates, masks, bidirectional, GRU reset-before) with the same predictions', async () => {
    const theirs = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: 10, outputDim: 4, maskZero: true, inputLength: 6 }),
        tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: 3, returnSequences: true }) as tfl.RNN, mergeMode: 'concat' }),
        tfl.layers.dropout({ rate: 0.3 }),
        tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 5, activation: 'relu' }) }),
        tfl.layers.gru({ units: 4, returnSequences: true }),
        tfl.layers.simpleRNN({ units: 3 }),
        tfl.layers.dense({ units: 2, activation: 'softmax' }),
      ],
    });
    const artifacts = await saveTfjs(theirs);
    const ours = fromLayersArtifacts(artifacts);
    expect(ours.layers.map((l) => l.spec.kind)).toEqual(['embedding', 'bidirectional', 'dropout', 'timeDistributed', 'rnn', 'rnn', 'dense']);
    expect(ours.countParams()).toBe(theirs.countParams());
    const x = ids();
    const expected = theirs.predict(x) as Tensor;
    const got = ours.apply(x, { training: false });
    expectClose(got, expected, { rtol: 1e-5, atol: 1e-5 }, 'tfjs → rnnkit');
    dispose([x, expected, got]);
    theirs.dispose();
    ours.dispose();
  });

  it('loads Masking + float inputs', async () => {
    const theirs = tfl.sequential({ layers: [tfl.layers.masking({ maskValue: 0, inputShape: [4, 2] }), tfl.layers.lstm({ units: 3, recurrentActivation: 'sigmoid' })] });
    const ours = fromLayersArtifacts(await saveTfjs(theirs));
    const x = tensor3d([[[1, 2], [0, 0], [3, 1], [0.5, 0.5]], [[0, 0], [0, 0], [1, 1], [2, 2]]]);
    const expected = theirs.predict(x) as Tensor;
    const got = ours.apply(x, { training: false });
    expectClose(got, expected, { rtol: 1e-5, atol: 1e-5 }, 'masking');
    dispose([x, expected, got]);
    theirs.dispose();
    ours.dispose();
  });

  it('exports a model tfjs-layers loads and runs to the same predictions', async () => {
    const model = sequential(
      [
        embedding({ inputDim: 10, outputDim: 4, maskZero: true }),
        bidirectional(gru({ units: 3, resetAfter: false, returnSequences: true, recurrentActivation: 'hardSigmoidKeras2' }), { mergeMode: 'sum' }),
        dropout(0.2),
        timeDistributed(dense({ units: 4, activation: 'tanh' })),
        lstm({ units: 5, returnSequences: true }),
        simpleRnn({ units: 2 }),
        dense({ units: 1, activation: 'sigmoid' }),
      ],
      { seed: 9 },
    );
    const artifacts = toLayersArtifacts(model);
    const theirs = await tfl.loadLayersModel(tfc.io.fromMemory(artifacts as unknown as tfc.io.ModelArtifacts));
    const x = ids();
    const expected = model.apply(x, { training: false });
    const got = theirs.predict(x) as Tensor;
    expectClose(got, expected, { rtol: 1e-5, atol: 1e-5 }, 'rnnkit → tfjs');
    // and back again, bit for bit
    const again = fromLayersArtifacts(artifacts);
    const back = again.apply(x, { training: false });
    expectClose(back, expected, { rtol: 0, atol: 0 }, 'round trip');
    dispose([x, expected, got, back]);
    theirs.dispose();
    again.dispose();
    model.dispose();
  });

  it('reads a Keras 3 converter model.json: InputLayer, model_config, GRU reset_after, Keras 3 hard sigmoid', () => {
    const units = 2;
    const kernel = Array.from({ length: 3 * 3 * units }, (_, i) => Math.sin(i) / 2);
    const recurrent = Array.from({ length: units * 3 * units }, (_, i) => Math.cos(i) / 2);
    const bias = Array.from({ length: 2 * 3 * units }, (_, i) => (i - 5) / 10);
    const denseKernel = [0.3, -0.7];
    const topology = {
      keras_version: '3.6.0',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'sequential',
          layers: [
            { class_name: 'InputLayer', config: { batch_shape: [null, 4, 3], dtype: 'float32', name: 'input_layer' } },
            { class_name: 'GRU', config: { name: 'gru', units, activation: 'tanh', recurrent_activation: 'hard_sigmoid', reset_after: true, return_sequences: false } },
            { class_name: 'Dense', config: { name: 'dense', units: 1, activation: 'linear', use_bias: false } },
          ],
        },
      },
    };
    const weightSpecs = [
      { name: 'gru/gru_cell/kernel', shape: [3, 3 * units], dtype: 'float32' },
      { name: 'gru/gru_cell/recurrent_kernel', shape: [units, 3 * units], dtype: 'float32' },
      { name: 'gru/gru_cell/bias', shape: [2, 3 * units], dtype: 'float32' },
      { name: 'dense/kernel', shape: [units, 1], dtype: 'float32' },
    ];
    const weightData = new Float32Array([...kernel, ...recurrent, ...bias, ...denseKernel]).buffer;
    const model = fromLayersArtifacts({ modelTopology: topology, weightSpecs, weightData, generatedBy: 'keras v3.6.0' });
    const layer = model.layers[0]!.spec;
    expect(layer.kind === 'rnn' && layer.cell.kind === 'gru' && layer.cell.resetAfter && layer.cell.recurrentActivation).toBe('hardSigmoidKeras3');
    expect(Array.from(model.params['gru/bh']!.dataSync())).toEqual(Array.from(new Float32Array(bias)));
    // reference: the same GRU written out by hand (Keras 3 equations, reset after)
    const xs = [[0.1, -0.2, 0.3], [0.5, 0.1, -0.4], [-0.3, 0.2, 0.2], [0.0, 0.4, -0.1]];
    const hs = (z: number) => Math.min(1, Math.max(0, z / 6 + 0.5));
    let h = [0, 0];
    for (const x of xs) {
      // column j of v·M for a row-major M with 3·units columns
      const col = (m: number[], v: number[], j: number) => v.reduce((a, vi, i) => a + vi * m[i * 3 * units + j]!, 0);
      const gx = (j: number) => col(kernel, x, j) + bias[j]!;
      const gh = (j: number) => col(recurrent, h, j) + bias[3 * units + j]!;
      h = h.map((hPrev, k) => {
        const z = hs(gx(k) + gh(k));
        const r = hs(gx(units + k) + gh(units + k));
        const candidate = Math.tanh(gx(2 * units + k) + r * gh(2 * units + k));
        return z * hPrev + (1 - z) * candidate;
      });
    }
    const x = tensor3d([xs]);
    const got = model.apply(x, { training: false });
    expectClose(got, [0.3 * h[0]! - 0.7 * h[1]!], { rtol: 1e-5, atol: 1e-6 }, 'Keras 3 GRU');
    dispose([x, got]);
    model.dispose();
  });

  it('names the unsupported layer and class, the mismatched weight and shapes, and detects truncated data; creates nothing', async () => {
    const theirs = tfl.sequential({ layers: [tfl.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 3 }), tfl.layers.simpleRNN({ units: 3 })] });
    const artifacts = await saveTfjs(theirs);
    theirs.dispose();
    const before = numTensors();
    const top = artifacts.modelTopology as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } };
    const conv = { ...artifacts, modelTopology: { ...top, config: { ...top.config, layers: [...top.config.layers, { class_name: 'ConvLSTM2D', config: { name: 'conv_lstm2d_7' } }] } } };
    expect(() => fromLayersArtifacts(conv)).toThrow(/layer 'conv_lstm2d_7' \(ConvLSTM2D\): unsupported layer class 'ConvLSTM2D'/);
    const badConv = { ...artifacts, modelTopology: { ...top, config: { ...top.config, layers: [...top.config.layers, { class_name: 'Conv1D', config: { name: 'conv1d_7' } }] } } };
    expect(() => fromLayersArtifacts(badConv)).toThrow(/layer 'conv1d_7' \(Conv1D\): .*filters must be a positive integer/);
    const specs = artifacts.weightSpecs!.map((s) => (s.name.endsWith('recurrent_kernel') ? { ...s, shape: [3, 4] } : s));
    expect(() => fromLayersArtifacts({ ...artifacts, weightSpecs: specs })).toThrow(/weight '.*recurrent_kernel' \(.*\/whh\) has shape \[3, 4\], expected \[3, 3\]/);
    const data = (artifacts.weightData as ArrayBuffer).slice(0, 40);
    expect(() => fromLayersArtifacts({ ...artifacts, weightData: data })).toThrow(/need \d+ bytes, the weight data has 40 \(truncated; weight .* is the first that does not fit\)/);
    expect(numTensors()).toBe(before);
  });

  it('reads and writes model.json with weight shards on disk', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rnnkit-tfjs-'));
    try {
      const model = sequential([embedding({ inputDim: 10, outputDim: 4 }), lstm({ units: 3 }), dense({ units: 1 })], { seed: 2 });
      await saveLayersModelFiles(model, dir);
      // split the weights into two shards, as the converter does for large models
      const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      const bytes = await readFile(join(dir, 'weights.bin'));
      await writeFile(join(dir, 'group1-shard1of2.bin'), bytes.subarray(0, 100));
      await writeFile(join(dir, 'group1-shard2of2.bin'), bytes.subarray(100));
      json.weightsManifest[0].paths = ['group1-shard1of2.bin', 'group1-shard2of2.bin'];
      await writeFile(join(dir, 'model.json'), JSON.stringify(json));
      const loaded = await loadLayersModelFiles(join(dir, 'model.json'));
      const x = ids();
      const a = model.apply(x, { training: false });
      const b = loaded.apply(x, { training: false });
      expectClose(b, a, { rtol: 0, atol: 0 }, 'files');
      dispose([x, a, b]);
      model.dispose();
      loaded.dispose();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
