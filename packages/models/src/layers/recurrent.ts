/**
 * Recurrent layers over the cells: SimpleRNN, LSTM and GRU, run by the cells' sequence driver.
 *
 * Shapes: B batch, T time, I input size, H units, G gate blocks (1 / 4 / 3).
 *   x [B, T, I] → y [B, T, H] with `returnSequences`, else the last output [B, H]
 *   weights (Keras' row-vector layout): wxh [I, G·H], whh [H, G·H], bh [G·H] (GRU resetAfter: [2, G·H])
 * An input mask [B, T] makes the layer skip padded steps (state carried over, Keras semantics);
 * with `returnSequences` the mask is passed on to the next layer.
 */
import { gruCell, initCellParams, lstmCell, scan, simpleRnnCell } from '@rnnkit/cells';
import type { ActivationName, CellConfig, CellParams, CellState, GruConfig, LstmConfig, ScanCall, SimpleRnnConfig } from '@rnnkit/cells';
import type { Tensor } from '@rnnkit/tensor';
import { tidyOutput, weight } from '../layer';
import type { LayerImpl, WeightShape } from '../layer';
import { expectRank, lastDim } from '../shape';
import type { Shape } from '../shape';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A cell configuration without its input size (the layer learns that from its input). */
export type CellOptions = DistributiveOmit<CellConfig, 'inputSize'>;

/** A recurrent layer (SimpleRNN, LSTM or GRU) and its options. */
export interface RecurrentSpec {
  readonly kind: 'rnn';
  readonly name?: string;
  readonly cell: CellOptions;
  /** Output every step [B, T, H] instead of the last one [B, H]. */
  readonly returnSequences: boolean;
  /** Process the sequence last step first; outputs come in processing order (Keras). */
  readonly goBackwards: boolean;
  /** Output 0 at masked steps instead of repeating the previous output. */
  readonly zeroOutputForMask: boolean;
  /** Fraction of input features dropped while training (one mask per sequence). */
  readonly dropout: number;
  /** Fraction of h_{t−1} dropped before the recurrent matmul while training (one mask per sequence). */
  readonly recurrentDropout: number;
  /**
   * Also output the final state: `[y, h]`, or `[y, h, c]` for an LSTM (Keras `return_state`). Functional
   * models only; absent = false.
   */
  readonly returnState?: boolean;
  /**
   * Start each batch from the final state of the batch before (row i continues row i) until the
   * model's `resetStates()` (Keras `stateful`); absent = false.
   */
  readonly stateful?: boolean;
}

/** Options every recurrent layer shares; defaults are Keras'. */
export interface RecurrentOptions extends CommonLayerOptions {
  readonly units: number;
  readonly returnSequences?: boolean;
  readonly goBackwards?: boolean;
  readonly zeroOutputForMask?: boolean;
  readonly dropout?: number;
  readonly recurrentDropout?: number;
  /** Also output the final state, `[y, h]` or `[y, h, c]` (functional models). Default false. */
  readonly returnState?: boolean;
  /** Carry the final state into the next batch until `resetStates()` (Keras `stateful`). Default false. */
  readonly stateful?: boolean;
  readonly useBias?: boolean;
  readonly activation?: ActivationName;
}

export interface LstmOptions extends RecurrentOptions {
  readonly recurrentActivation?: ActivationName;
  readonly unitForgetBias?: boolean;
}

export interface GruOptions extends RecurrentOptions {
  readonly recurrentActivation?: ActivationName;
  /** Keras 3 and PyTorch: true (default); tfjs-layers and Keras 2: false. */
  readonly resetAfter?: boolean;
}

function checkRate(rate: number | undefined, name: string): number {
  const r = rate ?? 0;
  if (typeof r !== 'number' || !(r >= 0 && r < 1)) throw new Error(`${name} must be a number in [0, 1), got ${String(rate)}`);
  return r;
}

