/**
 * A sequential model as PyTorch modules (the "torch layout"): which `nn.Embedding`, `nn.Linear`,
 * `nn.RNN`/`nn.LSTM`/`nn.GRU` hold its weights and under which state-dict keys, and the conversion
 * of the weights both ways (NUMERICS.md §2.3 for the recurrent ones, through the cells' mappers).
 *
 *   Embedding            → nn.Embedding  `<m>.weight [V, E]` (the same matrix)
 *   Dense, TimeDistributed(Dense) → nn.Linear  `<m>.weight [U, F] = kernelᵀ`, `<m>.bias [U]`
 *   consecutive recurrent layers that stack → one nn.RNN/LSTM/GRU with `num_layers`,
 *                          `<m>.weight_ih_l{k}[_reverse]`, `weight_hh_l{k}`, `bias_ih_l{k}`, `bias_hh_l{k}`
 *
 * `<m>` is the module's attribute name: the name of its (first) rnnkit layer. When the whole model
 * is one module, its keys are that module's own (`weight_ih_l0`, …), as `nn.LSTM().state_dict()`
 * has them. Layers without weights (Dropout, Activation, …) have no module; layers with weights that
 * PyTorch spells differently are refused, naming the layer.
 *
 * Recurrent layers stack into one module when PyTorch's stacked module computes the same function:
 * the same cell kind, units, bias and nonlinearity, all bidirectional (merged by concatenation) or
 * all forward-only (no goBackwards), and every layer but the last returning sequences.
 *
 * Shapes: V vocabulary, E embedding width, F input features, U units, H hidden size, G gate blocks.
 */
import { fromTorchStateDict as cellFromTorch, toTorchStateDict as cellToTorch, torchKeys } from '@rnnkit/cells';
import type { CellConfig, CellParams } from '@rnnkit/cells';
import { assertShape, clone, dispose, transpose } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { BidirectionalSpec } from '../layers/bidirectional';
import type { DenseSpec } from '../layers/dense';
import { cellConfig } from '../layers/recurrent';
import type { RecurrentSpec } from '../layers/recurrent';
import { layerImpl } from '../layers/registry';
import type { BuiltLayer } from '../sequential';
import { lastDim } from '../shape';

/** One PyTorch module of a model's torch layout. */
export interface TorchModule {
  /** Its attribute name in the PyTorch model (the name of its first rnnkit layer); `''` when the whole model is this one module. */
  readonly name: string;
  /** The `torch.nn` class. */
  readonly module: 'Embedding' | 'Linear' | 'RNN' | 'LSTM' | 'GRU';
  /** Its constructor arguments, by PyTorch's names (`hidden_size`, `num_layers`, `batch_first`, …). */
  readonly arguments: Readonly<Record<string, number | boolean | string>>;
  /** The rnnkit layers whose weights it holds. */
  readonly layers: readonly string[];
}

/** A module with the built layers it holds. */
interface PlannedModule extends TorchModule {
  readonly built: readonly BuiltLayer[];
}

/** The recurrent spec inside a recurrent or bidirectional layer, or null. */
function recurrentOf(layer: BuiltLayer): RecurrentSpec | null {
  if (layer.spec.kind === 'rnn') return layer.spec;
  if (layer.spec.kind === 'bidirectional') return layer.spec.layer;
  return null;
}

/** The dense spec of a Dense or TimeDistributed(Dense) layer, or null. */
function denseOf(layer: BuiltLayer): DenseSpec | null {
  if (layer.spec.kind === 'dense') return layer.spec;
  if (layer.spec.kind === 'timeDistributed' && layer.spec.layer.kind === 'dense') return layer.spec.layer;
  return null;
}

/** True when PyTorch's stacked module computes `below` followed by `above`. */
function stacks(below: BuiltLayer, above: BuiltLayer): boolean {
  const a = recurrentOf(below);
  const b = recurrentOf(above);
  if (a === null || b === null || below.spec.kind !== above.spec.kind) return false;
  const same = a.cell.kind === b.cell.kind && a.cell.units === b.cell.units && a.cell.useBias === b.cell.useBias && a.cell.activation === b.cell.activation;
  if (!same || !a.returnSequences) return false;
  if (below.spec.kind === 'bidirectional') return (below.spec as BidirectionalSpec).mergeMode === 'concat';
  return !a.goBackwards && !b.goBackwards;
}

