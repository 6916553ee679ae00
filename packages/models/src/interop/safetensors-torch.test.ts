/**
 * safetensors both ways with PyTorch, checked by PyTorch (1.13, Debian's python3-torch):
 *   - rnnkit → PyTorch: the models below, with seeded weights, written by `toSafetensors(…, { layout: 'torch' })`
 *     into fixtures/safetensors/rnnkit-*.safetensors; packages/models/scripts/make-safetensors-fixtures.py
 *     loads each into torch.nn modules with `load_state_dict(…, strict=True)` and records their outputs on
 *     the fixed inputs; rnnkit's outputs must equal them within 1e-5.
 *   - PyTorch → rnnkit: the same script saves PyTorch modules' state dicts (torch-*.safetensors) with
 *     their outputs; the files load here and predict the same within 1e-5.
 *
 * This file is also the generator of the rnnkit-written fixtures: the committed files must be exactly
 * what it makes (checked on every run). To refresh them (after changing a case or the writer):
 *   RNNKIT_WRITE_SAFETENSORS_FIXTURES=1 npx jest src/interop/safetensors-torch.test.ts
 *   /usr/bin/python3 packages/models/scripts/make-safetensors-fixtures.py
 */
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachBackend, expectClose } from '@rnnkit/testkit';
import { dispose, numTensors, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import {
  bidirectional,
  dense,
  dropout,
  embedding,
  fromSafetensors,
  fromTorchStateDict,
  gru,
  loadSafetensors,
  lstm,
  parseSafetensors,
  saveSafetensors,
  sequential,
  seq2seq,
  setWeightsFromSafetensors,
  simpleRnn,
  timeDistributed,
  toSafetensors,
  toTorchStateDict,
  torchModules,
} from '../index';
import type { LayerSpec, SaveableModel, Sequential, SequentialTopology, TorchTensorJson } from '../index';
import { seeded } from '../test-utils';

const DIR = join(__dirname, '../../fixtures/safetensors');
const WRITE = process.env['RNNKIT_WRITE_SAFETENSORS_FIXTURES'] === '1';
const TOLERANCE = { rtol: 1e-5, atol: 1e-5 };

interface ArrayJson {
  shape: number[];
  dtype: 'int32' | 'float32';
  values: number[];
}

/** A model of the rnnkit → PyTorch direction: its layers and its input. */
interface RnnkitCase {
  readonly name: string;
  readonly layers: () => LayerSpec[];
  readonly inputShape?: (number | null)[];
  readonly input: ArrayJson;
}

/** `n` seeded ids in [0, vocabulary). */
function ids(shape: number[], vocabulary: number, seed: number): ArrayJson {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, dtype: 'int32', values: Array.from(seeded(n, seed), (u) => Math.min(vocabulary - 1, Math.floor(((u + 1) / 2) * vocabulary))) };
}

function floats(shape: number[], seed: number): ArrayJson {
  const n = shape.reduce((a, b) => a * b, 1);
  return { shape, dtype: 'float32', values: Array.from(Float32Array.from(seeded(n, seed))) };
}

const RNNKIT_CASES: readonly RnnkitCase[] = [
  {
    // nn.Embedding → nn.LSTM(num_layers=2, bidirectional) → nn.Linear on [h_n fwd, h_n bwd]
    name: 'embed-bilstm2-linear',
    layers: () => [
      embedding({ inputDim: 20, outputDim: 5, name: 'embedding' }),
      bidirectional(lstm({ units: 4, returnSequences: true }), { name: 'lstm' }),
      bidirectional(lstm({ units: 4 }), { name: 'lstm_top' }),
      dense({ units: 3, name: 'head' }),
    ],
    input: ids([3, 6], 20, 11),
  },
  {
    // one bare nn.GRU(num_layers=2): the state dict has the module's own keys
    name: 'gru2',
    layers: () => [gru({ units: 4, returnSequences: true }), gru({ units: 4, returnSequences: true })],
    inputShape: [null, 3],
    input: floats([2, 5, 3], 12),
  },
  {
    // nn.RNN(relu, bidirectional) → nn.Linear(bias=False) per step → tanh
    name: 'birnn-relu-linear-nobias',
    layers: () => [
      bidirectional(simpleRnn({ units: 4, activation: 'relu', returnSequences: true }), { name: 'rnn' }),
      timeDistributed(dense({ units: 2, activation: 'tanh', useBias: false }), { name: 'out' }),
    ],
    inputShape: [null, 3],
    input: floats([2, 5, 3], 13),
  },
  {
    // layers that do not stack: nn.LSTM and nn.GRU as two modules; Dropout has none
    name: 'embed-lstm-gru-linear',
    layers: () => [
      embedding({ inputDim: 15, outputDim: 4, name: 'embedding' }),
      lstm({ units: 5, returnSequences: true, name: 'lstm' }),
      gru({ units: 3, name: 'gru' }),
      dropout(0.3),
      dense({ units: 1, activation: 'sigmoid', name: 'head' }),
    ],
    input: ids([3, 7], 15, 14),
  },
];