function recurrentSpec(who: string, cell: CellConfig, options: RecurrentOptions): Layer<RecurrentSpec> {
  const { inputSize: _unused, ...cellOptions } = cell;
  const spec: RecurrentSpec = {
    kind: 'rnn',
    cell: cellOptions as CellOptions,
    returnSequences: options.returnSequences ?? false,
    goBackwards: options.goBackwards ?? false,
    zeroOutputForMask: options.zeroOutputForMask ?? false,
    dropout: checkRate(options.dropout, `${who}: dropout`),
    recurrentDropout: checkRate(options.recurrentDropout, `${who}: recurrentDropout`),
    ...(options.returnState === true && { returnState: true }),
    ...(options.stateful === true && { stateful: true }),
  };
  for (const flag of ['returnState', 'stateful'] as const) {
    if (options[flag] !== undefined && typeof options[flag] !== 'boolean') throw new Error(`${who}: ${flag} must be a boolean, got ${JSON.stringify(options[flag])}`);
  }
  return finishLayer(spec, options, `${who}`);
}

function cellFields<T extends object>(options: T, keys: readonly (keyof T)[]): Partial<T> {
  const picked: Partial<T> = {};
  for (const key of keys) if (options[key] !== undefined) picked[key] = options[key];
  return picked;
}

/**
 * A SimpleRNN layer: `h_t = act(x_t·Wxh + h_{t−1}·Whh + bh)` (act tanh). Params `H(I + H + 1)`.
 *
 * @example simpleRnn({ units: 32 })   // after Embedding(10000, 32): 2,080 params
 */
export function simpleRnn(options: RecurrentOptions): Layer<RecurrentSpec> {
  const cell: SimpleRnnConfig = simpleRnnCell({ inputSize: 1, units: options.units, ...cellFields(options, ['activation', 'useBias']) });
  return recurrentSpec('simpleRnn', cell, options);
}

/**
 * An LSTM layer, Keras' equations with fused gates i, f, c, o:
 * `[i f c̃ o] = [σ σ tanh σ](x_t·Wxh + h_{t−1}·Whh + bh)`, `c_t = f⊙c_{t−1} + i⊙c̃`, `h_t = o⊙tanh(c_t)`.
 * Params `4H(I + H + 1)`.
 *
 * @example lstm({ units: 64, returnSequences: true })
 */
export function lstm(options: LstmOptions): Layer<RecurrentSpec> {
  const cell: LstmConfig = lstmCell({
    inputSize: 1,
    units: options.units,
    ...cellFields(options, ['activation', 'recurrentActivation', 'useBias', 'unitForgetBias']),
  });
  return recurrentSpec('lstm', cell, options);
}

/**
 * A GRU layer with gates z, r, h: `z = σ(·)`, `r = σ(·)`, `h̃ = tanh(x·W_h + r⊙(h·U_h + b_rh))` (resetAfter),
 * `h_t = z⊙h_{t−1} + (1 − z)⊙h̃`. Params `3H(I + H + 2)` (resetAfter) or `3H(I + H + 1)`.
 *
 * @example gru({ units: 32, resetAfter: false })   // the form tfjs-layers and Keras 2 use
 */
export function gru(options: GruOptions): Layer<RecurrentSpec> {
  const cell: GruConfig = gruCell({
    inputSize: 1,
    units: options.units,
    ...cellFields(options, ['activation', 'recurrentActivation', 'useBias', 'resetAfter']),
  });
  return recurrentSpec('gru', cell, options);
}

/** The full cell config of a recurrent layer for input size `inputSize`. */
export function cellConfig(spec: RecurrentSpec, inputSize: number): CellConfig {
  return { ...spec.cell, inputSize } as CellConfig;
}

/** Weight shapes of one cell (`wxh`, `whh`, `bh`), in Keras' order (kernel, recurrent kernel, bias). */
export function cellWeightShapes(config: CellConfig): WeightShape[] {
  const gates = config.kind === 'simpleRnn' ? 1 : config.kind === 'lstm' ? 4 : 3;
  const width = gates * config.units;
  const shapes: WeightShape[] = [
    { name: 'wxh', shape: [config.inputSize, width] },
    { name: 'whh', shape: [config.units, width] },
  ];
  if (config.useBias) shapes.push({ name: 'bh', shape: config.kind === 'gru' && config.resetAfter ? [2, width] : [width] });
  return shapes;
}

