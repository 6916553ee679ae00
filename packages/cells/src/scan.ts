/**
 * The fused sequence driver: the input projection of every timestep in one matmul, a tight
 * recurrence, and a hand-written backward (BPTT) through `customGrad`.
 *
 * Shapes: B batch, T time, I input size, H units, G gate blocks.
 *   xs [B, T, I] → time-major X [T·B, I];  P = X·Wxh + b_in [T·B, G·H] → gate-major [T, G, B, H]
 *   Whh [H, G·H] → gate-major W [G, H, H];  recurrence → carried h per step [T, B, H]
 * The projection, layout changes and output slicing are ordinary ops differentiated by tfjs (so
 * ∂L/∂Wxh = Xᵀ·∂L/∂P is one matmul over all timesteps); the recurrence supplies its own gradient.
 */
import { add, matMul, mul, reshape, reverse, scalar, slice, sub, tidy, transpose } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { gateCount } from './config';
import type { CellConfig } from './config';
import { fusedGru } from './fused/gru';
import { fusedLstm } from './fused/lstm';
import { runRecurrence } from './fused/recurrence';
import { fusedSimpleRnn } from './fused/simple-rnn';
import type { FusedCell } from './fused/fused-cell';
import type { CellParams } from './params';
import { prepareScan } from './scan-options';
import type { ScanOptions, ScanResult } from './scan-options';
import type { CellState, StateOf } from './state';
import { biasRow } from './cells/gates';

function fusedCell(config: CellConfig): FusedCell {
  switch (config.kind) {
    case 'simpleRnn':
      return fusedSimpleRnn(config);
    case 'lstm':
      return fusedLstm(config);
    case 'gru':
      return fusedGru(config);
  }
}

/**
 * Runs the cell over xs [B, T, I] with the same semantics and options as {@link scanReference}
 * (Keras masking, goBackwards, returnSequences, initial state, dropout), computed by the fused
 * driver: one matmul for the input projection of all timesteps, a recurrence that touches each
 * step once, and a hand-written BPTT whose recurrent-weight gradient is one matmul over all
 * timesteps. Gradients flow to xs, the initial state and every parameter. Masked steps carry the
 * state (`s_t = m·s̃_t + (1 − m)·s_{t−1}`) and output the carried h (or 0 with `zeroOutputForMask`).
 * The caller owns the returned tensors.
 *
 * Numerics: the input bias is folded into the projection, so LSTM gates are summed as
 * (x·Wxh + b) + h·Whh where Keras sums (x·Wxh + h·Whh) + b: results can differ in the last bit.
 *
 * @example
 * const config = lstmCell({ inputSize: 32, units: 32 });
 * const { outputs, state } = scan(config, initCellParams(config, 1), xs, { mask, returnSequences: true });
 */
export function scan<C extends CellConfig>(
  config: C,
  params: CellParams,
  xs: Tensor,
  options: ScanOptions<StateOf<C>> = {},
): ScanResult<StateOf<C>> {
  return tidy(() => {
    const run = prepareScan('scan', config, params, xs, options);
    const { batch, steps } = run;
    const units = config.units;
    const gates = gateCount(config);
    const cell = fusedCell(config);
    const resetAfter = config.kind === 'gru' && config.resetAfter;

    const x = reshape(transpose(run.xs, [1, 0, 2]), [steps * batch, config.inputSize]);
    let projection = matMul(x, params.wxh);
    if (params.bh !== undefined) projection = add(projection, resetAfter ? biasRow(params.bh, 0) : params.bh);
    let p = transpose(reshape(projection, [steps, batch, gates, units]), [0, 2, 1, 3]);
    let mask = run.mask === null ? null : reshape(transpose(run.mask), [steps, batch, 1]);
    if (run.goBackwards) {
      p = reverse(p, 0);
      if (mask !== null) mask = reverse(mask, 0);
    }
    const w = transpose(reshape(params.whh, [units, gates, units]), [1, 0, 2]);
    const bRec = resetAfter && params.bh !== undefined ? reshape(biasRow(params.bh, 1), [gates, 1, units]) : null;

    const state0: CellState = run.initialState;
    const inputs = [p, state0.h, ...('c' in state0 ? [state0.c] : []), w, ...(bRec === null ? [] : [bRec])];
    const constants = { mask, keep: mask === null ? null : sub(scalar(1), mask), recurrentMask: run.recurrentMask };
    const packed = runRecurrence(cell, constants, bRec !== null, inputs);

    const hSeq = cell.hasCellState ? slice(packed, [0, 0, 0], [steps, batch, units]) : packed;
    const last = (t: Tensor, k: number): Tensor => reshape(slice(t, [k, 0, 0], [1, batch, units]), [batch, units]);
    const h = last(hSeq, steps - 1);
    const state: CellState = cell.hasCellState ? { h, c: last(packed, steps) } : { h };
    const ySeq = run.zeroOutputForMask && mask !== null ? mul(hSeq, mask) : hSeq;
    const outputs = run.returnSequences ? transpose(ySeq, [1, 0, 2]) : last(ySeq, steps - 1);
    return { outputs, state: state as StateOf<C> };
  });
}
