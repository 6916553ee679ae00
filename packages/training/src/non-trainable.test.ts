import { describeEachBackend, expectClose } from '@rnnkit/testkit';
import { add, createRng, dispose, matMul, mean, mul, numTensors, sigmoid, sum, tensor, tensor2d, tidy, variable, zerosTensor } from '@rnnkit/tensor';
import type { Variable } from '@rnnkit/tensor';
import { adamw, binaryCrossentropy, decodeCheckpoint, disposeCheckpoint, fit, lossAndGradients, memoryCheckpointStore, sgd } from './index';
import type { Forward } from './index';

/**
 * Logistic regression with two non-trainable variables, as a model with batch normalisation has them:
 * `running` [1, 2], a moving mean of the inputs that the forward pass itself updates in training
 * (running ← 0.9·running + 0.1·mean(x)), and `frozen` [1], which nothing may change.
 */
function model(): { params: Record<string, Variable>; forward: Forward; dispose(): void } {
  const params = {
    w: variable(tensor2d([0.1, 0.05], [2, 1])),
    b: variable(tensor([0], [1])),
    running: variable(zerosTensor([1, 2]), false),
    frozen: variable(tensor([0.5], [1]), false),
  };
  const forward: Forward = (x, training) => {
    if (training) params.running.assign(add(mul(params.running, 0.9), mul(mean(x, 0, true), 0.1)));
    return sigmoid(add(add(matMul(x, params.w), params.b), mul(params.frozen, 0)));
  };
  return { params, forward, dispose: () => dispose(Object.values(params)) };
}

describeEachBackend(['cpu', 'wasm'], 'non-trainable variables', () => {
  const n = 64;
  const rng = createRng(3);
  const x = Float32Array.from({ length: 2 * n }, () => rng.normal());
  const y = Float32Array.from({ length: n }, (_, i) => (x[2 * i]! + x[2 * i + 1]! > 0 ? 1 : 0));
  const data = { x: { values: x, shape: [n, 2] }, y: { values: y, shape: [n, 1] } };

  it('get no gradient; the optimiser (with weight decay) leaves them alone while the model trains', async () => {
    const m = model();
    tidy(() => {
      const { grads } = lossAndGradients(m.params, () => sum(m.forward(tensor2d(x, [n, 2]), false, { epoch: 0, step: 0, seed: 0 })));
      expect(Object.keys(grads).sort()).toEqual(['b', 'w']);
    });
    const before = numTensors();
    const history = await fit({ params: m.params, forward: m.forward, loss: binaryCrossentropy(), optimizer: adamw({ learningRate: 0.1, weightDecay: 0.5 }), ...data, epochs: 4, batchSize: 16, shuffle: false });
    const loss = history.history['loss']!;
    expect(loss.at(-1)!).toBeLessThan(loss[0]!);
    expect(Array.from(m.params['frozen']!.dataSync())).toEqual([0.5]);
    // float64 recurrence of the forward's own update over the 4 × 4 unshuffled batches
    const running = [0, 0];
    for (let epoch = 0; epoch < 4; epoch++) {
      for (let s = 0; s < 4; s++) {
        for (let f = 0; f < 2; f++) {
          let m64 = 0;
          for (let i = s * 16; i < (s + 1) * 16; i++) m64 += x[2 * i + f]! / 16;
          running[f] = 0.9 * running[f]! + 0.1 * m64;
        }
      }
    }
    expectClose(m.params['running']!, running, { rtol: 1e-5, atol: 1e-6 }, 'running mean');
    expect(numTensors()).toBe(before + 4); // adamw's m and v for w and b only
    m.dispose();
  });

  it('an optimiser refuses a gradient for a non-trainable variable', () => {
    const m = model();
    const optimizer = sgd();
    const g = tensor([1], [1]);
    expect(() => optimizer.applyGradients(m.params, { frozen: g })).toThrow(/sgd: got a gradient for "frozen", which is not trainable/);
    expect(() => lossAndGradients({ frozen: m.params['frozen']! }, () => sum(m.params['frozen']!))).toThrow(/none of the 1 params is trainable/);
    dispose(g);
    optimizer.dispose();
    m.dispose();
  });

  it('checkpoints save and resume restores them (they are model weights)', async () => {
    const m = model();
    const store = memoryCheckpointStore();
    const common = { forward: m.forward, loss: binaryCrossentropy(), ...data, batchSize: 32, shuffle: false };
    await fit({ ...common, params: m.params, optimizer: sgd(), epochs: 2, checkpoint: { store } });
    const saved = decodeCheckpoint(store.bytes!);
    expectClose(saved.params['running']!, m.params['running']!, { rtol: 0, atol: 0 }, 'saved running mean');
    expectClose(saved.params['frozen']!, [0.5], { rtol: 0, atol: 0 }, 'saved frozen');
    const fresh = model();
    // resuming at the last epoch runs no step: what is restored is exactly what was saved
    await fit({ ...common, forward: fresh.forward, params: fresh.params, optimizer: sgd(), epochs: 2, resumeFrom: store });
    expectClose(fresh.params['running']!, saved.params['running']!, { rtol: 0, atol: 0 }, 'restored running mean');
    expect(fresh.params['running']!.trainable).toBe(false);
    disposeCheckpoint(saved);
    fresh.dispose();
    m.dispose();
  });
});
