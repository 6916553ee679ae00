/**
 * Embedding lookup with a direct scatter-add gradient.
 *
 * Shapes: table [V, E], ids [...S] int32 → out [...S, E]. Backward: dTable = scatterAdd(dOut [N, E], ids [N], V)
 * with N = ∏ S. tfjs' generic gather gradient gets there too, but through transposes and a
 * broadcast multiply over the whole upstream gradient, which cost seconds per step on the cpu backend.
 *
 * Each output remembers where it came from ({@link embeddingSource}), so that a consumer that can
 * read the table rows itself (rnnkit's recurrence kernel) may take table and ids instead of the
 * gathered copy, and return the table's gradient directly.
 */
import { customGrad, engine, gather, reshape, unsortedSegmentSum } from '@tensorflow/tfjs-core';
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
  const out = lookup(table);
  const { gradientDepth, activeTape } = engine().state;
  sources.set(out, { table, ids, tableData: table.dataId, idsData: ids.dataId, tape: gradientDepth > 0 ? activeTape : null });
  return out;
}

/** The table and ids an {@link embeddingLookup} output was gathered from. */
export interface EmbeddingSource {
  /** [V, E]. */
  readonly table: Tensor;
  /** [...S] int32. */
  readonly ids: Tensor;
}

/** A lookup's source, with the data its table and ids held then (a variable's `assign` replaces its data). */
interface Recorded extends EmbeddingSource {
  readonly tableData: object;
  readonly idsData: object;
  /** The gradient tape the lookup was recorded on, or null outside any gradient computation. */
  readonly tape: object | null;
}

const sources = new WeakMap<Tensor, Recorded>();

/**
 * Where `t` came from when it is an {@link embeddingLookup} output whose table and ids are alive and
 * unchanged since (a variable assigned since no longer counts): then `t` equals `gather(table, ids)`
 * row for row. Undefined otherwise, and also while a gradient is being computed that `t` is not
 * recorded in: `t` was made outside it, so the gradient may be asked for `t` itself
 * (`grad(f)(lookupOutput)`), which a consumer reading the table instead would cut off.
 */
export function embeddingSource(t: Tensor): EmbeddingSource | undefined {
  const s = sources.get(t);
  if (s === undefined || t.isDisposed || s.table.isDisposed || s.ids.isDisposed || s.table.dataId !== s.tableData || s.ids.dataId !== s.idsData) return undefined;
  const { gradientDepth, activeTape } = engine().state;
  if (gradientDepth > 0 && s.tape !== activeTape) return undefined;
  return { table: s.table, ids: s.ids };
}
