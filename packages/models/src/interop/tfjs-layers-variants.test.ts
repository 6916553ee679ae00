/**
 * The format variants of published tfjs-layers files (issue 14), each checked against an independent
 * implementation: tfjs-layers running the same model with the same weights, tfjs-core's own
 * dequantisation, or a float64 implementation of cuDNN's LSTM/GRU equations written out below.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose } from '@rnnkit/testkit';
import { dispose, numTensors, tensor2d, tensor3d } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { fromLayersArtifacts, loadLayersModelFiles } from '../index';
import type { LayersModelArtifacts, LayersWeightSpec } from '../index';
import { float16ToNumber } from './tfjs-weights-decode';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { saveTfjs } from '../test-utils';

type Json = Record<string, unknown>;

function seeded(n: number, seed: number, scale = 1): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return ((s / 2 ** 32) * 2 - 1) * scale;
  });
}

const ids = (): Tensor => tensor2d([[0, 0, 3, 7, 1, 9], [4, 2, 8, 8, 5, 6], [1, 5, 0, 2, 2, 3]], [3, 6], 'int32');

/** A tfjs-layers model with an embedding, a bidirectional LSTM (sigmoid gates: the same in Keras 2 and 3) and a dense head. */
function tfjsBidirectional(): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 6 }),
      tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true }) as tfl.RNN, mergeMode: 'concat' }),
      tfl.layers.gru({ units: 2, recurrentActivation: 'sigmoid' }),
      tfl.layers.dense({ units: 2, activation: 'softmax' }),
    ],
  });
}

/**
 * The same model as the Keras 3 converter writes it: `model_config` with the Keras version, an
 * InputLayer with `batch_shape`, DTypePolicy objects, a Bidirectional with its mirrored
 * `backward_layer` and wrapped layers named `forward_lstm`, weights prefixed with the model's name
 * and the cell's (`sequential_4/lstm_8/lstm_cell/kernel`); `wrapperInPath: false` leaves the
 * Bidirectional's own name out of its weights' paths, as some Keras 3 files do.
 */
function asKeras3(artifacts: LayersModelArtifacts, wrapperInPath: boolean): LayersModelArtifacts {
  const policy = (name: string): Json => ({ module: 'keras', class_name: 'DTypePolicy', config: { name }, registered_name: null });
  const top = artifacts.modelTopology as { config: { layers: { class_name: string; config: Json }[] } };
  const renamed: Record<string, string> = {};
  const layers: Json[] = [{ class_name: 'InputLayer', config: { batch_shape: [null, 6], dtype: 'int32', name: 'input_layer_3' } }];
  top.config.layers.forEach((layer, i) => {
    const name = `${String(layer.config['name']).split('_')[0]!.toLowerCase()}_${8 + i}`;
    renamed[String(layer.config['name'])] = name;
    const config: Json = { ...layer.config, name, dtype: policy('mixed_float16') };
    delete config['batch_input_shape'];
    delete config['input_length'];
    if (layer.class_name === 'GRU') config['reset_after'] = false;
    if (layer.class_name === 'Bidirectional') {
      const inner = config['layer'] as { class_name: string; config: Json };
      config['layer'] = { ...inner, config: { ...inner.config, name: 'forward_lstm', dtype: policy('mixed_float16') } };
      config['backward_layer'] = { ...inner, config: { ...inner.config, name: 'backward_lstm', go_backwards: true, dtype: policy('mixed_float16') } };
    }
    layers.push({ module: 'keras.layers', class_name: layer.class_name, config, registered_name: null });
  });
  const weightSpecs = artifacts.weightSpecs!.map((spec) => {
    const [layer, ...rest] = spec.name.split('/');
    const local = rest.join('/').replace(/^forward_\w+\//, 'forward_lstm/lstm_cell/').replace(/^backward_\w+\//, 'backward_lstm/lstm_cell/');
    const cell = /lstm|gru/.test(layer!) && !local.includes('/') ? `${renamed[layer!]!.split('_')[0]}_cell/` : '';
    const wrapper = !wrapperInPath && local.includes('_lstm/') ? '' : `${renamed[layer!]!}/`;
    return { ...spec, name: `sequential_4/${wrapper}${cell}${local}` };
  });
  return {
    modelTopology: { keras_version: '3.5.0', backend: 'tensorflow', model_config: { class_name: 'Sequential', config: { name: 'sequential_4', layers } } },
    weightSpecs,
    weightData: artifacts.weightData!,
  };
}

/** Little-endian bytes of tfjs' affine quantisation: q = round((w − min)/scale), w ≈ min + scale·q. */
function quantise(values: Float32Array, dtype: 'uint8' | 'uint16'): { bytes: Uint8Array; min: number; scale: number } {
  const min = Math.min(...values);
  const max = Math.max(...values);
  const levels = dtype === 'uint8' ? 255 : 65535;
  const scale = max > min ? (max - min) / levels : 1;
  const width = dtype === 'uint8' ? 1 : 2;
  const bytes = new Uint8Array(values.length * width);
  const view = new DataView(bytes.buffer);
  values.forEach((v, i) => {
    const q = Math.round((v - min) / scale);
    if (width === 1) view.setUint8(i, q);
    else view.setUint16(2 * i, q, true);
  });
  return { bytes, min, scale };
}

/** Nearest binary16 bits of a number (round half to even), for the float16 variant. */
function toFloat16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = ((bits >>> 23) & 0xff) - 127 + 15;
  const mantissa = bits & 0x7fffff;
  if (exponent <= 0) return sign | Math.round((mantissa | 0x800000) / 2 ** (14 - exponent));
  const rounded = Math.round(mantissa / 8192);
  return sign | ((exponent << 10) + rounded);
}

