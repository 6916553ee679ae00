/**
 * Where an embedded kernel layer (see kernel-embedded.test.ts) must not take the table: the gradient
 * asked for the lookup's output itself, against the tfjs-op recurrence (`scanWith('ops', …)`) over the
 * same xs. Before the guard, `grad(f)(lookupOutput)` threw tfjs' "Cannot compute gradient of y=f(x)
 * with respect to x" (the kernel read the table, so y did not depend on x). And the kernel copies
 * table rows by id unchecked, which is safe because the lookup has refused ids outside the table.
 */
import { embeddingLookup, embeddingSource, grad, mul, sum, tensor2d, variableGrads, variable } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { lstmCell } from '../config';
import { scanWith } from '../scan';
import type { Recurrence } from '../scan';
import { disposeParams, randomParams, uniform } from '../test-utils';

const B = 8;
const T = 5;
const V = 11; // 2·V ≤ B·T: the kernel would read the table
const config = lstmCell({ inputSize: 3, units: 5 });
const tol = { rtol: 1e-4, atol: 1e-5 };

const tokens = (): Tensor => tensor2d(Int32Array.from({ length: B * T }, (_, i) => (i * 7 + (i % 3)) % V), [B, T], 'int32');

describeEachBackend(['cpu', 'wasm'], 'embedded kernel layers: where the table is not taken', () => {
  test('the gradient for the lookup output itself (a saliency map over embeddings) equals the op path', async () => {
    const params = randomParams(config, 3);
    const table = uniform([V, 3], 5);
    const ids = tokens();
    const xs = embeddingLookup(table, ids);
    const weights = uniform([B, 5], 6);
    const saliency = (recurrence: Recurrence): Tensor => grad((x: Tensor) => sum(mul(scanWith(recurrence, config, params, x).outputs, weights)))(xs);
    await expectNoLeaks(() => {
      const ours = saliency('kernel');
      const ops = saliency('ops');
      expectClose(ours, ops, tol);
      ours.dispose();
      ops.dispose();
    });
    [table, ids, xs, weights].forEach((t) => t.dispose());
    disposeParams(params);
  });

  test('inside a training step the lookup made there is still the table path', () => {
    const table = variable(uniform([V, 3], 5));
    const ids = tokens();
    const seen: boolean[] = [];
    const { value, grads } = variableGrads(() => {
      const xs = embeddingLookup(table, ids);
      seen.push(embeddingSource(xs) !== undefined);
      return sum(xs);
    });
    const outside = embeddingLookup(table, ids);
    grad((x: Tensor) => {
      seen.push(embeddingSource(outside) !== undefined);
      return sum(x);
    })(outside).dispose();
    expect(seen).toEqual([true, false]);
    expect(embeddingSource(outside)).toBeDefined(); // outside any gradient again
    [value, ...Object.values(grads), outside, ids, table].forEach((t) => t.dispose());
  });

  test('ids outside the table never reach the kernel: the lookup refuses them', () => {
    const table = uniform([V, 3], 7);
    for (const id of [V, V + 1000, -1]) {
      const bad = tensor2d(Int32Array.from({ length: B * T }, (_, i) => (i === 3 ? id : i % V)), [B, T], 'int32');
      expect(() => embeddingLookup(table, bad)).toThrow(`GatherV2: the index value ${id} is not in [0, ${V - 1}]`);
      bad.dispose();
    }
    table.dispose();
  });
});
