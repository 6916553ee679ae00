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

/** Bytes per element of every safetensors dtype (the reference crate's `Dtype`), so any header can be checked. */
const SAFETENSORS_DTYPE_SIZES: Readonly<Record<string, number>> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, I64: 8, U64: 8, F64: 8,
};

/** The largest header the reference crate reads (`MAX_HEADER_SIZE`, 100 MB). */
const SAFETENSORS_MAX_HEADER = 100_000_000;

/** One tensor of a safetensors header after validation. */
interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: 'F32' | 'F64';
  readonly shape: number[];
  readonly start: number;
  readonly end: number;
}

/** The keys of the top-level object of valid JSON `text`, in order and with repeats (JSON.parse keeps only the last). */
function topLevelKeys(text: string): string[] {
  const keys: string[] = [];
  let depth = 0;
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      const start = i;
      for (i++; text[i] !== '"'; i += text[i] === '\\' ? 2 : 1);
      if (depth === 1 && expectKey) keys.push(JSON.parse(text.slice(start, i + 1)) as string);
      expectKey = false;
    } else if (c === '{' || c === '[') {
      depth++;
      expectKey = depth === 1;
    } else if (c === '}' || c === ']') {
      depth--;
    } else if (c === ',' && depth === 1) {
      expectKey = true;
    }
  }
  return keys;
}

/**
 * Validates a whole safetensors header, as the reference crate does, before any tensor is read:
 * the header length is bounded and inside the buffer, the header is a UTF-8 JSON object with no
 * repeated name, and every tensor has a known dtype, a shape of integers ≥ 0 and `data_offsets`
 * [start, end] with `end − start` = dtype size × elements; sorted by start, the tensors are
 * contiguous from byte 0 to the end of the data. Each error names the tensor and the rule it broke.
 */
function checkSafetensorsHeader(bytes: Uint8Array, who: string): { readonly base: number; readonly entries: SafetensorsEntry[] } {
  if (bytes.byteLength < 8) throw new Error(`${who}: ${bytes.byteLength} bytes is too short for a safetensors file`);
  const declared = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getBigUint64(0, true);
  if (declared > BigInt(SAFETENSORS_MAX_HEADER)) throw new Error(`${who}: the header size ${declared} exceeds the limit of ${SAFETENSORS_MAX_HEADER} bytes`);
  const headerSize = Number(declared);
  if (8 + headerSize > bytes.byteLength) throw new Error(`${who}: header of ${headerSize} bytes does not fit in ${bytes.byteLength} bytes (truncated)`);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerSize));
  } catch {
    throw new Error(`${who}: the header is not valid UTF-8`);
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    throw new Error(`${who}: the header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new Error(`${who}: the header must be a JSON object`);
  const seen = new Set<string>();
  for (const key of topLevelKeys(text)) {
    if (seen.has(key)) throw new Error(`${who}: tensor '${key}' is named twice in the header`);
    seen.add(key);
  }
  const base = 8 + headerSize;
  const dataLength = bytes.byteLength - base;
  const entries: SafetensorsEntry[] = [];
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    const bad = (rule: string): never => {
      throw new Error(`${who}: tensor '${name}' ${rule}`);
    };
    if (name === '__metadata__') {
      const ok = typeof value === 'object' && value !== null && !Array.isArray(value) && Object.values(value).every((v) => typeof v === 'string');
      if (!ok) throw new Error(`${who}: __metadata__ must be an object of strings`);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) bad('must be an object { dtype, shape, data_offsets }');
    const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
    if (typeof dtype !== 'string' || !Object.prototype.hasOwnProperty.call(SAFETENSORS_DTYPE_SIZES, dtype)) bad(`has an unknown dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || shape.some((d) => !Number.isSafeInteger(d) || (d as number) < 0)) bad(`has an invalid shape ${JSON.stringify(shape)} (expected integers ≥ 0)`);
    const ok = Array.isArray(offsets) && offsets.length === 2 && offsets.every((o) => Number.isSafeInteger(o) && (o as number) >= 0);
    if (!ok) bad(`has invalid data_offsets ${JSON.stringify(offsets)} (expected [start, end], integers ≥ 0)`);
    const [start, end] = offsets as [number, number];
    if (start > end) bad(`has data_offsets [${start}, ${end}] that end before they start`);
    const count = (shape as number[]).reduce((a, b) => a * b, 1);
    const width = SAFETENSORS_DTYPE_SIZES[dtype as string] as number;
    if (end - start !== count * width) bad(`has data_offsets [${start}, ${end}] (${end - start} bytes) but ${dtype} × shape [${(shape as number[]).join(', ')}] needs ${count * width}`);
    if (end > dataLength) bad(`needs bytes [${start}, ${end}) of the data, which has ${dataLength} (truncated)`);
    if (dtype !== 'F32' && dtype !== 'F64') bad(`has dtype ${dtype}; only F32 and F64 are supported`);
    entries.push({ name, dtype: dtype as 'F32' | 'F64', shape: [...(shape as number[])], start, end });
  }
  const order = [...entries].sort((a, b) => a.start - b.start || a.end - b.end);
  let at = 0;
  let before = '';
  for (const e of order) {
    if (e.start < at) throw new Error(`${who}: tensor '${e.name}' (data bytes [${e.start}, ${e.end})) overlaps tensor '${before}', which ends at ${at}`);
    if (e.start > at) throw new Error(`${who}: tensor '${e.name}' starts at data byte ${e.start}, after a gap: the tensors before it end at ${at}`);
    at = e.end;
    before = e.name;
  }
  if (at !== dataLength) throw new Error(`${who}: the tensors cover ${at} bytes of data, the file has ${dataLength} after the header`);
  return { base, entries };
}

/**
 * Parses a safetensors file (8-byte little-endian header size, JSON header, raw data) holding F32
 * (or F64, converted) tensors. The whole header is validated before any tensor is read (see
 * `checkSafetensorsHeader`). The caller owns the returned tensors.
 */
export function parseSafetensors(bytes: Uint8Array): Record<string, Tensor> {
  const { base, entries } = checkSafetensorsHeader(bytes, 'parseSafetensors');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // fromEntries defines own properties: a tensor named '__proto__' stays a tensor
  return Object.fromEntries(
    entries.map((e) => {
      const count = e.shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(count);
      for (let i = 0; i < count; i++) {
        values[i] = e.dtype === 'F32' ? view.getFloat32(base + e.start + 4 * i, true) : view.getFloat64(base + e.start + 8 * i, true);
      }
      return [e.name, tensor(values, e.shape, 'float32')] as const;
    }),
  );
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
