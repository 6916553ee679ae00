import { metrics as tflMetrics } from '@tensorflow/tfjs-layers';
import { describeEachBackend, expectClose } from '@rnnkit/testkit';
import { createRng, dispose, tensor, tensor1d, tensor2d, tensor3d } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { auc, binaryAccuracy, categoricalAccuracy, sparseCategoricalAccuracy } from './metrics';
import type { Metric } from './metrics';

function once(metric: Metric, yTrue: Tensor, yPred: Tensor, mask?: Tensor): number {
  const a = metric.create();
  a.update(yTrue, yPred, mask);
  return a.result();
}

describeEachBackend(['cpu', 'wasm'], 'metrics', () => {
  it('binary accuracy, equal to tfjs-layers, and over real steps only with a mask', () => {
    const y = tensor2d([1, 0, 1, 0, 1, 1], [6, 1]);
    const p = tensor2d([0.9, 0.6, 0.4, 0.1, 0.51, 0.5], [6, 1]);
    expect(once(binaryAccuracy(), y, p)).toBeCloseTo(3 / 6, 12);
    const tfl = tflMetrics.binaryAccuracy(y, p).mean();
    expectClose(once(binaryAccuracy(), y, p), tfl, {}, 'vs tfjs-layers');
    expect(once(binaryAccuracy({ threshold: 0.3 }), y, p)).toBeCloseTo(5 / 6, 12);
    // [B=2, T=3, 1] with a [B, T] mask: masked steps are not counted
    const mask = tensor2d([1, 1, 0, 1, 0, 0], [2, 3]);
    expect(once(binaryAccuracy(), reshape3(y), reshape3(p), mask)).toBeCloseTo(2 / 3, 12);
    dispose([y, p, tfl, mask]);
  });

  it('running means across batches', () => {
    const a = binaryAccuracy().create();
    a.update(tensor2d([1, 1], [2, 1]), tensor2d([0.9, 0.9], [2, 1]));
    a.update(tensor2d([1, 0, 0, 0], [4, 1]), tensor2d([0, 0, 0, 0], [4, 1]));
    expect(a.result()).toBeCloseTo(5 / 6, 12);
  });

  it('categorical and sparse categorical accuracy', () => {
    const p = tensor2d([0.1, 0.7, 0.2, 0.5, 0.3, 0.2, 0.2, 0.2, 0.6], [3, 3]);
    expect(once(categoricalAccuracy(), tensor2d([0, 1, 0, 0, 0, 1, 0, 0, 1], [3, 3]), p)).toBeCloseTo(2 / 3, 12);
    expect(once(sparseCategoricalAccuracy(), tensor1d([1, 2, 2]), p)).toBeCloseTo(2 / 3, 12);
    expect(once(sparseCategoricalAccuracy(), tensor2d([1, 0, 2], [3, 1]), p)).toBeCloseTo(1, 12);
    const seq = tensor3d([0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7], [2, 2, 2]);
    expect(once(sparseCategoricalAccuracy(), tensor2d([0, 1, 1, 1], [2, 2]), seq, tensor2d([1, 1, 0, 1], [2, 2]))).toBeCloseTo(1, 12);
  });

  it('AUC approximates the exact ROC area (Mann–Whitney) with 200 thresholds', () => {
    const rng = createRng(4);
    const n = 400;
    const labels = Array.from({ length: n }, () => (rng.uniform() < 0.4 ? 1 : 0));
    const scores = labels.map((l) => Math.min(1, Math.max(0, 0.5 + (l ? 0.15 : -0.15) + 0.25 * rng.normal())));
    let wins = 0;
    let pairs = 0;
    labels.forEach((li, i) =>
      labels.forEach((lj, j) => {
        if (li === 1 && lj === 0) {
          pairs++;
          wins += scores[i]! > scores[j]! ? 1 : scores[i] === scores[j] ? 0.5 : 0;
        }
      }),
    );
    const value = once(auc(), tensor(labels, [n, 1]), tensor(scores, [n, 1]));
    expectClose(value, wins / pairs, { atol: 5e-3 }, 'auc');
    expect(once(auc(), tensor1d([0, 0, 1, 1]), tensor1d([0.1, 0.2, 0.8, 0.9]))).toBeCloseTo(1, 6);
    expect(() => auc({ numThresholds: 2 })).toThrow(/auc: numThresholds must be an integer > 2, got 2/);
  });
});

function reshape3(t: Tensor): Tensor {
  return tensor(t.dataSync(), [2, 3, 1]);
}
