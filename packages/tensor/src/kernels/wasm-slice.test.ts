import { describeEachBackend, expectClose, ALL_BACKENDS } from '@rnnkit/testkit';
import { createRng, slice, stack, tensor, unstack, tidy } from '../index';
import { copyBlock, registerWasmSliceKernels, unregisterWasmSliceKernels } from './wasm-slice';

/** The block by its definition: every output index mapped back to the input, one element at a time. */
function naiveBlock(x: Float32Array, shape: readonly number[], begin: readonly number[], size: readonly number[]): Float32Array {
  const out = new Float32Array(size.reduce((a, b) => a * b, 1));
  for (let o = 0; o < out.length; o++) {
    let rest = o;
    let from = 0;
    for (let d = shape.length - 1, stride = 1; d >= 0; d--) {
      const i = rest % size[d]!;
      rest = Math.floor(rest / size[d]!);
      from += (begin[d]! + i) * stride;
      stride *= shape[d]!;
    }
    out[o] = x[from]!;
  }
  return out;
}

describe('copyBlock', () => {
  it('equals the block by definition for random shapes, positions and extents (short and long runs, whole trailing dimensions)', () => {
    const rng = createRng(11);
    for (let trial = 0; trial < 300; trial++) {
      const rank = 1 + rng.int(5);
      // the last dimension up to 70 in a third of the trials: runs longer than the element-by-element limit
      const shape = Array.from({ length: rank }, (_, d) => 1 + rng.int(trial % 3 === 0 && d === rank - 1 ? 70 : 6));
      const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i);
      // a third of the trials take trailing dimensions whole, as slicing one clip or one sequence does
      const whole = trial % 3 === 1 ? rng.int(rank) : rank;
      const begin = shape.map((d, i) => (i > whole ? 0 : rng.int(d)));
      const extent = shape.map((d, i) => (i > whole ? d : 1 + rng.int(d - begin[i]!)));
      const out = new Float32Array(extent.reduce((a, b) => a * b, 1));
      copyBlock(values, shape, begin, extent, out);
      expect(Array.from(out)).toEqual(Array.from(naiveBlock(values, shape, begin, extent)));
    }
  });

  it('copies contiguous and strided blocks', () => {
    const x = Float32Array.from({ length: 24 }, (_, i) => i); // shape [2, 3, 4]
    const out = new Float32Array(4);
    copyBlock(x, [2, 3, 4], [1, 1, 1], [1, 2, 2], out);
    expect(Array.from(out)).toEqual([17, 18, 21, 22]);
    const row = new Float32Array(12);
    copyBlock(x, [2, 3, 4], [1, 0, 0], [1, 3, 4], row);
    expect(Array.from(row)).toEqual(Array.from({ length: 12 }, (_, i) => 12 + i));
  });
});

describeEachBackend(ALL_BACKENDS, 'slice', () => {
  it('agrees with the block by definition for every rank and position', () => {
    const rng = createRng(5);
    for (const shape of [[7], [5, 6], [3, 4, 5], [2, 3, 4, 5], [2, 2, 3, 2, 3]]) {
      const size = shape.reduce((a, b) => a * b, 1);
      const values = Float32Array.from({ length: size }, () => rng.normal());
      const x = tensor(values, shape);
      const begin = shape.map((d) => rng.int(d));
      const extent = shape.map((d, i) => 1 + rng.int(d - begin[i]!));
      const expected = naiveBlock(values, shape, begin, extent);
      const y = slice(x, begin, extent);
      expect(y.shape).toEqual(extent);
      expectClose(y, expected, { rtol: 0, atol: 0 }, `slice of [${shape}]`);
      x.dispose();
      y.dispose();
    }
  });

  it('handles int32, empty slices and -1 sizes', () => {
    const x = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const y = slice(x, [0, 1], [-1, 2]);
    expect(Array.from(y.dataSync())).toEqual([2, 3, 5, 6]);
    expect(y.dtype).toBe('int32');
    expect(slice(x, [0, 0], [0, 3]).shape).toEqual([0, 3]);
    x.dispose();
    y.dispose();
  });

  it('unstack and stack round-trip a time-major sequence', () => {
    tidy(() => {
      const x = tensor(Float32Array.from({ length: 5 * 3 * 2 }, (_, i) => i), [5, 3, 2]);
      const steps = unstack(x);
      expect(steps).toHaveLength(5);
      expectClose(steps[3]!, [18, 19, 20, 21, 22, 23], { rtol: 0, atol: 0 });
      expectClose(stack(steps), x, { rtol: 0, atol: 0 });
      const columns = unstack(x, 1);
      expect(columns[2]!.shape).toEqual([5, 2]);
      expectClose(columns[2]!, [4, 5, 10, 11, 16, 17, 22, 23, 28, 29], { rtol: 0, atol: 0 });
      expectClose(stack(columns, 1), x, { rtol: 0, atol: 0 });
    });
  });
});

describeEachBackend(['wasm'], 'stock kernels on request', () => {
  it('can put tfjs-backend-wasm\'s own Slice back and ours again, with equal results', () => {
    const x = tensor(Float32Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    const ours = slice(x, [1, 1, 0], [1, 2, 3]);
    unregisterWasmSliceKernels();
    const theirs = slice(x, [1, 1, 0], [1, 2, 3]);
    const theirSteps = unstack(x, 2);
    registerWasmSliceKernels();
    expectClose(ours, theirs, { rtol: 0, atol: 0 });
    expectClose(stack(theirSteps, 2), x, { rtol: 0, atol: 0 });
    for (const t of [x, ours, theirs, ...theirSteps]) t.dispose();
  });
});
