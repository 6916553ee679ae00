import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose } from '@rnnkit/testkit';
import { dispose, numTensors, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { applyLayer, attention, fromLayersArtifacts, input, model, toLayersArtifacts } from '../index';
import type { Functional, KerasFileModel, LayersModelArtifacts, SymbolicTensor } from '../index';
import { saveTfjs, seeded } from '../test-utils';

type Json = Record<string, unknown>;
type Node2 = [string, number, number, Json][];

/** tfjs-layers saves a call's initial state among its inputs, and warns that the `initialState` keyword itself is not saved. */
async function save(model: tfl.LayersModel): ReturnType<typeof saveTfjs> {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
  try {
    return await saveTfjs(model);
  } finally {
    expect(warn.mock.calls.every(([m]) => String(m).includes('non-serializable keyword arguments'))).toBe(true);
    warn.mockRestore();
  }
}

function functional(m: KerasFileModel): Functional {
  if (m.kind !== 'functional') throw new Error(`expected a functional model, got ${m.kind}`);
  return m;
}

function values(shape: number[], seed: number): Tensor {
  return tensor(Array.from(seeded(shape.reduce((a, b) => a * b, 1), seed)), shape);
}

/** Keras' LSTM seq2seq (the decoder starts from the encoder's [h, c]) with a second head on a shared Dense and every merge. */
function graphModel(): tfl.LayersModel {
  const source = tfl.input({ shape: [6, 3], name: 'source' });
  const target = tfl.input({ shape: [5, 4], name: 'target' });
  const [, h, c] = tfl.layers.lstm({ units: 4, returnState: true, recurrentActivation: 'sigmoid', name: 'encoder' }).apply(source) as tfl.SymbolicTensor[];
  const decoded = tfl.layers.lstm({ units: 4, returnSequences: true, recurrentActivation: 'sigmoid', name: 'decoder' }).apply(target, { initialState: [h!, c!] }) as tfl.SymbolicTensor;
  const shared = tfl.layers.dense({ units: 4, activation: 'tanh', name: 'shared' });
  const hs = shared.apply(h!) as tfl.SymbolicTensor;
  const cs = shared.apply(c!) as tfl.SymbolicTensor;
  const merged = [
    tfl.layers.add({ name: 'add' }).apply([hs, cs]),
    tfl.layers.multiply({ name: 'mul' }).apply([hs, cs]),
    tfl.layers.average({ name: 'avg' }).apply([hs, cs]),
    tfl.layers.maximum({ name: 'max' }).apply([hs, cs]),
    tfl.layers.minimum({ name: 'min' }).apply([hs, cs]),
    tfl.layers.dot({ axes: 1, normalize: true, name: 'cos' }).apply([hs, cs]),
  ] as tfl.SymbolicTensor[];
  const summary = tfl.layers.dense({ units: 1, activation: 'sigmoid', name: 'score' }).apply(tfl.layers.concatenate({ name: 'cat' }).apply(merged)) as tfl.SymbolicTensor;
  const next = tfl.layers.dense({ units: 4, activation: 'softmax', name: 'next' }).apply(decoded) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [source, target], outputs: [next, summary], name: 'graph' });
}

/** The same config with Keras 3's node format: `{ args: [keras tensors], kwargs }`, a recurrent layer's states as `initial_state`. */
function asKeras3(artifacts: LayersModelArtifacts): LayersModelArtifacts {
  const top = artifacts.modelTopology as { config: { layers: (Json & { class_name: string; inbound_nodes: Node2[] })[] } & Json };
  const tensorOf = (e: Node2[number]) => ({ class_name: '__keras_tensor__', config: { shape: [null], dtype: 'float32', keras_history: e.slice(0, 3) } });
  const layers = top.config.layers.map((l) => ({
    ...l,
    class_name: l.class_name,
    inbound_nodes: l.inbound_nodes.map((node) => {
      if (l.class_name === 'LSTM') return { args: [tensorOf(node[0]!)], kwargs: node.length > 1 ? { initial_state: node.slice(1).map(tensorOf), training: false } : { training: false } };
      return { args: node.length > 1 ? [node.map(tensorOf)] : [tensorOf(node[0]!)], kwargs: { mask: null } };
    }),
  }));
  return { ...artifacts, modelTopology: { class_name: 'Functional', config: { ...top.config, layers }, keras_version: '3.6.0' } };
}