const TORCH_CLASS = { simpleRnn: 'RNN', lstm: 'LSTM', gru: 'GRU' } as const;

function recurrentModule(run: readonly BuiltLayer[]): PlannedModule {
  const first = run[0]!;
  const spec = recurrentOf(first)!;
  const args: Record<string, number | boolean | string> = {
    input_size: lastDim(first.inputShape, 'torch layout'),
    hidden_size: spec.cell.units,
    num_layers: run.length,
    bias: spec.cell.useBias,
    batch_first: true,
    bidirectional: first.spec.kind === 'bidirectional',
  };
  if (spec.cell.kind === 'simpleRnn') args['nonlinearity'] = spec.cell.activation;
  return { name: first.name, module: TORCH_CLASS[spec.cell.kind], arguments: args, layers: run.map((l) => l.name), built: run };
}

/**
 * The PyTorch modules of a sequential model's layers, in order. Throws, naming the layer, for a
 * layer with weights that has no module here.
 */
export function planTorchModules(layers: readonly BuiltLayer[], who: string): PlannedModule[] {
  const modules: PlannedModule[] = [];
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    const dense = denseOf(layer);
    if (layer.spec.kind === 'embedding') {
      const { inputDim, outputDim } = layer.spec;
      modules.push({ name: layer.name, module: 'Embedding', arguments: { num_embeddings: inputDim, embedding_dim: outputDim }, layers: [layer.name], built: [layer] });
    } else if (dense !== null) {
      const args = { in_features: lastDim(layer.inputShape, who), out_features: dense.units, bias: dense.useBias };
      modules.push({ name: layer.name, module: 'Linear', arguments: args, layers: [layer.name], built: [layer] });
    } else if (recurrentOf(layer) !== null) {
      const run = [layer];
      while (i + 1 < layers.length && stacks(layers[i]!, layers[i + 1]!)) run.push(layers[++i]!);
      modules.push(recurrentModule(run));
    } else if (layer.weightNames.length > 0) {
      throw new Error(
        `${who}: layer '${layer.name}' (${layerImpl(layer.spec).className(layer.spec)}) has no PyTorch module in the torch layout ` +
          "(which knows Embedding, Dense, SimpleRNN, LSTM, GRU and Bidirectional); save it with layout: 'rnnkit'",
      );
    }
  }
  if (modules.length === 1) return [{ ...modules[0]!, name: '' }];
  return modules;
}

/** The key prefix of a module's entries: `prefix` + `name.` (or just `prefix` for the whole-model module). */
function modulePrefix(module: TorchModule, prefix: string): string {
  return module.name === '' ? prefix : `${prefix}${module.name}.`;
}

/** The (inner) cell config and the parameter-name heads of a recurrent layer: `['']` or `['forward/', 'backward/']`. */
function recurrentParts(layer: BuiltLayer, who: string): { config: CellConfig; heads: readonly (readonly [string, boolean])[] } {
  const config = cellConfig(recurrentOf(layer)!, lastDim(layer.inputShape, who));
  const heads = layer.spec.kind === 'bidirectional' ? ([['forward/', false], ['backward/', true]] as const) : ([['', false]] as const);
  return { config, heads };
}

/**
 * The PyTorch state dict of a model's weights (`params`, keyed `layer/weight`) in the torch layout,
 * every key preceded by `prefix`. The caller owns the tensors.
 */
