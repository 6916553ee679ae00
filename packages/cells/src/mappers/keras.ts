/**
 * Keras weights ⇄ cell params. Keras (and tfjs-layers) store the same row-vector layout as we do,
 * under other names, so the mapping renames and copies:
 *
 *   kernel [I, G·H] = wxh      recurrent_kernel [H, G·H] = whh      bias = bh
 *
 * with bias [G·H], or [2, 3H] for a GRU with `reset_after=True` (row 0 input bias, row 1
 * recurrent bias). Gate blocks are in Keras order already: LSTM i, f, c, o; GRU z, r, h.
 * Shapes: I input size, H units, G gate blocks (SimpleRNN 1, LSTM 4, GRU 3).
 */
import { assertDtype, assertShape, clone, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { gateCount, validateConfig } from '../config';
import type { CellConfig } from '../config';
import { biasShape, validateParams } from '../params';
import type { CellParams } from '../params';

/** One recurrent layer's weights under Keras' names (`layer.weights` / `get_weights()` order: kernel, recurrent_kernel, bias). */
export interface KerasWeights {
  readonly kernel: Tensor;
  readonly recurrent_kernel: Tensor;
  /** Absent when the layer has `use_bias=False`. */
  readonly bias?: Tensor;
}

/**
 * Params → Keras weights: `kernel = wxh`, `recurrent_kernel = whh`, `bias = bh` (copies; the caller
 * owns them). Exact.
 */
export function toKerasWeights(config: CellConfig, params: CellParams): KerasWeights {
  validateConfig(config, 'toKerasWeights');
  validateParams(config, params, 'toKerasWeights');
  return tidy(() => {
    const weights = { kernel: clone(params.wxh), recurrent_kernel: clone(params.whh) };
    return params.bh === undefined ? weights : { ...weights, bias: clone(params.bh) };
  });
}

/**
 * Keras weights → params: `wxh = kernel`, `whh = recurrent_kernel`, `bh = bias` (copies; the caller
 * owns them). Exact. Throws, naming the weight and the expected and given shapes, when a weight
 * does not fit `config`; a GRU with `resetAfter: true` needs the `[2, 3H]` bias, not the flat
 * `[6H]` one of the old CuDNNGRU.
 */
export function fromKerasWeights(config: CellConfig, weights: KerasWeights): CellParams {
  const fn = 'fromKerasWeights';
  validateConfig(config, fn);
  if (typeof weights !== 'object' || weights === null) {
    throw new Error(`${fn}: weights must be { kernel, recurrent_kernel, bias? }, got ${String(weights)}`);
  }
  const width = gateCount(config) * config.units;
  assertShape(weights.kernel, [config.inputSize, width], `${fn}: kernel`);
  assertShape(weights.recurrent_kernel, [config.units, width], `${fn}: recurrent_kernel`);
  assertDtype(weights.kernel, 'float32', `${fn}: kernel`);
  assertDtype(weights.recurrent_kernel, 'float32', `${fn}: recurrent_kernel`);
  const shape = biasShape(config);
  if (shape === null) {
    if (weights.bias !== undefined) {
      throw new Error(`${fn}: bias must be absent when config.useBias is false, got shape [${weights.bias.shape.join(', ')}]`);
    }
  } else {
    if (weights.bias === undefined) throw new Error(`${fn}: bias of shape [${shape.join(', ')}] is required when config.useBias is true`);
    if (config.kind === 'gru' && config.resetAfter && weights.bias.rank === 1 && weights.bias.shape[0] === 2 * width) {
      throw new Error(
        `${fn}: bias must have shape [2, ${width}] for a GRU with resetAfter: true, got [${2 * width}] ` +
          `(the flat layout of the old CuDNNGRU; reshape it to [2, ${width}] if its rows are input bias then recurrent bias)`,
      );
    }
    assertShape(weights.bias, shape, `${fn}: bias`);
    assertDtype(weights.bias, 'float32', `${fn}: bias`);
  }
  return tidy(() => {
    const params = { wxh: clone(weights.kernel), whh: clone(weights.recurrent_kernel) };
    return weights.bias === undefined ? params : { ...params, bh: clone(weights.bias) };
  });
}
