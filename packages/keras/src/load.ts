/**
 * Loading Keras files: `.keras` (Keras 3), `.h5` full models (Keras 2, and Keras 3's legacy format)
 * and weights-only files (`*.weights.h5` of Keras 3, `save_weights` `.h5` of Keras 2), the kind read
 * from the bytes. The model config and the weights become tfjs-layers artifacts that
 * `fromLayersArtifacts` of `@rnnkit/models` builds, so everything that loader reads (Keras 2 and
 * Keras 3 configs, CuDNN layers, Bidirectional, dtype policies, float16 weights) works here too, and
 * nothing is created unless every layer, weight and shape checks out.
 */
import { fromLayersArtifacts, toLayersArtifacts } from '@rnnkit/models';
import type { FromLayersOptions, KerasFileModel, Sequential } from '@rnnkit/models';
import { isHdf5, KerasFileError, readHdf5 } from './hdf5';
import type { Hdf5Reader } from './hdf5';
import { configLayers } from './keras-json';
import type { KerasLayerJson } from './keras-json';
import { isZip, readKerasArchive } from './keras-zip';
import { isKeras3Store, keras2LayerGroups, keras2Weights, keras3StoreWeights } from './read-weights';
import { readSource } from './source';
import type { KerasSource } from './source';
import { toLayersWeights } from './weights-collect';
import type { FoundWeight } from './weights-collect';

/** Options of {@link loadKerasModel} and {@link loadKerasWeights}. */
export type LoadKerasOptions = FromLayersOptions;