export function torchStateDictTensors(layers: readonly BuiltLayer[], params: Readonly<Record<string, Tensor>>, prefix: string, who: string): Record<string, Tensor> {
  const modules = planTorchModules(layers, who);
  const out: Record<string, Tensor> = {};
  try {
    for (const module of modules) {
      const at = modulePrefix(module, prefix);
      module.built.forEach((layer, k) => {
        const get = (w: string): Tensor => params[`${layer.name}/${w}`]!;
        if (module.module === 'Embedding') {
          out[`${at}weight`] = clone(get('embeddings'));
        } else if (module.module === 'Linear') {
          out[`${at}weight`] = transpose(get('kernel'));
          if (denseOf(layer)!.useBias) out[`${at}bias`] = clone(get('bias'));
        } else {
          const { config, heads } = recurrentParts(layer, who);
          for (const [head, reverse] of heads) {
            const cell: CellParams = config.useBias ? { wxh: get(`${head}wxh`), whh: get(`${head}whh`), bh: get(`${head}bh`) } : { wxh: get(`${head}wxh`), whh: get(`${head}whh`) };
            Object.assign(out, cellToTorch(config, cell, { layer: k, reverse, prefix: at }));
          }
        }
      });
    }
  } catch (e) {
    dispose(Object.values(out));
    throw e;
  }
  return out;
}

/** Options of {@link weightsFromTorch}. */
export interface TorchLoadOptions {
  /** Only keys starting with it belong to this model; the others (other modules of a bigger checkpoint) are left alone. */
  readonly prefix: string;
  /** Keys (under `prefix`) the model does not use are an error, as in PyTorch's `load_state_dict(strict=True)`. */
  readonly strict: boolean;
}

/** `'a', 'b', 'c'`, at most `limit` of them, then `… and N more`. */
function listKeys(keys: readonly string[], limit = 12): string {
  const shown = keys.slice(0, limit).map((k) => `'${k}'`).join(', ');
  return keys.length > limit ? `${shown} and ${keys.length - limit} more` : shown;
}

/** What unused keys of a recurrent module tell: a deeper or a bidirectional module. */
function recurrentHints(modules: readonly PlannedModule[], prefix: string, unused: readonly string[]): string[] {
  const hints: string[] = [];
  for (const module of modules) {
    if (module.module === 'Embedding' || module.module === 'Linear') continue;
    const at = modulePrefix(module, prefix);
    let deepest = -1;
    let reverse = false;
    for (const key of unused) {
      const m = key.startsWith(at) ? /^(?:weight|bias)_(?:ih|hh)_l(\d+)(_reverse)?$/.exec(key.slice(at.length)) : null;
      if (m === null) continue;
      deepest = Math.max(deepest, Number(m[1]));
      if (m[2] !== undefined) reverse = true;
    }
    const layers = module.arguments['num_layers'] as number;
    const where = module.name === '' ? 'module' : `module '${module.name}'`;
    if (deepest >= layers) hints.push(`the state dict's ${where} has ${deepest + 1} layers, this model's has ${layers}`);
    if (reverse && module.arguments['bidirectional'] !== true) hints.push(`the state dict's ${where} is bidirectional (keys ending in _reverse), this model's is not`);
  }
  return hints;
}

/**
 * A model's weights (keyed `layer/weight`, as `params` has them) from a PyTorch state dict in the
 * torch layout. Every key the model needs must be there with its shape (the error names the key,
 * the layer, and the expected and given shape); with `strict`, keys under `prefix` that the model
 * does not use are an error naming them. The caller owns the returned tensors; `dict` is only read.
 */
