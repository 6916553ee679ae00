/**
 * NaN predictions give NaN losses and metrics on every backend (issue 18, item 4): a diverged model
 * must never report a finite loss or a coin-flip accuracy. On wasm, ε-clipped cross-entropies of
 * all-NaN outputs used to report 8.059 (−ln 1e-7 halved) and accuracy 0.5.
 */
import { describeEachBackend, ALL_BACKENDS, expectNoLeaks } from '@rnnkit/testkit';
import { fill, mul, tensor1d, tensor2d, tensor3d, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import {
  auc,
  binaryAccuracy,
  binaryCrossentropy,
  categoricalAccuracy,
  categoricalCrossentropy,
  ctcLoss,
  ctcLossFromTargets,
  evaluate,
  huber,
  meanAbsoluteError,
  meanSquaredError,
  sparseCategoricalAccuracy,
  sparseCategoricalCrossentropy,
} from './index';
import type { Loss, Metric } from './index';

function lossValue(loss: Loss, yTrue: Tensor, yPred: Tensor): number {
  return tidy(() => loss(yTrue, yPred).dataSync()[0]!);
}

function metricValue(metric: Metric, yTrue: Tensor, yPred: Tensor): number {
  const acc = metric.create();
  acc.update(yTrue, yPred);
  return acc.result();
}

describeEachBackend(ALL_BACKENDS, 'NaN predictions', () => {
  it('make every loss NaN, all-NaN or one NaN element among finite ones', () => {
    const results: Array<[string, number, number]> = [];
    expectNoLeaks(() => {
      tidy(() => {
        const binary = tensor2d([1, 0, 0, 1], [2, 2]);
        const oneHot = tensor2d([1, 0, 0, 1], [2, 2]);
        const ids = tensor1d([0, 1]);
        const allNaN = fill([2, 2], NaN);
        const oneNaN = tensor2d([0.7, NaN, 0.4, 0.6], [2, 2]);
        const cases: Array<[string, Loss, Tensor]> = [
          ['binaryCrossentropy', binaryCrossentropy(), binary],
          ['binaryCrossentropy fromLogits', binaryCrossentropy({ fromLogits: true }), binary],
          ['categoricalCrossentropy', categoricalCrossentropy(), oneHot],
          ['categoricalCrossentropy fromLogits', categoricalCrossentropy({ fromLogits: true }), oneHot],
          ['sparseCategoricalCrossentropy', sparseCategoricalCrossentropy(), ids],
          ['sparseCategoricalCrossentropy fromLogits', sparseCategoricalCrossentropy({ fromLogits: true }), ids],
          ['meanSquaredError', meanSquaredError(), binary],
          ['meanAbsoluteError', meanAbsoluteError(), binary],
          ['huber', huber(), binary],
        ];
        for (const [name, loss, yTrue] of cases) results.push([name, lossValue(loss, yTrue, allNaN), lossValue(loss, yTrue, oneNaN)]);
      });
    });
    expect(results).toEqual(results.map(([name]) => [name, NaN, NaN]));
  });

  it('make the CTC loss NaN, with and without zeroInfinity (which zeroes only +∞)', () => {
    let values: number[] = [];
    expectNoLeaks(() => {
      values = tidy(() => {
        const logits = mul(fill([1, 3, 3], NaN), 1);
        // an impossible alignment (1 step, 2 labels) is still +∞, or 0 with zeroInfinity
        const short = tensor3d([0, 0, 0], [1, 1, 3]);
        return [
          ctcLossFromTargets(logits, { labels: [[1, 2]] }),
          ctcLossFromTargets(logits, { labels: [[1, 2]] }, { zeroInfinity: true }),
          ctcLoss()(tensor2d([1, 2], [1, 2]), logits),
          ctcLossFromTargets(short, { labels: [[1, 2]] }),
          ctcLossFromTargets(short, { labels: [[1, 2]] }, { zeroInfinity: true }),
        ].map((t) => t.dataSync()[0]!);
      });
    });
    expect(values).toEqual([NaN, NaN, NaN, Infinity, 0]);
  });

  it('make every metric NaN; a NaN in a masked-out step is ignored', () => {
    let values: number[] = [];
    expectNoLeaks(() => {
      values = tidy(() => {
        const binary = tensor2d([1, 0, 0, 1], [2, 2]);
        const allNaN = fill([2, 2], NaN);
        // sample 1 is padding: only sample 0 (both right) counts
        const masked = binaryAccuracy().create();
        masked.update(binary, tensor2d([0.9, 0.1, NaN, NaN], [2, 2]), tensor1d([1, 0]));
        return [
          metricValue(binaryAccuracy(), binary, allNaN),
          metricValue(categoricalAccuracy(), binary, allNaN),
          metricValue(sparseCategoricalAccuracy(), tensor1d([0, 1]), allNaN),
          metricValue(auc(), binary, allNaN),
          metricValue(auc(), binary, tensor2d([0.9, NaN, 0.1, 0.8], [2, 2])),
          masked.result(),
        ];
      });
    });
    expect(values).toEqual([NaN, NaN, NaN, NaN, NaN, 1]);
  });

  it('make evaluate() report NaN loss and accuracy for a model whose outputs are all NaN', () => {
    expectNoLeaks(() => {
      const N = 8;
      const logs = evaluate({
        forward: (x) => fill([x.shape[0]!, 1], NaN),
        loss: binaryCrossentropy(),
        x: { values: new Float32Array(N * 3), shape: [N, 3] },
        y: { values: Float32Array.from({ length: N }, (_, i) => i % 2), shape: [N, 1] },
        batchSize: 4,
        metrics: [binaryAccuracy(), auc()],
      });
      expect(logs).toEqual({ loss: NaN, binary_accuracy: NaN, auc: NaN });
    });
  });
});
