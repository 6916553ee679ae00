/**
 * Registering rnnkit's wasm kernels again while they are installed does nothing (a benchmark that
 * swaps tfjs' stock kernels in and out registers ours before every step); after unregistering,
 * registering installs them again.
 */
import { getKernel } from '@tensorflow/tfjs-core';
import { describeEachBackend } from '@rnnkit/testkit';
import { registerWasmGatherKernel, unregisterWasmGatherKernel } from './wasm-gather';
import { registerWasmMatMulKernels, unregisterWasmMatMulKernels } from './wasm-matmul';
import { registerWasmSliceKernels, unregisterWasmSliceKernels } from './wasm-slice';

const GROUPS = [
  { names: ['Slice', 'Unpack'], register: registerWasmSliceKernels, unregister: unregisterWasmSliceKernels },
  { names: ['BatchMatMul', '_FusedMatMul'], register: registerWasmMatMulKernels, unregister: unregisterWasmMatMulKernels },
  { names: ['GatherV2'], register: registerWasmGatherKernel, unregister: unregisterWasmGatherKernel },
];

describeEachBackend(['wasm'], 'wasm kernel registration', () => {
  for (const { names, register, unregister } of GROUPS) {
    it(`${names.join(', ')}: registering twice keeps the installed kernels; unregister restores stock, register ours again`, () => {
      const configs = () => names.map((n) => getKernel(n, 'wasm'));
      register();
      const ours = configs();
      register();
      configs().forEach((c, i) => expect(c).toBe(ours[i]));
      unregister();
      const stock = configs();
      stock.forEach((c, i) => {
        expect(c).toBeDefined();
        expect(c!.kernelFunc).not.toBe(ours[i]!.kernelFunc);
      });
      register();
      configs().forEach((c, i) => expect(c!.kernelFunc).not.toBe(stock[i]!.kernelFunc));
    });
  }
});