describeEachBackend(['cpu', 'wasm'], 'tfjs-layers file variants', () => {
  it('Keras 3 converter output (model-name prefix, batch_shape, DTypePolicy, mirrored backward_layer) loads; tfjs-layers predicts the same model', async () => {
    const theirs = tfjsBidirectional();
    const artifacts = await saveTfjs(theirs);
    const x = ids();
    const expected = theirs.predict(x) as Tensor;
    for (const wrapperInPath of [true, false]) {
      const keras3 = asKeras3(artifacts, wrapperInPath);
      const paths = keras3.weightSpecs!.map((s) => s.name);
      expect(paths).toContain(wrapperInPath ? 'sequential_4/bidirectional_9/forward_lstm/lstm_cell/kernel' : 'sequential_4/forward_lstm/lstm_cell/kernel');
      expect(paths).toContain('sequential_4/gru_10/gru_cell/recurrent_kernel');
      // tfjs-layers itself cannot read the Keras 3 InputLayer
      await expect(tfl.loadLayersModel(tfc.io.fromMemory(keras3 as unknown as tfc.io.ModelArtifacts))).rejects.toThrow(/batchInputShape. or an .inputShape/);
      const warnings: string[] = [];
      const ours = fromLayersArtifacts(keras3, { onWarning: (m) => warnings.push(m) });
      expect(ours.name).toBe('sequential_4');
      expect(warnings).toEqual([expect.stringMatching(/dtype policy 'mixed_float16' \('embedding_8', 'bidirectional_9', 'gru_10', 'dense_11'\); rnnkit computes in float32/)]);
      const got = ours.apply(x, { training: false });
      expectClose(got, expected, { rtol: 1e-5, atol: 1e-6 }, `Keras 3 file, wrapper in path: ${wrapperInPath}`);
      got.dispose();
      ours.dispose();
    }
    dispose([x, expected]);
    theirs.dispose();
  });

  it('a backward_layer that is not the mirror of the forward layer is refused, naming what differs', async () => {
    const theirs = tfjsBidirectional();
    const keras3 = asKeras3(await saveTfjs(theirs), true);
    theirs.dispose();
    const top = keras3.modelTopology as { model_config: { config: { layers: { config: Json }[] } } };
    const bi = top.model_config.config.layers[2]!.config;
    const backward = bi['backward_layer'] as { config: Json };
    const before = numTensors();
    backward.config['units'] = 5;
    expect(() => fromLayersArtifacts(keras3, { onWarning: () => {} })).toThrow(/layer 'bidirectional_9' \(Bidirectional\): backward_layer differs from the forward layer in 'units' \(3 vs 5\)/);
    backward.config['units'] = 3;
    backward.config['go_backwards'] = false;
    expect(() => fromLayersArtifacts(keras3, { onWarning: () => {} })).toThrow(/backward_layer must read the other way/);
    expect(numTensors()).toBe(before);
  });

  test.each(['uint8', 'uint16', 'float16'] as const)('%s-quantised weights are dequantised as tfjs-core does', async (dtype) => {
    const theirs = tfjsBidirectional();
    const artifacts = await saveTfjs(theirs);
    theirs.dispose();
    const all = new Float32Array(artifacts.weightData);
    const parts: Uint8Array[] = [];
    let at = 0;
    const weightSpecs = artifacts.weightSpecs.map((spec) => {
      const n = spec.shape.reduce((a, b) => a * b, 1);
      const values = all.subarray(at, at + n);
      at += n;
      if (dtype === 'float16') {
        const bytes = new Uint8Array(2 * n);
        const view = new DataView(bytes.buffer);
        values.forEach((v, i) => view.setUint16(2 * i, toFloat16Bits(v), true));
        parts.push(bytes);
        return { ...spec, quantization: { dtype } };
      }
      const q = quantise(values, dtype);
      parts.push(q.bytes);
      return { ...spec, quantization: { dtype, min: q.min, scale: q.scale } };
    });
    const data = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
    let offset = 0;
    for (const p of parts) {
      data.set(p, offset);
      offset += p.length;
    }
    const quantised = { ...artifacts, weightSpecs, weightData: data.buffer };
    const reference = await tfl.loadLayersModel(tfc.io.fromMemory(quantised as unknown as tfc.io.ModelArtifacts));
    const ours = fromLayersArtifacts(quantised);
    // the dequantised weights equal tfjs-core's, value for value
    const theirWeights = reference.getWeights();
    const ourWeights = Object.values(ours.params);
    expect(ourWeights.length).toBe(theirWeights.length);
    ourWeights.forEach((w, i) => expectClose(w, theirWeights[i]!, { rtol: 0, atol: 1e-7 }, `weight ${i}`));
    const x = ids();
    const expected = reference.predict(x) as Tensor;
    const got = ours.apply(x, { training: false });
    expectClose(got, expected, { rtol: 1e-5, atol: 1e-6 }, `${dtype} predictions`);
    dispose([x, expected, got]);
    reference.dispose();
    ours.dispose();
  });

  it('binary16 decoding covers normals, subnormals, zero, infinities and NaN', () => {
    expect(float16ToNumber(0x3c00)).toBe(1);
    expect(float16ToNumber(0xc000)).toBe(-2);
    expect(float16ToNumber(0x7bff)).toBe(65504);
    expect(float16ToNumber(0x0001)).toBe(2 ** -24);
    expect(float16ToNumber(0x8000)).toBe(-0);
    expect(float16ToNumber(0x7c00)).toBe(Infinity);
    expect(float16ToNumber(0xfc00)).toBe(-Infinity);
    expect(float16ToNumber(0x7e00)).toBeNaN();
  });

  it("Keras < 2.2.3's bare list of layers, ':0' weight names and unroll/implementation flags load as tfjs-layers runs them", async () => {
    const theirs = tfjsBidirectional();
    const artifacts = await saveTfjs(theirs);
    const top = artifacts.modelTopology as { config: { layers: { class_name: string; config: Json }[] } };
    const layers = top.config.layers.map((l) => (['GRU', 'LSTM'].includes(l.class_name) ? { ...l, config: { ...l.config, unroll: true, implementation: 2 } } : l));
    const old = {
      modelTopology: { keras_version: '2.1.6', backend: 'tensorflow', model_config: { class_name: 'Sequential', config: layers } },
      weightSpecs: artifacts.weightSpecs.map((s) => ({ ...s, name: `${s.name}:0` })),
      weightData: artifacts.weightData,
    };
    const ours = fromLayersArtifacts(old);
    const x = ids();
    const expected = theirs.predict(x) as Tensor;
    const got = ours.apply(x, { training: false });
    expectClose(got, expected, { rtol: 1e-5, atol: 1e-6 }, 'Keras 2.1 file');
    dispose([x, expected, got]);
    ours.dispose();
    theirs.dispose();
  });

  it('refuses time_major and return_state naming the layer, reads stateful; weights of no layer are an error, an optimizer group is ignored', async () => {
    const theirs = tfl.sequential({ layers: [tfl.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 3 }), tfl.layers.lstm({ units: 3 })] });
    const artifacts = await saveTfjs(theirs);
    theirs.dispose();
    const top = artifacts.modelTopology as { config: { layers: { class_name: string; config: Json }[] } };
    const withFlag = (flag: string): LayersModelArtifacts => ({
      ...artifacts,
      modelTopology: { ...top, config: { ...top.config, layers: top.config.layers.map((l) => (l.class_name === 'LSTM' ? { ...l, config: { ...l.config, [flag]: true } } : l)) } },
    });
    expect(() => fromLayersArtifacts(withFlag('time_major'))).toThrow(/\(LSTM\): time_major inputs \(\[T, B, F\]\) are not supported/);
    const stateful = fromLayersArtifacts(withFlag('stateful'));
    expect((stateful.layers[1]!.spec as { stateful?: boolean }).stateful).toBe(true);
    stateful.dispose();
    expect(() => fromLayersArtifacts(withFlag('return_state'))).toThrow(/\(LSTM\): return_state is not supported inside a sequential model/);
    const extra = new Float32Array(new Float32Array(artifacts.weightData).length + 2);
    extra.set(new Float32Array(artifacts.weightData));
    const stray = { ...artifacts, weightSpecs: [...artifacts.weightSpecs, { name: 'dense_7/kernel', shape: [2], dtype: 'float32' }], weightData: extra.buffer };
    expect(() => fromLayersArtifacts(stray)).toThrow(/weights that belong to no layer of the model: dense_7\/kernel/);
    const optimizer = { ...stray, weightSpecs: [...artifacts.weightSpecs, { name: 'Adam/iter', shape: [2], dtype: 'float32', group: 'optimizer' }] };
    const loaded = fromLayersArtifacts(optimizer);
    loaded.dispose();
  });

  it('a functional model that is a chain loads as a Sequential (Keras 2 and Keras 3 node formats); a layer off the path to the output is refused', async () => {
    const input = tfl.input({ shape: [6], dtype: 'int32' });
    const e = tfl.layers.embedding({ inputDim: 10, outputDim: 4 }).apply(input) as tfl.SymbolicTensor;
    const r = tfl.layers.gru({ units: 3, recurrentActivation: 'sigmoid' }).apply(e) as tfl.SymbolicTensor;
    const out = tfl.layers.dense({ units: 1, activation: 'sigmoid' }).apply(r) as tfl.SymbolicTensor;
    const theirs = tfl.model({ inputs: input, outputs: out });
    const artifacts = await saveTfjs(theirs);
    const top = artifacts.modelTopology as { class_name: string; config: { layers: (Json & { inbound_nodes: unknown[][][] })[]; input_layers: unknown; output_layers: unknown } };
    expect(top.class_name).toBe('Model');
    const x = ids();
    const expected = theirs.predict(x) as Tensor;
    const keras2 = fromLayersArtifacts(artifacts);
    const a = keras2.apply(x, { training: false });
    expectClose(a, expected, { rtol: 1e-5, atol: 1e-6 }, 'functional, Keras 2 nodes');
    // Keras 3 writes each node as { args: [keras tensor], kwargs }
    const layers3 = top.config.layers.map((l) => ({
      ...l,
      inbound_nodes: l.inbound_nodes.map((node) => ({ args: node.map((entry) => ({ class_name: '__keras_tensor__', config: { shape: [null], dtype: 'float32', keras_history: entry.slice(0, 3) } })), kwargs: { training: false } })),
    }));
    const keras3 = fromLayersArtifacts({ ...artifacts, modelTopology: { class_name: 'Functional', config: { ...top.config, layers: layers3, input_layers: (top.config.input_layers as unknown[])[0] } } });
    const b = keras3.apply(x, { training: false });
    expectClose(b, expected, { rtol: 1e-5, atol: 1e-6 }, 'functional, Keras 3 nodes');
    // the dense layer reads the embedding: the GRU leads nowhere, and its weights belong to no layer of the model
    const dense = top.config.layers.at(-1)!;
    const branched = { ...top, config: { ...top.config, layers: [...top.config.layers.slice(0, -1), { ...dense, inbound_nodes: [[[String((top.config.layers[1] as Json)['name']), 0, 0, {}]]] }] } };
    expect(() => fromLayersArtifacts({ ...artifacts, modelTopology: branched })).toThrow(/weights that belong to no layer of the model: gru/);
    dispose([x, expected, a, b]);
    keras2.dispose();
    keras3.dispose();
    theirs.dispose();
  });

  it('weight shards without a .bin name, in several groups, load from disk; a missing shard is named', async () => {
    const theirs = tfjsBidirectional();
    const artifacts = await saveTfjs(theirs);
    const dir = await mkdtemp(join(tmpdir(), 'rnnkit-shards-'));
    try {
      const bytes = new Uint8Array(artifacts.weightData);
      const specs = artifacts.weightSpecs;
      const cut = specs.slice(0, 3).reduce((a, s) => a + 4 * s.shape.reduce((p, d) => p * d, 1), 0);
      await writeFile(join(dir, 'group1-shard1of2'), bytes.subarray(0, 50));
      await writeFile(join(dir, 'group1-shard2of2'), bytes.subarray(50, cut));
      await writeFile(join(dir, 'group2-shard1of1'), bytes.subarray(cut));
      const manifest = [
        { paths: ['group1-shard1of2', 'group1-shard2of2'], weights: specs.slice(0, 3) },
        { paths: ['group2-shard1of1'], weights: specs.slice(3) },
      ];
      await writeFile(join(dir, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: manifest, format: 'layers-model' }));
      const ours = await loadLayersModelFiles(join(dir, 'model.json'));
      const x = ids();
      const expected = theirs.predict(x) as Tensor;
      const got = ours.apply(x, { training: false });
      expectClose(got, expected, { rtol: 1e-5, atol: 1e-6 }, 'shards');
      dispose([x, expected, got]);
      ours.dispose();
      await rm(join(dir, 'group2-shard1of1'));
      await expect(loadLayersModelFiles(join(dir, 'model.json'))).rejects.toThrow(/model\.json: cannot read weight shard 'group2-shard1of1'/);
      for (const outside of ['../../../../etc/hostname', '/etc/hostname']) {
        const escaping = [manifest[0]!, { ...manifest[1]!, paths: [outside] }];
        await writeFile(join(dir, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: escaping }));
        await expect(loadLayersModelFiles(join(dir, 'model.json'))).rejects.toThrow(/weight shard path ".*etc\/hostname" leaves the model's folder/);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
      theirs.dispose();
    }
  });
});

