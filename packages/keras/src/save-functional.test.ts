/**
 * `kerasModelBytes` of a functional model that is not a chain — Keras' LSTM seq2seq: int ids through
 * an Embedding into an encoder LSTM whose final state (return_state) starts a decoder LSTM on a second
 * input — written as Keras 3 writes a Functional model (the layout the real Keras 3.14 Functional files
 * of real-files.test.ts have): config.json with `inbound_nodes` of `__keras_tensor__` args and the
 * decoder's `initial_state` in its kwargs, both inputs in `input_layers`, and a weights store with an
 * `input_layer[_k]/vars` group per input. It loads back through `loadKerasModel` bit-exactly. A chain-shaped
 * one loads as a Sequential, or with `keepFunctional` as a functional model.
 */
import { unzipSync } from 'fflate';
import { applyLayer, dense, embedding, input, lstm, model } from '@rnnkit/models';
import type { Functional, SymbolicTensor } from '@rnnkit/models';
import { dispose, initBackend, numTensors, tensor } from '@rnnkit/tensor';
import { readHdf5 } from './hdf5';
import { kerasModelBytes, loadKerasModel } from './index';

function seq2seq(): Functional {
  const ids = input({ shape: [6], dtype: 'int32', name: 'encoder_ids' });
  const frames = input({ shape: [4, 3], name: 'decoder_frames' });
  const embedded = applyLayer(embedding({ inputDim: 20, outputDim: 4, name: 'tokens' }), ids);
  const [, h, c] = applyLayer(lstm({ units: 5, returnState: true, name: 'encoder' }), embedded) as SymbolicTensor[];
  const decoded = applyLayer(lstm({ units: 5, returnSequences: true, name: 'decoder' }), frames, { initialState: [h!, c!] }) as SymbolicTensor;
  const out = applyLayer(dense({ units: 2, activation: 'softmax', name: 'head' }), decoded);
  return model({ inputs: [ids, frames], outputs: out, name: 'translator', seed: 3 });
}

interface Tensor3Json {
  readonly class_name: string;
  readonly config: { readonly shape: readonly (number | null)[]; readonly dtype: string; readonly keras_history: readonly [string, number, number] };
}

interface LayerJson {
  readonly class_name: string;
  readonly name: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly inbound_nodes: readonly { readonly args: readonly unknown[]; readonly kwargs: Readonly<Record<string, unknown>> }[];
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

test('a seq2seq functional model is written as a Keras 3 Functional .keras and loads back bit-exactly', async () => {
  const before = numTensors();
  const m = seq2seq();
  const bytes = await kerasModelBytes(m);
  const files = unzipSync(bytes);
  const config = JSON.parse(new TextDecoder().decode(files['config.json'])) as {
    class_name: string;
    registered_name: string;
    config: { name: string; layers: LayerJson[]; input_layers: unknown; output_layers: unknown };
  };
  expect([config.class_name, config.registered_name, config.config.name]).toEqual(['Functional', 'Functional', 'translator']);
  expect(config.config.input_layers).toEqual([
    ['encoder_ids', 0, 0],
    ['decoder_frames', 0, 0],
  ]);
  expect(config.config.output_layers).toEqual(['head', 0, 0]);
  const byName = new Map(config.config.layers.map((l) => [l.name, l] as const));
  expect(config.config.layers.map((l) => l.class_name)).toEqual(['InputLayer', 'InputLayer', 'Embedding', 'LSTM', 'LSTM', 'Dense']);
  expect(byName.get('encoder_ids')!.config).toMatchObject({ batch_shape: [null, 6], dtype: 'int32', name: 'encoder_ids' });
  const decoderCall = byName.get('decoder')!.inbound_nodes[0]!;
  expect((decoderCall.args[0] as Tensor3Json).config).toEqual({ shape: [null, 4, 3], dtype: 'float32', keras_history: ['decoder_frames', 0, 0] });
  expect((decoderCall.kwargs['initial_state'] as Tensor3Json[]).map((t) => [t.class_name, t.config.shape, t.config.keras_history])).toEqual([
    ['__keras_tensor__', [null, 5], ['encoder', 0, 1]],
    ['__keras_tensor__', [null, 5], ['encoder', 0, 2]],
  ]);
  expect(decoderCall.kwargs).toMatchObject({ training: false, mask: null });
  expect((byName.get('tokens')!.inbound_nodes[0]!.args[0] as Tensor3Json).config.dtype).toBe('int32');

  const groups = await readHdf5(files['model.weights.h5']!, 'store', (file) => ({
    inputs: ['layers/input_layer/vars', 'layers/input_layer_1/vars'].map((p) => [file.attrs(p)['name'], file.keys(p).length]),
    encoder: file.keys('layers/lstm/cell/vars'),
    root: file.attrs('vars')['name'],
  }));
  expect(groups).toEqual({ inputs: [['encoder_ids', 0], ['decoder_frames', 0]], encoder: ['0', '1', '2'], root: 'translator' });

  const again = await loadKerasModel(bytes);
  if (again.kind !== 'functional') throw new Error(`the saved seq2seq loaded as a ${again.kind} model`);
  for (const [name, v] of Object.entries(m.params)) {
    expect(Buffer.from((again.params[name]!.dataSync() as Float32Array).buffer).equals(Buffer.from((v.dataSync() as Float32Array).buffer))).toBe(true);
  }
  const ids = tensor(new Int32Array([1, 5, 9, 0, 3, 19, 2, 2, 7, 11, 4, 8]), [2, 6], 'int32');
  const frames = tensor(Float32Array.from({ length: 24 }, (_, i) => Math.sin(i)), [2, 4, 3]);
  const y1 = m.apply([ids, frames], { training: false });
  const y2 = again.apply([ids, frames], { training: false });
  expect(Array.from(y2.dataSync())).toEqual(Array.from(y1.dataSync()));
  dispose([ids, frames, y1, y2]);
  m.dispose();
  again.dispose();
  expect(numTensors()).toBe(before);
});

test('a chain-shaped Functional file loads as a Sequential, or with keepFunctional as a functional model, predicting the same', async () => {
  const before = numTensors();
  const x = input({ shape: [5, 3], name: 'frames' });
  const chain = model({ inputs: x, outputs: applyLayer(dense({ units: 2, name: 'head' }), applyLayer(lstm({ units: 4, name: 'encoder' }), x) as SymbolicTensor), name: 'chain', seed: 5 });
  const bytes = await kerasModelBytes(chain);
  const asSequential = await loadKerasModel(bytes);
  const asFunctional = await loadKerasModel(bytes, { keepFunctional: true });
  expect([asSequential.kind, asFunctional.kind]).toEqual(['sequential', 'functional']);
  const frames = tensor(Float32Array.from({ length: 30 }, (_, i) => Math.cos(i)), [2, 5, 3]);
  const ys = [chain, asSequential, asFunctional].map((m) => m.apply(frames, { training: false }));
  expect(Array.from(ys[1]!.dataSync())).toEqual(Array.from(ys[0]!.dataSync()));
  expect(Array.from(ys[2]!.dataSync())).toEqual(Array.from(ys[0]!.dataSync()));
  dispose([frames, ...ys]);
  [chain, asSequential, asFunctional].forEach((m) => m.dispose());
  expect(numTensors()).toBe(before);
});
