import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { dispose, mul, sum, tensor, tidy, variableGrads } from '@rnnkit/tensor';
import type { Scalar, Tensor } from '@rnnkit/tensor';
import {
  add,
  applyLayer,
  average,
  concatenate,
  dense,
  dot,
  embedding,
  flatten,
  functionalFromTopology,
  gru,
  input,
  lstm,
  maximum,
  minimum,
  model,
  multiply,
  sequential,
  simpleRnn,
  subtract,
} from '../index';
import type { Functional, SymbolicTensor } from '../index';
import { seeded } from '../test-utils';

/** Copies a tfjs-layers model's weights into the rnnkit model, layer by layer (same names, Keras' order in both). */
function copyWeights(from: tfl.LayersModel, to: Functional): void {
  for (const layer of to.layers) {
    if (layer.weightNames.length === 0) continue;
    const theirs = from.getLayer(layer.name).getWeights();
    expect(theirs.length).toBe(layer.weightNames.length);
    layer.weightNames.forEach((n, i) => {
      const w = theirs[i]!;
      const value = tensor(Array.from(w.dataSync()), w.shape);
      to.params[n]!.assign(value);
      value.dispose();
    });
  }
}

function values(n: number, shape: number[], seed: number): Tensor {
  return tensor(Array.from(seeded(n, seed)), shape);
}

/** Two inputs, two outputs, a shared LSTM, every merge layer tfjs-layers has, Dot and a concatenation along time. */
function buildTheirs(): tfl.LayersModel {
  const a = tfl.input({ shape: [5, 3], name: 'a' });
  const b = tfl.input({ shape: [5, 3], name: 'b' });
  const shared = tfl.layers.lstm({ units: 4, returnSequences: true, recurrentActivation: 'sigmoid', name: 'shared' });
  const sa = shared.apply(a) as tfl.SymbolicTensor;
  const sb = shared.apply(b) as tfl.SymbolicTensor;
  const merges = [
    tfl.layers.add({ name: 'add' }).apply([sa, sb]),
    tfl.layers.multiply({ name: 'multiply' }).apply([sa, sb]),
    tfl.layers.average({ name: 'average' }).apply([sa, sb]),
    tfl.layers.maximum({ name: 'maximum' }).apply([sa, sb]),
    tfl.layers.minimum({ name: 'minimum' }).apply([sa, sb]),
  ] as tfl.SymbolicTensor[];
  const merged = tfl.layers.concatenate({ name: 'features' }).apply(merges) as tfl.SymbolicTensor;
  const out1 = tfl.layers.dense({ units: 2, name: 'out1' }).apply(tfl.layers.gru({ units: 3, recurrentActivation: 'sigmoid', name: 'gru' }).apply(merged)) as tfl.SymbolicTensor;
  const scores = tfl.layers.dot({ axes: [2, 2], name: 'scores' }).apply([sa, sb]) as tfl.SymbolicTensor;
  const cosine = tfl.layers.dot({ axes: 2, normalize: true, name: 'cosine' }).apply([sa, sb]) as tfl.SymbolicTensor;
  const time = tfl.layers.concatenate({ axis: 1, name: 'time' }).apply([scores, cosine]) as tfl.SymbolicTensor;
  const out2 = tfl.layers.dense({ units: 1, activation: 'sigmoid', name: 'out2' }).apply(tfl.layers.flatten({ name: 'flat' }).apply(time)) as tfl.SymbolicTensor;
  return tfl.model({ inputs: [a, b], outputs: [out1, out2] });
}

function buildOurs(): Functional {
  const a = input({ shape: [5, 3], name: 'a' });
  const b = input({ shape: [5, 3], name: 'b' });
  const shared = lstm({ units: 4, returnSequences: true, name: 'shared' });
  const sa = applyLayer(shared, a) as SymbolicTensor;
  const sb = applyLayer(shared, b) as SymbolicTensor;
  const merges = [add, multiply, average, maximum, minimum].map((make) => applyLayer(make({ name: make.name }), [sa, sb]));
  const merged = applyLayer(concatenate({ name: 'features' }), merges);
  const out1 = applyLayer(dense({ units: 2, name: 'out1' }), applyLayer(gru({ units: 3, resetAfter: false, name: 'gru' }), merged) as SymbolicTensor);
  const scores = applyLayer(dot({ axes: [2, 2], name: 'scores' }), [sa, sb]);
  const cosine = applyLayer(dot({ axes: 2, normalize: true, name: 'cosine' }), [sa, sb]);
  const time = applyLayer(concatenate({ axis: 1, name: 'time' }), [scores, cosine]);
  const out2 = applyLayer(dense({ units: 1, activation: 'sigmoid', name: 'out2' }), applyLayer(flatten({ name: 'flat' }), time));
  return model({ inputs: [a, b], outputs: [out1, out2], name: 'two_by_two' });
}