/**
 * float64 cuDNN recurrences on weights as Keras 2's CuDNN layers store them: each gate block of the
 * kernel (columns g·H … (g+1)·H) is cuDNN's W_g [H, I] flattened row-major, each block of the recurrent
 * kernel cuDNN's R_g [H, H] likewise, and the bias the input biases then the recurrent ones.
 *   LSTM (gates i, f, c, o):  g = act(W_g x + b_Wg + R_g h + b_Rg), c' = f c + i c̃, h' = o tanh(c')
 *   GRU (gates z, r, h):      h̃ = tanh(W_h x + b_Wh + r ⊙ (R_h h + b_Rh)), h' = z h + (1 − z) h̃
 */
function cudnnReference(kind: 'lstm' | 'gru', xs: number[][], kernel: number[], recurrent: number[], bias: number[], units: number): number[] {
  const blocks = kind === 'lstm' ? 4 : 3;
  const input = xs[0]!.length;
  const width = blocks * units;
  // W_g[row][col] = the block's row-major flat values at row·cols + col
  const entry = (m: number[], rows: number, g: number, flat: number): number => m[Math.floor(flat / units) * width + g * units + (flat % units)]!;
  const matVec = (m: number[], rows: number, g: number, v: number[], cols: number): number[] =>
    Array.from({ length: units }, (_, row) => v.reduce((a, vi, col) => a + entry(m, rows, g, row * cols + col) * vi, 0));
  const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
  let h = new Array<number>(units).fill(0);
  let c = new Array<number>(units).fill(0);
  for (const x of xs) {
    const wx = Array.from({ length: blocks }, (_, g) => matVec(kernel, input, g, x, input).map((v, k) => v + bias[g * units + k]!));
    const rh = Array.from({ length: blocks }, (_, g) => matVec(recurrent, units, g, h, units).map((v, k) => v + bias[width + g * units + k]!));
    if (kind === 'lstm') {
      const gate = (g: number, act: (z: number) => number): number[] => wx[g]!.map((v, k) => act(v + rh[g]![k]!));
      const [i, f, cand, o] = [gate(0, sigmoid), gate(1, sigmoid), gate(2, Math.tanh), gate(3, sigmoid)];
      c = c.map((cv, k) => f[k]! * cv + i[k]! * cand[k]!);
      h = c.map((cv, k) => o[k]! * Math.tanh(cv));
    } else {
      const z = wx[0]!.map((v, k) => sigmoid(v + rh[0]![k]!));
      const r = wx[1]!.map((v, k) => sigmoid(v + rh[1]![k]!));
      const cand = wx[2]!.map((v, k) => Math.tanh(v + r[k]! * rh[2]![k]!));
      h = h.map((hv, k) => z[k]! * hv + (1 - z[k]!) * cand[k]!);
    }
  }
  return h;
}

