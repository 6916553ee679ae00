/**
 * Batch-1 streaming with the weights resident in the recurrence kernel (`resident-step.ts`), against
 * independent references fed token by token: tfjs-layers' stateful models (LSTM, GRU reset-before,
 * SimpleRNN) and, for GRU reset-after (which tfjs-layers lacks), a float64 evaluation of Keras 3's
 * equations written out here.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose } from '@rnnkit/testkit';
import { dispose, numTensors, tensor, tensor1d, tensor2d } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { dense, disposeState, embedding, gru, lstm, sequential, sequentialStepper, simpleRnn, timeDistributed } from '../index';
import type { Sequential, StepState } from '../index';
import { seeded } from '../test-utils';

const V = 11;
const E = 5;
const TOKENS = 200;

type Kind = 'lstm' | 'gruBefore' | 'gruAfter' | 'simpleRnn';

function tokenAt(t: number): number {
  return (t * 7 + (t >> 3)) % V;
}

/** rnnkit's model: embedding → recurrent layers → dense head (timeDistributed after a sequence-returning last layer). */
/** Cell options both sides take as they are. */
interface Extra {
  readonly useBias?: boolean;
  readonly activation?: 'relu';
}

function ours(kind: Kind, units: readonly number[], sequenceHead: boolean, extra: Extra = {}): Sequential {
  const layer = (h: number, last: boolean) => {
    const options = { ...extra, units: h, returnSequences: !last || sequenceHead };
    if (kind === 'lstm') return lstm(options);
    if (kind === 'simpleRnn') return simpleRnn(options);
    return gru({ ...options, resetAfter: kind === 'gruAfter' });
  };
  const head = sequenceHead ? timeDistributed(dense({ units: V })) : dense({ units: V });
  return sequential([embedding({ inputDim: V, outputDim: E }), ...units.map((h, i) => layer(h, i === units.length - 1)), head], { seed: 3 });
}

/** tfjs-layers' stateful twin, batch 1, one token per call. */
function theirs(kind: Exclude<Kind, 'gruAfter'>, units: readonly number[], extra: Extra = {}): tfl.Sequential {
  const model = tfl.sequential();
  model.add(tfl.layers.embedding({ inputDim: V, outputDim: E, batchInputShape: [1, 1] }));
  units.forEach((h, i) => {
    const options = { ...extra, units: h, stateful: true, returnSequences: i < units.length - 1 };
    if (kind === 'lstm') model.add(tfl.layers.lstm({ ...options, recurrentActivation: 'sigmoid' }));
    else if (kind === 'gruBefore') model.add(tfl.layers.gru({ ...options, recurrentActivation: 'sigmoid' }));
    else model.add(tfl.layers.simpleRNN(options));
  });
  model.add(tfl.layers.dense({ units: V }));
  return model;
}

/** Seeded weights for every parameter of `model` (biases too, so every term counts). */
function randomize(model: Sequential, seed: number): void {
  Object.values(model.params).forEach((v, i) => {
    const w = tensor(Array.from(seeded(v.size, seed + i, 0.6)), v.shape);
    v.assign(w);
    w.dispose();
  });
}

/** Our weights into the tfjs-layers twin (the same Keras order: embeddings, kernel, recurrent kernel, bias per layer, dense kernel, bias). */
function copyInto(model: Sequential, twin: tfl.Sequential): void {
  const values = Object.values(model.params).map((v) => tfc.tensor(Array.from(v.dataSync()), v.shape));
  twin.setWeights(values);
  tfc.dispose(values);
}

