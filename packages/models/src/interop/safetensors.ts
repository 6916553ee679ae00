/**
 * Models as safetensors files, in two layouts:
 *
 *   'rnnkit'  every variable under its rnnkit name (`lstm/wxh`, `dense/kernel`, …) in rnnkit's
 *             layout, any saveable model;
 *   'torch'   PyTorch's names and layouts (`embedding.weight`, `lstm.weight_ih_l0`, …; see
 *             `torchModules`), so that in PyTorch `model.load_state_dict(load_file(path), strict=True)`
 *             takes the weights. Sequential models of Embedding, Dense and recurrent layers.
 *
 * The file's `__metadata__` carries the layout and the model's topology (`rnnkit.layout`,
 * `rnnkit.topology`), so a file written here loads back without anything else; a file written by
 * PyTorch loads with a topology (or into an existing model). All tensors are F32.
 */
import { dispose } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { checkTopology } from '../io/check-topology';
import { placeLayers } from '../sequential';
import type { SequentialTopology } from '../sequential';
import { buildFromCheckedTopology } from '../topology';
import type { ModelTopology, SaveableModel } from '../topology';
import { encodeSafetensors, readSafetensors } from './safetensors-format';
import type { SafetensorsTensor } from './safetensors-format';
import { torchStateDictTensors, weightsFromTorch } from './torch-modules';

/** How a model's weights are named and laid out in a safetensors file. */
export type SafetensorsLayout = 'rnnkit' | 'torch';

/** Options of {@link toSafetensors} and `saveSafetensors`. */
export interface ToSafetensorsOptions {
  /** `'torch'`: PyTorch's names and layouts; `'rnnkit'`: rnnkit's own. */
  readonly layout: SafetensorsLayout;
  /** Torch layout: put before every key, e.g. `'encoder.'` for a submodule of a bigger PyTorch model. */
  readonly prefix?: string;
}

/** Options of {@link fromSafetensors}, {@link setWeightsFromSafetensors} and `loadSafetensors`. */
export interface FromSafetensorsOptions {
  /** The file's layout. Default: the one its metadata names (rnnkit writes it), else `'torch'`. */
  readonly layout?: SafetensorsLayout;
  /** The model to build (not for {@link setWeightsFromSafetensors}). Default: the topology in the file's metadata. */
  readonly topology?: ModelTopology;
  /** Torch layout: only keys starting with it belong to the model; the others (other modules of a bigger checkpoint) are left alone. */
  readonly prefix?: string;
  /**
   * Torch layout: refuse keys (under `prefix`) the model does not use, naming them, as PyTorch's
   * `load_state_dict(strict=True)` does. Default true. Missing keys are an error either way, and the
   * rnnkit layout always matches the model's variables exactly.
   */
  readonly strict?: boolean;
}

/** Metadata keys rnnkit writes. */
const LAYOUT_KEY = 'rnnkit.layout';
const TOPOLOGY_KEY = 'rnnkit.topology';

function checkLayout(layout: unknown, who: string): SafetensorsLayout {
  if (layout !== 'rnnkit' && layout !== 'torch') throw new Error(`${who}: layout must be 'torch' or 'rnnkit', got ${JSON.stringify(layout)}`);
  return layout;
}

/** The sequential topology a torch-layout file needs, or an error saying why this one is not. */
function sequentialOnly(topology: ModelTopology, who: string): SequentialTopology {
  if (topology.kind !== 'sequential') {
    throw new Error(`${who}: the torch layout holds sequential models of Embedding, Dense and recurrent layers; a ${topology.kind} model needs layout: 'rnnkit'`);
  }
  return topology;
}

/**
 * A model as safetensors bytes (works in browsers too). `{ layout: 'torch' }` writes PyTorch's
 * names and layouts, which `load_state_dict(safetensors.torch.load_file(path), strict=True)` takes;
 * `{ layout: 'rnnkit' }` writes every variable as it is. Either way the metadata holds the model's
 * topology, so {@link fromSafetensors} rebuilds the model from the bytes alone.
 *
 * @example
 * const bytes = toSafetensors(model, { layout: 'torch' });   // Uint8Array; keys embedding.weight, lstm.weight_ih_l0, …
 */
export function toSafetensors(model: SaveableModel, options: ToSafetensorsOptions): Uint8Array {
  const who = 'toSafetensors';
  const layout = checkLayout((options as Partial<ToSafetensorsOptions> | undefined)?.layout, who);
  const topology = model.topology();
  const metadata = { format: layout === 'torch' ? 'pt' : 'rnnkit', [LAYOUT_KEY]: layout, [TOPOLOGY_KEY]: JSON.stringify(topology) };
  if (layout === 'rnnkit') {
    if (options.prefix !== undefined) throw new Error(`${who}: prefix applies to the torch layout only`);
    const tensors: Record<string, SafetensorsTensor> = {};
    for (const [name, v] of Object.entries(model.params)) tensors[name] = { shape: v.shape, values: v.dataSync() as Float32Array };
    return encodeSafetensors(tensors, metadata);
  }
  const sequential = sequentialOnly(topology, who);
  const layers = placeLayers(sequential.layers, sequential.inputShape);
  const dict = torchStateDictTensors(layers, model.params, options.prefix ?? '', who);
  try {
    const tensors: Record<string, SafetensorsTensor> = {};
    for (const [name, t] of Object.entries(dict)) tensors[name] = { shape: t.shape, values: t.dataSync() as Float32Array };
    return encodeSafetensors(tensors, metadata);
  } finally {
    dispose(Object.values(dict));
  }
}