export function weightsFromTorch(layers: readonly BuiltLayer[], dict: Readonly<Record<string, Tensor>>, options: TorchLoadOptions, who: string): Record<string, Tensor> {
  const modules = planTorchModules(layers, who);
  checkKeys(modules, dict, options, who);
  const weights: Record<string, Tensor> = {};
  const entry = (key: string, shape: readonly number[], layer: string): Tensor => {
    const t = dict[key]!;
    assertShape(t, shape, `${who}: '${key}' (layer '${layer}')`);
    return t;
  };
  try {
    for (const module of modules) {
      const at = modulePrefix(module, options.prefix);
      module.built.forEach((layer, k) => {
        if (module.module === 'Embedding') {
          const { inputDim, outputDim } = layer.spec as { inputDim: number; outputDim: number };
          weights[`${layer.name}/embeddings`] = clone(entry(`${at}weight`, [inputDim, outputDim], layer.name));
        } else if (module.module === 'Linear') {
          const dense = denseOf(layer)!;
          weights[`${layer.name}/kernel`] = transpose(entry(`${at}weight`, [dense.units, lastDim(layer.inputShape, who)], layer.name));
          if (dense.useBias) weights[`${layer.name}/bias`] = clone(entry(`${at}bias`, [dense.units], layer.name));
        } else {
          const { config, heads } = recurrentParts(layer, who);
          for (const [head, reverse] of heads) {
            const params = cellFromTorch(config, dict, { layer: k, reverse, prefix: at });
            weights[`${layer.name}/${head}wxh`] = params.wxh;
            weights[`${layer.name}/${head}whh`] = params.whh;
            if (params.bh !== undefined) weights[`${layer.name}/${head}bh`] = params.bh;
          }
        }
      });
    }
    return weights;
  } catch (e) {
    dispose(Object.values(weights));
    throw e;
  }
}

/** Each key the modules read, with the layer (and PyTorch layer and direction) it belongs to. */
function expectedKeys(modules: readonly PlannedModule[], prefix: string, who: string): Map<string, string> {
  const keys = new Map<string, string>();
  for (const module of modules) {
    const at = modulePrefix(module, prefix);
    module.built.forEach((layer, k) => {
      if (module.module === 'Embedding') {
        keys.set(`${at}weight`, `layer '${layer.name}'`);
      } else if (module.module === 'Linear') {
        keys.set(`${at}weight`, `layer '${layer.name}'`);
        if (denseOf(layer)!.useBias) keys.set(`${at}bias`, `layer '${layer.name}'`);
      } else {
        const { config, heads } = recurrentParts(layer, who);
        for (const [, reverse] of heads) {
          const names = torchKeys({ layer: k, reverse, prefix: at });
          const where = `layer '${layer.name}': layer ${k}${reverse ? ', reverse' : ''} of the module`;
          for (const key of config.useBias ? [names.weightIh, names.weightHh, names.biasIh, names.biasHh] : [names.weightIh, names.weightHh]) keys.set(key, where);
        }
      }
    });
  }
  return keys;
}

/**
 * PyTorch's `load_state_dict` check of the keys, before any tensor is read: with `strict`, keys under
 * `prefix` that no module reads are an error naming them (and what they tell: a deeper or a
 * bidirectional module); a key a module needs and the dict lacks is an error naming it.
 */
function checkKeys(modules: readonly PlannedModule[], dict: Readonly<Record<string, Tensor>>, options: TorchLoadOptions, who: string): void {
  const expected = expectedKeys(modules, options.prefix, who);
  const present = Object.keys(dict).filter((k) => k.startsWith(options.prefix));
  const unused = present.filter((k) => !expected.has(k));
  const missing = [...expected.keys()].filter((k) => dict[k] === undefined);
  if (options.strict && unused.length > 0) {
    const hints = recurrentHints(modules, options.prefix, unused);
    const scope = options.prefix === '' ? '' : ` under prefix '${options.prefix}'`;
    const also = missing.length > 0 ? `, and lacks ${listKeys(missing)}` : '';
    throw new Error(
      `${who}: the state dict has ${unused.length} key(s)${scope} this model does not use: ${listKeys(unused)}` +
        `${hints.length > 0 ? ` (${hints.join('; ')})` : ''}${also}. PyTorch's load_state_dict(strict=True) refuses them too; pass strict: false to ignore them`,
    );
  }
  const first = missing[0];
  if (first !== undefined) {
    const more = missing.length > 1 ? ` (and ${missing.length - 1} more key(s): ${listKeys(missing.slice(1))})` : '';
    throw new Error(`${who}: the state dict has no '${first}' (${expected.get(first)!})${more}; it has [${listKeys(present, 24)}]`);
  }
}

/** The public form of a plan: the modules without the built layers. */
export function describeTorchModules(layers: readonly BuiltLayer[], who: string): TorchModule[] {
  return planTorchModules(layers, who).map(({ name, module, arguments: args, layers: names }) => ({ name, module, arguments: args, layers: names }));
}
