/**
 * Embedding lookup with a direct scatter-add gradient.
 *
 * Shapes: table [V, E], ids [...S] int32 → out [...S, E]. Backward: dTable = scatterAdd(dOut [N, E], ids [N], V)
 * with N = ∏ S. tfjs' generic gather gradient gets there too, but through transposes and a
 * broadcast multiply over the whole upstream gradient, which cost seconds per step on the cpu backend.
 */
import { customGrad, gather, reshape, unsortedSegmentSum } from '@tensorflow/tfjs-core';
import type { GradSaveFunc, Tensor, Tensor1D } from '@tensorflow/tfjs-core';
import { assertDtype, assertRank } from './assert';

/** Rows of `table` picked by `ids`: `out[..., :] = table[ids[...], :]`. Ids are not range-checked here. */
export function embeddingLookup(table: Tensor, ids: Tensor): Tensor {
  assertRank(table, 2, 'embeddingLookup: table');
  assertDtype(ids, 'int32', 'embeddingLookup: ids');
  const [vocabulary, width] = table.shape as [number, number];
  const lookup = customGrad((t, save) => {
    const flatIds = reshape(ids, [-1]) as Tensor1D;
    const rows = gather(t as Tensor, flatIds);
    (save as GradSaveFunc)([flatIds]);
    return {
      value: reshape(rows, [...ids.shape, width]),
      gradFunc: (dy: Tensor, saved: Tensor[]) => unsortedSegmentSum(reshape(dy, [-1, width]), saved[0] as Tensor1D, vocabulary),
    };
  });
  return lookup(table);
}
