/**
 * The graph of a Keras functional config (`class_name` `Model` or `Functional`): its layers, each
 * call of each layer (a node) with the tensors it reads, and the model's inputs and outputs.
 *
 * Inbound nodes, as Keras writes them:
 *   Keras 2, tfjs-layers   "inbound_nodes": [[["embedding", 0, 0, {}]]]      (a node: a list of [layer, node, tensor, kwargs];
 *                          a recurrent layer's initial state follows its input in the same list)
 *   Keras 3                "inbound_nodes": [{ "args": [{ "class_name": "__keras_tensor__",
 *                            "config": { "keras_history": ["embedding", 0, 0] } }], "kwargs": { "initial_state": [...] } }]
 *                          (a merge layer's inputs are one list: "args": [[tensor, tensor]])
 */
import type { KerasLayerJson } from './keras-config';

/** A tensor of the graph: output `tensor` of call `node` of layer `layer`. */
export type KerasRef = readonly [layer: string, node: number, tensor: number];

/** One call of a layer: the tensors it reads, the initial state Keras 3 passes by keyword, and the other keyword arguments. */
export interface KerasCall {
  readonly inputs: readonly KerasRef[];
  /** Keras 3's `initial_state` keyword (Keras 2 lists the states among `inputs`, after the data input). */
  readonly initialState: readonly KerasRef[];
  readonly kwargs: Readonly<Record<string, unknown>>;
}

/** A layer of the graph: its JSON, its name and its calls. */
export interface KerasGraphLayer {
  readonly raw: KerasLayerJson;
  readonly name: string;
  readonly calls: readonly KerasCall[];
}

/** A functional config's graph. */
export interface KerasGraph {
  readonly name: string | null;
  readonly layers: readonly KerasGraphLayer[];
  readonly inputs: readonly KerasRef[];
  readonly outputs: readonly KerasRef[];
}

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isIndex = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;

/** `[layer, node, tensor, …]` as a reference, or null. */
function refOf(entry: unknown): KerasRef | null {
  if (!Array.isArray(entry) || typeof entry[0] !== 'string') return null;
  return [entry[0], isIndex(entry[1]) ? entry[1] : 0, isIndex(entry[2]) ? entry[2] : 0];
}

/** The Keras tensors in a Keras 3 argument (a tensor, or nested lists of them). */
function kerasTensors(arg: unknown, who: string): KerasRef[] {
  if (Array.isArray(arg)) return arg.flatMap((a: unknown) => kerasTensors(a, who));
  const history = isRecord(arg) && arg['class_name'] === '__keras_tensor__' && isRecord(arg['config']) ? refOf(arg['config']['keras_history']) : null;
  if (history === null) throw new Error(`${who}: an inbound argument is not a Keras tensor: ${JSON.stringify(arg)?.slice(0, 160)}`);
  return [history];
}

/** One node in either format. */
function callOf(node: unknown, who: string): KerasCall {
  if (Array.isArray(node)) {
    const inputs = node.map((entry: unknown) => {
      const ref = refOf(entry);
      if (ref === null) throw new Error(`${who}: an inbound node entry is not [layer, node, tensor, kwargs]: ${JSON.stringify(entry)}`);
      return ref;
    });
    const first: unknown = node[0];
    const kwargs = Array.isArray(first) && isRecord(first[3]) ? first[3] : {};
    return { inputs, initialState: [], kwargs };
  }
  if (isRecord(node) && Array.isArray(node['args'])) {
    const { initial_state: initialState, ...kwargs } = isRecord(node['kwargs']) ? node['kwargs'] : {};
    return {
      inputs: node['args'].flatMap((a: unknown) => kerasTensors(a, who)),
      initialState: initialState === undefined || initialState === null ? [] : kerasTensors(initialState, who),
      kwargs,
    };
  }
  throw new Error(`${who}: unreadable inbound node ${JSON.stringify(node)?.slice(0, 160)}`);
}

/** `[["input_1", 0, 0]]`, `["input_1", 0, 0]` or, for named endpoints, `{ "step": ["step", 0, 0] }`. */
function endpoints(value: unknown, what: string, who: string): KerasRef[] {
  const single = refOf(value);
  if (single !== null) return [single];
  if (isRecord(value)) return Object.values(value).flatMap((v) => endpoints(v, what, who));
  if (Array.isArray(value) && value.length > 0) return value.flatMap((v: unknown) => endpoints(v, what, who));
  throw new Error(`${who}: the functional config's '${what}' must list [layer, node, tensor] entries, got ${JSON.stringify(value)?.slice(0, 160)}`);
}

/** Reads the graph of a functional `config` (errors start with `who`). */
export function kerasGraph(config: Readonly<Record<string, unknown>>, who: string): KerasGraph {
  const layers = config['layers'];
  if (!Array.isArray(layers)) throw new Error(`${who}: the functional config has no 'layers' array`);
  const names = new Set<string>();
  const graphLayers = layers.map((layer: unknown, i): KerasGraphLayer => {
    if (!isRecord(layer) || typeof layer['class_name'] !== 'string' || !isRecord(layer['config'])) {
      throw new Error(`${who}: functional layers[${i}] must be { class_name, config, … }, got ${JSON.stringify(layer)?.slice(0, 120)}`);
    }
    const name = typeof layer['name'] === 'string' ? layer['name'] : String(layer['config']['name']);
    if (names.has(name)) throw new Error(`${who}: two layers of the functional config are named '${name}'`);
    names.add(name);
    const nodes = Array.isArray(layer['inbound_nodes']) ? layer['inbound_nodes'] : [];
    return { raw: layer as unknown as KerasLayerJson, name, calls: nodes.map((node: unknown) => callOf(node, `${who}: layer '${name}'`)) };
  });
  return {
    name: typeof config['name'] === 'string' ? config['name'] : null,
    layers: graphLayers,
    inputs: endpoints(config['input_layers'], 'input_layers', who),
    outputs: endpoints(config['output_layers'], 'output_layers', who),
  };
}
