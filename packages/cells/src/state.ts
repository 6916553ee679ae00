/**
 * Recurrent state as named values.
 *
 * Shapes: B batch, H units.  h [B, H]; LSTM also c [B, H].
 */
import { assertDtype, assertShape, zerosTensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { CellConfig, LstmConfig } from './config';

/** State of SimpleRNN and GRU: the hidden state `h [B, H]`. */
export interface RnnState {
  readonly h: Tensor;
}

/** State of the LSTM: hidden state `h [B, H]` and cell state `c [B, H]` (h first, as Keras and PyTorch order them). */
export interface LstmState {
  readonly h: Tensor;
  readonly c: Tensor;
}

/** The state type of a config: {@link LstmState} for LSTM, {@link RnnState} otherwise. */
export type StateOf<C extends CellConfig> = C extends LstmConfig ? LstmState : RnnState;

/** Any cell's state. */
export type CellState = RnnState | LstmState;

/** All-zero state for a batch of `batchSize`; the caller owns the tensors. */
export function zeroState<C extends CellConfig>(config: C, batchSize: number): StateOf<C> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`zeroState: batchSize must be a positive integer, got ${String(batchSize)}`);
  const shape = [batchSize, config.units];
  const state: CellState = config.kind === 'lstm' ? { h: zerosTensor(shape), c: zerosTensor(shape) } : { h: zerosTensor(shape) };
  return state as StateOf<C>;
}

/** Throws, naming `name`, unless `state` is a float32 state of `config` for batch size `batch`. */
export function validateState(config: CellConfig, state: CellState, batch: number | null, name: string): void {
  if (typeof state !== 'object' || state === null) {
    throw new Error(`${name} must be ${config.kind === 'lstm' ? '{ h, c }' : '{ h }'}, got ${String(state)}`);
  }
  const shape = [batch ?? 'B', config.units];
  assertShape(state.h, shape, `${name}.h`);
  assertDtype(state.h, 'float32', `${name}.h`);
  if (config.kind === 'lstm') {
    const c = (state as Partial<LstmState>).c;
    if (c === undefined) throw new Error(`${name}.c must be a Tensor of shape [${shape.join(', ')}] for an LSTM, got undefined`);
    assertShape(c, shape, `${name}.c`);
    assertDtype(c, 'float32', `${name}.c`);
  }
}
