import { metrics as tflMetrics } from '@tensorflow/tfjs-layers';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { tensor, tensor1d, tensor2d, tensor3d, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import {
  binaryCrossentropy,
  binaryCrossentropyPerSample,
  categoricalCrossentropy,
  huber,
  meanAbsoluteError,
  meanSquaredError,
  reduceLoss,
  sparseCategoricalCrossentropy,
} from './index';

const EPS = 1e-7;
const clip = (p: number): number => Math.min(Math.max(p, EPS), 1 - EPS);
const bce = (y: number, p: number): number => -(y * Math.log(clip(p)) + (1 - y) * Math.log(1 - clip(p)));
const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));
const meanOf = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function value(t: Tensor): number {
  const v = t.dataSync()[0]!;
  t.dispose();
  return v;
}

describeEachBackend(['cpu', 'wasm'], 'losses', () => {
  it('binary cross-entropy from probabilities clips with ε = 1e-7 (hand-computed, and tfjs-layers)', () => {
    const y = [1, 0, 1, 0, 1, 0.3];
    const p = [0.9, 0.2, 1, 0, 0.5, 0.7];
    const expected = meanOf([bce(1, 0.9), bce(0, 0.2)]) / 3 + meanOf([bce(1, 1), bce(0, 0)]) / 3 + meanOf([bce(1, 0.5), bce(0.3, 0.7)]) / 3;
    const yt = tensor2d(y, [3, 2]);
    const yp = tensor2d(p, [3, 2]);
    expectClose(value(binaryCrossentropy()(yt, yp)), expected, { rtol: 1e-5 }, 'bce');
    // p = 1 and p = 0 with the right label give −log(1 − ε) ≈ 1e-7, not 0 or NaN
    expectClose(value(binaryCrossentropy()(tensor1d([1]), tensor1d([1]))), -Math.log(1 - EPS), { rtol: 0.2, atol: 0 }, 'clipped');
    const tfl = tidy(() => tflMetrics.binaryCrossentropy(yt, yp).mean());
    expectClose(value(binaryCrossentropy()(yt, yp)), value(tfl), { rtol: 1e-5 }, 'vs tfjs-layers');
    yt.dispose();
    yp.dispose();
  });

  it('binary cross-entropy from logits equals the probability form where no clipping happens', () => {
    const z = [-3, -0.5, 0, 0.5, 2, 4];
    const y = [0, 1, 1, 0, 1, 0];
    const expected = meanOf(z.map((zi, i) => bce(y[i]!, sigmoid(zi))));
    const loss = binaryCrossentropy({ fromLogits: true })(tensor2d(y, [6, 1]), tensor2d(z, [6, 1]));
    expectClose(value(loss), expected, { rtol: 1e-5 }, 'bce logits');
    // large logits stay finite
    const big = binaryCrossentropy({ fromLogits: true })(tensor2d([0, 1], [2, 1]), tensor2d([100, -100], [2, 1]));
    expectClose(value(big), 100, { rtol: 1e-6 }, 'bce large logits');
  });

  it('binary cross-entropy with label smoothing (Keras: y·(1 − s) + s/2)', () => {
    const loss = binaryCrossentropy({ labelSmoothing: 0.2 })(tensor2d([1, 0], [2, 1]), tensor2d([0.8, 0.4], [2, 1]));
    expectClose(value(loss), meanOf([bce(0.9, 0.8), bce(0.1, 0.4)]), { rtol: 1e-5 }, 'smoothed');
  });

  it('categorical cross-entropy, from probabilities and from logits (and tfjs-layers)', () => {
    const y = [1, 0, 0, 0, 1, 0, 0, 0, 1];
    const p = [0.9, 0.05, 0.05, 0.05, 0.89, 0.06, 0.05, 0.01, 0.94];
    // Keras' documented per-sample values for these inputs: [0.10536, 0.11653, 0.06188]
    const loss = categoricalCrossentropy()(tensor2d(y, [3, 3]), tensor2d(p, [3, 3]));
    expectClose(value(loss), meanOf([0.10536, 0.11653, 0.06188]), { atol: 1e-5 }, 'cce');
    const tfl = tidy(() => tflMetrics.categoricalCrossentropy(tensor2d(y, [3, 3]), tensor2d(p, [3, 3])).mean());
    expectClose(value(categoricalCrossentropy()(tensor2d(y, [3, 3]), tensor2d(p, [3, 3]))), value(tfl), { rtol: 1e-5 }, 'vs tfl');
    const z = [2, 1, 0.1, -1, 3, 0];
    const lse = (a: number[]): number => Math.log(a.reduce((s, v) => s + Math.exp(v), 0));
    const expected = meanOf([lse([2, 1, 0.1]) - 0.1, lse([-1, 3, 0]) - 3]);
    const logits = categoricalCrossentropy({ fromLogits: true })(tensor2d([0, 0, 1, 0, 1, 0], [2, 3]), tensor2d(z, [2, 3]));
    expectClose(value(logits), expected, { rtol: 1e-5 }, 'cce logits');
  });

  it('sparse categorical cross-entropy matches the dense form, with [B] or [B, 1] labels', () => {
    const p = tensor2d([0.7, 0.2, 0.1, 0.1, 0.3, 0.6], [2, 3]);
    const expected = meanOf([-Math.log(0.7), -Math.log(0.6)]);
    expectClose(value(sparseCategoricalCrossentropy()(tensor1d([0, 2]), p)), expected, { rtol: 1e-5 }, 'sparse [B]');
    expectClose(value(sparseCategoricalCrossentropy()(tensor2d([0, 2], [2, 1]), p)), expected, { rtol: 1e-5 }, 'sparse [B,1]');
    const z = tensor2d([2, 1, 0.1, -1, 3, 0], [2, 3]);
    const dense = value(categoricalCrossentropy({ fromLogits: true })(tensor2d([0, 0, 1, 0, 1, 0], [2, 3]), z));
    expectClose(value(sparseCategoricalCrossentropy({ fromLogits: true })(tensor1d([2, 1]), z)), dense, { rtol: 1e-6 }, 'logits');
  });

  it('per-timestep losses honour the mask (masked steps contribute nothing; mean over real steps)', () => {
    // [B=2, T=3, 1]; sample 0 has 3 real steps, sample 1 has 1
    const y = tensor3d([1, 0, 1, 0, 1, 1], [2, 3, 1]);
    const p = tensor3d([0.8, 0.3, 0.6, 0.1, 0.99, 0.01], [2, 3, 1]);
    const mask = tensor2d([1, 1, 1, 1, 0, 0], [2, 3]);
    const expected = meanOf([bce(1, 0.8), bce(0, 0.3), bce(1, 0.6), bce(0, 0.1)]);
    expectClose(value(binaryCrossentropy()(y, p, { mask })), expected, { rtol: 1e-5 }, 'masked mean');
    // changing the predictions at masked steps changes nothing
    const p2 = tensor3d([0.8, 0.3, 0.6, 0.1, 0.5, 0.5], [2, 3, 1]);
    expectClose(value(binaryCrossentropy()(y, p2, { mask })), expected, { rtol: 1e-5 }, 'masked invariance');
    // sparse per-timestep: [B, T] labels, [B, T, C] predictions
    const probs = tensor3d([0.5, 0.5, 0.9, 0.1, 0.2, 0.8, 0.3, 0.7], [2, 2, 2]);
    const labels = tensor2d([0, 0, 1, 1], [2, 2]);
    const stepMask = tensor2d([1, 0, 1, 1], [2, 2]);
    const sparse = sparseCategoricalCrossentropy()(labels, probs, { mask: stepMask });
    expectClose(value(sparse), meanOf([-Math.log(0.5), -Math.log(0.8), -Math.log(0.7)]), { rtol: 1e-5 }, 'sparse masked');
    // all masked: 0, not NaN
    expectClose(value(meanSquaredError()(y, p, { mask: tensor2d([0, 0, 0, 0, 0, 0], [2, 3]) })), 0, {}, 'all masked');
  });

  it('sample weights multiply per-sample losses (Keras: not normalised), with and without a mask', () => {
    const y = tensor2d([1, 0, 1], [3, 1]);
    const p = tensor2d([0.8, 0.4, 0.3], [3, 1]);
    const w = tensor1d([1, 2, 0.5]);
    const expected = (bce(1, 0.8) * 1 + bce(0, 0.4) * 2 + bce(1, 0.3) * 0.5) / 3;
    expectClose(value(binaryCrossentropy()(y, p, { sampleWeight: w })), expected, { rtol: 1e-5 }, 'weighted');
    const mask = tensor1d([1, 0, 1]);
    const maskedExpected = (bce(1, 0.8) * 1 + bce(1, 0.3) * 0.5) / 2;
    expectClose(value(binaryCrossentropy()(y, p, { sampleWeight: w, mask })), maskedExpected, { rtol: 1e-5 }, 'weighted+mask');
    // [B] weights broadcast over the T axis of a [B, T] loss; a [B] mask counts T steps per sample
    const perStep = tensor2d([1, 2, 3, 4], [2, 2]);
    expectClose(value(reduceLoss(perStep, { sampleWeight: tensor1d([1, 0]) })), (1 + 2) / 4, {}, 'broadcast weights');
    expectClose(value(reduceLoss(perStep, { mask: tensor1d([0, 1]) })), (3 + 4) / 2, {}, 'broadcast mask');
  });

  it('MSE, MAE and Huber against hand-computed values (and tfjs-layers for MSE/MAE)', () => {
    const y = tensor2d([0, 1, 2, 3], [2, 2]);
    const p = tensor2d([0.5, -1, 2, 5], [2, 2]);
    expectClose(value(meanSquaredError()(y, p)), (0.25 + 4 + 0 + 4) / 4, {}, 'mse');
    expectClose(value(meanAbsoluteError()(y, p)), (0.5 + 2 + 0 + 2) / 4, {}, 'mae');
    // Huber δ=1: ½e² for e ≤ 1, e − ½ otherwise
    expectClose(value(huber()(y, p)), (0.125 + 1.5 + 0 + 1.5) / 4, {}, 'huber');
    expectClose(value(huber({ delta: 2 })(y, p)), (0.125 + 2 + 0 + 2) / 4, {}, 'huber δ=2');
    expectClose(value(meanSquaredError()(y, p)), value(tidy(() => tflMetrics.meanSquaredError(y, p).mean())), {}, 'tfl mse');
    expectClose(value(meanAbsoluteError()(y, p)), value(tidy(() => tflMetrics.meanAbsoluteError(y, p).mean())), {}, 'tfl mae');
  });

  it('rejects labels of the wrong shape or range, naming them', () => {
    const p = tensor2d([0.5, 0.5], [2, 1]);
    expect(() => binaryCrossentropy()(tensor1d([1, 0]), p)).toThrow(/binaryCrossentropy: yTrue must have the shape of yPred \[2, 1\], got \[2\]/);
    expect(() => binaryCrossentropy()(tensor2d([1, 2], [2, 1]), p)).toThrow(/yTrue must lie in \[0, 1\], got 2 at flat index 1/);
    const probs = tensor2d([0.5, 0.5, 0.5, 0.5], [2, 2]);
    expect(() => sparseCategoricalCrossentropy()(tensor1d([0, 2]), probs)).toThrow(/integer class ids in \[0, 2\), got 2/);
    expect(() => sparseCategoricalCrossentropy()(tensor1d([0.5, 1]), probs)).toThrow(/got 0.5 at flat index 0/);
    expect(() => sparseCategoricalCrossentropy()(tensor1d([0, 1, 1]), probs)).toThrow(/shape \[2\] \(or \[2, 1\]\), got \[3\]/);
    expect(() => categoricalCrossentropy()(tensor1d([0, 1]), probs)).toThrow(/categoricalCrossentropy: yTrue must have the shape/);
    expect(() => reduceLoss(tensor1d([1, 2]), { mask: tensor1d([1, 1, 1]) })).toThrow(/mask: expected a shape that is a prefix/);
    expect(() => huber({ delta: 0 })(p, p)).toThrow(/delta must be > 0, got 0/);
  });

  it('leaves no tensors behind', async () => {
    const y = tensor(Array.from({ length: 12 }, (_, i) => i % 2), [2, 3, 2]);
    const p = tensor(Array.from({ length: 12 }, (_, i) => (i + 1) / 13), [2, 3, 2]);
    const mask = tensor2d([1, 1, 0, 1, 0, 0], [2, 3]);
    const labels = tensor2d([0, 1, 1, 0, 0, 1], [2, 3]);
    await expectNoLeaks(() => {
      binaryCrossentropy()(y, p, { mask }).dispose();
      binaryCrossentropyPerSample(y, p).dispose();
      sparseCategoricalCrossentropy()(labels, p, { mask }).dispose();
      huber()(y, p).dispose();
    }, 3, 'losses');
  });
});
