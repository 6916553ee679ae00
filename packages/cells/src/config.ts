/**
 * Cell configurations: plain JSON values fixed at construction, with Keras 3 defaults.
 */
import { assertActivation } from './activations';
import type { ActivationName } from './activations';

/** SimpleRNN: `h_t = act(x_t·Wxh + h_{t−1}·Whh + bh)`. */
export interface SimpleRnnConfig {
  readonly kind: 'simpleRnn';
  readonly inputSize: number;
  readonly units: number;
  readonly activation: ActivationName;
  readonly useBias: boolean;
}

/** LSTM with fused gate columns in Keras order i, f, c, o. */
export interface LstmConfig {
  readonly kind: 'lstm';
  readonly inputSize: number;
  readonly units: number;
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName;
  readonly useBias: boolean;
  /** Initialise the forget-gate bias to 1 (Keras `unit_forget_bias`); only affects {@link initCellParams}. */
  readonly unitForgetBias: boolean;
}

/** GRU with fused gate columns in Keras order z, r, h. */
export interface GruConfig {
  readonly kind: 'gru';
  readonly inputSize: number;
  readonly units: number;
  readonly activation: ActivationName;
  readonly recurrentActivation: ActivationName;
  readonly useBias: boolean;
  /**
   * `true` (Keras 3 default, PyTorch's GRU): the reset gate multiplies `h·Whh_h + b_rh`, and the bias is `[2, 3H]`.
   * `false` (tfjs-layers, Keras 2): the reset gate multiplies `h` before the matmul, and the bias is `[3H]`.
   */
  readonly resetAfter: boolean;
}

/** Any cell's configuration; `kind` tells which (`'simpleRnn'`, `'lstm'`, `'gru'`). */
export type CellConfig = SimpleRnnConfig | LstmConfig | GruConfig;

interface Sizes {
  readonly inputSize: number;
  readonly units: number;
}

function checkSizes(fn: string, sizes: Sizes): void {
  for (const key of ['inputSize', 'units'] as const) {
    const v = sizes[key];
    if (!Number.isInteger(v) || v < 1) throw new Error(`${fn}: ${key} must be a positive integer, got ${String(v)}`);
  }
}

/**
 * A SimpleRNN configuration with Keras 3 defaults: `activation: 'tanh'`, `useBias: true`.
 *
 * @example simpleRnnCell({ inputSize: 32, units: 32 })
 */
export function simpleRnnCell(options: Sizes & Partial<Omit<SimpleRnnConfig, 'kind' | keyof Sizes>>): SimpleRnnConfig {
  const config: SimpleRnnConfig = { kind: 'simpleRnn', activation: 'tanh', useBias: true, ...options };
  validateConfig(config, 'simpleRnnCell');
  return config;
}

/**
 * An LSTM configuration with Keras 3 defaults: `activation: 'tanh'`, `recurrentActivation: 'sigmoid'`,
 * `useBias: true`, `unitForgetBias: true`.
 */
export function lstmCell(options: Sizes & Partial<Omit<LstmConfig, 'kind' | keyof Sizes>>): LstmConfig {
  const config: LstmConfig = {
    kind: 'lstm',
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
    useBias: true,
    unitForgetBias: true,
    ...options,
  };
  validateConfig(config, 'lstmCell');
  return config;
}

/**
 * A GRU configuration with Keras 3 defaults: `activation: 'tanh'`, `recurrentActivation: 'sigmoid'`,
 * `useBias: true`, `resetAfter: true`.
 */
export function gruCell(options: Sizes & Partial<Omit<GruConfig, 'kind' | keyof Sizes>>): GruConfig {
  const config: GruConfig = {
    kind: 'gru',
    activation: 'tanh',
    recurrentActivation: 'sigmoid',
    useBias: true,
    resetAfter: true,
    ...options,
  };
  validateConfig(config, 'gruCell');
  return config;
}

/** Number of fused gate blocks G: SimpleRNN 1, LSTM 4, GRU 3. */
export function gateCount(config: CellConfig): 1 | 3 | 4 {
  return config.kind === 'simpleRnn' ? 1 : config.kind === 'lstm' ? 4 : 3;
}

/** Throws a message naming `fn` unless `config` is a valid {@link CellConfig}. */
export function validateConfig(config: CellConfig, fn: string): void {
  if (typeof config !== 'object' || config === null) throw new Error(`${fn}: config must be a cell config object, got ${String(config)}`);
  const kind = (config as { kind?: unknown }).kind;
  if (kind !== 'simpleRnn' && kind !== 'lstm' && kind !== 'gru') {
    throw new Error(`${fn}: config.kind must be 'simpleRnn', 'lstm' or 'gru', got ${JSON.stringify(kind)}`);
  }
  checkSizes(fn, config);
  assertActivation(config.activation, `${fn}: activation`);
  if (config.kind !== 'simpleRnn') assertActivation(config.recurrentActivation, `${fn}: recurrentActivation`);
  if (typeof config.useBias !== 'boolean') throw new Error(`${fn}: useBias must be a boolean, got ${String(config.useBias)}`);
  if (config.kind === 'gru' && typeof config.resetAfter !== 'boolean') {
    throw new Error(`${fn}: resetAfter must be a boolean, got ${String(config.resetAfter)}`);
  }
  if (config.kind === 'lstm' && typeof config.unitForgetBias !== 'boolean') {
    throw new Error(`${fn}: unitForgetBias must be a boolean, got ${String(config.unitForgetBias)}`);
  }
}
