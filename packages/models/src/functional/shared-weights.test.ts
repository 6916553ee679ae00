import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { dispose, memory, oneHot, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { sgd } from '@rnnkit/training';
import { applyLayer, dense, input, lstm, model, sequential } from '../index';
import type { Functional, SymbolicTensor } from '../index';

// Keras' character-level seq2seq (keras.io/examples/nlp/lstm_seq2seq): a training model, then an inference
// encoder and a one-step decoder drawn from the same layers, which share the training model's weights
// (as in Keras, a layer applied in two models is one layer).
const T_SOURCE = 6;
const T_TARGET = 5;
const V_SOURCE = 7;
const V_TARGET = 6;
const UNITS = 8;

interface Theirs {
  readonly training: tfl.LayersModel;
  readonly encoder: tfl.LayersModel;
  readonly decoder: tfl.LayersModel;
}

function buildTheirs(): Theirs {
  const encoderInputs = tfl.input({ shape: [null, V_SOURCE], name: 'encoder_inputs' });
  const [, h, c] = tfl.layers.lstm({ units: UNITS, returnState: true, recurrentActivation: 'sigmoid', name: 'encoder' }).apply(encoderInputs) as tfl.SymbolicTensor[];
  const decoderInputs = tfl.input({ shape: [null, V_TARGET], name: 'decoder_inputs' });
  const decoderLstm = tfl.layers.lstm({ units: UNITS, returnSequences: true, returnState: true, recurrentActivation: 'sigmoid', name: 'decoder' });
  const decoderDense = tfl.layers.dense({ units: V_TARGET, activation: 'softmax', name: 'dense' });
  const [decoded] = decoderLstm.apply(decoderInputs, { initialState: [h!, c!] }) as tfl.SymbolicTensor[];
  const training = tfl.model({ inputs: [encoderInputs, decoderInputs], outputs: decoderDense.apply(decoded!) as tfl.SymbolicTensor });
  const encoder = tfl.model({ inputs: encoderInputs, outputs: [h!, c!] });
  const hIn = tfl.input({ shape: [UNITS] });
  const cIn = tfl.input({ shape: [UNITS] });
  const [stepped, h2, c2] = decoderLstm.apply(decoderInputs, { initialState: [hIn, cIn] }) as tfl.SymbolicTensor[];
  const decoder = tfl.model({ inputs: [decoderInputs, hIn, cIn], outputs: [decoderDense.apply(stepped!) as tfl.SymbolicTensor, h2!, c2!] });
  return { training, encoder, decoder };
}

interface Ours {
  readonly training: Functional;
  readonly encoder: Functional;
  readonly decoder: Functional;
}

function buildOurs(): Ours {
  const encoderInputs = input({ shape: [null, V_SOURCE], name: 'encoder_inputs' });
  const [, h, c] = applyLayer(lstm({ units: UNITS, returnState: true, name: 'encoder' }), encoderInputs) as SymbolicTensor[];
  const decoderInputs = input({ shape: [null, V_TARGET], name: 'decoder_inputs' });
  const decoderLstm = lstm({ units: UNITS, returnSequences: true, returnState: true, name: 'decoder' });
  const decoderDense = dense({ units: V_TARGET, activation: 'softmax', name: 'dense' });
  const [decoded] = applyLayer(decoderLstm, decoderInputs, { initialState: [h!, c!] }) as SymbolicTensor[];
  const training = model({ inputs: [encoderInputs, decoderInputs], outputs: applyLayer(decoderDense, decoded!), name: 'seq2seq' });
  const encoder = model({ inputs: encoderInputs, outputs: [h!, c!], name: 'encoder_model' });
  const hIn = input({ shape: [UNITS] });
  const cIn = input({ shape: [UNITS] });
  const [stepped, h2, c2] = applyLayer(decoderLstm, decoderInputs, { initialState: [hIn, cIn] }) as SymbolicTensor[];
  const decoder = model({ inputs: [decoderInputs, hIn, cIn], outputs: [applyLayer(decoderDense, stepped!), h2!, c2!], name: 'decoder_model' });
  return { training, encoder, decoder };
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

function oneHotIds(n: number, t: number, v: number, salt: number): Tensor {
  const ids = tensor(Array.from({ length: n * t }, (_, i) => (i * 5 + salt + ((i / t) | 0)) % v), [n, t], 'int32');
  const out = oneHot(ids, v).toFloat();
  ids.dispose();
  return out;
}

/** Greedy decoding as Keras' example does it: encode, then one step at a time from the start token (id 0). */
function greedy(encoder: (x: Tensor) => Tensor[], decoderStep: (xs: Tensor[]) => Tensor[], source: Tensor, steps: number): number[][] {
  let [h, c] = encoder(source);
  const start = tensor(new Array<number>(source.shape[0]!).fill(0), [source.shape[0]!, 1], 'int32');
  let token = oneHot(start, V_TARGET).toFloat();
  start.dispose();
  const picked: number[][] = Array.from({ length: source.shape[0]! }, () => []);
  for (let s = 0; s < steps; s++) {
    const [probs, h2, c2] = decoderStep([token, h!, c!]);
    const ids = Array.from(probs!.argMax(-1).dataSync());
    ids.forEach((id, row) => picked[row]!.push(id));
    dispose([token, h!, c!, probs!]);
    const next = tensor(ids, [ids.length, 1], 'int32');
    token = oneHot(next, V_TARGET).toFloat();
    next.dispose();
    [h, c] = [h2, c2];
  }
  dispose([token, h!, c!]);
  return picked;
}

describeEachBackend(['cpu', 'wasm'], "layers shared between functional models (Keras' seq2seq inference models)", () => {
  it('the inference encoder and one-step decoder use the training model’s variables and equal tfjs-layers’ before and after training (1e-5)', async () => {
    const theirs = buildTheirs();
    const ours = buildOurs();
    copyWeights(theirs.training, ours.training);
    expect(ours.encoder.params['encoder/kernel']).toBe(ours.training.params['encoder/kernel']);
    expect(ours.decoder.params['dense/bias']).toBe(ours.training.params['dense/bias']);
    expect(ours.decoder.countParams()).toBe(ours.training.countParams() - ours.encoder.countParams());

    const source = oneHotIds(4, T_SOURCE, V_SOURCE, 1);
    const decoderInput = oneHotIds(4, T_TARGET, V_TARGET, 2);
    const target = oneHotIds(4, T_TARGET, V_TARGET, 3);
    const sourceTf = tfc.tensor(Array.from(source.dataSync()), source.shape);
    const decoderInputTf = tfc.tensor(Array.from(decoderInput.dataSync()), decoderInput.shape);
    const targetTf = tfc.tensor(Array.from(target.dataSync()), target.shape);
    const compare = (): void => {
      const mine = greedy((x) => ours.encoder.call(x, { training: false }).ys as Tensor[], (xs) => ours.decoder.call(xs, { training: false }).ys as Tensor[], source, T_TARGET);
      const reference = greedy(
        (x) => (theirs.encoder.predict(tfc.tensor(Array.from(x.dataSync()), x.shape)) as tfc.Tensor[]).map((t) => tensor(Array.from(t.dataSync()), t.shape)),
        (xs) => (theirs.decoder.predict(xs.map((x) => tfc.tensor(Array.from(x.dataSync()), x.shape))) as tfc.Tensor[]).map((t) => tensor(Array.from(t.dataSync()), t.shape)),
        source,
        T_TARGET,
      );
      expect(mine).toEqual(reference);
      const [h, c] = ours.encoder.call(source, { training: false }).ys;
      const [hTf, cTf] = theirs.encoder.predict(sourceTf) as tfc.Tensor[];
      expectClose(h!, hTf!, { atol: 1e-5 }, 'encoder h');
      expectClose(c!, cTf!, { atol: 1e-5 }, 'encoder c');
      const step = decoderInput.slice([0, 0, 0], [4, 1, V_TARGET]);
      const [probs] = ours.decoder.call([step, h!, c!], { training: false }).ys;
      const [probsTf] = theirs.decoder.predict([tfc.tensor(Array.from(step.dataSync()), step.shape), hTf!, cTf!]) as tfc.Tensor[];
      expectClose(probs!, probsTf!, { atol: 1e-5 }, 'one decoder step');
      dispose([h!, c!, step, probs!]);
    };
    compare();

    // training the training model moves the inference models' weights too, as in Keras
    theirs.training.compile({ optimizer: tfc.train.sgd(0.5), loss: 'categoricalCrossentropy' });
    ours.training.compile({ optimizer: sgd({ learningRate: 0.5 }), loss: 'categorical_crossentropy' });
    await theirs.training.fit([sourceTf, decoderInputTf], targetTf, { epochs: 3, batchSize: 2, shuffle: false, verbose: 0 });
    await ours.training.fit([source, decoderInput], target, { epochs: 3, batchSize: 2, shuffle: false });
    compare();

    dispose([source, decoderInput, target]);
    tfc.dispose([sourceTf, decoderInputTf, targetTf]);
    ours.encoder.dispose();
    ours.decoder.dispose();
    ours.training.dispose();
  });
});

describeEachBackend(['cpu'], 'layers shared between models', () => {
  it('disposing a sharing model frees only its own weights; after the owner is disposed, using it is a clear error and new models get fresh weights', async () => {
    const x = input({ shape: [3, 2] });
    const shared = lstm({ units: 4 });
    const owner = model({ inputs: x, outputs: applyLayer(dense({ units: 1 }), applyLayer(shared, x) as SymbolicTensor) });
    const before = memory().numTensors;
    const borrower = model({ inputs: x, outputs: applyLayer(dense({ units: 2 }), applyLayer(shared, x) as SymbolicTensor) });
    expect(memory().numTensors - before).toBe(2); // its own dense kernel and bias
    borrower.dispose();
    expect(memory().numTensors).toBe(before);
    const xs = tensor(Array.from({ length: 12 }, (_, i) => i / 12), [2, 3, 2]);
    await expectNoLeaks(async () => dispose(owner.apply(xs, { training: false })));

    const again = model({ inputs: x, outputs: applyLayer(shared, x) });
    owner.dispose();
    expect(() => again.apply(xs, { training: false })).toThrow('shares layers with a model that has been disposed');
    again.dispose();
    const before2 = memory().numTensors;
    const fresh = model({ inputs: x, outputs: applyLayer(shared, x) });
    expect(memory().numTensors - before2).toBe(3); // the LSTM's own kernel, recurrent kernel and bias
    fresh.dispose();
    xs.dispose();
  });

  it('refuses a shared layer whose weights would differ; model.layers[i].spec is the same layer', () => {
    const shared = dense({ units: 3 });
    const a = input({ shape: [4] });
    const owner = model({ inputs: a, outputs: applyLayer(shared, a), name: 'owner' });
    const b = input({ shape: [5] });
    expect(() => model({ inputs: b, outputs: applyLayer(shared, b) })).toThrow(
      "model: layer 'dense' is shared with layer 'dense' of model 'owner', whose weights are kernel [4, 3], bias [3], but here it needs kernel [5, 3], bias [3]",
    );
    // the named copies in model.layers (of a loaded model too) are the same layers
    const copy = owner.layers[1]!.spec;
    if (copy.kind === 'input') throw new Error('layers[1] is the dense layer');
    const viaLayers = model({ inputs: a, outputs: copy.apply(a) as SymbolicTensor });
    expect(viaLayers.params['dense/kernel']).toBe(owner.params['dense/kernel']);
    viaLayers.dispose();
    // a Sequential does not share: its layers are its own
    const seq = sequential([shared], { inputShape: [4] });
    expect(seq.params['dense/kernel']).not.toBe(owner.params['dense/kernel']);
    owner.dispose();
    seq.dispose();
  });
});
