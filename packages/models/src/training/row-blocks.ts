/**
 * Row ids for data with several columns. @rnnkit/training's loop batches, shuffles and splits one x
 * and one y; a model with several inputs or outputs hands it row ids instead (0…N−1 for the training
 * rows, N…N+M−1 for validation rows, and so on), and takes each column's rows for a batch of ids.
 * Nothing is copied: the columns stay as the user gave them.
 *
 * Shapes: a block of N rows holds columns [N, ...]; a batch of ids is [B] int32, all from one block.
 */
import type { Tensor } from '@rnnkit/tensor';
import { rowsOf } from '@rnnkit/training';
import type { ArrayData, Data, Rows } from '@rnnkit/training';

/** The columns of one dataset: inputs, targets (none for `predict`) and optional sample weights. */
export interface Block {
  readonly x: readonly Rows[];
  readonly y: readonly Rows[];
  readonly sampleWeight?: Rows;
}

/** A batch's block and the batch's row numbers within it. */
export interface BlockBatch {
  readonly block: Block;
  readonly rows: Int32Array;
}

/** Blocks of rows addressed by ids. */
export interface RowBlocks {
  /** Registers a dataset; returns its ids as the loop's x and y ([N] int32). */
  add(columns: { readonly x: readonly Data[]; readonly y?: readonly Data[]; readonly sampleWeight?: Data }): ArrayData;
  /** The block of a batch of ids and the rows within it. */
  batch(ids: Tensor): BlockBatch;
  /** A mark to forget back to: blocks added after it go with {@link RowBlocks.forget}. */
  mark(): number;
  /** Forgets the blocks added since `mark` (at the end of each fit, evaluate or predict; calls nest). */
  forget(mark: number): void;
}

/** An empty set of blocks. */
export function rowBlocks(who: string): RowBlocks {
  let blocks: readonly { readonly start: number; readonly length: number; readonly block: Block }[] = [];
  let next = 0;
  return {
    add(columns) {
      const length = rowsOf(columns.x[0]!, 'x').length;
      const block: Block = {
        x: columns.x.map((c, k) => rowsOf(c, `x[${k}]`)),
        y: (columns.y ?? []).map((c, k) => rowsOf(c, `y[${k}]`)),
        ...(columns.sampleWeight !== undefined && { sampleWeight: rowsOf(columns.sampleWeight, 'sampleWeight') }),
      };
      if (block.sampleWeight !== undefined && block.sampleWeight.length !== length) {
        throw new Error(`${who}: sampleWeight has ${block.sampleWeight.length} rows but the data has ${length}`);
      }
      const start = next;
      blocks = [...blocks, { start, length, block }];
      next += length;
      return { values: Int32Array.from({ length }, (_, i) => start + i), shape: [length] };
    },
    batch(ids) {
      const values = ids.dataSync();
      const first = values[0]!;
      const found = blocks.find((b) => first >= b.start && first < b.start + b.length);
      if (found === undefined) throw new Error(`${who}: row id ${first} belongs to no registered data (internal error)`);
      const rows = Int32Array.from(values, (id) => {
        if (id < found.start || id >= found.start + found.length) throw new Error(`${who}: a batch mixes rows of two datasets (internal error)`);
        return id - found.start;
      });
      return { block: found.block, rows };
    },
    mark: () => blocks.length,
    forget(mark) {
      blocks = blocks.slice(0, mark);
      next = blocks.length === 0 ? 0 : blocks.at(-1)!.start + blocks.at(-1)!.length;
    },
  };
}
