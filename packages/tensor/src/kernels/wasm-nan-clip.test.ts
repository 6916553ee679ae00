import { describeEachBackend, ALL_BACKENDS, expectNoLeaks } from '@rnnkit/testkit';
import { clipByValue, getBackend, relu6, tensor1d, tidy } from '../index';
import { registerWasmNaNClipKernels, unregisterWasmNaNClipKernels } from './wasm-nan-clip';

const X = [NaN, -2, 0.25, 3, Infinity, -Infinity];

describeEachBackend(ALL_BACKENDS, 'NaN through ClipByValue and Relu6', () => {
  it('clip(NaN) and relu6(NaN) are NaN; every other element is clipped as before', () => {
    expectNoLeaks(() => {
      const [clipped, six] = tidy(() => {
        const x = tensor1d(X);
        return [Array.from(clipByValue(x, 0, 1).dataSync()), Array.from(relu6(x).dataSync())];
      });
      expect(clipped).toEqual([NaN, 0, 0.25, 1, 1, 0]);
      expect(six).toEqual([NaN, 0, 0.25, 3, 6, 0]);
    });
  });

  it('a NaN among many elements stays in its place (a heap-sized tensor)', () => {
    const values = Float32Array.from({ length: 100_003 }, (_, i) => (i % 997 === 0 ? NaN : (i % 7) - 3));
    const out = tidy(() => clipByValue(tensor1d(values), -1, 1).dataSync());
    for (let i = 0; i < values.length; i++) {
      const want = Number.isNaN(values[i]) ? NaN : Math.min(Math.max(values[i]!, -1), 1);
      if (!Object.is(out[i], want)) throw new Error(`element ${i}: got ${out[i]}, want ${want}`);
    }
  });

  it("negative control: wasm's stock kernels turn NaN into the lower bound", () => {
    if (getBackend() !== 'wasm') return;
    unregisterWasmNaNClipKernels();
    try {
      const [clipped, six] = tidy(() => [clipByValue(tensor1d([NaN]), 0, 1).dataSync()[0], relu6(tensor1d([NaN])).dataSync()[0]]);
      expect(clipped).toBe(0);
      expect(six).toBe(0);
    } finally {
      registerWasmNaNClipKernels();
    }
  });
});