describeEachBackend(['cpu', 'wasm'], 'functional model', () => {
  it('two inputs, two outputs, a shared layer and every merge layer: outputs and gradients equal tfjs-layers’', () => {
    const theirs = buildTheirs();
    const ours = buildOurs();
    copyWeights(theirs, ours);
    const xa = values(2 * 5 * 3, [2, 5, 3], 11);
    const xb = values(2 * 5 * 3, [2, 5, 3], 12);
    const [t1, t2] = theirs.predict([xa, xb]) as tfc.Tensor[];
    const { ys, masks } = ours.call([xa, xb], { training: false });
    expectClose(ys[0]!, t1!, { atol: 1e-5 }, 'out1');
    expectClose(ys[1]!, t2!, { atol: 1e-5 }, 'out2');
    expect(masks).toEqual([null, null]);

    // d/dw of Σ r1⊙out1 + Σ r2⊙out2 over every weight
    const r1 = values(4, [2, 2], 13);
    const r2 = values(2, [2, 1], 14);
    const mine = variableGrads(() => {
      const out = ours.call([xa, xb], { training: false });
      return tidy(() => sum(mul(out.ys[0]!, r1)).add(sum(mul(out.ys[1]!, r2))) as Scalar);
    }, Object.values(ours.params));
    const reference = tfc.variableGrads(() => {
      const [o1, o2] = theirs.apply([xa, xb]) as tfc.Tensor[];
      return tfc.add(tfc.sum(tfc.mul(o1!, r1)), tfc.sum(tfc.mul(o2!, r2))) as tfc.Scalar;
    });
    let compared = 0;
    for (const layer of ours.layers) {
      if (layer.weightNames.length === 0) continue;
      const theirWeights = theirs.getLayer(layer.name).trainableWeights;
      layer.weightNames.forEach((n, i) => {
        expectClose(mine.grads[ours.params[n]!.name]!, reference.grads[(theirWeights[i]!.read() as tfc.Variable).name]!, { atol: 1e-5 }, `d/d ${n}`);
        compared++;
      });
    }
    expect(compared).toBe(3 + 3 + 2 + 2);
    dispose([xa, xb, t1!, t2!, ...ys, r1, r2, mine.value, ...Object.values(mine.grads), reference.value, ...Object.values(reference.grads)]);
    theirs.dispose();
    ours.dispose();
  });

  it('a shared layer has one set of weights; the summary shows the graph', () => {
    const ours = buildOurs();
    expect(Object.keys(ours.params).filter((n) => n.startsWith('shared/'))).toEqual(['shared/wxh', 'shared/whh', 'shared/bh']);
    const text = ours.summary();
    expect(text).toContain('Connected to');
    expect(text).toContain('shared[0][0], shared[1][0]');
    expect(text).toContain('a (InputLayer)');
    expect(ours.countParams()).toBe(4 * 4 * (3 + 4 + 1) + 3 * 3 * (20 + 3 + 1) + (3 * 2 + 2) + (50 + 1));
    ours.dispose();
  });

  it('masks flow along the graph: an embedding mask reaches the recurrent layers through a merge', () => {
    const ids = input({ shape: [null], dtype: 'int32', name: 'ids' });
    const emb = applyLayer(embedding({ inputDim: 10, outputDim: 4, maskZero: true, name: 'emb' }), ids);
    const left = applyLayer(simpleRnn({ units: 3, returnSequences: true, name: 'left' }), emb) as SymbolicTensor;
    const right = applyLayer(simpleRnn({ units: 3, returnSequences: true, goBackwards: false, name: 'right' }), emb) as SymbolicTensor;
    const summed = applyLayer(add({ name: 'sum' }), [left, right]);
    const last = applyLayer(simpleRnn({ units: 2, name: 'last' }), summed) as SymbolicTensor;
    const ours = model({ inputs: ids, outputs: [summed, last] });
    // the same layers as a Sequential chain: the final SimpleRNN must skip the padding in both
    const x = tensor([[3, 4, 5, 0, 0, 0], [1, 2, 3, 4, 5, 6]], [2, 6], 'int32');
    const { ys, masks } = ours.call(x, { training: false });
    expect(Array.from(masks[0]!.dataSync())).toEqual([1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(masks[1]).toBeNull();
    const padded = tensor([[3, 4, 5, 0, 0, 0]], [1, 6], 'int32');
    const short = tensor([[3, 4, 5]], [1, 3], 'int32');
    const a = ours.call(padded, { training: false });
    const b = ours.call(short, { training: false });
    expectClose(a.ys[1]!, b.ys[1]!, { atol: 1e-6 }, 'padding is skipped');
    dispose([x, padded, short, ...ys, ...masks.filter((m): m is Tensor => m !== null), ...a.ys, ...b.ys, ...a.masks.filter((m): m is Tensor => m !== null), ...b.masks.filter((m): m is Tensor => m !== null)]);
    ours.dispose();
  });

  it('rebuilds from its topology with the same weights, and runs without leaking tensors', async () => {
    const ours = buildOurs();
    const copy = functionalFromTopology(JSON.parse(JSON.stringify(ours.topology())), { weights: ours.params });
    const xa = values(30, [2, 5, 3], 21);
    const xb = values(30, [2, 5, 3], 22);
    const one = ours.call([xa, xb], { training: false });
    const two = copy.call([xa, xb], { training: false });
    one.ys.forEach((y, i) => expectClose(two.ys[i]!, y, { atol: 0, rtol: 0 }, `output ${i}`));
    expect(copy.summary()).toBe(ours.summary().replace('two_by_two', copy.name));
    await expectNoLeaks(() => dispose([...ours.call([xa, xb], { training: true }).ys]));
    dispose([xa, xb, ...one.ys, ...two.ys]);
    ours.dispose();
    copy.dispose();
  });

  it('a one-input one-output functional model equals the Sequential of the same layers', () => {
    const layers = [embedding({ inputDim: 20, outputDim: 4 }), lstm({ units: 5 }), dense({ units: 1, activation: 'sigmoid' })];
    const seq = sequential(layers, { seed: 3 });
    const ids = input({ shape: [null], dtype: 'int32' });
    const fn = model({ inputs: ids, outputs: layers.reduce<SymbolicTensor>((t, l) => applyLayer(l as never, t) as SymbolicTensor, ids), seed: 3 });
    expect(Object.keys(fn.params)).toEqual(Object.keys(seq.params));
    const x = tensor([[1, 2, 3, 4], [5, 6, 7, 0]], [2, 4], 'int32');
    const p = seq.apply(x, { training: false });
    const q = fn.apply(x, { training: false });
    expectClose(q, p, { atol: 0, rtol: 0 }, 'same seed, same weights, same output');
    dispose([x, p, q]);
    seq.dispose();
    fn.dispose();
  });
});

describeEachBackend(['cpu', 'wasm'], 'subtract (tfjs-layers has no Subtract: checked by its definition)', () => {
  it('y = a − b, gradients +1 and −1, the AND of the masks', () => {
    const a = input({ shape: [3, 2] });
    const b = input({ shape: [3, 2] });
    const m = model({ inputs: [a, b], outputs: applyLayer(subtract(), [a, b]) });
    const xa = values(12, [2, 3, 2], 31);
    const xb = values(12, [2, 3, 2], 32);
    const y = m.apply([xa, xb], { training: false });
    const expected = Array.from(xa.dataSync(), (v, i) => v - xb.dataSync()[i]!);
    expectClose(y, expected, { atol: 1e-7 }, 'a − b');
    dispose([xa, xb, y]);
    m.dispose();
  });
});

describe('functional model training', () => {
  it('compile/fit/evaluate work on a one-input one-output functional model and lower the loss', async () => {
    const x = input({ shape: [4, 2] });
    const m = model({ inputs: x, outputs: applyLayer(dense({ units: 1, activation: 'sigmoid' }), applyLayer(gru({ units: 3 }), x) as SymbolicTensor), seed: 5 });
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const xs = values(16 * 8, [16, 4, 2], 41);
    const ys = tensor(Array.from({ length: 16 }, (_, i) => i % 2), [16, 1]);
    const history = await m.fit(xs, ys, { epochs: 8, batchSize: 4, verbose: 0 });
    const losses = history.history['loss'] as number[];
    expect(losses).toHaveLength(8);
    expect(losses.at(-1)!).toBeLessThan(losses[0]!);
    dispose([xs, ys]);
    m.dispose();
  });
});

describe('functional model errors', () => {
  it('names what is wrong', () => {
    const a = input({ shape: [5, 3], name: 'a' });
    const stray = input({ shape: [5, 3], name: 'stray' });
    const y = applyLayer(add(), [a, stray]);
    expect(() => model({ inputs: a, outputs: y })).toThrow("the outputs depend on an input 'stray' of shape (None, 5, 3) that is not among the model's inputs");
    expect(() => applyLayer(add(), [a, input({ shape: [5, 4] })])).toThrow('do not broadcast');
    expect(() => applyLayer(dense({ units: 2 }), [a, a] as never)).toThrow('takes one input, got a list of 2');
    expect(() => applyLayer(add(), a as never)).toThrow('takes a list of inputs');
    expect(() => applyLayer(dense({ units: 2, name: 'd' }), { shape: [1, 2] } as never)).toThrow("layer 'd': inputs[0] must be a symbolic tensor");
    expect(() => applyLayer(subtract(), [a, a, a])).toThrow('exactly 2 inputs');
    expect(() => applyLayer(dot({ axes: 2 }), [a, input({ shape: [5, 4] })])).toThrow('the contracted sizes differ');
    expect(() => sequential([lstm({ units: 2, returnState: true })], { inputShape: [3, 2] })).toThrow('needs a functional model');
    const twoHeads = buildOurs();
    expect(() => twoHeads.predict([[1]])).toThrow("two_by_two.predict: x must be a list of 2 (one for each of 'a', 'b'), got a list of 1");
    twoHeads.dispose();
    const shared = dense({ units: 2, name: 'shared' });
    const b = input({ shape: [4] });
    const c = input({ shape: [5] });
    expect(() => model({ inputs: [b, c], outputs: [applyLayer(shared, b), applyLayer(shared, c)] })).toThrow("shared layer 'shared' is called on (None, 5)");
  });
});
