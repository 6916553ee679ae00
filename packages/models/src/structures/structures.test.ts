import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { add, cast, createRng, dispose, div, logSoftmax, mul, neg, oneHot, reshape, slice, sqrt, square, sub, sum, tensor2d, tidy, variableGrads, zerosLike } from '@rnnkit/tensor';
import type { Scalar, Tensor, Variable } from '@rnnkit/tensor';
import { conditionalGenerator, greedyDecode, loadModelFromArtifacts, packGeneratorInput, packSeq2seqInput, saveModelToArtifacts, sequenceClassifier, sequenceTagger, seq2seq } from '../index';
import type { Model } from '../index';

/** Mean token cross-entropy of logits [B, T, V] against targets [B, T] over the steps where weight is 1. */
function tokenLoss(logits: Tensor, targets: Tensor, weights: Tensor): Scalar {
  const vocabulary = logits.shape[2]!;
  const nll = neg(sum(mul(cast(oneHot(targets, vocabulary), 'float32'), logSoftmax(logits)), -1));
  return sum(mul(nll, weights)).div(sum(weights)) as Scalar;
}

/** A minimal Adam loop written with tensor ops (training proper is @rnnkit/training's job). */
function trainSteps(model: Model, steps: number, batch: () => { x: Tensor; y: Tensor; w: Tensor }, learningRate: number): number {
  const vars = Object.values(model.params) as Variable[];
  const moments = vars.map((v) => ({ m: zerosLike(v), v: zerosLike(v) }));
  let last = Infinity;
  for (let step = 1; step <= steps; step++) {
    const { x, y, w } = batch();
    const { value, grads } = variableGrads(() => tidy(() => tokenLoss(model.apply(x, { training: true }), y, w)), vars);
    last = value.dataSync()[0]!;
    const correction = Math.sqrt(1 - 0.999 ** step) / (1 - 0.9 ** step);
    vars.forEach((variable, i) => {
      const g = grads[variable.name]!;
      const slot = moments[i]!;
      const [m, v] = tidy(() => [add(mul(slot.m, 0.9), mul(g, 0.1)), add(mul(slot.v, 0.999), mul(square(g), 0.001))]);
      dispose([slot.m, slot.v]);
      moments[i] = { m: m!, v: v! };
      tidy(() => variable.assign(sub(variable, mul(div(m!, add(sqrt(v!), 1e-7)), learningRate * correction))));
    });
    dispose([x, y, w, value, ...Object.values(grads)]);
  }
  for (const slot of moments) dispose([slot.m, slot.v]);
  return last;
}

