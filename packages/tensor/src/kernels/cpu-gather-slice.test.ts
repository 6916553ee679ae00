import { describeEachBackend, expectClose, ALL_BACKENDS } from '@rnnkit/testkit';
import { createRng, gather, tensor, tidy } from '../index';
import { gatherRows } from './cpu-gather-slice';
import { registerWasmGatherKernel, unregisterWasmGatherKernel } from './wasm-gather';

describe('gatherRows', () => {
  it('picks rows along the middle axis and rejects ids out of range', () => {
    const x = Float32Array.from({ length: 12 }, (_, i) => i); // [2, 3, 2]
    const out = new Float32Array(8);
    gatherRows(x, 2, 3, 2, [2, 0], out);
    expect(Array.from(out)).toEqual([4, 5, 0, 1, 10, 11, 6, 7]);
    expect(() => gatherRows(x, 2, 3, 2, [3], new Float32Array(4))).toThrow('GatherV2: the index value 3 is not in [0, 2]');
  });
});

describeEachBackend(ALL_BACKENDS, 'gather', () => {
  it('equals a hand-made gather on every axis, with index tensors of any rank', () => {
    const rng = createRng(4);
    const shape = [3, 4, 5];
    const values = Float32Array.from({ length: 60 }, () => rng.normal());
    for (const axis of [0, 1, 2, -1]) {
      tidy(() => {
        const a = axis < 0 ? axis + 3 : axis;
        const ids = Int32Array.from({ length: 6 }, () => rng.int(shape[a]!));
        const outer = shape.slice(0, a).reduce((p, d) => p * d, 1);
        const inner = shape.slice(a + 1).reduce((p, d) => p * d, 1);
        const expected = new Float32Array(outer * 6 * inner);
        gatherRows(values, outer, shape[a]!, inner, ids, expected);
        const y = gather(tensor(values, shape), tensor(ids, [2, 3], 'int32'), axis);
        expect(y.shape).toEqual([...shape.slice(0, a), 2, 3, ...shape.slice(a + 1)]);
        expectClose(y, expected, { rtol: 0, atol: 0 }, `axis ${axis}`);
      });
    }
  });

  it('keeps int32 values and reports an id out of range on cpu like tfjs does', () => {
    const x = tensor([[1, 2], [3, 4]], [2, 2], 'int32');
    const y = gather(x, tensor([1, 1, 0], [3], 'int32'));
    expect(y.dtype).toBe('int32');
    expect(Array.from(y.dataSync())).toEqual([3, 4, 3, 4, 1, 2]);
    x.dispose();
    y.dispose();
  });
});

describeEachBackend(['wasm'], 'gather on wasm against the stock kernel', () => {
  it('equals tfjs-backend-wasm\'s own GatherV2', () => {
    tidy(() => {
      const rng = createRng(8);
      const table = tensor(Float32Array.from({ length: 50 * 6 }, () => rng.normal()), [50, 6]);
      const ids = tensor(Int32Array.from({ length: 40 }, () => rng.int(50)), [4, 10], 'int32');
      const ours = gather(table, ids);
      unregisterWasmGatherKernel();
      const theirs = gather(table, ids);
      registerWasmGatherKernel();
      expectClose(ours, theirs, { rtol: 0, atol: 0 });
    });
  });
});
