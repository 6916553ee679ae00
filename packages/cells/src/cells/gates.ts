/**
 * Splitting fused gate columns. Shapes: B batch, H units; a fused tensor is [B, G·H].
 */
import { reshape, slice, split } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';

/** The `count` column blocks of a fused [B, count·H] tensor, in order; typed as a tuple. */
export function splitGates<N extends 2 | 3 | 4>(fused: Tensor, count: N): GateTuple<N> {
  return split(fused, count, 1) as GateTuple<N>;
}

export type GateTuple<N extends 2 | 3 | 4> = N extends 2 ? [Tensor, Tensor] : N extends 3 ? [Tensor, Tensor, Tensor] : [Tensor, Tensor, Tensor, Tensor];

/** Columns `[from·H, to·H)` of a fused [rows, G·H] tensor. */
export function gateColumns(fused: Tensor, units: number, from: number, to: number): Tensor {
  return slice(fused, [0, from * units], [fused.shape[0] ?? 0, (to - from) * units]);
}

/** Row `row` of a GRU reset-after bias [2, 3H], as a vector [3H] (0: input bias, 1: recurrent bias). */
export function biasRow(bh: Tensor, row: 0 | 1): Tensor {
  return reshape(slice(bh, [row, 0], [1, bh.shape[1] ?? 0]), [-1]);
}
