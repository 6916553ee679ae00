/**
 * Builds an ONNX graph node by node: unique value names, weights as initialisers, attributes typed
 * by what they hold. The exporters of each layer kind write into one builder.
 */
import { AttributeType, DataType } from './onnx-schema';
import type { AttributeMessage, GraphMessage, NodeMessage, TensorMessage, ValueInfoMessage } from './onnx-schema';

/** An attribute value, tagged by its ONNX type. */
export type AttributeValue =
  | { readonly int: number }
  | { readonly float: number }
  | { readonly string: string }
  | { readonly ints: readonly number[] }
  | { readonly floats: readonly number[] }
  | { readonly strings: readonly string[] }
  | { readonly graph: GraphMessage };

const encoder = new TextEncoder();

function attribute(name: string, value: AttributeValue): AttributeMessage {
  if ('int' in value) return { name, type: AttributeType.INT, i: value.int };
  if ('float' in value) return { name, type: AttributeType.FLOAT, f: value.float };
  if ('string' in value) return { name, type: AttributeType.STRING, s: encoder.encode(value.string) };
  if ('ints' in value) return { name, type: AttributeType.INTS, ints: value.ints };
  if ('floats' in value) return { name, type: AttributeType.FLOATS, floats: value.floats };
  if ('strings' in value) return { name, type: AttributeType.STRINGS, strings: value.strings.map((s) => encoder.encode(s)) };
  return { name, type: AttributeType.GRAPH, g: value.graph };
}

/** A graph under construction. Values are referred to by name; `''` is ONNX's "optional input left out". */
export interface GraphBuilder {
  /** A name not used before in this model, from `stem`. */
  fresh(stem: string): string;
  /** Adds a node; returns its output names (fresh, from the op type unless `outputs` are given). */
  node(opType: string, inputs: readonly string[], attributes?: Readonly<Record<string, AttributeValue>>, outputCount?: number): string[];
  /** Adds a node whose outputs have the given names. */
  nodeWithOutputs(opType: string, inputs: readonly string[], outputs: readonly string[], attributes?: Readonly<Record<string, AttributeValue>>): void;
  /** A float32 initialiser of shape `dims`. */
  floats(stem: string, dims: readonly number[], data: Float32Array | readonly number[]): string;
  /** An int64 initialiser of shape `dims` (shapes, axes, indices). */
  int64s(stem: string, dims: readonly number[], data: readonly number[]): string;
  /**
   * The value `make()` gives, made once per `key` in this graph: a shared layer called several times
   * writes its weights once. Keys name what the value holds (a layer's weight), never a subgraph's value.
   */
  once(key: string, make: () => string): string;
  /** A builder for a subgraph (a Scan body) that shares this builder's name space. */
  subgraph(): GraphBuilder;
  /** The finished graph. */
  graph(name: string, inputs: readonly ValueInfoMessage[], outputs: readonly ValueInfoMessage[]): GraphMessage;
}

/** The names of one model: every name taken, and the next counter of each stem. */
interface NameSpace {
  readonly taken: Set<string>;
  readonly counts: Map<string, number>;
}

/** A new, empty graph builder. Subgraphs created from it share its names, so no value is shadowed. */
export function graphBuilder(names: NameSpace = { taken: new Set(), counts: new Map() }): GraphBuilder {
  const nodes: NodeMessage[] = [];
  const initializers: TensorMessage[] = [];
  const made = new Map<string, string>();
  const fresh = (stem: string): string => {
    const clean = stem.replace(/[^A-Za-z0-9_/.]/g, '_');
    let count = names.counts.get(clean) ?? 0;
    let name = count === 0 ? clean : `${clean}_${count}`;
    // a stem's counter may meet a name taken as it is (a graph output called `gru_1`)
    while (names.taken.has(name)) name = `${clean}_${++count}`;
    names.counts.set(clean, count + 1);
    names.taken.add(name);
    return name;
  };
  const nodeWithOutputs = (opType: string, inputs: readonly string[], outputs: readonly string[], attributes: Readonly<Record<string, AttributeValue>> = {}): void => {
    nodes.push({
      name: fresh(`${opType}_node`),
      opType,
      input: [...inputs],
      output: [...outputs],
      attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
    });
  };
  return {
    fresh,
    node: (opType, inputs, attributes = {}, outputCount = 1) => {
      const outputs = Array.from({ length: outputCount }, () => fresh(opType.toLowerCase()));
      nodeWithOutputs(opType, inputs, outputs, attributes);
      return outputs;
    },
    nodeWithOutputs,
    floats: (stem, dims, data) => {
      const name = fresh(stem);
      const values = data instanceof Float32Array ? data : Float32Array.from(data);
      initializers.push({ name, dims: [...dims], dataType: DataType.FLOAT, rawData: new Uint8Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength)) });
      return name;
    },
    int64s: (stem, dims, data) => {
      const name = fresh(stem);
      initializers.push({ name, dims: [...dims], dataType: DataType.INT64, int64Data: [...data] });
      return name;
    },
    once: (key, make) => {
      const known = made.get(key);
      if (known !== undefined) return known;
      const name = make();
      made.set(key, name);
      return name;
    },
    subgraph: () => graphBuilder(names),
    graph: (name, inputs, outputs) => ({ name, node: nodes, initializer: initializers, input: [...inputs], output: [...outputs] }),
  };
}

/** A value's type for a graph input or output: float32 or int32 and its dims (a name for a dynamic one). */
export function valueInfo(name: string, elemType: number, dims: readonly (number | string)[] | null): ValueInfoMessage {
  const tensorType =
    dims === null
      ? { elemType }
      : { elemType, shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } };
  return { name, type: { tensorType } };
}
