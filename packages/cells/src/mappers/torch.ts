/**
 * PyTorch state dicts ⇄ cell params (NUMERICS.md §2.3). PyTorch stores column-vector weights,
 * `W_ih [G·H, I]`, `W_hh [G·H, H]`, and two biases `b_ih`, `b_hh [G·H]`, under the names
 * `weight_ih_l{k}`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}` (suffix `_reverse` for the
 * backward direction of a bidirectional module).
 *
 *   nn.RNN  ⇄ SimpleRNN:  wxh = W_ihᵀ   whh = W_hhᵀ   bh = b_ih + b_hh        (export: b_ih = bh, b_hh = 0)
 *   nn.LSTM ⇄ LSTM:       same; row blocks i, f, g, o are Keras' i, f, c, o
 *   nn.GRU  ⇄ GRU(resetAfter: true): row blocks r, z, n ⇄ column blocks z, r, h;
 *                         bh[0] = b_ih, bh[1] = b_hh (reordered likewise), exact both ways
 *
 * Importing sums the two biases of RNN and LSTM (the sum is all the function depends on), so
 * torch → ours → torch returns `(b_ih + b_hh, 0)`: the same function, a different split.
 * A GRU with `resetAfter: false` computes a function no PyTorch module computes, and PyTorch's
 * modules fix their activations (RNN tanh or relu; LSTM and GRU tanh with sigmoid gates): such
 * configs are refused with an error that says why.
 *
 * Shapes: I input size (for layer k > 0 of a stack: the previous layer's H·D), H units, G gate blocks.
 */
import { add, assertDtype, assertShape, concat, split, stack, tidy, transpose, unstack, zerosLike } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { gateCount, validateConfig } from '../config';
import type { CellConfig } from '../config';
import { validateParams } from '../params';
import type { CellParams } from '../params';

/** Which layer and direction of a PyTorch `nn.RNN`/`nn.LSTM`/`nn.GRU` the weights belong to. */
export interface TorchKeyOptions {
  /** Layer index k of `_l{k}` [0]. */
  readonly layer?: number;
  /** The backward direction of a bidirectional module (`_reverse`) [false]. */
  readonly reverse?: boolean;
  /** Prepended to every name, e.g. `'encoder.rnn.'` for a submodule of a bigger model [''] . */
  readonly prefix?: string;
}

/** The four state-dict names of one layer and direction. */
export interface TorchKeys {
  readonly weightIh: string;
  readonly weightHh: string;
  readonly biasIh: string;
  readonly biasHh: string;
}

/** State-dict names for `options`, e.g. `weight_ih_l1_reverse`. */
export function torchKeys(options: TorchKeyOptions = {}): TorchKeys {
  const layer = options.layer ?? 0;
  if (!Number.isInteger(layer) || layer < 0) throw new Error(`torchKeys: options.layer must be a non-negative integer, got ${String(layer)}`);
  const suffix = `_l${layer}${options.reverse === true ? '_reverse' : ''}`;
  const prefix = options.prefix ?? '';
  return {
    weightIh: `${prefix}weight_ih${suffix}`,
    weightHh: `${prefix}weight_hh${suffix}`,
    biasIh: `${prefix}bias_ih${suffix}`,
    biasHh: `${prefix}bias_hh${suffix}`,
  };
}

/** Throws, saying why, unless a PyTorch module computes the same function as `config`. */
function assertTorchExpressible(config: CellConfig, fn: string): void {
  if (config.kind === 'simpleRnn') {
    if (config.activation !== 'tanh' && config.activation !== 'relu') {
      throw new Error(`${fn}: nn.RNN computes with nonlinearity 'tanh' or 'relu', so config.activation must be 'tanh' or 'relu', got '${config.activation}'`);
    }
    return;
  }
  const module = config.kind === 'lstm' ? 'nn.LSTM' : 'nn.GRU';
  if (config.activation !== 'tanh') throw new Error(`${fn}: ${module} always uses tanh, so config.activation must be 'tanh', got '${config.activation}'`);
  if (config.recurrentActivation !== 'sigmoid') {
    throw new Error(`${fn}: ${module} always uses sigmoid gates, so config.recurrentActivation must be 'sigmoid', got '${config.recurrentActivation}'`);
  }
  if (config.kind === 'gru' && !config.resetAfter) {
    throw new Error(
      `${fn}: a GRU with resetAfter: false (the reset gate multiplies h before the recurrent matmul, as in tfjs-layers and Keras 2) ` +
        'has no PyTorch equivalent: nn.GRU applies the reset gate after it, r ⊙ (W_hn·h + b_hn), which is resetAfter: true. ' +
        'The two are different functions, so no weights can make one equal the other.',
    );
  }
}