/** A float64 evaluation of embedding → GRU (reset after, Keras 3: h̃ = tanh(x·W_h + b_h + r ⊙ (h·U_h + b'_h)), h = z ⊙ h + (1 − z) ⊙ h̃) → dense. */
function gruAfterReference(model: Sequential, units: readonly number[]): (token: number) => Float64Array {
  const named = Object.entries(model.params).map(([, v]) => Float64Array.from(v.dataSync()));
  const emb = named[0]!;
  const layers = units.map((h, l) => ({ h, wxh: named[1 + 3 * l]!, whh: named[2 + 3 * l]!, bh: named[3 + 3 * l]!, state: new Float64Array(h) }));
  const wd = named[1 + 3 * units.length]!;
  const bd = named[2 + 3 * units.length]!;
  const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
  return (token) => {
    let x = emb.subarray(token * E, token * E + E);
    for (const layer of layers) {
      const { h, wxh, whh, bh, state } = layer;
      const inSize = x.length;
      const xw = new Float64Array(3 * h);
      const hw = new Float64Array(3 * h);
      for (let j = 0; j < 3 * h; j++) {
        let a = bh[j]!;
        for (let i = 0; i < inSize; i++) a += x[i]! * wxh[i * 3 * h + j]!;
        let b = bh[3 * h + j]!;
        for (let i = 0; i < h; i++) b += state[i]! * whh[i * 3 * h + j]!;
        xw[j] = a;
        hw[j] = b;
      }
      const next = new Float64Array(h);
      for (let j = 0; j < h; j++) {
        const z = sigmoid(xw[j]! + hw[j]!);
        const r = sigmoid(xw[h + j]! + hw[h + j]!);
        const candidate = Math.tanh(xw[2 * h + j]! + r * hw[2 * h + j]!);
        next[j] = z * state[j]! + (1 - z) * candidate;
      }
      layer.state = next;
      x = next;
    }
    const top = x;
    const logits = new Float64Array(V);
    for (let v = 0; v < V; v++) {
      let a = bd[v]!;
      for (let i = 0; i < top.length; i++) a += top[i]! * wd[i * V + v]!;
      logits[v] = a;
    }
    return logits;
  };
}

/** One token through the stepper: its logits, the state carried on (the previous one disposed). */
function stepOnce(stepper: ReturnType<typeof sequentialStepper>['stepper'], state: StepState, token: number): { logits: Float32Array; state: StepState } {
  const ids = tensor1d([token], 'int32');
  const out = stepper.step(state, ids);
  const logits = out.logits.dataSync() as Float32Array;
  dispose([ids, out.logits]);
  disposeState(state);
  return { logits, state: out.state };
}

function theirLogits(twin: tfl.Sequential, token: number): Float32Array {
  const ids = tfc.tensor2d([[token]], [1, 1], 'int32');
  const y = twin.predict(ids) as tfc.Tensor;
  const values = y.dataSync() as Float32Array;
  tfc.dispose([ids, y]);
  return values;
}

const CASES: ReadonlyArray<{ kind: Kind; units: number[]; sequenceHead: boolean; extra?: Extra }> = [
  { kind: 'lstm', units: [13], sequenceHead: true },
  { kind: 'lstm', units: [13, 8], sequenceHead: false },
  { kind: 'gruBefore', units: [9], sequenceHead: false },
  { kind: 'gruBefore', units: [9, 6], sequenceHead: true },
  { kind: 'gruAfter', units: [9], sequenceHead: true },
  { kind: 'gruAfter', units: [7, 10], sequenceHead: false },
  { kind: 'simpleRnn', units: [12], sequenceHead: false },
  { kind: 'simpleRnn', units: [12, 5], sequenceHead: true },
  { kind: 'lstm', units: [6, 9], sequenceHead: true, extra: { useBias: false } },
  { kind: 'simpleRnn', units: [8], sequenceHead: false, extra: { useBias: false, activation: 'relu' } },
  // 64 units: 4 gates × 64 floats are 1 KiB rows, which the stepper pads to 68 units
  { kind: 'lstm', units: [64], sequenceHead: false },
];