describeEachBackend(['cpu', 'wasm'], 'structures', () => {
  it('N→1 classifier: the Keras IMDB script is one call, 322,113 params', () => {
    const model = sequenceClassifier({ vocabSize: 10000, embeddingDim: 32, cell: 'simpleRnn', units: 32, classes: 1, maskZero: false });
    expect(model.countParams()).toBe(322113);
    expect(model.outputShape).toEqual([null, 1]);
    model.dispose();
    const multi = sequenceClassifier({ vocabSize: 50, units: 8, classes: 4, bidirectional: true, layers: 2, dropout: 0.1 });
    expect(multi.outputShape).toEqual([null, 4]);
    expect(multi.layers.map((l) => l.name)).toEqual(['embedding', 'bidirectional', 'bidirectional_1', 'dropout', 'dense']);
    multi.dispose();
  });

  it('N→N tagger: per-step probabilities and the mask of real steps', () => {
    const model = sequenceTagger({ vocabSize: 20, units: 6, tags: 5, cell: 'gru', seed: 2 });
    const ids = tensor2d([[0, 0, 4, 5], [1, 2, 3, 4]], [2, 4], 'int32');
    const out = model.call(ids, { training: false });
    expect(out.y.shape).toEqual([2, 4, 5]);
    expectClose(tidy(() => sum(out.y, -1)), new Array(8).fill(1), { rtol: 1e-5, atol: 1e-6 }, 'softmax rows');
    expect(Array.from(out.mask!.dataSync())).toEqual([0, 0, 1, 1, 1, 1, 1, 1]);
    dispose([ids, out.y, out.mask!]);
    model.dispose();
  });

  it('1→N generator: teacher forcing equals streaming, save/load, and it learns one sequence per class', () => {
    const model = conditionalGenerator({ conditionSize: 3, vocabSize: 8, units: 16, cell: 'gru', seed: 5 });
    // class k → tokens [3+k, 4+k, 3+k, end]; inputs are start then the tokens shifted right
    const targetsOf = (k: number) => [3 + k, 4 + k, 3 + k, 2];
    const batch = () =>
      tidy(() => {
        const classes = [0, 1, 2, 0, 1, 2];
        const condition = oneHot(tensor2d([classes], [1, 6], 'int32').reshape([6]), 3).cast('float32');
        const inputs = tensor2d(classes.map((k) => [1, ...targetsOf(k).slice(0, 3)]), [6, 4], 'int32');
        return {
          x: packGeneratorInput(condition, inputs),
          y: tensor2d(classes.map(targetsOf), [6, 4], 'int32'),
          w: tensor2d(classes.map(() => [1, 1, 1, 1]), [6, 4]),
        };
      });
    const { x } = batch();
    const logits = model.apply(x, { training: false });
    const condition = tidy(() => slice(x, [0, 0], [6, 3]));
    let state = model.initialState(condition);
    for (let t = 0; t < 4; t++) {
      const token = tidy(() => reshape(slice(x, [0, 3 + t], [6, 1]), [6]).cast('int32'));
      const step = model.stepper.step(state, token);
      const expected = tidy(() => reshape(slice(logits, [0, t, 0], [6, 1, 8]), [6, 8]));
      expectClose(step.logits, expected, { rtol: 1e-4, atol: 1e-5 }, `generator step ${t}`);
      dispose([token, expected, step.logits, ...Object.values(state)]);
      state = step.state;
    }
    dispose(Object.values(state));
    const copy = loadModelFromArtifacts(saveModelToArtifacts(model));
    const again = copy.apply(x, { training: false });
    expectClose(again, logits, { rtol: 0, atol: 0 }, 'loaded generator');
    dispose([again, logits]);
    copy.dispose();

    const loss = trainSteps(model, 60, batch, 0.05);
    expect(loss).toBeLessThan(0.05);
    const start = model.initialState(condition);
    const decoded = greedyDecode(model.stepper, start, { startToken: 1, endToken: 2, maxLength: 6 });
    expect(decoded.tokens).toEqual([0, 1, 2, 0, 1, 2].map((k) => targetsOf(k).slice(0, 3)));
    dispose([x, condition, ...Object.values(start)]);
    model.dispose();
  });
});

// wasm only: the cpu backend's Slice makes these 250 Adam steps take ~100 s there (vs ~3 s on wasm)
describeEachBackend(['wasm'], 'structures, trained', () => {
  it('N→M seq2seq with dot attention learns to reverse sequences (≥ 95 % token accuracy)', async () => {
    // vocabulary: 0 pad, 1 start, 2 end, 3…8 symbols; sources of length 4…5 padded to 5
    const model = seq2seq({ sourceVocab: 9, targetVocab: 9, embeddingDim: 16, units: 32, attention: 'dot', sourceLength: 5, seed: 1 });
    const rng = createRng(123);
    const make = (n: number) => {
      const src: number[][] = [];
      const dec: number[][] = [];
      const tgt: number[][] = [];
      const w: number[][] = [];
      for (let i = 0; i < n; i++) {
        const length = 4 + rng.int(2);
        const seq = Array.from({ length }, () => 3 + rng.int(6));
        const rev = [...seq].reverse();
        const pad = (a: number[], to: number) => [...a, ...new Array<number>(to - a.length).fill(0)];
        src.push(pad(seq, 5));
        dec.push(pad([1, ...rev], 6));
        tgt.push(pad([...rev, 2], 6));
        w.push(pad(new Array<number>(length + 1).fill(1), 6));
      }
      return tidy(() => ({
        x: packSeq2seqInput(tensor2d(src, [n, 5], 'int32'), tensor2d(dec, [n, 6], 'int32')),
        y: tensor2d(tgt, [n, 6], 'int32'),
        w: tensor2d(w, [n, 6]),
      }));
    };
    trainSteps(model, 250, () => make(32), 0.02);
    const test = make(64);
    const accuracy = tidy(() => {
      const predicted = model.apply(test.x, { training: false }).argMax(-1);
      const correct = mul(predicted.equal(test.y).cast('float32'), test.w);
      return sum(correct).div(sum(test.w)).dataSync()[0]!;
    });
    expect(accuracy).toBeGreaterThanOrEqual(0.95);
    await expectNoLeaks(() => dispose(model.apply(test.x, { training: true })), 2, 'seq2seq training apply');
    dispose([test.x, test.y, test.w]);
    model.dispose();
  });
});
