/**
 * Writing an rnnkit sequential model as a `.keras` file laid out as Keras 3.12 writes one:
 * `metadata.json` (`keras_version`, `date_saved`), `config.json` (Keras 3 class names and configs,
 * keras3-config.ts) and `model.weights.h5` (groups, `name` attributes, datasets `0, 1, …` of
 * float32, keras3-layout.ts). What can be written is what `toLayersArtifacts` describes.
 */
import { toLayersArtifacts } from '@rnnkit/models';
import type { Sequential } from '@rnnkit/models';
import { writeHdf5 } from './hdf5';
import { keras3InputLayer, keras3Layer, KERAS_VERSION } from './keras3-config';
import type { KerasLayerJson } from './keras-json';
import { layerStorePaths, storeGroups } from './keras3-layout';
import { writeKerasArchive } from './keras-zip';

function dateSaved(now: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}@${p(now.getHours())}:${p(now.getMinutes())}:${p(now.getSeconds())}`;
}

/**
 * The bytes of `model` as a `.keras` file (Keras 3's layout; `keras.saving.load_model` reads it).
 * Works in browsers and Node. Throws, naming the layer, for a model a Keras 3 file cannot express
 * (Keras 2's hard sigmoid).
 *
 * @example const blob = new Blob([await kerasModelBytes(model)]);
 */
export async function kerasModelBytes(model: Sequential): Promise<Uint8Array> {
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
  const paths = layerStorePaths(layers);
  const weights = await writeHdf5(`saveKerasModel: model.weights.h5 of '${model.name}'`, (file) => {
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
    model.layers.forEach((layer, i) => {
      const groups = storeGroups(layers[i]!);
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
  return writeKerasArchive(config, { keras_version: KERAS_VERSION, date_saved: dateSaved(new Date()) }, weights);
}

/**
 * Writes `model` as a `.keras` file at `path` (Node; in a browser use {@link kerasModelBytes}). The
 * file appears whole or not at all (written beside it, then renamed).
 *
 * @example await saveKerasModel(model, 'model.keras'); // then in Python: keras.saving.load_model('model.keras')
 */
export async function saveKerasModel(model: Sequential, path: string): Promise<void> {
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