/** Swaps the first two of three equal blocks along `axis`: GRU z, r, h ⇄ r, z, n (an involution). */
function swapGateBlocks(t: Tensor, axis: number): Tensor {
  const [first, second, third] = split(t, 3, axis) as [Tensor, Tensor, Tensor];
  return concat([second, first, third], axis);
}

/**
 * Params → PyTorch state dict for one layer and direction (copies; the caller owns them).
 * `W_ih = wxhᵀ`, `W_hh = whhᵀ` (GRU blocks reordered z, r, h → r, z, n); RNN/LSTM biases are
 * exported as `b_ih = bh`, `b_hh = 0`; GRU `b_ih = bh[0]`, `b_hh = bh[1]`. With `useBias: false`
 * the bias entries are left out (`bias=False` in PyTorch). Merge the dicts of several layers and
 * directions with object spread.
 *
 * @example toTorchStateDict(lstmCell({ inputSize: 4, units: 3 }), params, { layer: 1, reverse: true })
 *   // { weight_ih_l1_reverse [12, 4], weight_hh_l1_reverse [12, 3], bias_ih_l1_reverse [12], bias_hh_l1_reverse [12] }
 */
export function toTorchStateDict(config: CellConfig, params: CellParams, options: TorchKeyOptions = {}): Record<string, Tensor> {
  const fn = 'toTorchStateDict';
  validateConfig(config, fn);
  assertTorchExpressible(config, fn);
  validateParams(config, params, fn);
  const keys = torchKeys(options);
  const isGru = config.kind === 'gru';
  return tidy(() => {
    const toRows = (w: Tensor): Tensor => (isGru ? swapGateBlocks(transpose(w), 0) : transpose(w));
    const dict: Record<string, Tensor> = { [keys.weightIh]: toRows(params.wxh), [keys.weightHh]: toRows(params.whh) };
    if (params.bh !== undefined) {
      if (isGru) {
        const [inputBias, recurrentBias] = unstack(params.bh, 0) as [Tensor, Tensor];
        dict[keys.biasIh] = swapGateBlocks(inputBias, 0);
        dict[keys.biasHh] = swapGateBlocks(recurrentBias, 0);
      } else {
        dict[keys.biasIh] = add(params.bh, 0);
        dict[keys.biasHh] = zerosLike(params.bh);
      }
    }
    return dict;
  });
}

/**
 * PyTorch state dict → params for one layer and direction (copies; the caller owns them).
 * `wxh = W_ihᵀ`, `whh = W_hhᵀ` (GRU blocks reordered r, z, n → z, r, h); RNN/LSTM
 * `bh = b_ih + b_hh`; GRU `bh = [b_ih; b_hh]` reordered. Entries of other layers are ignored.
 * Throws, naming the entry and the expected and given shapes, when a weight does not fit
 * `config`; names the missing key; refuses configs no PyTorch module computes.
 */
export function fromTorchStateDict(config: CellConfig, dict: Readonly<Record<string, Tensor>>, options: TorchKeyOptions = {}): CellParams {
  const fn = 'fromTorchStateDict';
  validateConfig(config, fn);
  assertTorchExpressible(config, fn);
  if (typeof dict !== 'object' || dict === null) throw new Error(`${fn}: dict must be a state dict (name → Tensor), got ${String(dict)}`);
  const keys = torchKeys(options);
  const width = gateCount(config) * config.units;
  const entry = (key: string, shape: readonly number[]): Tensor => {
    const t = dict[key];
    if (t === undefined) {
      const present = Object.keys(dict).join(', ');
      throw new Error(`${fn}: the state dict has no '${key}' (layer ${options.layer ?? 0}${options.reverse === true ? ', reverse' : ''}); it has [${present}]`);
    }
    assertShape(t, shape, `${fn}: ${key}`);
    assertDtype(t, 'float32', `${fn}: ${key}`);
    return t;
  };
  const weightIh = entry(keys.weightIh, [width, config.inputSize]);
  const weightHh = entry(keys.weightHh, [width, config.units]);
  const hasBias = dict[keys.biasIh] !== undefined || dict[keys.biasHh] !== undefined;
  if (!config.useBias && hasBias) {
    throw new Error(`${fn}: the state dict holds '${keys.biasIh}'/'${keys.biasHh}' but config.useBias is false; use a config with useBias: true`);
  }
  const biasIh = config.useBias ? entry(keys.biasIh, [width]) : null;
  const biasHh = config.useBias ? entry(keys.biasHh, [width]) : null;
  const isGru = config.kind === 'gru';
  return tidy(() => {
    const toColumns = (w: Tensor): Tensor => transpose(isGru ? swapGateBlocks(w, 0) : w);
    const params = { wxh: toColumns(weightIh), whh: toColumns(weightHh) };
    if (biasIh === null || biasHh === null) return params;
    const bh = isGru ? stack([swapGateBlocks(biasIh, 0), swapGateBlocks(biasHh, 0)]) : add(biasIh, biasHh);
    return { ...params, bh };
  });
}
