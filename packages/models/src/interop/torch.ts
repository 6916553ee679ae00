/**
 * PyTorch `nn.RNN` / `nn.LSTM` / `nn.GRU` state dicts in and out, through the cells' weight mappers
 * (NUMERICS.md §2.3). A module becomes a sequential model of recurrent layers (bidirectional ones
 * concatenate, as PyTorch does); with `batch_first` inputs it computes PyTorch's `output` from a zero
 * initial state.
 *
 * Shapes: I input size, H hidden size, L layers, D directions (1 or 2), G gate blocks.
 *   weight_ih_l{k}[_reverse] [G·H, I or D·H], weight_hh_l{k} [G·H, H], bias_ih_l{k}, bias_hh_l{k} [G·H]
 * State dicts come as tensors, as JSON (`{ shape, values }` or nested arrays, e.g. from
 * `{k: v.tolist() for k, v in m.state_dict().items()}`) or as safetensors bytes (`parseSafetensors`).
 * Loading is strict, as PyTorch's `load_state_dict(strict=True)`: a missing key and a key the model
 * does not use are errors naming them.
 */
import { dispose, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { bidirectional } from '../layers/bidirectional';
import { gru, lstm, simpleRnn } from '../layers/recurrent';
import type { RecurrentSpec } from '../layers/recurrent';
import type { LayerSpec } from '../layers/registry';
import { placeLayers, sequentialFromTopology } from '../sequential';
import type { Sequential } from '../sequential';
import { describeTorchModules, torchStateDictTensors, weightsFromTorch } from './torch-modules';
import type { TorchModule } from './torch-modules';

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
  /**
   * Prefix of the module's keys in a bigger state dict, e.g. `'encoder.rnn.'`; keys without it belong
   * to other modules and are left alone.
   */
  readonly prefix?: string;
  /**
   * Refuse keys (under `prefix`) the module does not use, naming them, as PyTorch's
   * `load_state_dict(strict=True)` does: a 2-layer or bidirectional state dict does not load as a
   * 1-layer or forward-only module. Default true; missing keys are an error either way.
   */
  readonly strict?: boolean;
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
 * `b_ih + b_hh` are summed into one `bh`). Strict like PyTorch's `load_state_dict`: a key the module
 * needs and does not find, and (unless `strict: false`) a key under `prefix` it does not use, are
 * errors naming the keys.
 *
 * @example
 * const dict = JSON.parse(readFileSync('lstm.json', 'utf8'));   // {k: v.tolist() for k, v in m.state_dict().items()}
 * const model = fromTorchStateDict(dict, { module: 'LSTM', inputSize: 8, hiddenSize: 16, numLayers: 2, bidirectional: true });
 */
export function fromTorchStateDict(dict: Readonly<Record<string, TorchTensorJson | Tensor>>, options: TorchModuleOptions): Sequential {
  const recurrent = moduleLayers(options);
  const specs: LayerSpec[] = recurrent.map((layer) => (options.bidirectional === true ? bidirectional(stripName(layer), { name: layer.name! }) : layer));
  const inputShape = [null, null, options.inputSize];
  const built = placeLayers(specs, inputShape);
  const prefix = options.prefix ?? '';
  const tensors: Record<string, Tensor> = {};
  const owned: Tensor[] = [];
  let weights: Record<string, Tensor> = {};
  try {
    for (const [name, value] of Object.entries(dict)) {
      if (!name.startsWith(prefix)) continue;
      const t = tensorFromJson(value, name);
      if (t !== value) owned.push(t);
      tensors[name] = t;
    }
    weights = weightsFromTorch(built, tensors, { prefix, strict: options.strict ?? true }, 'fromTorchStateDict');
    return sequentialFromTopology(
      { kind: 'sequential', name: options.name ?? options.module.toLowerCase(), inputShape, layers: built.map((l) => l.spec) },
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
 * The PyTorch state dict of a sequential model, as JSON `{ shape, values }` entries that
 * `torch.tensor(values).reshape(shape)` reads back: Embedding → `nn.Embedding`, Dense →
 * `nn.Linear`, consecutive recurrent layers that stack → one `nn.RNN`/`nn.LSTM`/`nn.GRU`, each under
 * its layer's name (`embedding.weight`, `lstm.weight_ih_l0`, `dense.bias`; {@link torchModules}
 * lists the modules); a model that is one module has that module's bare keys (`weight_ih_l0`).
 * `prefix` goes before every key.
 *
 * @example toTorchStateDict(sequential([lstm({ units: 4 })], { inputShape: [null, 3] }))   // { weight_ih_l0: { shape: [16, 3], values }, … }
 */
export function toTorchStateDict(model: Sequential, options: { readonly prefix?: string } = {}): Record<string, { shape: number[]; values: number[] }> {
  const dict = torchStateDictTensors(model.layers, model.params, options.prefix ?? '', 'toTorchStateDict');
  const out: Record<string, { shape: number[]; values: number[] }> = {};
  for (const [name, t] of Object.entries(dict)) {
    out[name] = { shape: [...t.shape], values: Array.from(t.dataSync()) };
    t.dispose();
  }
  return out;
}

/**
 * The PyTorch modules that hold a sequential model's weights in the torch layout, with their
 * constructor arguments: what a PyTorch `nn.Module` must define (as attributes named `name`) for
 * `load_state_dict(..., strict=True)` to take {@link toTorchStateDict}'s or `toSafetensors(model,
 * { layout: 'torch' })`'s weights. Throws, naming the layer, for a layer PyTorch spells differently.
 *
 * @example torchModules(model)   // [{ name: 'embedding', module: 'Embedding', arguments: { num_embeddings: 100, embedding_dim: 8 }, layers: ['embedding'] }, …]
 */
export function torchModules(model: Sequential): TorchModule[] {
  return describeTorchModules(model.layers, 'torchModules');
}