/** The file's layout: the option, checked against the metadata, else the metadata's, else 'torch'. */
function fileLayout(metadata: Readonly<Record<string, string>>, options: FromSafetensorsOptions, who: string): SafetensorsLayout {
  const written = metadata[LAYOUT_KEY] === undefined ? undefined : checkLayout(metadata[LAYOUT_KEY], `${who}: the file's metadata '${LAYOUT_KEY}'`);
  if (options.layout === undefined) return written ?? 'torch';
  const layout = checkLayout(options.layout, who);
  if (written !== undefined && written !== layout) throw new Error(`${who}: the file was written with layout '${written}', not '${layout}'`);
  return layout;
}

/** The topology to build: the option, else the one in the metadata. */
function fileTopology(metadata: Readonly<Record<string, string>>, options: FromSafetensorsOptions, who: string): ModelTopology {
  if (options.topology !== undefined) return options.topology;
  const text = metadata[TOPOLOGY_KEY];
  if (text === undefined) {
    throw new Error(
      `${who}: the file carries no model topology (metadata '${TOPOLOGY_KEY}'; files written by PyTorch have none): ` +
        'pass { topology } (e.g. model.topology() of a model with the same layers), or load into a model with setWeightsFromSafetensors',
    );
  }
  try {
    return JSON.parse(text) as ModelTopology;
  } catch (e) {
    throw new Error(`${who}: the file's metadata '${TOPOLOGY_KEY}' is not valid JSON (${(e as Error).message})`);
  }
}

/**
 * The model's weights (keyed as `params`) from a parsed file. The caller owns the result, which
 * may share tensors with `tensors` (the rnnkit layout passes them through).
 */
function modelWeights(
  tensors: Readonly<Record<string, Tensor>>,
  layout: SafetensorsLayout,
  topology: ModelTopology,
  options: FromSafetensorsOptions,
  who: string,
): Readonly<Record<string, Tensor>> {
  if (layout === 'rnnkit') {
    if (options.prefix !== undefined || options.strict !== undefined) throw new Error(`${who}: prefix and strict apply to the torch layout only`);
    return tensors;
  }
  const sequential = sequentialOnly(topology, who);
  const layers = placeLayers(sequential.layers, sequential.inputShape);
  return weightsFromTorch(layers, tensors, { prefix: options.prefix ?? '', strict: options.strict ?? true }, who);
}

/** {@link fromSafetensors} with `who` (e.g. `loadSafetensors: ./model.safetensors`) starting every message. */
export function fromSafetensorsNamed(bytes: Uint8Array, options: FromSafetensorsOptions, who: string): SaveableModel {
  const { tensors, metadata } = readSafetensors(bytes, who);
  let weights: Readonly<Record<string, Tensor>> = {};
  try {
    const layout = fileLayout(metadata, options, who);
    const topology = fileTopology(metadata, options, who);
    checkTopology(topology, who);
    weights = modelWeights(tensors, layout, topology, options, who);
    return buildFromCheckedTopology(topology, { weights });
  } finally {
    dispose([...new Set([...Object.values(tensors), ...Object.values(weights)])]);
  }
}

/**
 * A model from safetensors bytes: its weights in the layout the file names (or `options.layout`),
 * its layers from the topology in the file's metadata (rnnkit writes it) or `options.topology`
 * (needed for files written by PyTorch). Loading is strict as PyTorch's: a missing weight, a wrong
 * shape and (unless `strict: false`) an unused key under `prefix` throw, naming them, before
 * anything is created.
 *
 * @example
 * const model = fromSafetensors(bytes);                                    // written by toSafetensors
 * const fromTorch = fromSafetensors(torchBytes, { topology: model.topology() });   // written by PyTorch's save_file
 */
export function fromSafetensors(bytes: Uint8Array, options: FromSafetensorsOptions = {}): SaveableModel {
  return fromSafetensorsNamed(bytes, options, 'fromSafetensors');
}

/**
 * Sets an existing model's weights from safetensors bytes (e.g. a checkpoint trained on in
 * PyTorch), in the file's layout or `options.layout`; every weight is checked (name and shape)
 * before any is assigned. The rnnkit layout must hold exactly the model's variables; the torch
 * layout follows PyTorch's `load_state_dict` (`prefix`, `strict`).
 *
 * @example setWeightsFromSafetensors(model, new Uint8Array(readFileSync('trained.safetensors')));
 */
export function setWeightsFromSafetensors(model: SaveableModel, bytes: Uint8Array, options: Omit<FromSafetensorsOptions, 'topology'> = {}): void {
  const who = 'setWeightsFromSafetensors';
  const { tensors, metadata } = readSafetensors(bytes, who);
  let weights: Readonly<Record<string, Tensor>> = {};
  try {
    const layout = fileLayout(metadata, options, who);
    weights = modelWeights(tensors, layout, model.topology(), options, who);
    const names = Object.keys(model.params);
    const missing = names.filter((n) => weights[n] === undefined);
    if (missing.length > 0) throw new Error(`${who}: the file has no weight(s) ${missing.map((n) => `'${n}'`).join(', ')} of model '${model.name}'`);
    const extra = Object.keys(weights).filter((n) => model.params[n] === undefined);
    if (extra.length > 0) throw new Error(`${who}: the file has weight(s) ${extra.map((n) => `'${n}'`).join(', ')} that model '${model.name}' does not have`);
    model.setWeights(names.map((n) => weights[n]!));
  } finally {
    dispose([...new Set([...Object.values(tensors), ...Object.values(weights)])]);
  }
}
