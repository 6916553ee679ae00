/**
 * Cell parameters in Keras' row-vector layout (`x·W`), and their seeded initialisation.
 *
 * Shapes: I input size, H units, G gate blocks (SimpleRNN 1, LSTM 4, GRU 3).
 *   wxh [I, G·H]   whh [H, G·H]   bh [G·H]   (GRU resetAfter: bh [2, 3H], row 0 input bias, row 1 recurrent bias)
 * Gate column blocks: LSTM i, f, c, o; GRU z, r, h.
 */
import { assertDtype, assertShape, concat, glorotUniform, ones, orthogonal, tidy, zeros } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { gateCount, validateConfig } from './config';
import type { CellConfig } from './config';

/** Trainable tensors of one cell. `bh` is absent when `useBias` is false. */
export interface CellParams {
  readonly wxh: Tensor;
  readonly whh: Tensor;
  readonly bh?: Tensor;
}

/** Expected shape of `bh` for `config`, or null when the cell has no bias. */
export function biasShape(config: CellConfig): number[] | null {
  if (!config.useBias) return null;
  const width = gateCount(config) * config.units;
  return config.kind === 'gru' && config.resetAfter ? [2, width] : [width];
}

/**
 * Fresh parameters with Keras 3 initialisers: `wxh` glorotUniform, `whh` orthogonal, `bh` zeros
 * (LSTM with `unitForgetBias`: the forget block of the bias is 1). `wxh` uses `seed`, `whh` uses
 * `seed + 1`. Keras draws the recurrent kernel as one [H, G·H] orthogonal matrix, and so do we.
 * The caller owns the returned tensors.
 */
export function initCellParams(config: CellConfig, seed: number): CellParams {
  validateConfig(config, 'initCellParams');
  if (!Number.isInteger(seed)) throw new Error(`initCellParams: seed must be an integer, got ${String(seed)}`);
  const { inputSize: I, units: H } = config;
  const width = gateCount(config) * H;
  const wxh = glorotUniform([I, width], seed);
  const whh = orthogonal()([H, width], seed + 1);
  const shape = biasShape(config);
  if (shape === null) return { wxh, whh };
  if (config.kind === 'lstm' && config.unitForgetBias) {
    const bh = tidy(() => concat([zeros([H], seed), ones([H], seed), zeros([2 * H], seed)]));
    return { wxh, whh, bh };
  }
  return { wxh, whh, bh: zeros(shape, seed) };
}

/** Throws, naming `fn`, unless `params` fit `config` (shapes and float32 dtype). */
export function validateParams(config: CellConfig, params: CellParams, fn: string): void {
  if (typeof params !== 'object' || params === null) throw new Error(`${fn}: params must be { wxh, whh, bh? }, got ${String(params)}`);
  const width = gateCount(config) * config.units;
  assertShape(params.wxh, [config.inputSize, width], `${fn}: params.wxh`);
  assertShape(params.whh, [config.units, width], `${fn}: params.whh`);
  assertDtype(params.wxh, 'float32', `${fn}: params.wxh`);
  assertDtype(params.whh, 'float32', `${fn}: params.whh`);
  const shape = biasShape(config);
  if (shape === null) {
    if (params.bh !== undefined) throw new Error(`${fn}: params.bh must be absent when useBias is false, got shape [${params.bh.shape.join(', ')}]`);
    return;
  }
  if (params.bh === undefined) throw new Error(`${fn}: params.bh must have shape [${shape.join(', ')}] when useBias is true, got undefined`);
  assertShape(params.bh, shape, `${fn}: params.bh`);
  assertDtype(params.bh, 'float32', `${fn}: params.bh`);
}
