/**
 * Writing an rnnkit model (Sequential or functional) as a `.keras` file laid out as Keras 3 writes one:
 * `metadata.json` (`keras_version`, `date_saved`), `config.json` (Keras 3 class names and configs,
 * keras3-config.ts, keras3-functional.ts) and `model.weights.h5` (groups, `name` attributes, datasets `0, 1, …` of
 * float32, keras3-layout.ts). What can be written is what `toLayersArtifacts` describes.
 */
import { toLayersArtifacts } from '@rnnkit/models';
import type { KerasFileModel, Sequential } from '@rnnkit/models';
import { writeHdf5 } from './hdf5';
import { keras3InputLayer, keras3Layer, KERAS_VERSION } from './keras3-config';
import { keras3FunctionalConfig } from './keras3-functional';
import type { KerasLayerJson } from './keras-json';
import { layerStorePaths, storeGroups } from './keras3-layout';
import { writeKerasArchive } from './keras-zip';

function dateSaved(now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}@${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`;
}

/** A layer as the weights store holds it: its Keras 3 JSON and the names of its weights in `model.params`, in Keras' order. */
interface StoredLayer {
  readonly json: KerasLayerJson;
  readonly weightNames: readonly string[];
}

/** `model.weights.h5`: each layer's groups (keras3-layout.ts) with their `name` attributes, its weights as datasets 0, 1, …, and the model's own `vars`. */
async function weightsStore(model: KerasFileModel, layers: readonly StoredLayer[]): Promise<Uint8Array> {
  const paths = layerStorePaths(layers.map((l) => l.json));
  return writeHdf5(`saveKerasModel: model.weights.h5 of '${model.name}'`, (file) => {
    const made = new Set<string>();
    const group = (path: string, name?: string): void => {
      const parts = path.split('/');
      parts.forEach((_, k) => {
        const at = parts.slice(0, k + 1).join('/');
        if (made.has(at)) return;
        made.add(at);
        file.group(at, k === parts.length - 1 && name !== undefined ? { name } : {});
      });
    };
    group('layers');
    layers.forEach((layer, i) => {
      const groups = storeGroups(layer.json);
      const holders = groups.filter((g) => g.holdsWeights);
      const perGroup = layer.weightNames.length / Math.max(holders.length, 1);
      for (const g of groups) {
        const path = `${paths[i]}/${g.path}`;
        group(path, g.name);
        if (!g.holdsWeights) continue;
        const mine = layer.weightNames.slice(holders.indexOf(g) * perGroup, (holders.indexOf(g) + 1) * perGroup);
        mine.forEach((full, k) => {
          const v = model.params[full]!;
          file.float32(`${path}/${k}`, v.shape, v.dataSync() as Float32Array);
        });
      }
    });
    group('vars', model.name);
  });
}

/** A Sequential's `config.json` (InputLayer first, as Keras 3 writes it) and its layers as the store holds them (no InputLayer). */
function sequentialConfig(model: Sequential): { config: Record<string, unknown>; stored: StoredLayer[] } {
  const artifacts = toLayersArtifacts(model);
  const tfjsLayers = (artifacts.modelTopology as { config: { layers: KerasLayerJson[] } }).config.layers;
  const layers = tfjsLayers.map((layer, i) => keras3Layer(layer, model.layers[i]!.inputShape));
  const config = {
    module: 'keras',
    class_name: 'Sequential',
    config: { name: model.name, trainable: true, dtype: { module: 'keras', class_name: 'DTypePolicy', config: { name: 'float32' }, registered_name: null }, layers: [keras3InputLayer(model.inputShape), ...layers] },
    registered_name: null,
    build_config: { input_shape: [...model.inputShape] },
  };
  return { config, stored: layers.map((json, i) => ({ json, weightNames: model.layers[i]!.weightNames })) };
}

/**
 * The bytes of `model` as a `.keras` file (Keras 3's layout; `keras.saving.load_model` reads it): a
 * Sequential as Keras 3 writes a Sequential, a functional model as it writes a Functional one (its
 * InputLayers in the config and, with empty `vars`, in the weights store).
 * Works in browsers and Node. Throws, naming the layer, for a model a Keras 3 file cannot express
 * (Keras 2's hard sigmoid).
 *
 * @example const blob = new Blob([await kerasModelBytes(model)]);
 */
export async function kerasModelBytes(model: KerasFileModel): Promise<Uint8Array> {
  const { config, stored } =
    model.kind === 'sequential'
      ? sequentialConfig(model)
      : ((): { config: Record<string, unknown>; stored: StoredLayer[] } => {
          const functional = keras3FunctionalConfig(model);
          return { config: functional.config, stored: functional.layers.map((json, i) => ({ json, weightNames: model.layers[i]!.weightNames })) };
        })();
  const weights = await weightsStore(model, stored);
  return writeKerasArchive(config, { keras_version: KERAS_VERSION, date_saved: dateSaved(new Date()) }, weights);
}

/**
 * Writes `model` as a `.keras` file at `path` (Node; in a browser use {@link kerasModelBytes}). The
 * file appears whole or not at all (written beside it, then renamed).
 *
 * @example await saveKerasModel(model, 'model.keras'); // then in Python: keras.saving.load_model('model.keras')
 */
export async function saveKerasModel(model: KerasFileModel, path: string): Promise<void> {
  const bytes = await kerasModelBytes(model);
  const { writeFile, rename, rm } = await import('node:fs/promises');
  const temp = `${path}.tmp-${process.pid}`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, path);
  } catch (e) {
    await rm(temp, { force: true });
    throw new Error(`saveKerasModel: cannot write '${path}' (${(e as Error).message})`);
  }
}
