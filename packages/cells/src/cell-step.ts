/**
 * The per-step reference of every cell, dispatched on `config.kind`.
 *
 * Shapes: B batch, I input, H units.
 */
import type { Tensor } from '@rnnkit/tensor';
import { assertDtype, assertShape } from '@rnnkit/tensor';
import { gruStep } from './cells/gru';
import { lstmStep } from './cells/lstm';
import { simpleRnnStep } from './cells/simple-rnn';
import { validateConfig } from './config';
import type { CellConfig } from './config';
import { validateParams } from './params';
import type { CellParams } from './params';
import { validateState } from './state';
import type { LstmState, RnnState, StateOf } from './state';

/** Options of {@link cellStep}. */
export interface CellStepOptions {
  /** Recurrent-dropout mask [B, H] (already scaled by 1/(1−p)); multiplies h_{t−1} where it enters the recurrent matmul. */
  readonly recurrentMask?: Tensor;
}

/**
 * One step of the cell described by `config`: x [B, I] and the state at t−1 in, the state at t and
 * the output y [B, H] (= h_t) out. A pure function, differentiable by tfjs autodiff; the equations are
 * on {@link simpleRnnStep}, {@link lstmStep} and {@link gruStep}. The caller owns the returned tensors.
 *
 * @example
 * const config = lstmCell({ inputSize: 8, units: 16 });
 * const params = initCellParams(config, 42);
 * const { state, y } = cellStep(config, params, zeroState(config, 4), x);
 */
export function cellStep<C extends CellConfig>(
  config: C,
  params: CellParams,
  state: StateOf<C>,
  x: Tensor,
  options: CellStepOptions = {},
): { state: StateOf<C>; y: Tensor } {
  validateConfig(config, 'cellStep');
  validateParams(config, params, 'cellStep');
  assertShape(x, ['B', config.inputSize], 'cellStep: x');
  assertDtype(x, 'float32', 'cellStep: x');
  validateState(config, state, x.shape[0] ?? 0, 'cellStep: state');
  if (options.recurrentMask !== undefined) assertShape(options.recurrentMask, [x.shape[0] ?? 0, config.units], 'cellStep: recurrentMask');
  return stepUnchecked(config, params, state, x, options.recurrentMask) as { state: StateOf<C>; y: Tensor };
}

/** {@link cellStep} without argument checks, for drivers that checked once up front. */
export function stepUnchecked(
  config: CellConfig,
  params: CellParams,
  state: RnnState | LstmState,
  x: Tensor,
  recurrentMask?: Tensor,
): { state: RnnState | LstmState; y: Tensor } {
  switch (config.kind) {
    case 'simpleRnn':
      return simpleRnnStep(config, params, state, x, recurrentMask);
    case 'lstm':
      return lstmStep(config, params, state as LstmState, x, recurrentMask);
    case 'gru':
      return gruStep(config, params, state, x, recurrentMask);
  }
}
