/**
 * A loss that throws mid-training leaks nothing (issue 18, item 10): `fit` and `truncatedBptt`
 * leave as many tensors as they found, whichever step fails. Before, each failure left the kept
 * predictions and the tensors tfjs' tape had saved for the backward pass (9 per fit in the issue).
 */
import { describeEachBackend, ALL_BACKENDS } from '@rnnkit/testkit';
import { add, matMul, numTensors, sigmoid, tanh, tensor, tensor2d, tensor3d, tidy, variable, zerosTensor } from '@rnnkit/tensor';
import { adam, binaryCrossentropy, fit, meanSquaredError, truncatedBptt } from './index';
import type { Loss } from './index';

/** `loss`, except that its `failAt`-th call throws. */
function failingAt(failAt: number, loss: Loss): Loss {
  let calls = 0;
  return (yTrue, yPred, weights) => {
    calls++;
    if (calls === failAt) throw new Error(`loss: labels rejected at call ${calls}`);
    return loss(yTrue, yPred, weights);
  };
}

describeEachBackend(ALL_BACKENDS, 'a loss that throws', () => {
  for (const failAt of [1, 3]) {
    it(`fit (failing at step ${failAt}, with validation) leaves numTensors where it was`, async () => {
      const before = numTensors();
      const params = tidy(() => ({ w: variable(tensor2d([0.1, 0.2], [2, 1])), b: variable(tensor([0], [1])) }));
      const optimizer = adam();
      const run = fit({
        params,
        forward: (x) => sigmoid(add(matMul(x, params.w), params.b)),
        loss: failingAt(failAt, binaryCrossentropy()),
        optimizer,
        x: { values: Float32Array.from({ length: 32 }, (_, i) => i / 32), shape: [16, 2] },
        y: { values: Float32Array.from({ length: 16 }, (_, i) => i % 2), shape: [16, 1] },
        batchSize: 4,
        validationSplit: 0.25,
        epochs: 2,
      });
      await expect(run).rejects.toThrow(`loss: labels rejected at call ${failAt}`);
      optimizer.dispose(); // its slots (made at the first update) are state, not leaks
      for (const v of Object.values(params)) v.dispose();
      expect(numTensors()).toBe(before);
    });
  }

  it('truncatedBptt (failing at chunk 2) leaves numTensors where it was', async () => {
    const before = numTensors();
    const params = tidy(() => ({ wxh: variable(tensor2d([0.5, -0.5], [1, 2])), whh: variable(tensor2d([0.1, 0, 0, 0.1], [2, 2])) }));
    const optimizer = adam();
    const x = tensor3d(Float32Array.from({ length: 12 }, (_, i) => Math.sin(i)), [2, 6, 1]);
    const y = tensor3d(new Float32Array(24), [2, 6, 2]);
    const run = truncatedBptt({
      params,
      step: (xs, state) => {
        let h = state['h']!;
        const ys = [];
        for (let t = 0; t < xs.shape[1]!; t++) {
          h = tanh(add(matMul(xs.slice([0, t, 0], [-1, 1, -1]).reshape([2, 1]), params.wxh), matMul(h, params.whh)));
          ys.push(h.expandDims(1));
        }
        return { y: ys.length === 1 ? ys[0]! : ys[0]!.concat(ys.slice(1), 1), state: { h } };
      },
      initialState: (batch) => ({ h: zerosTensor([batch, 2]) }),
      loss: failingAt(2, meanSquaredError()),
      optimizer,
      x,
      y,
      k: 2,
    });
    await expect(run).rejects.toThrow('loss: labels rejected at call 2');
    optimizer.dispose();
    for (const v of Object.values(params)) v.dispose();
    x.dispose();
    y.dispose();
    expect(numTensors()).toBe(before);
  });
});
