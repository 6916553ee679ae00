/**
 * Keras functional models (`class_name` `Model` or `Functional`) that are a plain chain — one input,
 * each layer fed by the one before, one output — read as the sequential model they are. Converted
 * Keras models are often written this way (`Model(inputs, outputs)` around a stack of layers).
 *
 * Inbound nodes, as Keras writes them:
 *   Keras 2   "inbound_nodes": [[["embedding", 0, 0, {}]]]         (one node: a list of [layer, node, tensor, kwargs])
 *   Keras 3   "inbound_nodes": [{ "args": [{ "class_name": "__keras_tensor__",
 *                                  "config": { "keras_history": ["embedding", 0, 0] } }], "kwargs": {} }]
 */
import type { KerasLayerJson } from './keras-config';

/** A layer entry of a functional config: the layer's config plus its name and inbound nodes. */
interface FunctionalLayerJson extends KerasLayerJson {
  readonly name?: string;
  readonly inbound_nodes?: readonly unknown[];
}

interface Inbound {
  readonly layer: string;
  readonly kwargs: Readonly<Record<string, unknown>>;
}

function isRecord(v: unknown): v is Readonly<Record<string, unknown>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The layers feeding one node, in either Keras format. */
function inboundOf(node: unknown, who: string): Inbound[] {
  if (Array.isArray(node)) {
    return node.map((entry: unknown) => {
      if (!Array.isArray(entry) || typeof entry[0] !== 'string') throw new Error(`${who}: an inbound node entry is not [layer, node, tensor, kwargs]: ${JSON.stringify(entry)}`);
      return { layer: entry[0], kwargs: isRecord(entry[3]) ? entry[3] : {} };
    });
  }
  if (isRecord(node) && Array.isArray(node['args'])) {
    const kwargs = isRecord(node['kwargs']) ? node['kwargs'] : {};
    return node['args'].flatMap((arg: unknown): Inbound[] => {
      const args = Array.isArray(arg) ? arg : [arg];
      return args.map((a: unknown) => {
        const history = isRecord(a) && isRecord(a['config']) ? a['config']['keras_history'] : undefined;
        if (!Array.isArray(history) || typeof history[0] !== 'string') throw new Error(`${who}: an inbound argument is not a Keras tensor: ${JSON.stringify(a)}`);
        return { layer: history[0], kwargs };
      });
    });
  }
  throw new Error(`${who}: unreadable inbound node ${JSON.stringify(node)}`);
}

/** `[["input_1", 0, 0]]`, `["input_1", 0, 0]` or, for named outputs, `{ "step": ["step", 0, 0] }` → the layer names. */
function endpointNames(value: unknown): string[] {
  if (isRecord(value)) return Object.values(value).flatMap(endpointNames);
  if (!Array.isArray(value)) return [];
  if (typeof value[0] === 'string') return [value[0]];
  return value.flatMap((v: unknown) => (Array.isArray(v) && typeof v[0] === 'string' ? [v[0]] : []));
}

/** Keyword arguments of a call that change nothing a chain computes. */
function harmless(kwargs: Readonly<Record<string, unknown>>): boolean {
  return Object.entries(kwargs).every(([key, value]) => (key === 'training' || key === 'mask') && (value === null || value === undefined || typeof value === 'boolean'));
}

/**
 * The layers of a functional config from input to output, when they form a chain. Throws, naming the
 * layer where the graph branches, merges or passes extra arguments (states, masks), otherwise.
 */
export function functionalChain(config: Readonly<Record<string, unknown>>, who: string): KerasLayerJson[] {
  const layers = config['layers'];
  if (!Array.isArray(layers)) throw new Error(`${who}: the functional config has no 'layers' array`);
  const byName = new Map<string, FunctionalLayerJson>();
  layers.forEach((layer: unknown, i) => {
    if (!isRecord(layer) || typeof layer['class_name'] !== 'string' || !isRecord(layer['config'])) {
      throw new Error(`${who}: functional layers[${i}] must be { class_name, config, … }, got ${JSON.stringify(layer)?.slice(0, 120)}`);
    }
    const entry = layer as unknown as FunctionalLayerJson;
    byName.set(entry.name ?? String(entry.config['name']), entry);
  });
  const inputs = endpointNames(config['input_layers']);
  const outputs = endpointNames(config['output_layers']);
  const general = 'rnnkit reads functional models that are a single chain of layers; general graphs come with the functional API';
  if (inputs.length !== 1 || outputs.length !== 1) {
    throw new Error(`${who}: the functional model has ${inputs.length} input(s) and ${outputs.length} output(s); ${general}`);
  }
  const consumers = new Map<string, string[]>();
  for (const [name, layer] of byName) {
    const nodes = layer.inbound_nodes ?? [];
    if (nodes.length > 1) throw new Error(`${who}: layer '${name}' is called ${nodes.length} times (a shared layer); ${general}`);
    if (nodes.length === 0) continue;
    const inbound = inboundOf(nodes[0], `${who}: layer '${name}'`);
    if (inbound.length !== 1) throw new Error(`${who}: layer '${name}' takes ${inbound.length} inputs (${inbound.map((i) => i.layer).join(', ')}); ${general}`);
    if (!harmless(inbound[0]!.kwargs)) {
      throw new Error(`${who}: layer '${name}' is called with ${JSON.stringify(inbound[0]!.kwargs)} (e.g. initial_state); ${general}`);
    }
    consumers.set(inbound[0]!.layer, [...(consumers.get(inbound[0]!.layer) ?? []), name]);
  }
  const chain: KerasLayerJson[] = [];
  let current: string | undefined = inputs[0];
  const seen = new Set<string>();
  while (current !== undefined) {
    const layer = byName.get(current);
    if (layer === undefined) throw new Error(`${who}: the graph names a layer '${current}' that the config does not define`);
    if (seen.has(current)) throw new Error(`${who}: the graph has a cycle through layer '${current}'`);
    seen.add(current);
    chain.push(layer);
    if (current === outputs[0]) break;
    const next: string[] = consumers.get(current) ?? [];
    if (next.length !== 1) throw new Error(`${who}: layer '${current}' feeds ${next.length} layers (${next.join(', ') || 'none'}); ${general}`);
    current = next[0];
  }
  if (chain.length !== byName.size) {
    const unused = [...byName.keys()].filter((n) => !seen.has(n));
    throw new Error(`${who}: layers ${unused.map((n) => `'${n}'`).join(', ')} are not on the path from input to output; ${general}`);
  }
  return chain;
}
