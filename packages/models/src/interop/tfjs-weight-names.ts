/**
 * The one mapping between rnnkit's weight names and the weight paths of tfjs-layers files, both ways.
 *
 * What files write (all seen in published models):
 *   tfjs-layers, Keras 2 converter   lstm/kernel, bidirectional/forward_lstm/recurrent_kernel
 *   Keras 2 h5 names                 lstm/kernel:0                        (":0" dropped)
 *   Keras 3 converter                sequential_4/lstm_8/lstm_cell/kernel (the model's name first)
 *   Keras 3 Bidirectional            bidirectional/forward_lstm/lstm_cell/bias, or forward_lstm/… alone
 * rnnkit names a layer's weights `wxh`, `whh`, `bh` (cells) and as Keras does otherwise (`kernel`,
 * `embeddings`, `gamma`, …); a bidirectional layer's are `forward/…` and `backward/…`.
 */

const KERAS_CELL_NAMES = new Map([
  ['wxh', 'kernel'],
  ['whh', 'recurrent_kernel'],
  ['bh', 'bias'],
]);

/** Keras' name for one of our weight names, matched against the last part of a file's path. */
export function kerasWeightName(ours: string): string {
  const last = ours.split('/').at(-1)!;
  return KERAS_CELL_NAMES.get(last) ?? last;
}

/** A file's weight path split into parts, ':0' dropped. */
function parts(path: string): string[] {
  return path.replace(/:\d+$/, '').split('/');
}

/** A layer of the model as the name matcher sees it: its name and the other first parts that mean it. */
export interface NamedLayer {
  readonly name: string;
  /** e.g. `forward_lstm`, `backward_lstm`: the wrapped layers of a Bidirectional, named alone in Keras 3 files. */
  readonly aliases: readonly string[];
}

/**
 * Groups a file's weight paths by the layer they belong to (index into `layers`), after dropping a
 * first part that names no layer but is shared by every path (the model's name, Keras 3). Paths of no
 * layer are returned apart, for the error that names them.
 */
export function weightsByLayer(paths: readonly string[], layers: readonly NamedLayer[]): { byLayer: number[][]; unclaimed: string[] } {
  const owner = new Map<string, number>();
  layers.forEach((layer, i) => owner.set(layer.name, i));
  layers.forEach((layer, i) => {
    for (const alias of layer.aliases) if (!owner.has(alias)) owner.set(alias, i);
  });
  const split = paths.map(parts);
  const first = split[0]?.[0];
  const sharedPrefix =
    first !== undefined && !owner.has(first) && split.every((p) => p.length > 1 && p[0] === first) ? 1 : 0;
  const byLayer = layers.map((): number[] => []);
  const unclaimed: string[] = [];
  split.forEach((p, index) => {
    const layer = owner.get(p[sharedPrefix] ?? '');
    if (layer === undefined) unclaimed.push(paths[index]!);
    else byLayer[layer]!.push(index);
  });
  return { byLayer, unclaimed };
}

/**
 * For each of a layer's weights (our local names, Keras' order), the index of the file's weight among
 * `candidates` (indices into `paths`): by direction (`forward_…`/`backward_…` in the path) and by Keras
 * name, else by position. `null` where no file weight is left.
 */
export function matchWeights(ours: readonly string[], paths: readonly string[], candidates: readonly number[]): (number | null)[] {
  const used = new Set<number>();
  const direction = (index: number): string | null => {
    const found = parts(paths[index]!).find((p) => p.startsWith('forward_') || p.startsWith('backward_'));
    return found === undefined ? null : found.startsWith('forward_') ? 'forward' : 'backward';
  };
  return ours.map((name, position) => {
    const wanted = name.startsWith('forward/') ? 'forward' : name.startsWith('backward/') ? 'backward' : null;
    const keras = kerasWeightName(name);
    const byName = candidates.find((i) => !used.has(i) && parts(paths[i]!).at(-1) === keras && (wanted === null || direction(i) === wanted));
    const byPosition = candidates[position];
    const pick = byName ?? (byPosition !== undefined && !used.has(byPosition) ? byPosition : undefined);
    if (pick === undefined) return null;
    used.add(pick);
    return pick;
  });
}

/**
 * tfjs-layers' path of one of our weights, as `toLayersArtifacts` writes it: `lstm/kernel`,
 * `bidirectional/forward_lstm/kernel` (`inner` is the wrapped layer's name).
 */
export function tfjsWeightPath(layerName: string, local: string, inner: string | null): string {
  const [first, ...rest] = local.split('/');
  if (inner !== null && (first === 'forward' || first === 'backward') && rest.length > 0) {
    return `${layerName}/${first}_${inner}/${kerasWeightName(rest.join('/'))}`;
  }
  return `${layerName}/${kerasWeightName(local)}`;
}