/** The seeded model of a case: every weight overwritten with seeded values, so no weight is 0 and no initialiser matters. */
function rnnkitModel(c: RnnkitCase): Sequential {
  const model = sequential(c.layers(), { ...(c.inputShape === undefined ? {} : { inputShape: c.inputShape }), seed: 1 });
  const values = Object.values(model.params).map((v, i) => tensor(Float32Array.from(seeded(v.size, 1000 + i, 0.5)), v.shape, 'float32'));
  model.setWeights(values);
  dispose(values);
  return model;
}

const asTensor = (a: ArrayJson): Tensor => tensor(a.dtype === 'int32' ? Int32Array.from(a.values) : Float32Array.from(a.values), a.shape, a.dtype);
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(DIR, name)));
const readJson = <T>(name: string): T => JSON.parse(readFileSync(join(DIR, name), 'utf8')) as T;

/** The PyTorch → rnnkit cases: the rnnkit model each PyTorch model is (names as the script's attributes). */
const TORCH_TOPOLOGIES: Readonly<Record<string, () => Sequential>> = {
  'lstm-classifier': () =>
    sequential([
      embedding({ inputDim: 30, outputDim: 6, name: 'embedding' }),
      bidirectional(lstm({ units: 5, returnSequences: true }), { name: 'lstm' }),
      bidirectional(lstm({ units: 5 }), { name: 'lstm_1' }),
      dense({ units: 2, name: 'fc' }),
    ]),
  'gru-tagger': () => sequential([gru({ units: 6, returnSequences: true, name: 'gru' }), dense({ units: 3, name: 'proj' })], { inputShape: [null, 4] }),
  'birnn2-bare': () =>
    sequential(
      [bidirectional(simpleRnn({ units: 4, returnSequences: true }), { name: 'rnn_l0' }), bidirectional(simpleRnn({ units: 4, returnSequences: true }), { name: 'rnn_l1' })],
      { inputShape: [null, 3] },
    ),
  // the encoder of a bigger checkpoint: loaded with prefix 'encoder.'
  'checkpoint-encoder': () =>
    sequential([
      embedding({ inputDim: 25, outputDim: 4, name: 'embedding' }),
      gru({ units: 5, returnSequences: true, name: 'rnn' }),
      gru({ units: 5, name: 'rnn_1' }),
    ]),
};

interface TorchCase {
  name: string;
  file: string;
  prefix: string;
  input: ArrayJson;
  output: { shape: number[]; values: number[] };
}

