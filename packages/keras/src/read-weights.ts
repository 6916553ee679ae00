/**
 * Finding a model's weights in the two HDF5 layouts Keras writes.
 *
 * Keras 3 store (`model.weights.h5` in a `.keras`, `*.weights.h5`): by position, as Keras 3 loads it —
 * the k-th layer of a class has its variables at `layers/<class>[_k]/…/vars/0, 1, …` (keras3-layout.ts;
 * tf.keras 2.13–2.15 on Windows wrote `layers\<class>[_k]\…/vars/…`, read too).
 * Keras 2 (`.h5` from `model.save` / `save_weights`, also Keras 3's legacy `.h5`): the group of each
 * layer named in `layer_names` lists its datasets in the attribute `weight_names`
 * (`lstm/kernel:0`, `bidirectional/forward_lstm/recurrent_kernel:0`), read by name.
 */
import type { Hdf5Reader } from './hdf5';
import { KerasFileError } from './hdf5';
import type { KerasLayerJson } from './keras-json';
import { layerStorePaths, storeGroups } from './keras3-layout';
import type { FoundWeight } from './weights-collect';

/** Whether the file is a Keras 3 weights store (a `layers` group or a root `vars` group). */
export function isKeras3Store(file: Hdf5Reader): boolean {
  return file.isGroup('layers') || file.isGroup('vars');
}

/**
 * Where a store group is in the file: at `path` (`layers/lstm/cell/vars`) as Keras 3 writes it, or
 * with the part before `/vars` joined by backslashes (`layers\lstm\cell/vars`), as tf.keras 2.13–2.15
 * wrote `.keras` files on Windows (its path join used the OS separator). null when it is neither.
 */
function storeGroupPath(file: Hdf5Reader, path: string): string | null {
  if (file.isGroup(path)) return path;
  const cut = path.lastIndexOf('/');
  const windows = `${path.slice(0, cut).replace(/\//g, '\\')}${path.slice(cut)}`;
  return cut > 0 && file.isGroup(windows) ? windows : null;
}

/**
 * The weights of `layers` (InputLayer included or not: it has none) from a Keras 3 store, named
 * `<layer name>/<path below the layer>/<i>` so that the loader assigns them by position.
 * `names` are the names the model gives the layers (the config's, by default). A layer whose group
 * is missing gets no weights (the loader's error then names it and the weights it needs).
 */
export function keras3StoreWeights(file: Hdf5Reader, layers: readonly KerasLayerJson[], names: readonly string[], who: string): FoundWeight[] {
  const withoutInputs = layers.map((l, i) => ({ layer: l, name: names[i]! })).filter((l) => l.layer.class_name !== 'InputLayer');
  const paths = layerStorePaths(withoutInputs.map((l) => l.layer));
  const found: FoundWeight[] = [];
  withoutInputs.forEach(({ layer, name }, i) => {
    for (const group of storeGroups(layer).filter((g) => g.holdsWeights)) {
      const path = storeGroupPath(file, `${paths[i]}/${group.path}`);
      // a missing group leaves the layer without weights: the model loader then names the layer and what it needs
      if (path === null) continue;
      const keys = file.keys(path).sort((a, b) => Number(a) - Number(b));
      keys.forEach((key, k) => {
        if (key !== String(k)) throw new KerasFileError(`${who}: weights group '${path}' holds '${key}' where '${k}' was expected (datasets must be 0, 1, …)`);
        const at = `${path}/${key}`;
        found.push({ name: `${name}/${group.path}/${key}`, path: at, data: file.dataset(at) });
      });
    }
  });
  return found;
}

function stringList(value: unknown, what: string, who: string): string[] {
  if (value === undefined || value === null) return [];
  const list = Array.isArray(value) ? value : [value];
  // an empty list is stored as an empty float array by h5py; a list of strings as strings
  if (list.some((v) => typeof v !== 'string')) {
    if (list.length === 0 || list.every((v) => typeof v === 'number')) return [];
    throw new KerasFileError(`${who}: attribute '${what}' is not a list of strings`);
  }
  return list as string[];
}

/** The file's layer groups (in `layer_names` order) under `root` (`model_weights`, or '' for save_weights files), with their weight names. */
export function keras2LayerGroups(file: Hdf5Reader, root: string, who: string): { group: string; weightNames: string[] }[] {
  const attrs = file.attrs(root);
  const names = stringList(attrs['layer_names'], `${root || '/'}: layer_names`, who);
  if (names.length === 0 && attrs['layer_names'] === undefined) throw new KerasFileError(`${who}: '${root || '/'}' has no 'layer_names' attribute (not a Keras weights group)`);
  return names.map((group) => {
    const path = root === '' ? group : `${root}/${group}`;
    if (!file.isGroup(path)) throw new KerasFileError(`${who}: layer_names lists '${group}', but the file has no group '${path}'`);
    return { group, weightNames: stringList(file.attrs(path)['weight_names'], `${path}: weight_names`, who) };
  });
}

/**
 * The weights of Keras 2 layer groups, named `<layer>/<weight name>` (the weight name as written,
 * prefixed with the layer's name when it does not start with it), `rename` mapping the file's layer
 * name to the model's.
 */
export function keras2Weights(file: Hdf5Reader, root: string, groups: readonly { group: string; weightNames: string[] }[], rename: (group: string) => string): FoundWeight[] {
  return groups.flatMap(({ group, weightNames }) =>
    weightNames.map((weightName) => {
      const path = `${root === '' ? '' : `${root}/`}${group}/${weightName}`;
      const local = weightName.startsWith(`${group}/`) ? weightName.slice(group.length + 1) : weightName;
      return { name: `${rename(group)}/${local}`, path, data: file.dataset(path) };
    }),
  );
}