describeEachBackend(['cpu', 'wasm'], 'sequentialStepper, one row with the weights resident in the kernel', () => {
  for (const { kind, units, sequenceHead, extra = {} } of CASES) {
    it(`${kind} [${units.join(', ')}] ${JSON.stringify(extra)}: ${TOKENS} tokens match the reference within 1e-5, with a full forward pass in between; memory stays flat`, () => {
      const model = ours(kind, units, sequenceHead, extra);
      randomize(model, 40 + units.length);
      const twin = kind === 'gruAfter' ? null : theirs(kind, units, extra);
      if (twin !== null) copyInto(model, twin);
      const reference = twin === null ? gruAfterReference(model, units) : (token: number) => theirLogits(twin, token);
      const { stepper, initialState } = sequentialStepper(model);
      let state = initialState(1);
      const batch = tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32');
      let before = 0;
      for (let t = 0; t < TOKENS; t++) {
        if (t === 5) before = numTensors();
        // another kernel call lays out its buffers over the stepper's: the next step places them again
        if (t % 50 === 25) dispose(model.apply(batch, { training: false }));
        const token = tokenAt(t);
        const step = stepOnce(stepper, state, token);
        state = step.state;
        expectClose(step.logits, reference(token), { atol: 1e-5, rtol: 0 }, `token ${t}`);
      }
      expect(numTensors()).toBe(before);
      disposeState(state);
      batch.dispose();
      twin?.dispose();
      model.dispose();
    });
  }

  it('a vocabulary too large for the input table (projected per token) matches tfjs-layers too', () => {
    // 300 000 ids × 4 gates × 4 units = 4.8 M floats, over the 4 M-float table limit
    const vocabulary = 300_000;
    const model = sequential([embedding({ inputDim: vocabulary, outputDim: 2 }), lstm({ units: 4 }), dense({ units: V })], { seed: 5 });
    randomize(model, 60);
    const twin = tfl.sequential();
    twin.add(tfl.layers.embedding({ inputDim: vocabulary, outputDim: 2, batchInputShape: [1, 1] }));
    twin.add(tfl.layers.lstm({ units: 4, stateful: true, recurrentActivation: 'sigmoid' }));
    twin.add(tfl.layers.dense({ units: V }));
    copyInto(model, twin);
    const { stepper, initialState } = sequentialStepper(model);
    let state = initialState(1);
    for (let t = 0; t < 30; t++) {
      const token = (t * 104_729) % vocabulary;
      const step = stepOnce(stepper, state, token);
      state = step.state;
      expectClose(step.logits, theirLogits(twin, token), { atol: 1e-5, rtol: 0 }, `token ${t}`);
    }
    disposeState(state);
    twin.dispose();
    model.dispose();
  });

  it('1,000 tokens of a char-model shape (embedding 32, LSTM 128, dense 65) leave the tensor count flat', () => {
    const model = sequential([embedding({ inputDim: 65, outputDim: 32 }), lstm({ units: 128, returnSequences: true }), timeDistributed(dense({ units: 65 }))], { seed: 1 });
    const { stepper, initialState } = sequentialStepper(model);
    let state = initialState(1);
    state = stepOnce(stepper, state, 0).state;
    const before = numTensors();
    for (let t = 1; t <= 1000; t++) state = stepOnce(stepper, state, (t * 11) % 65).state;
    expect(numTensors()).toBe(before);
    disposeState(state);
    model.dispose();
  });

  it('takes the resident path: a step runs no tfjs kernel at all', async () => {
    const model = ours('lstm', [13, 8], true);
    const { stepper, initialState } = sequentialStepper(model);
    let state = initialState(1);
    state = stepOnce(stepper, state, 1).state;
    const info = await tfc.profile(() => {
      state = stepOnce(stepper, state, 2).state;
    });
    expect(info.kernels.map((k) => k.name)).toEqual([]);
    disposeState(state);
    model.dispose();
  });

  it('weights changed after the stepper was made (setWeights, a training step) are used at once', async () => {
    const model = ours('lstm', [13], true);
    randomize(model, 7);
    const twin = theirs('lstm', [13]);
    const stale = theirs('lstm', [13]);
    copyInto(model, twin);
    copyInto(model, stale);
    const { stepper, initialState } = sequentialStepper(model);
    let state = initialState(1);
    const run = (from: number, to: number, check: (t: number, logits: Float32Array, token: number) => void) => {
      for (let t = from; t < to; t++) {
        const step = stepOnce(stepper, state, tokenAt(t));
        state = step.state;
        check(t, step.logits, tokenAt(t));
      }
    };
    const both = (t: number, logits: Float32Array, token: number) => {
      expectClose(logits, theirLogits(twin, token), { atol: 1e-5, rtol: 0 }, `token ${t}`);
      theirLogits(stale, token);
    };
    run(0, 20, both);

    // setWeights: new values into the same variables
    const changed = Object.values(model.params).map((v, i) => tensor(Array.from(seeded(v.size, 90 + i, 0.6)), v.shape));
    model.setWeights(changed);
    dispose(changed);
    copyInto(model, twin);
    let staleDiff = 0;
    const afterChange = (t: number, logits: Float32Array, token: number) => {
      const fresh = theirLogits(twin, token);
      const old = theirLogits(stale, token);
      expectClose(logits, fresh, { atol: 1e-5, rtol: 0 }, `token ${t} after setWeights`);
      for (let v = 0; v < V; v++) staleDiff = Math.max(staleDiff, Math.abs(fresh[v]! - old[v]!));
    };
    run(20, 60, afterChange);
    // the negative control: the old weights give clearly different logits, so stale weights would fail
    expect(staleDiff).toBeGreaterThan(0.05);

    // a training step assigns the optimizer's update
    model.compile({ optimizer: 'sgd', loss: 'sparseCategoricalCrossentropy' });
    const before = Object.values(model.params).map((v) => Array.from(v.dataSync()));
    const x = tensor2d([[1, 2, 3, 4]], [1, 4], 'int32');
    const y = tensor(Array.from({ length: 4 }, (_, t) => (t + 5) % V), [1, 4, 1], 'int32');
    await model.trainOnBatch(x, y);
    expect(Object.values(model.params).some((v, i) => Array.from(v.dataSync()).some((a, j) => a !== before[i]![j]))).toBe(true);
    copyInto(model, twin);
    run(60, 90, (t, logits, token) => expectClose(logits, theirLogits(twin, token), { atol: 1e-5, rtol: 0 }, `token ${t} after a training step`));

    dispose([x, y]);
    disposeState(state);
    twin.dispose();
    stale.dispose();
    model.dispose();
  });

  it('a state other than the one it returned (branching, or a state from another model) is read in; bad ids are refused', () => {
    const model = ours('gruBefore', [9], false);
    randomize(model, 11);
    const { stepper, initialState } = sequentialStepper(model);
    const zero = initialState(1);
    const a = stepOnce(stepper, initialState(1), 3);
    const kept = Array.from(a.state['gru/h']!.dataSync());
    const ids = [3, 4, V].map((id) => tensor1d([id], 'int32'));
    const branch = stepper.step(a.state, ids[1]!);
    const again = stepper.step(a.state, ids[1]!);
    expect(Array.from(again.logits.dataSync())).toEqual(Array.from(branch.logits.dataSync()));
    // back to the zero state: the first token's logits again
    const fresh = stepper.step(zero, ids[0]!);
    expect(Array.from(fresh.logits.dataSync())).toEqual(Array.from(a.logits));
    expect(() => stepper.step(zero, ids[2]!)).toThrow(`token id ${V} is outside the vocabulary: ids must lie in [0, ${V})`);
    // the returned tensors hold copies: the steps since (which reuse the kernel's state buffers) left them alone
    expect(Array.from(a.state['gru/h']!.dataSync())).toEqual(kept);
    const owned: Tensor[] = [branch.logits, again.logits, fresh.logits, ...ids];
    dispose(owned);
    for (const s of [zero, a.state, branch.state, again.state, fresh.state]) disposeState(s);
    model.dispose();
  });
});