describeEachBackend(['cpu', 'wasm'], "Keras 2's CuDNNLSTM and CuDNNGRU", () => {
  test.each(['lstm', 'gru'] as const)('Cu%s weights map exactly onto our layer (float64 cuDNN equations)', (kind) => {
    const units = 3;
    const input = 2;
    const blocks = kind === 'lstm' ? 4 : 3;
    const kernel = seeded(input * blocks * units, 1, 0.6);
    const recurrent = seeded(units * blocks * units, 2, 0.6);
    const bias = seeded(2 * blocks * units, 3, 0.3);
    const className = kind === 'lstm' ? 'CuDNNLSTM' : 'CuDNNGRU';
    const layer = { class_name: className, config: { name: `cu_dnn${kind}_1`, units, return_sequences: false, return_state: false, go_backwards: false, stateful: false } };
    const artifacts: LayersModelArtifacts = {
      modelTopology: {
        keras_version: '2.2.4',
        backend: 'tensorflow',
        model_config: { class_name: 'Sequential', config: { name: 'sequential_1', layers: [{ ...layer, config: { ...layer.config, batch_input_shape: [null, 4, input] } }] } },
      },
      weightSpecs: [
        { name: `cu_dnn${kind}_1/kernel`, shape: [input, blocks * units], dtype: 'float32' },
        { name: `cu_dnn${kind}_1/recurrent_kernel`, shape: [units, blocks * units], dtype: 'float32' },
        { name: `cu_dnn${kind}_1/bias`, shape: [2 * blocks * units], dtype: 'float32' },
      ],
      weightData: new Float32Array([...kernel, ...recurrent, ...bias]).buffer,
    };
    const model = fromLayersArtifacts(artifacts);
    const spec = model.layers[0]!.spec;
    expect(spec.kind === 'rnn' && spec.cell.kind).toBe(kind);
    const xs = [[0.5, -0.3], [0.1, 0.8], [-0.6, 0.2], [0.3, 0.3]];
    const x = tensor3d([xs]);
    const got = model.apply(x, { training: false });
    const want = cudnnReference(kind, xs, kernel, recurrent, bias, units);
    expectClose(got, want, { rtol: 1e-5, atol: 1e-6 }, className);
    // negative control: the same numbers read as a plain LSTM / GRU (no cuDNN layout) miss the reference
    const plainBias = kind === 'lstm' ? bias.slice(0, blocks * units).map((b, k) => b + bias[blocks * units + k]!) : bias;
    const plain = fromLayersArtifacts({
      ...artifacts,
      modelTopology: {
        keras_version: '2.2.4',
        model_config: { class_name: 'Sequential', config: { layers: [{ class_name: kind.toUpperCase(), config: { ...layer.config, batch_input_shape: [null, 4, input], reset_after: true } }] } },
      },
      weightSpecs: artifacts.weightSpecs!.map((s) => (s.name.endsWith('/bias') ? { ...s, shape: kind === 'lstm' ? [blocks * units] : [2, blocks * units] } : s)),
      weightData: new Float32Array([...kernel, ...recurrent, ...plainBias]).buffer,
    });
    const wrong = plain.apply(x, { training: false });
    const gap = Math.max(...Array.from(wrong.dataSync()).map((w, k) => Math.abs(w - want[k]!)));
    expect(gap).toBeGreaterThan(1e-2);
    dispose([x, got, wrong]);
    model.dispose();
    plain.dispose();
  });

  it('a Bidirectional CuDNNLSTM and a wrong CuDNN bias shape', () => {
    const units = 2;
    const inner = { class_name: 'CuDNNLSTM', config: { name: 'cu_dnnlstm_1', units, return_sequences: false } };
    const weights = (prefix: string, biasLength: number): LayersWeightSpec[] => [
      { name: `bidirectional_1/${prefix}_cu_dnnlstm_1/kernel`, shape: [3, 4 * units], dtype: 'float32' },
      { name: `bidirectional_1/${prefix}_cu_dnnlstm_1/recurrent_kernel`, shape: [units, 4 * units], dtype: 'float32' },
      { name: `bidirectional_1/${prefix}_cu_dnnlstm_1/bias`, shape: [biasLength], dtype: 'float32' },
    ];
    const topology = {
      keras_version: '2.2.4',
      model_config: { class_name: 'Sequential', config: { layers: [{ class_name: 'Bidirectional', config: { name: 'bidirectional_1', merge_mode: 'sum', layer: inner, batch_input_shape: [null, 5, 3] } }] } },
    };
    const n = 2 * (3 * 4 * units + units * 4 * units + 8 * units);
    const model = fromLayersArtifacts({ modelTopology: topology, weightSpecs: [...weights('forward', 8 * units), ...weights('backward', 8 * units)], weightData: new Float32Array(seeded(n, 4)).buffer });
    expect(Object.keys(model.params)).toEqual(['bidirectional_1/forward/wxh', 'bidirectional_1/forward/whh', 'bidirectional_1/forward/bh', 'bidirectional_1/backward/wxh', 'bidirectional_1/backward/whh', 'bidirectional_1/backward/bh']);
    expect(model.params['bidirectional_1/forward/bh']!.shape).toEqual([4 * units]);
    model.dispose();
    expect(() =>
      fromLayersArtifacts({ modelTopology: topology, weightSpecs: [...weights('forward', 4 * units), ...weights('backward', 8 * units)], weightData: new Float32Array(seeded(n, 4)).buffer }),
    ).toThrow(/layer 'bidirectional_1': CuDNN weight 'bh' has shape \[8\], expected \[16\]/);
  });
});
