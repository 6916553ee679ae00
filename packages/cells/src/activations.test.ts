import { grad, scalar, tensor1d, tidy } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { ACTIVATION_NAMES, activate, activationGradFromOutput } from './activations';

describeEachBackend(['cpu', 'wasm'], 'activations', () => {
  const xs = [-4, -2.7, -1, -0.3, 0.2, 1, 2.6, 4];

  test('values match their definitions (x = 1: hard sigmoids 0.7 and 0.6667, sigmoid 0.7311)', () => {
    const x = tensor1d(xs);
    const expected: Record<string, (v: number) => number> = {
      tanh: Math.tanh,
      sigmoid: (v) => 1 / (1 + Math.exp(-v)),
      relu: (v) => Math.max(v, 0),
      linear: (v) => v,
      hardSigmoidKeras2: (v) => Math.min(1, Math.max(0, 0.2 * v + 0.5)),
      hardSigmoidKeras3: (v) => Math.min(1, Math.max(0, v / 6 + 0.5)),
    };
    for (const name of ACTIVATION_NAMES) {
      const y = activate(name, x);
      expectClose(y, xs.map(expected[name]!), { rtol: 1e-6, atol: 1e-7 }, name);
      y.dispose();
    }
    expectClose(activate('hardSigmoidKeras2', scalar(1)), 0.7, {}, 'keras2 at 1');
    expectClose(activate('hardSigmoidKeras3', scalar(1)), 2 / 3, {}, 'keras3 at 1');
    x.dispose();
  });

  test("derivatives from the output equal tfjs autodiff of the activation", () => {
    for (const name of ACTIVATION_NAMES) {
      tidy(() => {
        const x = tensor1d(xs);
        const viaAutodiff = grad((v) => activate(name, v))(x);
        const viaOutput = activationGradFromOutput(name, activate(name, x));
        expectClose(viaOutput, viaAutodiff, { rtol: 1e-5, atol: 1e-6 }, name);
      });
    }
  });

  test('nothing leaks', async () => {
    await expectNoLeaks(() => tidy(() => activationGradFromOutput('tanh', activate('tanh', tensor1d(xs)))).dispose(), 3, 'activations');
  });
});