/** The `{ wxh, whh, bh? }` of a cell from a layer's params, looked up under `prefix` (`''` or `forward/`). */
export function cellParams(params: Readonly<Record<string, Tensor>>, prefix: string, useBias: boolean, who: string): CellParams {
  const wxh = weight(params, `${prefix}wxh`, who);
  const whh = weight(params, `${prefix}whh`, who);
  return useBias ? { wxh, whh, bh: weight(params, `${prefix}bh`, who) } : { wxh, whh };
}

/** Options of {@link runRecurrent}. */
export interface RunRecurrentOptions extends CommonLayerOptions {
  readonly training: boolean;
  readonly mask?: Tensor | null;
  readonly initialState?: CellState;
  readonly seed?: number;
}

/**
 * The `scan` call of a recurrent layer over x (its config, params and options), for
 * {@link runRecurrent} and for layers that run several recurrences in one kernel call (`scanMany`).
 */
export function recurrentScanCall(spec: RecurrentSpec, params: Readonly<Record<string, Tensor>>, x: Tensor, options: RunRecurrentOptions): ScanCall {
  const config = cellConfig(spec, x.shape.at(-1) ?? 0);
  return {
    config,
    params: cellParams(params, '', config.useBias, classNameOf(spec)),
    xs: x,
    options: {
      ...(options.mask === null || options.mask === undefined ? {} : { mask: options.mask }),
      ...(options.initialState === undefined ? {} : { initialState: options.initialState }),
      goBackwards: spec.goBackwards,
      returnSequences: spec.returnSequences,
      zeroOutputForMask: spec.zeroOutputForMask,
      training: options.training,
      dropout: spec.dropout,
      recurrentDropout: spec.recurrentDropout,
      seed: options.seed ?? 0,
    },
  };
}

/**
 * Runs a recurrent layer and returns its output and final state (`{ h }` or `{ h, c }`): what an
 * encoder hands to a decoder, and what streaming generation feeds back in. The caller owns the tensors.
 */
export function runRecurrent(
  spec: RecurrentSpec,
  params: Readonly<Record<string, Tensor>>,
  x: Tensor,
  options: RunRecurrentOptions,
): { outputs: Tensor; state: CellState } {
  const call = recurrentScanCall(spec, params, x, options);
  const result = scan(call.config, call.params, call.xs, call.options);
  return { outputs: result.outputs, state: result.state };
}

function classNameOf(spec: RecurrentSpec): string {
  return spec.cell.kind === 'simpleRnn' ? 'SimpleRNN' : spec.cell.kind === 'lstm' ? 'LSTM' : 'GRU';
}

/** Output shape of a recurrent layer for input [B, T, I]. */
export function recurrentOutputShape(spec: RecurrentSpec, input: Shape, who: string): Shape {
  expectRank(input, 3, who, '[B, T, I]');
  lastDim(input, who);
  return spec.returnSequences ? [input[0] ?? null, input[1] ?? null, spec.cell.units] : [input[0] ?? null, spec.cell.units];
}

export const recurrentLayer: LayerImpl<RecurrentSpec> = {
  className: classNameOf,
  outputShape: (spec, input) => recurrentOutputShape(spec, input, classNameOf(spec)),
  weights: (spec, input) => cellWeightShapes(cellConfig(spec, lastDim(input, classNameOf(spec)))),
  init: (spec, input, seed) => {
    const p = initCellParams(cellConfig(spec, lastDim(input, classNameOf(spec))), seed);
    return p.bh === undefined ? { wxh: p.wxh, whh: p.whh } : { wxh: p.wxh, whh: p.whh, bh: p.bh };
  },
  apply: (spec, params, x, context) =>
    tidyOutput(() => {
      const { outputs } = runRecurrent(spec, params, x, context);
      return { y: outputs, mask: spec.returnSequences ? context.mask : null };
    }),
};
