/** embeddingSource: a lookup's output names its table and ids, only while they are alive and unchanged. */
import { describeEachBackend } from '@rnnkit/testkit';
import { add, embeddingLookup, embeddingSource, gather, reshape, tensor2d, tidy, variable } from './index';

describeEachBackend(['cpu', 'wasm'], 'embeddingSource', () => {
  test('a lookup output names its table and ids; other tensors, disposed ids and an assigned table do not', () => {
    tidy(() => {
      const table = variable(tensor2d([[1, 2], [3, 4], [5, 6]]));
      const ids = tensor2d([[2, 0], [1, 1]], [2, 2], 'int32');
      const y = embeddingLookup(table, ids);
      const source = embeddingSource(y);
      expect(source?.table).toBe(table);
      expect(source?.ids).toBe(ids);
      expect(Array.from(y.dataSync())).toEqual(Array.from(reshape(gather(table, reshape(ids, [-1])), [2, 2, 2]).dataSync()));
      expect(embeddingSource(add(y, 0))).toBeUndefined();
      table.assign(tensor2d([[0, 0], [0, 0], [0, 0]]));
      expect(embeddingSource(y)).toBeUndefined(); // y holds the old rows
      const ids2 = tensor2d([[0, 1]], [1, 2], 'int32');
      const z = embeddingLookup(table, ids2);
      expect(embeddingSource(z)).toBeDefined();
      ids2.dispose();
      expect(embeddingSource(z)).toBeUndefined();
      table.dispose();
    });
  });
});