describeEachBackend(['cpu', 'wasm'], 'tfjs-layers functional graphs', () => {
  it('a graph with returnState, initialState, a shared layer and every merge loads and predicts as tfjs-layers (Keras 2 and 3 node formats)', async () => {
    const theirs = graphModel();
    const artifacts = await save(theirs);
    const xs = [values([3, 6, 3], 31), values([3, 5, 4], 32)];
    const expected = theirs.predict(xs) as tfc.Tensor[];
    for (const [label, file] of [['Keras 2 nodes', artifacts], ['Keras 3 nodes', asKeras3(artifacts)]] as const) {
      const ours = functional(fromLayersArtifacts(file));
      const got = ours.predict(xs) as Tensor[];
      got.forEach((g, i) => expectClose(g, expected[i]!, { atol: 1e-5 }, `${label}: output ${i}`));
      dispose(got);
      ours.dispose();
    }
    dispose([...xs, ...expected]);
    theirs.dispose();
  });

  it('writes a functional model tfjs-layers loads and runs the same; reading it back is exact', async () => {
    const theirs = graphModel();
    const ours = functional(fromLayersArtifacts(await save(theirs)));
    theirs.dispose();
    const artifacts = toLayersArtifacts(ours);
    expect((artifacts.modelTopology as Json)['class_name']).toBe('Model');
    const back = await tfl.loadLayersModel(tfc.io.fromMemory(artifacts as unknown as tfc.io.ModelArtifacts));
    const xs = [values([2, 6, 3], 41), values([2, 5, 4], 42)];
    const mine = ours.predict(xs) as Tensor[];
    const reread = back.predict(xs) as tfc.Tensor[];
    mine.forEach((m, i) => expectClose(m, reread[i]!, { atol: 1e-5 }, `tfjs-layers reading ours: output ${i}`));
    const again = functional(fromLayersArtifacts(artifacts));
    const exact = again.predict(xs) as Tensor[];
    exact.forEach((e, i) => expect(Array.from(e.dataSync())).toEqual(Array.from(mine[i]!.dataSync())));
    dispose([...xs, ...mine, ...reread, ...exact]);
    back.dispose();
    again.dispose();
    ours.dispose();
  });

  it('refuses what it cannot read, naming the layer, and creates nothing', async () => {
    const theirs = graphModel();
    const artifacts = await save(theirs);
    theirs.dispose();
    const top = artifacts.modelTopology as { config: { layers: (Json & { name: string; inbound_nodes: Node2[] })[] } & Json };
    const edit = (name: string, change: (l: Json & { inbound_nodes: Node2[] }) => Json): LayersModelArtifacts => ({
      ...artifacts,
      modelTopology: { ...top, config: { ...top.config, layers: top.config.layers.map((l) => (l.name === name ? change(l) : l)) } },
    });
    const before = numTensors();
    expect(() => fromLayersArtifacts(edit('shared', (l) => ({ ...l, inbound_nodes: l.inbound_nodes.map((n) => n.map((e) => [e[0], e[1], e[2], { mask: [['source', 0, 0]] }])) })))).toThrow(
      "layer 'shared' (Dense): is called with mask=",
    );
    expect(() => fromLayersArtifacts(edit('next', (l) => ({ ...l, inbound_nodes: [[['nowhere', 0, 0, {}]]] })))).toThrow("layer 'next' reads [nowhere, 0, 0], which no earlier layer call makes");
    expect(() => fromLayersArtifacts(edit('next', (l) => ({ ...l, inbound_nodes: [[['decoder', 0, 0, {}], ['decoder', 0, 0, {}]]] })))).toThrow("layer 'next' (Dense): takes one input, but a call gives it 2");
    expect(() => fromLayersArtifacts({ ...artifacts, weightSpecs: artifacts.weightSpecs.slice(1) })).toThrow(/layer 'encoder' needs 3 weights/);
    expect(numTensors()).toBe(before);
  });

  it("reads Keras' Attention layer with its call keywords (Keras 3 nodes: the layer called on [query, value])", () => {
    const tensorOf = (name: string) => ({ class_name: '__keras_tensor__', config: { shape: [null], dtype: 'float32', keras_history: [name, 0, 0] } });
    const config = {
      name: 'attend',
      layers: [
        { class_name: 'InputLayer', name: 'q', config: { name: 'q', batch_shape: [null, 4, 3], dtype: 'float32' }, inbound_nodes: [] },
        { class_name: 'InputLayer', name: 'v', config: { name: 'v', batch_shape: [null, 5, 3], dtype: 'float32' }, inbound_nodes: [] },
        {
          class_name: 'Attention',
          name: 'attention',
          config: { name: 'attention', use_scale: false, score_mode: 'dot', dropout: 0 },
          inbound_nodes: [{ args: [[tensorOf('q'), tensorOf('v')]], kwargs: { use_causal_mask: true, training: false } }],
        },
      ],
      input_layers: [['q', 0, 0], ['v', 0, 0]],
      output_layers: [['attention', 0, 0]],
    };
    const loaded = functional(fromLayersArtifacts({ modelTopology: { class_name: 'Functional', config, keras_version: '3.6.0' }, weightSpecs: [], weightData: new ArrayBuffer(0) }));
    const q = input({ shape: [4, 3] });
    const v = input({ shape: [5, 3] });
    const reference = model({ inputs: [q, v], outputs: applyLayer(attention({ useCausalMask: true }), [q, v]) as SymbolicTensor });
    const xs = [values([2, 4, 3], 51), values([2, 5, 3], 52)];
    const got = loaded.predict(xs) as Tensor;
    const expected = reference.predict(xs) as Tensor;
    expect(Array.from(got.dataSync())).toEqual(Array.from(expected.dataSync()));
    dispose([...xs, got, expected]);
    loaded.dispose();
    reference.dispose();
  });
});
