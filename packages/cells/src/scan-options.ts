/**
 * Options of the sequence drivers, their validation, and the tensors they imply (mask, initial
 * state, dropout masks), shared by `scan` and `scanReference` so both see identical inputs.
 *
 * Shapes: B batch, T time, I input size, H units.
 */
import { assertRank, cast, mul, notEqual, reshape, scalar, zerosTensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { validateConfig } from './config';
import type { CellConfig } from './config';
import { assertRate, dropoutMask } from './dropout';
import { validateParams } from './params';
import type { CellParams } from './params';
import { validateState } from './state';
import type { CellState, StateOf } from './state';

/** Options of `scan` and `scanReference`. All are optional; defaults in brackets. */
export interface ScanOptions<S extends CellState = CellState> {
  /** State before the first processed step [zeros]. */
  readonly initialState?: S;
  /**
   * [B, T] bool, or numbers where non-zero means "valid". At a masked step the state is carried
   * over unchanged and the output repeats the carried `h` (or is 0 with `zeroOutputForMask`).
   */
  readonly mask?: Tensor;
  /** Process the sequence from the last step to the first; outputs come in processing order, as in Keras [false]. */
  readonly goBackwards?: boolean;
  /** Return every step's output [B, T, H] rather than the last one [B, H] [false]. */
  readonly returnSequences?: boolean;
  /** Output 0 at masked steps instead of the carried `h` [false]. */
  readonly zeroOutputForMask?: boolean;
  /** Training mode: dropout is applied only when true [false]. */
  readonly training?: boolean;
  /** Fraction of the input features dropped, one mask per sequence [0]. */
  readonly dropout?: number;
  /** Fraction of h_{t−1} dropped where it enters the recurrent matmul, one mask per sequence [0]. */
  readonly recurrentDropout?: number;
  /** Seed of the dropout masks; required when training with dropout. */
  readonly seed?: number;
}

/** What a driver returns; the caller owns every tensor. */
export interface ScanResult<S extends CellState = CellState> {
  /** [B, T, H] with `returnSequences`, else the output of the last processed step [B, H]. */
  readonly outputs: Tensor;
  /** The state after the last processed step. */
  readonly state: S;
}

/** The tensors and sizes a driver runs on, after validation. Tensors are created in the caller's scope. */
export interface PreparedScan {
  readonly batch: number;
  readonly steps: number;
  /** Inputs after input dropout [B, T, I]. */
  readonly xs: Tensor;
  /** Float 0/1 mask [B, T], or null. */
  readonly mask: Tensor | null;
  readonly initialState: CellState;
  /** Recurrent-dropout mask [B, H], or null. */
  readonly recurrentMask: Tensor | null;
  readonly goBackwards: boolean;
  readonly returnSequences: boolean;
  readonly zeroOutputForMask: boolean;
}

const OPTION_NAMES = new Set([
  'initialState', 'mask', 'goBackwards', 'returnSequences', 'zeroOutputForMask', 'training', 'dropout', 'recurrentDropout', 'seed',
]);

/** Validates every argument of a driver call (messages start with `fn`) and builds its tensors. Call inside `tidy`. */
export function prepareScan<C extends CellConfig>(
  fn: string,
  config: C,
  params: CellParams,
  xs: Tensor,
  options: ScanOptions<StateOf<C>>,
): PreparedScan {
  validateConfig(config, fn);
  validateParams(config, params, fn);
  for (const key of Object.keys(options)) {
    if (!OPTION_NAMES.has(key)) throw new Error(`${fn}: unknown option '${key}'; options are ${[...OPTION_NAMES].join(', ')}`);
  }
  assertRank(xs, 3, `${fn}: xs`);
  if (xs.dtype !== 'float32') throw new Error(`${fn}: xs must have dtype float32, got ${xs.dtype}`);
  const [batch, steps, features] = xs.shape as [number, number, number];
  if (features !== config.inputSize) {
    throw new Error(`${fn}: xs must have shape [B, T, ${config.inputSize}] (inputSize ${config.inputSize}), got [${xs.shape.join(', ')}]`);
  }
  if (steps < 1) throw new Error(`${fn}: xs must have at least one timestep, got shape [${xs.shape.join(', ')}]`);

  let mask: Tensor | null = null;
  if (options.mask !== undefined) {
    const given = options.mask;
    assertRank(given, 2, `${fn}: mask`);
    if (given.shape[0] !== batch || given.shape[1] !== steps) {
      throw new Error(`${fn}: mask must have shape [${batch}, ${steps}] (the [B, T] of xs), got [${given.shape.join(', ')}]`);
    }
    if (given.dtype === 'string' || given.dtype === 'complex64') throw new Error(`${fn}: mask must be bool or numeric, got ${given.dtype}`);
    mask = given.dtype === 'bool' ? cast(given, 'float32') : cast(notEqual(given, scalar(0, given.dtype)), 'float32');
  }

  let initialState: CellState;
  if (options.initialState === undefined) {
    const zeros = (): Tensor => zerosTensor([batch, config.units]);
    initialState = config.kind === 'lstm' ? { h: zeros(), c: zeros() } : { h: zeros() };
  } else {
    validateState(config, options.initialState, batch, `${fn}: initialState`);
    initialState = options.initialState;
  }

  const dropout = options.dropout ?? 0;
  const recurrentDropout = options.recurrentDropout ?? 0;
  assertRate(dropout, `${fn}: dropout`);
  assertRate(recurrentDropout, `${fn}: recurrentDropout`);
  const training = options.training ?? false;
  const dropping = training && (dropout > 0 || recurrentDropout > 0);
  if (dropping && !Number.isInteger(options.seed)) {
    throw new Error(`${fn}: seed must be an integer when training with dropout, got ${String(options.seed)}`);
  }
  const seed = options.seed ?? 0;
  let input = xs;
  if (training && dropout > 0) input = mul(xs, reshape(dropoutMask(batch, features, dropout, seed), [batch, 1, features]));
  const recurrentMask = training && recurrentDropout > 0 ? dropoutMask(batch, config.units, recurrentDropout, seed + 1) : null;

  return {
    batch,
    steps,
    xs: input,
    mask,
    initialState,
    recurrentMask,
    goBackwards: options.goBackwards ?? false,
    returnSequences: options.returnSequences ?? false,
    zeroOutputForMask: options.zeroOutputForMask ?? false,
  };
}
