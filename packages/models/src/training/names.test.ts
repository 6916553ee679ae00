/**
 * Every name `compile` accepts resolves to the @rnnkit/training object it stands for: the optimisers
 * make the same updates, the losses give the same values, `'accuracy'` becomes the accuracy the loss
 * implies; unknown names are refused with the list of accepted ones.
 */
import { describeEachBackend } from '@rnnkit/testkit';
import { createRng, dispose, numTensors, softmax, tensor, tidy, variable } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import {
  adagrad,
  adam,
  adamw,
  auc,
  binaryAccuracy,
  binaryCrossentropy,
  categoricalAccuracy,
  categoricalCrossentropy,
  huber,
  meanAbsoluteError,
  meanSquaredError,
  rmsprop,
  sgd,
  sparseCategoricalAccuracy,
  sparseCategoricalCrossentropy,
} from '@rnnkit/training';
import type { Loss, Metric, Optimizer } from '@rnnkit/training';
import { dense, sequential } from '../index';
import { resolveLoss } from './loss-names';
import { resolveMetric } from './metric-names';
import { resolveOptimizer } from './optimizer-names';

function randoms(n: number, seed: number, map: (u: number) => number = (u) => u): number[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => map(rng.uniform()));
}

/** Weights after three updates of `optimizer` with fixed gradients. */
function threeSteps(optimizer: Optimizer): number[] {
  const w = variable(tensor(randoms(6, 1, (u) => u - 0.5), [2, 3]));
  for (let step = 0; step < 3; step++) {
    const g = tensor(randoms(6, 10 + step, (u) => 2 * u - 1), [2, 3]);
    optimizer.applyGradients({ w }, { w: g });
    g.dispose();
  }
  const out = Array.from(w.dataSync());
  w.dispose();
  optimizer.dispose();
  return out;
}

function lossValue(loss: Loss, yTrue: Tensor, yPred: Tensor): number {
  return tidy(() => loss(yTrue, yPred).dataSync()[0]!);
}

function metricValue(metric: Metric, yTrue: Tensor, yPred: Tensor): number {
  const a = metric.create();
  a.update(yTrue, yPred);
  return a.result();
}