function kindOf(bytes: Uint8Array, who: string): 'zip' | 'hdf5' {
  if (isZip(bytes)) return 'zip';
  if (isHdf5(bytes)) return 'hdf5';
  const start = Array.from(bytes.slice(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new KerasFileError(`${who}: not a Keras file: neither a .keras zip archive nor an HDF5 (.h5) file (${bytes.length} bytes, starting ${start || 'with nothing'})`);
}

/** `fromLayersArtifacts`' errors, said about the file. */
function building<T>(who: string, build: () => T): T {
  try {
    return build();
  } catch (e) {
    const message = (e as Error).message;
    throw new Error(message.startsWith(who) ? message : `${who}: ${message.replace(/^fromLayersArtifacts: /, '')}`);
  }
}

/** `options` with `fromLayersArtifacts`' warnings said about the file, as its errors are. */
function warningAbout(who: string, options: LoadKerasOptions): LoadKerasOptions {
  const warn = options.onWarning ?? console.warn;
  return { ...options, onWarning: (message) => warn(`${who}: ${message.replace(/^fromLayersArtifacts: /, '')}`) };
}

function parseModelConfig(text: unknown, who: string): unknown {
  if (typeof text !== 'string') throw new KerasFileError(`${who}: the root attribute 'model_config' is not a JSON string`);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new KerasFileError(`${who}: the root attribute 'model_config' is not valid JSON (${(e as Error).message})`);
  }
}

function build(modelConfig: unknown, version: string, weights: readonly FoundWeight[], who: string, options: LoadKerasOptions): KerasFileModel {
  const { weightSpecs, weightData } = toLayersWeights(weights, who);
  return building(who, () => fromLayersArtifacts({ modelTopology: { model_config: modelConfig, keras_version: version }, weightSpecs, weightData }, warningAbout(who, options)));
}

const NAMES = (layers: readonly KerasLayerJson[]): string[] => layers.map((l) => String(l.config['name']));

/**
 * Loads a Keras model file — `.keras` (Keras 3) or `.h5` (Keras 2, or Keras 3's legacy `.h5`) — into
 * an rnnkit model (a Sequential, or a functional model for a graph); the kind is read from the bytes, not the name. Throws one Error naming
 * the file and the part (member, group, layer, weight) when the file is not Keras', is truncated or
 * corrupt, has a layer rnnkit lacks, misses a weight or has one of the wrong shape; nothing is
 * created then. The caller owns the model (`dispose()` it).
 *
 * @example
 * const model = await loadKerasModel('sentiment.keras');           // Node: a path
 * const model = await loadKerasModel(fileInput.files[0]);           // browser: a File
 */
export async function loadKerasModel(source: KerasSource, options: LoadKerasOptions = {}): Promise<KerasFileModel> {
  const { bytes, name } = await readSource(source, 'loadKerasModel');
  const who = `loadKerasModel: ${name}`;
  if (kindOf(bytes, who) === 'zip') {
    const archive = readKerasArchive(bytes, who);
    const layers = configLayers(archive.config, `${who}: config.json`);
    const weights = await readHdf5(archive.weights, `${who}: model.weights.h5`, (file) => keras3StoreWeights(file, layers, NAMES(layers), `${who}: model.weights.h5`));
    return build(archive.config, String(archive.metadata['keras_version'] ?? '3'), weights, who, options);
  }
  const { config, version, weights } = await readHdf5(bytes, who, (file) => {
    const attrs = file.attrs('');
    if (attrs['model_config'] === undefined) {
      const what = isKeras3Store(file) || attrs['layer_names'] !== undefined ? 'a weights-only file (load it into a model with loadKerasWeights)' : 'an HDF5 file without a Keras model (no model_config attribute)';
      throw new KerasFileError(`${who}: ${what}`);
    }
    const modelConfig = parseModelConfig(attrs['model_config'], who);
    const layerConfigs = configLayers(modelConfig, `${who}: model_config`);
    const keras = String(attrs['keras_version'] ?? '');
    const found = file.isGroup('model_weights')
      ? keras2Weights(file, 'model_weights', keras2LayerGroups(file, 'model_weights', who), (g) => g)
      : keras3StoreWeights(file, layerConfigs, NAMES(layerConfigs), who);
    return { config: modelConfig, version: keras, weights: found };
  });
  return build(config, version, weights, who, options);
}

/** A Keras 2 weights group's layers that have weights, mapped in order onto the model's (as Keras 2's `load_weights` does). */
function keras2WeightsByOrder(file: Hdf5Reader, root: string, model: Sequential, who: string): FoundWeight[] {
  const groups = keras2LayerGroups(file, root, who).filter((g) => g.weightNames.length > 0);
  const mine = model.layers.filter((l) => l.weightNames.length > 0);
  if (groups.length !== mine.length) {
    throw new KerasFileError(
      `${who}: the file has weights for ${groups.length} layers (${groups.map((g) => g.group).join(', ')}), the model has ${mine.length} layers with weights (${mine.map((l) => l.name).join(', ')})`,
    );
  }
  const rename = new Map(groups.map((g, i) => [g.group, mine[i]!.name]));
  return keras2Weights(file, root, groups, (g) => rename.get(g)!);
}

/**
 * Loads a weights file — `*.weights.h5` (Keras 3), a Keras 2 `save_weights` `.h5`, or the weights
 * of a `.keras` / full `.h5` file — into a model of the same architecture: returns a new model with
 * `model`'s layers and the file's weights (`model` is left as it is). Layers are matched as Keras
 * matches them: Keras 3 files by position within each layer class, Keras 2 files by the order of
 * the layers that have weights. Throws, naming the file and the layer or weight, on any mismatch.
 *
 * @example const trained = await loadKerasWeights(model, 'checkpoint.weights.h5');
 */
export async function loadKerasWeights(model: Sequential, source: KerasSource, options: LoadKerasOptions = {}): Promise<Sequential> {
  const { bytes, name } = await readSource(source, 'loadKerasWeights');
  const who = `loadKerasWeights: ${name}`;
  const topology = toLayersArtifacts(model).modelTopology as { config: { layers: KerasLayerJson[] } };
  const layers = topology.config.layers;
  const names = model.layers.map((l) => l.name);
  const kind = kindOf(bytes, who);
  const store = kind === 'zip' ? readKerasArchive(bytes, who).weights : bytes;
  const where = kind === 'zip' ? `${who}: model.weights.h5` : who;
  const weights = await readHdf5(store, where, (file) => {
    if (isKeras3Store(file)) return keras3StoreWeights(file, layers, names, where);
    return keras2WeightsByOrder(file, file.isGroup('model_weights') ? 'model_weights' : '', model, where);
  });
  const { weightSpecs, weightData } = toLayersWeights(weights, who);
  const loaded = building(who, () => fromLayersArtifacts({ modelTopology: topology, weightSpecs, weightData }, warningAbout(who, options)));
  // the topology is the Sequential's own, so the result is one
  if (loaded.kind !== 'sequential') throw new Error(`${who}: a Sequential's topology read back as a ${loaded.kind} model`);
  return loaded;
}
