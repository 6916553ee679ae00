import { variableGrads as tfVariableGrads } from '@tensorflow/tfjs-core';
import { describeEachBackend, ALL_BACKENDS } from '@rnnkit/testkit';
import { customGrad, grad, matMul, mul, numTensors, sigmoid, sum, tensor2d, tidy, valueAndGrads, variable, variableGrads } from './index';
import type { GradSaveFunc, Tensor } from './index';

/** A forward pass whose ops save tensors for their backward pass (matMul, sigmoid), then a throw. */
function throwingLoss(w: Tensor): never {
  sum(sigmoid(matMul(tensor2d([1, 2, 3, 4], [2, 2]), w)));
  throw new Error('the loss rejects its labels');
}

describeEachBackend(ALL_BACKENDS, 'gradients when f throws', () => {
  it('variableGrads, grad and valueAndGrads free the tape; the next gradient is right', () => {
    const w = tidy(() => variable(tensor2d([0.5, -1, 2, 0.25], [2, 2])));
    const before = numTensors();
    for (let i = 0; i < 3; i++) {
      expect(() => variableGrads(() => throwingLoss(w) as never, [w])).toThrow('the loss rejects its labels');
      expect(() => grad((x: Tensor) => throwingLoss(x) as never)(w)).toThrow('the loss rejects its labels');
      expect(() => valueAndGrads((x: Tensor) => throwingLoss(x) as never)([w])).toThrow('the loss rejects its labels');
    }
    // a custom gradient that throws in the backward pass
    const failingBackward = customGrad((...args: Array<Tensor | GradSaveFunc>) => ({
      value: mul(args[0] as Tensor, 2),
      gradFunc: () => {
        throw new Error('backward failed');
      },
    }));
    expect(() => variableGrads(() => sum(failingBackward(sigmoid(w)) as Tensor) as never, [w])).toThrow('backward failed');
    expect(numTensors()).toBe(before);
    // d/dw Σ w² = 2w, after the failures
    const { value, grads } = variableGrads(() => sum(mul(w, w)) as never, [w]);
    expect(Array.from(grads[w.name]!.dataSync())).toEqual([1, -2, 4, 0.5]);
    value.dispose();
    grads[w.name]!.dispose();
    expect(numTensors()).toBe(before);
    w.dispose();
  });

  it("negative control: tfjs-core's own variableGrads leaves the saved tensors behind", () => {
    const w = tidy(() => variable(tensor2d([0.5, -1, 2, 0.25], [2, 2])));
    const before = numTensors();
    expect(() => tfVariableGrads(() => throwingLoss(w) as never, [w])).toThrow('the loss rejects its labels');
    // what matMul and sigmoid saved for their backward pass: left on the tape, never freed
    expect(numTensors()).toBeGreaterThan(before);
    w.dispose();
  });
});