describeEachBackend(['cpu', 'wasm'], 'compile names', () => {
  it('optimizer names (any letter case) make the factories with Keras 3 defaults', () => {
    const cases: [string[], () => Optimizer][] = [
      [['adam', 'Adam', 'ADAM'], () => adam()],
      [['sgd', 'SGD'], () => sgd()],
      [['rmsprop', 'RMSProp'], () => rmsprop()],
      [['adagrad', 'Adagrad'], () => adagrad()],
      [['adamw', 'AdamW'], () => adamw()],
    ];
    for (const [names, make] of cases) {
      const expected = make();
      const expectedName = expected.name;
      const expectedRate = expected.learningRate();
      const expectedWeights = threeSteps(expected);
      for (const name of names) {
        const { optimizer, owned } = resolveOptimizer(name, 'm.compile');
        expect(owned).toBe(true);
        expect(optimizer.name).toBe(expectedName);
        expect(optimizer.learningRate()).toBe(expectedRate);
        expect(threeSteps(optimizer)).toEqual(expectedWeights);
      }
    }
    // negative control: the five rules really differ on these gradients
    const all = cases.map(([, make]) => JSON.stringify(threeSteps(make())));
    expect(new Set(all).size).toBe(5);
    const mine = sgd({ learningRate: 0.5 });
    expect(resolveOptimizer(mine, 'm.compile')).toEqual({ optimizer: mine, owned: false });
    mine.dispose();
    expect(() => resolveOptimizer('adadelta', 'm.compile')).toThrow(
      "m.compile: unknown optimizer 'adadelta'; expected one of 'adam', 'sgd', 'rmsprop', 'adagrad', 'adamw' or an optimizer instance",
    );
  });

  it('loss names in both spellings give the values of the loss functions', () => {
    const probabilities = tensor(randoms(12, 2, (u) => 0.02 + 0.96 * u), [4, 3]);
    const binaryLabels = tensor(randoms(12, 3, (u) => (u > 0.5 ? 1 : 0)), [4, 3]);
    const distribution = softmax(tensor(randoms(12, 4, (u) => 4 * u - 2), [4, 3]));
    const oneHot = tensor([1, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 1], [4, 3]);
    const ids = tensor([0, 2, 1, 2], [4], 'int32');
    const targets = tensor(randoms(12, 5, (u) => 3 * u - 1.5), [4, 3]);
    const cases: [string[], Loss, Tensor, Tensor, string][] = [
      [['binary_crossentropy', 'binaryCrossentropy'], binaryCrossentropy(), binaryLabels, probabilities, 'binary'],
      [['categorical_crossentropy', 'categoricalCrossentropy'], categoricalCrossentropy(), oneHot, distribution, 'categorical'],
      [['sparse_categorical_crossentropy', 'sparseCategoricalCrossentropy'], sparseCategoricalCrossentropy(), ids, distribution, 'sparse'],
      [['mse', 'mean_squared_error', 'meanSquaredError'], meanSquaredError(), targets, probabilities, 'other'],
      [['mae', 'mean_absolute_error', 'meanAbsoluteError'], meanAbsoluteError(), targets, probabilities, 'other'],
      [['huber'], huber(), targets, probabilities, 'other'],
    ];
    for (const [names, expected, yTrue, yPred, kind] of cases) {
      const value = lossValue(expected, yTrue, yPred);
      expect(Number.isFinite(value)).toBe(true);
      for (const name of names) {
        const resolved = resolveLoss(name, 'm.compile');
        expect(resolved.kind).toBe(kind);
        expect(lossValue(resolved.loss, yTrue, yPred)).toBe(value);
      }
    }
    const own: Loss = (yTrue, yPred) => meanSquaredError()(yTrue, yPred);
    expect(resolveLoss(own, 'm.compile')).toEqual({ loss: own, kind: 'other' });
    expect(() => resolveLoss('hinge', 'm.compile')).toThrow(/^m\.compile: unknown loss 'hinge'; expected one of 'binary_crossentropy', 'binaryCrossentropy', .*'huber' or a loss function$/);
    expect(() => resolveLoss('Binary_Crossentropy', 'm.compile')).toThrow(/unknown loss 'Binary_Crossentropy'/);
    dispose([probabilities, binaryLabels, distribution, oneHot, ids, targets]);
  });

  it("'accuracy' and 'acc' follow the loss (Keras), by shapes for other losses; names are kept", () => {
    const binaryPred = tensor([0.9, 0.2, 0.6, 0.4], [4, 1]);
    const binaryTrue = tensor([1, 0, 0, 0], [4, 1]);
    const probs = tensor([0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.2, 0.5, 0.3, 0.4, 0.4, 0.2], [4, 3]);
    const oneHot = tensor([1, 0, 0, 0, 0, 1, 0, 0, 1, 0, 1, 0], [4, 3]);
    const ids = tensor([0, 2, 2, 1], [4], 'int32');
    const check = (metric: Metric, name: string, expected: Metric, yTrue: Tensor, yPred: Tensor): void => {
      expect(metric.name).toBe(name);
      expect(metricValue(metric, yTrue, yPred)).toBe(metricValue(expected, yTrue, yPred));
    };
    for (const name of ['accuracy', 'acc']) {
      check(resolveMetric(name, 'binary', 'm'), name, binaryAccuracy(), binaryTrue, binaryPred);
      check(resolveMetric(name, 'categorical', 'm'), name, categoricalAccuracy(), oneHot, probs);
      check(resolveMetric(name, 'sparse', 'm'), name, sparseCategoricalAccuracy(), ids, probs);
      // other losses (mse, a function): Keras 3's shape rule on the first batch
      check(resolveMetric(name, 'other', 'm'), name, binaryAccuracy(), binaryTrue, binaryPred);
      check(resolveMetric(name, 'other', 'm'), name, categoricalAccuracy(), oneHot, probs);
      check(resolveMetric(name, 'other', 'm'), name, sparseCategoricalAccuracy(), ids, probs);
    }
    // negative control: on these rows binary and categorical accuracy differ (0.833 vs 0.5), so the choice is seen
    expect(metricValue(binaryAccuracy(), oneHot, probs)).toBeCloseTo(10 / 12, 6);
    expect(metricValue(categoricalAccuracy(), oneHot, probs)).toBe(0.5);
    check(resolveMetric('binary_accuracy', 'other', 'm'), 'binary_accuracy', binaryAccuracy(), binaryTrue, binaryPred);
    check(resolveMetric('binaryAccuracy', 'other', 'm'), 'binaryAccuracy', binaryAccuracy(), binaryTrue, binaryPred);
    check(resolveMetric('categorical_accuracy', 'sparse', 'm'), 'categorical_accuracy', categoricalAccuracy(), oneHot, probs);
    check(resolveMetric('categoricalAccuracy', 'sparse', 'm'), 'categoricalAccuracy', categoricalAccuracy(), oneHot, probs);
    check(resolveMetric('sparse_categorical_accuracy', 'other', 'm'), 'sparse_categorical_accuracy', sparseCategoricalAccuracy(), ids, probs);
    check(resolveMetric('sparseCategoricalAccuracy', 'other', 'm'), 'sparseCategoricalAccuracy', sparseCategoricalAccuracy(), ids, probs);
    check(resolveMetric('auc', 'binary', 'm'), 'auc', auc(), binaryTrue, binaryPred);
    check(resolveMetric('AUC', 'binary', 'm'), 'AUC', auc(), binaryTrue, binaryPred);
    const mine = binaryAccuracy({ threshold: 0.3 });
    expect(resolveMetric(mine, 'binary', 'm')).toBe(mine);
    expect(() => resolveMetric('mse', 'other', 'm.compile')).toThrow(
      "m.compile: unknown metric 'mse'; expected one of 'accuracy', 'acc', 'binary_accuracy', 'binaryAccuracy', 'categorical_accuracy', " +
        "'categoricalAccuracy', 'sparse_categorical_accuracy', 'sparseCategoricalAccuracy', 'auc', 'AUC' or a metric instance",
    );
    dispose([binaryPred, binaryTrue, probs, oneHot, ids]);
  });

  it('compile refuses unknown names, missing parts and duplicate log names, and frees the optimisers it made', async () => {
    const before = numTensors();
    const model = sequential([dense({ units: 1, activation: 'sigmoid' })], { inputShape: [2], name: 'clf' });
    expect(() => model.compile({ optimizer: 'nadam', loss: 'mse' })).toThrow(/^clf\.compile: unknown optimizer 'nadam'; expected one of 'adam'/);
    expect(() => model.compile({ optimizer: 'adam', loss: 'cross_entropy' })).toThrow(/^clf\.compile: unknown loss 'cross_entropy'/);
    expect(() => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['accuracy', 'precision'] })).toThrow(/^clf\.compile: unknown metric 'precision'/);
    expect(() => model.compile({ optimizer: 'adam', loss: 'mse', metrics: ['acc', binaryAccuracy({ name: 'acc' })] })).toThrow(
      "clf.compile: two metrics (or a metric and the loss) are both logged as 'acc'",
    );
    expect(() => model.compile({ optimizer: 'adam' } as never)).toThrow("clf.compile: loss is required (e.g. 'binary_crossentropy')");
    expect(() => model.compile({ loss: 'mse' } as never)).toThrow("clf.compile: optimizer is required (e.g. 'adam')");
    // a single metric may be given without the array, as tfjs-layers allows
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: 'acc' });
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    await model.trainOnBatch([[1, 2], [3, 4]], [1, 0]);
    // adam now holds m and v for the kernel and the bias; compiling again frees them
    expect(numTensors()).toBe(before + 2 + 4);
    model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
    expect(numTensors()).toBe(before + 2);
    await model.trainOnBatch([[1, 2], [3, 4]], [1, 0]);
    model.dispose();
    expect(numTensors()).toBe(before);
  });
});