describeEachBackend(['cpu', 'wasm'], 'safetensors with PyTorch', () => {
  let before: number;
  beforeEach(() => {
    before = numTensors();
  });
  afterEach(() => expect(numTensors()).toBe(before));

  it('the committed rnnkit-written fixtures are what this generator makes (refresh: see the file comment)', () => {
    const inputs: Record<string, ArrayJson> = {};
    for (const c of RNNKIT_CASES) {
      const model = rnnkitModel(c);
      const bytes = toSafetensors(model, { layout: 'torch' });
      model.dispose();
      inputs[c.name] = c.input;
      // the header is padded to a multiple of 8 bytes, so the data starts aligned (as the reference writer does)
      expect(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true) % 8n).toBe(0n);
      const file = `rnnkit-${c.name}.safetensors`;
      if (WRITE) writeFileSync(join(DIR, file), bytes);
      expect(Buffer.from(fixture(file)).equals(Buffer.from(bytes))).toBe(true);
    }
    const cases = { generator: 'packages/models/src/interop/safetensors-torch.test.ts', inputs };
    if (WRITE) writeFileSync(join(DIR, 'rnnkit-inputs.json'), `${JSON.stringify(cases)}\n`);
    expect(readJson('rnnkit-inputs.json')).toEqual(cases);
  });

  const outputs = readJson<{ torch: string; outputs: Record<string, { shape: number[]; values: number[] }> }>('rnnkit-outputs.json');
  for (const c of RNNKIT_CASES) {
    it(`rnnkit → PyTorch ${outputs.torch}: ${c.name} loads with strict=True and PyTorch computes rnnkit's output`, () => {
      const model = rnnkitModel(c);
      const x = asTensor(c.input);
      const y = model.apply(x, { training: false });
      const expected = outputs.outputs[c.name]!;
      expect(y.shape).toEqual(expected.shape);
      expectClose(y, expected.values, TOLERANCE, c.name);
      // and the file alone rebuilds the model (its metadata holds the topology)
      const back = fromSafetensors(fixture(`rnnkit-${c.name}.safetensors`));
      const y2 = back.apply(x, { training: false });
      expectClose(y2, y, { rtol: 0, atol: 0 }, `${c.name} from the file`);
      dispose([x, y, y2]);
      model.dispose();
      back.dispose();
    });
  }

  const torchCases = readJson<{ torch: string; cases: TorchCase[] }>('torch-cases.json');
  for (const c of torchCases.cases) {
    it(`PyTorch ${torchCases.torch} → rnnkit: ${c.name} (${c.file}) predicts as PyTorch`, () => {
      const template = TORCH_TOPOLOGIES[c.name]!();
      const bytes = fixture(c.file);
      const options = c.prefix === '' ? {} : { prefix: c.prefix };
      const model = fromSafetensors(bytes, { topology: template.topology(), ...options });
      const x = asTensor(c.input);
      const y = model.apply(x, { training: false });
      expect(y.shape).toEqual(c.output.shape);
      expectClose(y, c.output.values, TOLERANCE, c.name);
      // into an existing model, in place
      setWeightsFromSafetensors(template, bytes, options);
      const y2 = template.apply(x, { training: false });
      expectClose(y2, y, { rtol: 0, atol: 0 }, `${c.name} in place`);
      // and back out: the same keys PyTorch wrote, within the prefix
      const keys = Object.keys(parseSafetensorsKeys(bytes)).filter((k) => k.startsWith(c.prefix));
      expect(Object.keys(toTorchStateDict(model as Sequential, { prefix: c.prefix })).sort()).toEqual(keys.sort());
      dispose([x, y, y2]);
      model.dispose();
      template.dispose();
    });
  }

  it("strict like PyTorch: a checkpoint's other modules are left alone under a prefix and named without one", () => {
    const c = torchCases.cases.find((k) => k.name === 'checkpoint-encoder')!;
    const bytes = fixture(c.file);
    const topology = topologyOf(TORCH_TOPOLOGIES[c.name]!);
    // without the prefix every key is unused and the model's own are missing: both are named
    expect(() => fromSafetensors(bytes, { topology })).toThrow(
      /fromSafetensors: the state dict has 11 key\(s\) this model does not use: 'encoder\.embedding\.weight', .*, and lacks 'embedding\.weight', 'rnn\.weight_ih_l0', .*\. PyTorch's load_state_dict\(strict=True\) refuses them too/,
    );
    expect(() => fromSafetensors(bytes, { topology, strict: false })).toThrow(
      /fromSafetensors: the state dict has no 'embedding\.weight' \(layer 'embedding'\) \(and 8 more key\(s\): 'rnn\.weight_ih_l0', .*; it has \['encoder\.embedding\.weight'/,
    );
    // with it, the decoder's keys are left alone
    fromSafetensors(bytes, { topology, prefix: 'encoder.' }).dispose();
    // keys under the prefix that the model does not use are named, with what they tell
    const shallow = topologyOf(() => sequential([embedding({ inputDim: 25, outputDim: 4, name: 'embedding' }), gru({ units: 5, name: 'rnn' })]));
    expect(() => fromSafetensors(bytes, { topology: shallow, prefix: 'encoder.' })).toThrow(
      "fromSafetensors: the state dict has 4 key(s) under prefix 'encoder.' this model does not use: 'encoder.rnn.weight_ih_l1', 'encoder.rnn.weight_hh_l1', 'encoder.rnn.bias_ih_l1', 'encoder.rnn.bias_hh_l1' (the state dict's module 'rnn' has 2 layers, this model's has 1). PyTorch's load_state_dict(strict=True) refuses them too; pass strict: false to ignore them",
    );
    const loose = fromSafetensors(bytes, { topology: shallow, prefix: 'encoder.', strict: false });
    expect(Object.keys(loose.params)).toHaveLength(4);
    loose.dispose();
  });

  it('fromTorchStateDict is strict: a 2-layer or bidirectional state dict no longer loads as a 1-layer or forward-only module', () => {
    const modules = JSON.parse(readFileSync(join(__dirname, '../../fixtures/torch-modules.json'), 'utf8')) as { cases: { name: string; stateDict: Record<string, TorchTensorJson> }[] };
    const dict = modules.cases.find((k) => k.name === 'lstm-l2-bi')!.stateDict;
    const base = { module: 'LSTM' as const, inputSize: 4, hiddenSize: 3 };
    expect(() => fromTorchStateDict(dict, { ...base, numLayers: 2 })).toThrow(
      /fromTorchStateDict: the state dict has 8 key\(s\) this model does not use: 'weight_ih_l0_reverse', .* \(the state dict's module is bidirectional \(keys ending in _reverse\), this model's is not\)\. PyTorch's load_state_dict\(strict=True\) refuses them too; pass strict: false/,
    );
    expect(() => fromTorchStateDict(dict, { ...base, bidirectional: true })).toThrow(/8 key\(s\) this model does not use: 'weight_ih_l1', .*the state dict's module has 2 layers, this model's has 1/);
    const forward = fromTorchStateDict(dict, { ...base, numLayers: 1, strict: false });
    expect(forward.layers).toHaveLength(1);
    forward.dispose();
    // under a prefix, keys outside it are other modules' and are left alone; missing keys are named
    const prefixed = Object.fromEntries(Object.entries(dict).map(([k, v]) => [`encoder.rnn.${k}`, v]));
    const full = fromTorchStateDict({ ...prefixed, 'decoder.weight': [[1]] }, { ...base, numLayers: 2, bidirectional: true, prefix: 'encoder.rnn.' });
    full.dispose();
    expect(() => fromTorchStateDict({ ...prefixed, 'encoder.rnn.extra': [1] }, { ...base, numLayers: 2, bidirectional: true, prefix: 'encoder.rnn.' })).toThrow(
      "1 key(s) under prefix 'encoder.rnn.' this model does not use: 'encoder.rnn.extra'",
    );
    expect(() => fromTorchStateDict(dict, { ...base, numLayers: 3, bidirectional: true })).toThrow("the state dict has no 'weight_ih_l2' (layer 'lstm_l2': layer 2 of the module)");
  });

  it('the torch layout names its modules, and refuses layers PyTorch spells differently; the rnnkit layout takes any model', () => {
    const model = rnnkitModel(RNNKIT_CASES[0]!);
    expect(torchModules(model)).toEqual([
      { name: 'embedding', module: 'Embedding', arguments: { num_embeddings: 20, embedding_dim: 5 }, layers: ['embedding'] },
      { name: 'lstm', module: 'LSTM', arguments: { input_size: 5, hidden_size: 4, num_layers: 2, bias: true, batch_first: true, bidirectional: true }, layers: ['lstm', 'lstm_top'] },
      { name: 'head', module: 'Linear', arguments: { in_features: 8, out_features: 3, bias: true }, layers: ['head'] },
    ]);
    model.dispose();
    const translator = seq2seq({ sourceVocab: 12, targetVocab: 9, units: 4, sourceLength: 5, seed: 3 });
    expect(() => toSafetensors(translator, { layout: 'torch' })).toThrow("toSafetensors: the torch layout holds sequential models of Embedding, Dense and recurrent layers; a seq2seq model needs layout: 'rnnkit'");
    const again = fromSafetensors(toSafetensors(translator, { layout: 'rnnkit' }));
    for (const [name, v] of Object.entries(translator.params)) expectClose(again.params[name]!, v, { rtol: 0, atol: 0 }, name);
    expect(() => fromSafetensors(toSafetensors(translator, { layout: 'rnnkit' }), { layout: 'torch' })).toThrow("fromSafetensors: the file was written with layout 'rnnkit', not 'torch'");
    translator.dispose();
    again.dispose();
  });

  it('saveSafetensors / loadSafetensors on disk; errors name the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-safetensors-'));
    try {
      const model = rnnkitModel(RNNKIT_CASES[3]!);
      const path = join(dir, 'model.safetensors');
      for (const layout of ['torch', 'rnnkit'] as const) {
        await saveSafetensors(model, path, { layout });
        const back: SaveableModel = await loadSafetensors(path);
        for (const [name, v] of Object.entries(model.params)) expectClose(back.params[name]!, v, { rtol: 0, atol: 0 }, `${layout} ${name}`);
        back.dispose();
      }
      writeFileSync(path, fixture('torch-gru-tagger.safetensors'));
      await expect(loadSafetensors(path)).rejects.toThrow(`loadSafetensors: ${path}: the file carries no model topology`);
      model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/** The topology of the model `make` builds (the model disposed at once). */
function topologyOf(make: () => Sequential): SequentialTopology {
  const model = make();
  model.dispose();
  return model.topology();
}

/** The tensor names of a safetensors file (its tensors disposed at once). */
function parseSafetensorsKeys(bytes: Uint8Array): Record<string, true> {
  const tensors = parseSafetensors(bytes);
  dispose(Object.values(tensors));
  return Object.fromEntries(Object.keys(tensors).map((k) => [k, true] as const));
}
