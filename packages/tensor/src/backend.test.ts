import { env } from '@tensorflow/tfjs-core';
import { getBackend, initBackend, matMul, tensor2d } from './index';

describe('initBackend', () => {
  it('runs the SIMD build of the wasm backend in Node by default', async () => {
    const info = await initBackend();
    expect(info).toEqual({ backend: 'wasm', simd: true, threads: 1 });
    expect(getBackend()).toBe('wasm');
    const product = matMul(tensor2d([[1, 2]]), tensor2d([[3], [4]]));
    expect(Array.from(product.dataSync())).toEqual([11]);
    product.dispose();
  });

  it('threads: 1 keeps tfjs on its single-threaded build (where its threaded one could load)', async () => {
    env().set('WASM_HAS_MULTITHREAD_SUPPORT', true); // what a cross-origin-isolated page reports
    expect(await initBackend({ threads: 1 })).toEqual({ backend: 'wasm', simd: true, threads: 1 });
    expect(env().getBool('WASM_HAS_MULTITHREAD_SUPPORT')).toBe(false);
  });

  it('switches to the cpu backend on request', async () => {
    expect(await initBackend({ backend: 'cpu' })).toEqual({ backend: 'cpu', simd: false, threads: 1 });
    expect(getBackend()).toBe('cpu');
  });

  it('rejects an unknown backend and bad thread counts with errors naming them', async () => {
    await expect(initBackend({ backend: 'webgl' as 'cpu' })).rejects.toThrow("backend must be 'wasm' or 'cpu', got \"webgl\"");
    await expect(initBackend({ threads: 0 })).rejects.toThrow('threads must be a positive integer, got 0');
  });

  it('finds the .wasm files whatever the working directory', async () => {
    const cwd = process.cwd();
    process.chdir('/');
    try {
      await initBackend({ backend: 'cpu' });
      expect((await initBackend({ backend: 'wasm' })).simd).toBe(true);
    } finally {
      process.chdir(cwd);
    }
  });
});
