/**
 * Floating-point operations of one step of a bench case, counting the matrix products only (2 per
 * multiply-add): what a GEMM peak bounds. Gate activations, the state update, the embedding, the loss
 * and Adam are element-wise work of O(B·T·H) and are left out, so GFLOP/s from these counts are a
 * lower bound of the machine's work rate.
 *
 * Shapes: B batch, T time, E input (embedding) size, H units, G gate blocks (SimpleRNN 1, GRU 3, LSTM 4).
 *   forward, per direction:  P = X·Wxh [B·T, E]·[E, G·H]  +  per step h·Whh [B, H]·[H, G·H]
 *                            → 2·B·T·G·H·(E + H)
 *   backward, per direction: dX = dP·Wxhᵀ and dWxh = Xᵀ·dP (each 2·B·T·E·G·H), dh = dP_t·Whhᵀ and
 *                            dWhh = Σ_t h_{t−1}ᵀ·dP_t (each 2·B·T·H·G·H) → twice the forward
 *   head: Dense(1) on h_T, 2·B·H per direction forward (and twice that backward).
 */
import type { BenchCase, CellKind } from './cases';

/** Gate blocks per cell: the width G·H of its fused products. */
export function gateBlocks(cell: CellKind): number {
  return cell === 'lstm' ? 4 : cell === 'gru' ? 3 : 1;
}

/** Matrix-product FLOPs of one timed step of `c` (training: forward + backward; inference: forward). */
export function stepFlops(c: BenchCase): number {
  if (c.mode === 'generate') throw new Error(`stepFlops: ${c.name} is a generation case (one token per step, not counted)`);
  const directions = c.bidirectional ? 2 : 1;
  const G = gateBlocks(c.cell);
  const forward = directions * (2 * c.batch * c.steps * G * c.units * (c.embed + c.units) + 2 * c.batch * c.units);
  return c.mode === 'train' ? 3 * forward : forward;
}
