/**
 * PyTorch `nn.RNN` / `nn.LSTM` / `nn.GRU` state dicts in and out, through the cells' weight mappers
 * (NUMERICS.md §2.3). A module becomes a sequential model of recurrent layers (bidirectional ones
 * concatenate, as PyTorch does); with `batch_first` inputs it computes PyTorch's `output` from a zero
 * initial state.
 *
 * Shapes: I input size, H hidden size, L layers, D directions (1 or 2), G gate blocks.
 *   weight_ih_l{k}[_reverse] [G·H, I or D·H], weight_hh_l{k} [G·H, H], bias_ih_l{k}, bias_hh_l{k} [G·H]
 * State dicts come as tensors, as JSON (`{ shape, values }` or nested arrays, e.g. from
 * `{k: v.tolist() for k, v in m.state_dict().items()}`) or as safetensors bytes ({@link parseSafetensors}).
 */
import { fromTorchStateDict as cellFromTorch, toTorchStateDict as cellToTorch } from '@rnnkit/cells';
import type { CellConfig, CellParams } from '@rnnkit/cells';
import { dispose, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { bidirectional } from '../layers/bidirectional';
import { cellConfig, gru, lstm, simpleRnn } from '../layers/recurrent';
import type { RecurrentSpec } from '../layers/recurrent';
import type { LayerSpec } from '../layers/registry';
import { placeLayers, sequentialFromTopology } from '../sequential';
import type { Sequential } from '../sequential';
import { lastDim } from '../shape';

/** A tensor in JSON: `{ shape, values }` (flat, row-major) or nested arrays. */
export type TorchTensorJson = { readonly shape: readonly number[]; readonly values: readonly number[] } | readonly unknown[];

/** The PyTorch module a state dict belongs to: `nn.RNN`, `nn.LSTM` or `nn.GRU` and its constructor arguments. */
export interface TorchModuleOptions {
  readonly module: 'RNN' | 'LSTM' | 'GRU';
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** Default 1. */
  readonly numLayers?: number;
  /** Default false. */
  readonly bidirectional?: boolean;
  /** nn.RNN's nonlinearity. Default 'tanh'. */
  readonly nonlinearity?: 'tanh' | 'relu';
  /** Default true (`bias=True`). */
  readonly bias?: boolean;
  /** Prefix of the module's keys in a bigger state dict, e.g. `'encoder.rnn.'`. */
  readonly prefix?: string;
  /** Output every step (PyTorch's `output`, the default) or only the last ([B, D·H]). */
  readonly returnSequences?: boolean;
  readonly name?: string;
}

function flatten(value: unknown, shape: number[], out: number[], depth: number): void {
  if (Array.isArray(value)) {
    if (shape.length === depth) shape.push(value.length);
    else if (shape[depth] !== value.length) throw new Error(`ragged nested array: expected ${shape[depth]} entries at depth ${depth}, got ${value.length}`);
    for (const v of value) flatten(v, shape, out, depth + 1);
  } else if (typeof value === 'number') {
    out.push(value);
  } else {
    throw new Error(`expected numbers or arrays, got ${JSON.stringify(value)}`);
  }
}

/** A float32 tensor from a JSON tensor. */
export function tensorFromJson(value: TorchTensorJson | Tensor, name: string): Tensor {
  if (!Array.isArray(value) && typeof value === 'object' && value !== null && 'dataId' in value) return value as Tensor;
  if (!Array.isArray(value)) {
    const v = value as { shape: readonly number[]; values: readonly number[] };
    if (!Array.isArray(v.shape) || !Array.isArray(v.values)) throw new Error(`state dict entry '${name}' must be { shape, values } or nested arrays`);
    return tensor(Float32Array.from(v.values), [...v.shape], 'float32');
  }
  const shape: number[] = [];
  const values: number[] = [];
  try {
    flatten(value, shape, values, 0);
  } catch (e) {
    throw new Error(`state dict entry '${name}': ${(e as Error).message}`);
  }
  return tensor(Float32Array.from(values), shape, 'float32');
}

/**
 * Parses a safetensors file (8-byte little-endian header size, JSON header, raw data) holding F32
 * (or F64, converted) tensors. The caller owns the returned tensors.
 */
export function parseSafetensors(bytes: Uint8Array): Record<string, Tensor> {
  const who = 'parseSafetensors';
  if (bytes.byteLength < 8) throw new Error(`${who}: ${bytes.byteLength} bytes is too short for a safetensors file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerSize = Number(view.getBigUint64(0, true));
  if (8 + headerSize > bytes.byteLength) throw new Error(`${who}: header of ${headerSize} bytes does not fit in ${bytes.byteLength} bytes (truncated)`);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + headerSize))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const base = 8 + headerSize;
  const entries = Object.entries(header).filter(([name]) => name !== '__metadata__');
  for (const [name, e] of entries) {
    const [start, end] = e.data_offsets;
    const width = e.dtype === 'F32' ? 4 : e.dtype === 'F64' ? 8 : 0;
    if (width === 0) throw new Error(`${who}: tensor '${name}' has dtype ${e.dtype}; only F32 and F64 are supported`);
    const count = e.shape.reduce((a, b) => a * b, 1);
    if (end - start !== count * width || base + end > bytes.byteLength) {
      throw new Error(`${who}: tensor '${name}' needs bytes [${start}, ${end}) of the data, which has ${bytes.byteLength - base} (truncated or inconsistent)`);
    }
  }
  const out: Record<string, Tensor> = {};
  for (const [name, e] of entries) {
    const [start] = e.data_offsets;
    const count = e.shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(count);
    for (let i = 0; i < count; i++) {
      values[i] = e.dtype === 'F32' ? view.getFloat32(base + start + 4 * i, true) : view.getFloat64(base + start + 8 * i, true);
    }
    out[name] = tensor(values, e.shape, 'float32');
  }
  return out;
}

function moduleLayers(options: TorchModuleOptions): RecurrentSpec[] {
  const layers = options.numLayers ?? 1;
  if (!Number.isInteger(layers) || layers < 1) throw new Error(`fromTorchStateDict: numLayers must be a positive integer, got ${String(layers)}`);
  const useBias = options.bias ?? true;
  return Array.from({ length: layers }, (_, k) => {
    const returnSequences = k < layers - 1 || (options.returnSequences ?? true);
    const common = { units: options.hiddenSize, returnSequences, useBias, name: `${options.module.toLowerCase()}_l${k}` };
    switch (options.module) {
      case 'RNN':
        return simpleRnn({ ...common, activation: options.nonlinearity ?? 'tanh' });
      case 'LSTM':
        return lstm(common);
      case 'GRU':
        return gru({ ...common, resetAfter: true });
      default:
        throw new Error(`fromTorchStateDict: module must be 'RNN', 'LSTM' or 'GRU', got ${JSON.stringify(options.module)}`);
    }
  });
}

/**
 * A sequential model computing a PyTorch recurrent module (batch_first, zero initial state).
 * Layer k is named `<module>_l<k>` (e.g. `lstm_l0`); weights map exactly (the RNN and LSTM biases
 * `b_ih + b_hh` are summed into one `bh`).
 *
 * @example
 * const dict = JSON.parse(readFileSync('lstm.json', 'utf8'));   // {k: v.tolist() for k, v in m.state_dict().items()}
 * const model = fromTorchStateDict(dict, { module: 'LSTM', inputSize: 8, hiddenSize: 16, numLayers: 2, bidirectional: true });
 */
export function fromTorchStateDict(dict: Readonly<Record<string, TorchTensorJson | Tensor>>, options: TorchModuleOptions): Sequential {
  const recurrent = moduleLayers(options);
  const specs: LayerSpec[] = recurrent.map((layer) => (options.bidirectional === true ? bidirectional(stripName(layer), { name: layer.name! }) : layer));
  const built = placeLayers(specs, [null, null, options.inputSize]);
  const prefix = options.prefix ?? '';
  const tensors: Record<string, Tensor> = {};
  const owned: Tensor[] = [];
  const weights: Record<string, Tensor> = {};
  try {
    for (const [name, value] of Object.entries(dict)) {
      if (!name.startsWith(prefix)) continue;
      const t = tensorFromJson(value, name);
      if (t !== value) owned.push(t);
      tensors[name] = t;
    }
    built.forEach((layer, k) => {
      const spec = layer.spec.kind === 'bidirectional' ? layer.spec.layer : (layer.spec as RecurrentSpec);
      const config: CellConfig = cellConfig(spec, lastDim(layer.inputShape, 'fromTorchStateDict'));
      const directions = options.bidirectional === true ? [false, true] : [false];
      for (const reverse of directions) {
        const params: CellParams = cellFromTorch(config, tensors, { layer: k, reverse, prefix });
        const head = options.bidirectional === true ? `${layer.name}/${reverse ? 'backward' : 'forward'}` : layer.name;
        weights[`${head}/wxh`] = params.wxh;
        weights[`${head}/whh`] = params.whh;
        if (params.bh !== undefined) weights[`${head}/bh`] = params.bh;
      }
    });
    return sequentialFromTopology(
      { kind: 'sequential', name: options.name ?? options.module.toLowerCase(), inputShape: [null, null, options.inputSize], layers: built.map((l) => l.spec) },
      { weights },
    );
  } finally {
    dispose([...owned, ...Object.values(weights)]);
  }
}

function stripName(spec: RecurrentSpec): RecurrentSpec {
  const { name: _name, ...rest } = spec;
  return rest;
}

/**
 * The PyTorch state dict of a sequential model made only of recurrent layers (each a SimpleRNN, LSTM
 * or GRU with resetAfter, all bidirectional or none), as JSON `{ shape, values }` entries that
 * `torch.tensor(values).reshape(shape)` reads back.
 */
export function toTorchStateDict(model: Sequential, options: { readonly prefix?: string } = {}): Record<string, { shape: number[]; values: number[] }> {
  const out: Record<string, { shape: number[]; values: number[] }> = {};
  model.layers.forEach((layer, k) => {
    const spec = layer.spec;
    if (spec.kind !== 'rnn' && spec.kind !== 'bidirectional') {
      throw new Error(`toTorchStateDict: layer '${layer.name}' (${spec.kind}) has no PyTorch recurrent-module equivalent; only recurrent layers can be exported`);
    }
    const inner = spec.kind === 'bidirectional' ? spec.layer : spec;
    const config = cellConfig(inner, lastDim(layer.inputShape, 'toTorchStateDict'));
    const directions: [string, boolean][] = spec.kind === 'bidirectional' ? [['forward/', false], ['backward/', true]] : [['', false]];
    for (const [head, reverse] of directions) {
      const get = (w: string): Tensor => model.params[`${layer.name}/${head}${w}`]!;
      const params: CellParams = config.useBias ? { wxh: get('wxh'), whh: get('whh'), bh: get('bh') } : { wxh: get('wxh'), whh: get('whh') };
      const dict = cellToTorch(config, params, { layer: k, reverse, prefix: options.prefix ?? '' });
      for (const [name, t] of Object.entries(dict)) {
        out[name] = { shape: [...t.shape], values: Array.from(t.dataSync()) };
        t.dispose();
      }
    }
  });
  return out;
}
