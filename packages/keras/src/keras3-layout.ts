/**
 * The one mapping between a Keras 3 model's layers and the groups of its weights file
 * (`model.weights.h5` inside a `.keras`, or a `*.weights.h5`), used by both load and save so the two
 * cannot drift. As Keras 3's `saving_lib` writes it:
 *
 *   vars                                   the model's own (none), attribute name = model name
 *   layers/<class>[_k]/vars/0, 1, …        each layer's variables, in the order Keras creates them;
 *                                          <class> is the snake-cased class name (`dense`,
 *                                          `batch_normalization`), `_1`, `_2`, … for repeats —
 *                                          not the layer's name, which is the group's `name` attribute
 *   layers/lstm/cell/vars/…                a recurrent layer's weights live on its cell
 *   layers/bidirectional/forward_layer/cell/vars/…, …/backward_layer/cell/vars/…
 *   layers/time_distributed/layer/vars/…   the wrapped layer
 *
 * Variable order (Keras 3): Dense, Conv1D kernel, bias; cells kernel, recurrent_kernel, bias;
 * Embedding embeddings; BatchNormalization gamma, beta, moving_mean, moving_variance;
 * LayerNormalization gamma, beta — the order rnnkit lists a layer's weights in.
 */
import type { KerasLayerJson } from './keras-json';

const RECURRENT = new Set(['SimpleRNN', 'LSTM', 'GRU']);

/** Keras' `naming.to_snake_case` of a class name: `BatchNormalization` → `batch_normalization`, `SimpleRNN` → `simple_rnn`. */
export function snakeCase(className: string): string {
  return className
    .replace(/\W+/g, '')
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z])([A-Z])/g, '$1_$2')
    .toLowerCase();
}

/** The store path of each layer (`layers/dense`, `layers/dense_1`, …), in the model's layer order. */
export function layerStorePaths(layers: readonly KerasLayerJson[]): string[] {
  const used = new Map<string, number>();
  return layers.map((layer) => {
    const base = snakeCase(layer.class_name);
    const seen = used.get(base);
    used.set(base, seen === undefined ? 0 : seen + 1);
    return `layers/${seen === undefined ? base : `${base}_${seen + 1}`}`;
  });
}

/** One group a layer owns in the store: its path below the layer's path, and the `name` attribute Keras gives it. */
export interface StoreGroup {
  readonly path: string;
  readonly name: string;
  /** Whether the group's vars are (some of) the layer's weights, in this order. */
  readonly holdsWeights: boolean;
}

/** The layer a wrapper (Bidirectional, TimeDistributed) holds under `key`; throws naming the wrapper when it is not `{ class_name, config }`. */
function wrappedLayer(wrapper: KerasLayerJson, key: string): KerasLayerJson {
  const inner = wrapper.config[key] as Partial<KerasLayerJson> | null | undefined;
  if (typeof inner !== 'object' || inner === null || typeof inner.class_name !== 'string' || typeof inner.config !== 'object' || inner.config === null) {
    throw new Error(`the ${wrapper.class_name} layer '${innerName(wrapper)}' has no wrapped '${key}' of the form { class_name, config }`);
  }
  return inner as KerasLayerJson;
}

function innerName(layer: KerasLayerJson): string {
  return String(layer.config['name']);
}

/** The cell's name Keras 3 gives a recurrent layer's cell: `lstm_cell`, `gru_cell`, `simple_rnn_cell`. */
function cellName(className: string): string {
  return `${snakeCase(className)}_cell`;
}

/**
 * Every `vars` group a layer has in the store, relative to its store path, in the order Keras writes
 * them; those with `holdsWeights` hold the layer's weights in this order.
 */
export function storeGroups(layer: KerasLayerJson): StoreGroup[] {
  const name = innerName(layer);
  if (RECURRENT.has(layer.class_name)) {
    return [
      { path: 'vars', name, holdsWeights: false },
      { path: 'cell/vars', name: cellName(layer.class_name), holdsWeights: true },
    ];
  }
  if (layer.class_name === 'Bidirectional') {
    const inner = wrappedLayer(layer, 'layer');
    const backward = layer.config['backward_layer'] === undefined ? inner : wrappedLayer(layer, 'backward_layer');
    const sub = (direction: 'forward' | 'backward', wrapped: KerasLayerJson, fallback: string): StoreGroup[] =>
      storeGroups({ ...wrapped, config: { ...wrapped.config, name: fallback } }).map((g) => ({ ...g, path: `${direction}_layer/${g.path}` }));
    const forwardName = `forward_${innerName(inner)}`;
    const backwardName = backward === inner ? `backward_${innerName(inner)}` : innerName(backward);
    return [{ path: 'vars', name, holdsWeights: false }, ...sub('forward', inner, forwardName), ...sub('backward', backward, backwardName)];
  }
  if (layer.class_name === 'TimeDistributed') {
    const inner = wrappedLayer(layer, 'layer');
    return [{ path: 'vars', name, holdsWeights: false }, ...storeGroups(inner).map((g) => ({ ...g, path: `layer/${g.path}` }))];
  }
  return [{ path: 'vars', name, holdsWeights: true }];
}
