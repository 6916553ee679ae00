import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { dispose, tensor1d, tensor2d } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { clipGradients, globalNorm } from './clipping';

function norm(t: Tensor): number {
  return Math.hypot(...Array.from(t.dataSync()));
}

describeEachBackend(['cpu', 'wasm'], 'gradient clipping', () => {
  // ‖a‖ = 5, ‖b‖ = 12, global norm 13
  const make = (): Record<string, Tensor> => ({ a: tensor1d([3, 4]), b: tensor2d([0, 12, 0, 0], [2, 2]) });

  it('measures the global norm √(Σ‖g‖²) and reports it before clipping', () => {
    const grads = make();
    const n = globalNorm(grads);
    expectClose(n, 13, {}, 'global norm');
    const { grads: clipped, globalNorm: reported } = clipGradients(grads, { globalNorm: 1 });
    expect(reported).toBeCloseTo(13, 5);
    dispose([n, ...Object.values(grads), ...Object.values(clipped)]);
  });

  it('global norm (PyTorch clip_grad_norm_): all gradients scaled by c/(N + 1e-6)', () => {
    const grads = make();
    const { grads: clipped } = clipGradients(grads, { globalNorm: 6.5 });
    const coefficient = 6.5 / (13 + 1e-6);
    expectClose(clipped['a']!, [3 * coefficient, 4 * coefficient], {}, 'a');
    expectClose(clipped['b']!, [0, 12 * coefficient, 0, 0], {}, 'b');
    expectClose(Math.hypot(norm(clipped['a']!), norm(clipped['b']!)), 6.5, { rtol: 1e-6 }, 'norm after');
    // under the limit: unchanged (and still fresh tensors the caller owns)
    const { grads: same } = clipGradients(grads, { globalNorm: 20 });
    expectClose(same['a']!, [3, 4], {}, 'unchanged');
    expect(same['a']).not.toBe(grads['a']);
    dispose([...Object.values(grads), ...Object.values(clipped), ...Object.values(same)]);
  });

  it('per-variable norm (Keras clipnorm): each variable clipped on its own', () => {
    const grads = make();
    const { grads: clipped } = clipGradients(grads, { norm: 6 });
    expectClose(norm(clipped['a']!), 5, { rtol: 1e-6 }, 'a under the limit');
    expectClose(norm(clipped['b']!), 6, { rtol: 1e-6 }, 'b clipped to 6');
    expectClose(clipped['b']!, [0, 6, 0, 0], {}, 'b direction kept');
    const zero = { z: tensor1d([0, 0]) };
    expectClose(clipGradients(zero, { norm: 1 }).grads['z']!, [0, 0], {}, 'zero gradient stays finite');
    dispose([...Object.values(grads), ...Object.values(clipped), zero.z]);
  });

  it('by value', () => {
    const grads = make();
    const { grads: clipped } = clipGradients(grads, { value: 3.5 });
    expectClose(clipped['a']!, [3, 3.5], {}, 'a');
    expectClose(clipped['b']!, [0, 3.5, 0, 0], {}, 'b');
    expect(() => clipGradients(grads, { value: 0 })).toThrow(/clipGradients: value must be > 0, got 0/);
    dispose([...Object.values(grads), ...Object.values(clipped)]);
  });

  it('leaves no tensors behind', async () => {
    const grads = make();
    await expectNoLeaks(() => {
      const { grads: out } = clipGradients(grads, { norm: 2, globalNorm: 1, value: 0.1 });
      dispose(Object.values(out));
      globalNorm(grads).dispose();
    }, 3, 'clipping');
    dispose(Object.values(grads));
  });
});
