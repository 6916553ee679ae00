import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { backend, createRng, grad, matMul, sum, tensor, tidy, transpose } from '../index';
import type { Tensor } from '../index';
import { registerWasmMatMulKernels, unregisterWasmMatMulKernels } from './wasm-matmul';

describeEachBackend(['wasm'], 'matmul with transposed operands', () => {
  const rng = createRng(21);
  const random = (shape: number[]): Tensor => tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.normal()), shape);

  it('equals the stock kernel for every transpose combination, 2-D and batched, plain and fused', () => {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]] as const) {
      tidy(() => {
        const a = random(ta ? [7, 5] : [5, 7]);
        const b = random(tb ? [3, 7] : [7, 3]);
        const a3 = random(ta ? [2, 7, 5] : [2, 5, 7]);
        const b3 = random(tb ? [2, 3, 7] : [2, 7, 3]);
        const ours = [matMul(a, b, ta, tb), matMul(a3, b3, ta, tb)];
        const expected = [matMul(ta ? transpose(a) : a, tb ? transpose(b) : b), matMul(ta ? transpose(a3, [0, 2, 1]) : a3, tb ? transpose(b3, [0, 2, 1]) : b3)];
        unregisterWasmMatMulKernels();
        const stock = [matMul(a, b, ta, tb), matMul(a3, b3, ta, tb)];
        registerWasmMatMulKernels();
        ours.forEach((o, i) => {
          expectClose(o, stock[i]!, { rtol: 1e-6, atol: 1e-6 }, `ours vs stock ${ta}/${tb}`);
          expectClose(o, expected[i]!, { rtol: 1e-6, atol: 1e-6 }, `ours vs explicit transpose ${ta}/${tb}`);
        });
      });
    }
  });

  it('gives the same gradients and frees its temporaries', async () => {
    const a = random([6, 4]);
    const b = random([4, 3]);
    const gradA = (): Tensor => grad((x: Tensor) => sum(matMul(x, b)))(a);
    const ours = gradA();
    unregisterWasmMatMulKernels();
    const stock = gradA();
    registerWasmMatMulKernels();
    expectClose(ours, stock, { rtol: 1e-6, atol: 1e-6 });
    const dataIdsBefore = backend().numDataIds();
    tidy(() => matMul(a, a, true, false).dataSync());
    expect(backend().numDataIds()).toBe(dataIdsBefore); // the transposed copies are freed on the heap too
    await expectNoLeaks(() => tidy(() => [matMul(a, a, true, false).dataSync(), matMul(b, b, false, true).dataSync()]), 3, 'transposed matmul');
    for (const t of [a, b, ours, stock]) t.dispose();
  });
});
