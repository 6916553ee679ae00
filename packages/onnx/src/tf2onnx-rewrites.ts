/**
 * The idioms tf2onnx writes for Keras recurrent models, rewritten into the forms `fromOnnx` reads. Each
 * rewrite is an identity of ONNX semantics (the new graph computes the same outputs for every input, which
 * the tests check in ONNX Runtime), so nothing is guessed:
 *   zero initial state: an RNN/LSTM/GRU `initial_h`/`initial_c` computed as zeros (Expand, Unsqueeze,
 *     Concat, … of a zero constant) → '' (the op's default, zeros);
 *   Bidirectional concat: Concat(Squeeze(Slice(Y, 0:1, axis 1), 1), Squeeze(Slice(Y, 1:2, axis 1), 1), axis 2)
 *     of a bidirectional Y [T, 2, B, H] → Reshape(Transpose(Y, [0, 2, 1, 3]), [0, 0, −1]), [T, B, 2H];
 *   last step: Squeeze(Slice(x, −1:end, axis 0), 0) → Gather(x, −1, axis 0);
 *   Keras Dense on [B, T, F] (tf.tensordot): Reshape(MatMul(Reshape(x, [B·T, F]), W), [B, T, U]) → MatMul(x, W),
 *     both target shapes checked symbolically (from Shape(x) through Gather, Cast, Concat, ReduceProd, …)
 *     to be x's own dims.
 * Nodes whose outputs nothing reads any more are then dropped, and the initialisers only they read. A pattern that does not match exactly is
 * left as it is, for `fromOnnx` to accept or name; this pass never throws.
 *
 * Shapes: T time, B batch, H units, F features, U a Dense layer's units.
 */
import { AttributeType, DataType } from './onnx-schema';
import type { AttributeMessage, GraphMessage, NodeMessage, TensorMessage } from './onnx-schema';
import { tensorValues } from './tensor-values';

/** A symbolic dimension: a known size, or a product of named dims (`value#axis`, sorted, joined by `*`). */
type Dim = number | string;

/** A shape vector being computed: its entries, or (for Shape(v) itself) the value whose dims it lists. */
type ShapeVector = { readonly dims: readonly Dim[] } | { readonly of: string };

const RECURRENT = new Set(['RNN', 'LSTM', 'GRU']);
/** Ops that keep a zero tensor zero whatever their other (shape) inputs. */
const ZERO_PRESERVING = new Set(['Expand', 'Unsqueeze', 'Squeeze', 'Reshape', 'Cast', 'Identity', 'Slice', 'Tile', 'Transpose']);
/** An end index at or past this means "to the end" (tf2onnx writes 2^31 or INT64_MAX). */
const TO_THE_END = 2 ** 31 - 1;
/** Recursion bound for the symbolic walks, against cyclic (malformed) graphs. */
const MAX_DEPTH = 64;

/**
 * Returns `graph` with the tf2onnx idioms above rewritten (or `graph` itself when none is found).
 *
 * @example
 * const graph = rewriteTf2onnx(decodeModel(bytes).graph);
 */
export function rewriteTf2onnx(graph: GraphMessage): GraphMessage {
  const constants = new Map<string, Float32Array>();
  for (const t of graph.initializer ?? []) addConstant(constants, t.name ?? '', t);
  const producers = new Map<string, NodeMessage>();
  for (const node of graph.node) {
    if (node.opType === 'Constant') {
      const t = node.attribute?.find((a) => a.name === 'value')?.t;
      if (t !== undefined) addConstant(constants, node.output[0] ?? '', t);
    }
    for (const o of node.output) if (o !== '') producers.set(o, node);
  }
  const weightDims = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t.dims ?? []]));
  const context: Context = { constants, weightDims, producers, zero: new Map(), vectors: new Map() };
  const added: TensorMessage[] = [];
  let changed = false;
  const nodes: NodeMessage[] = [];
  for (const node of graph.node) {
    const replacement = zeroStates(node, context) ?? bidirectionalConcat(node, context, added) ?? lastStep(node, context, added) ?? tensordot(node, context);
    if (replacement === null) {
      nodes.push(node);
    } else {
      nodes.push(...replacement);
      changed = true;
    }
  }
  if (!changed) return graph;
  const kept = withoutDeadNodes(nodes, graph);
  const read = new Set(kept.flatMap((n) => n.input));
  // initialisers nothing reads any more go too (but not those the graph also lists as inputs, as IR < 4 does)
  const listed = new Set(graph.input.map((v) => v.name));
  const initializer = [...(graph.initializer ?? []), ...added].filter((t) => read.has(t.name ?? '') || listed.has(t.name ?? ''));
  return { ...graph, node: kept, initializer };
}

interface Context {
  readonly constants: ReadonlyMap<string, Float32Array>;
  /** The dims of the initialisers (the only constants a MatMul's weight may be). */
  readonly weightDims: ReadonlyMap<string, readonly number[]>;
  readonly producers: ReadonlyMap<string, NodeMessage>;
  /** Memos of isZero and shapeVector, so a graph of wide Concats is walked once per value. */
  readonly zero: Map<string, boolean>;
  readonly vectors: Map<string, ShapeVector | null>;
}

function addConstant(constants: Map<string, Float32Array>, name: string, t: TensorMessage): void {
  try {
    constants.set(name, tensorValues(t, name));
  } catch {
    // an unreadable tensor is fromOnnx's to report, where it is used
  }
}

function attribute(node: NodeMessage, name: string): AttributeMessage | undefined {
  return node.attribute?.find((a) => a.name === name);
}

/** An integer list given as input `index` (opset ≥ 10/13) or as attribute `name` (older opsets), or undefined. */
function intsOf(node: NodeMessage, index: number, name: string, context: Context): number[] | undefined {
  const input = node.input[index] ?? '';
  if (input !== '') {
    const values = context.constants.get(input);
    return values === undefined ? undefined : [...values];
  }
  return attribute(node, name)?.ints?.map(Number);
}

function producer(name: string, op: string, context: Context): NodeMessage | undefined {
  const node = context.producers.get(name);
  return node?.opType === op ? node : undefined;
}

function same(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}

function isZero(name: string, context: Context, depth = 0): boolean {
  const known = context.zero.get(name);
  if (known !== undefined) return known;
  const zero = depth <= MAX_DEPTH && computeIsZero(name, context, depth);
  context.zero.set(name, zero);
  return zero;
}

function computeIsZero(name: string, context: Context, depth: number): boolean {
  const values = context.constants.get(name);
  if (values !== undefined) return values.every((v) => v === 0);
  const node = context.producers.get(name);
  if (node === undefined) return false;
  if (node.opType === 'ConstantOfShape') {
    const t = attribute(node, 'value')?.t;
    if (t === undefined) return true;
    try {
      return tensorValues(t, name).every((v) => v === 0);
    } catch {
      return false;
    }
  }
  if (ZERO_PRESERVING.has(node.opType)) return isZero(node.input[0] ?? '', context, depth + 1);
  if (node.opType === 'Concat') return node.input.length > 0 && node.input.every((i) => isZero(i, context, depth + 1));
  return false;
}

/** A recurrent node whose initial states are computed zeros, with those inputs emptied. */
function zeroStates(node: NodeMessage, context: Context): NodeMessage[] | null {
  if (!RECURRENT.has(node.opType) || (node.domain ?? '') !== '') return null;
  const states = node.opType === 'LSTM' ? [5, 6] : [5];
  if (!states.some((i) => (node.input[i] ?? '') !== '' && isZero(node.input[i]!, context))) return null;
  const input = node.input.map((name, i) => (states.includes(i) && name !== '' && isZero(name, context) ? '' : name));
  return [{ ...node, input }];
}

/** The Squeeze(Slice(Y, start:end, axis 1), 1) of a bidirectional node's Y: which direction it takes, 0 or 1. */
function directionSlice(name: string, context: Context): { y: string; direction: 0 | 1 } | null {
  const squeeze = producer(name, 'Squeeze', context);
  if (squeeze === undefined || !same(intsOf(squeeze, 1, 'axes', context), [1])) return null;
  const slice = producer(squeeze.input[0] ?? '', 'Slice', context);
  if (slice === undefined) return null;
  const starts = intsOf(slice, 1, 'starts', context);
  const ends = intsOf(slice, 2, 'ends', context);
  const axes = intsOf(slice, 3, 'axes', context);
  const steps = intsOf(slice, 4, 'steps', context);
  if (!same(axes, [1]) || (steps !== undefined && !same(steps, [1])) || starts?.length !== 1 || ends?.length !== 1) return null;
  const direction = starts[0] === 0 && ends[0] === 1 ? 0 : starts[0] === 1 && ends[0]! >= 2 ? 1 : null;
  const rnn = context.producers.get(slice.input[0] ?? '');
  if (direction === null || rnn === undefined || !RECURRENT.has(rnn.opType) || rnn.output[0] !== slice.input[0]) return null;
  const mode = attribute(rnn, 'direction')?.s;
  if (mode === undefined || new TextDecoder().decode(mode) !== 'bidirectional') return null;
  return { y: slice.input[0]!, direction };
}

function int64Tensor(name: string, values: readonly number[], dims: readonly number[]): TensorMessage {
  return { name, dims: [...dims], dataType: DataType.INT64, int64Data: [...values] };
}

/** Concat of a bidirectional Y's forward and backward halves over the features → Transpose + Reshape. */
function bidirectionalConcat(node: NodeMessage, context: Context, added: TensorMessage[]): NodeMessage[] | null {
  if (node.opType !== 'Concat' || node.input.length !== 2) return null;
  const axis = attribute(node, 'axis')?.i ?? 0;
  if (axis !== 2 && axis !== -1) return null;
  const forward = directionSlice(node.input[0]!, context);
  const backward = directionSlice(node.input[1]!, context);
  if (forward?.direction !== 0 || backward?.direction !== 1 || forward.y !== backward.y) return null;
  const out = node.output[0] ?? '';
  const transposed = `${out}__rnnkit_transposed`;
  const shape = `${out}__rnnkit_shape`;
  added.push(int64Tensor(shape, [0, 0, -1], [3]));
  return [
    { name: `${node.name ?? out}/transpose`, opType: 'Transpose', input: [forward.y], output: [transposed], attribute: [{ name: 'perm', type: AttributeType.INTS, ints: [0, 2, 1, 3] }] },
    { name: node.name ?? out, opType: 'Reshape', input: [transposed, shape], output: [out] },
  ];
}

/** Squeeze(Slice(x, −1:end, axis 0), 0) → Gather(x, −1, axis 0). */
function lastStep(node: NodeMessage, context: Context, added: TensorMessage[]): NodeMessage[] | null {
  if (node.opType !== 'Squeeze' || !same(intsOf(node, 1, 'axes', context), [0])) return null;
  const slice = producer(node.input[0] ?? '', 'Slice', context);
  if (slice === undefined) return null;
  const ends = intsOf(slice, 2, 'ends', context);
  const steps = intsOf(slice, 4, 'steps', context);
  if (!same(intsOf(slice, 1, 'starts', context), [-1]) || !same(intsOf(slice, 3, 'axes', context), [0]) || ends?.length !== 1 || ends[0]! < TO_THE_END) return null;
  if (steps !== undefined && !same(steps, [1])) return null;
  const out = node.output[0] ?? '';
  const index = `${out}__rnnkit_last`;
  added.push(int64Tensor(index, [-1], []));
  return [{ name: node.name ?? out, opType: 'Gather', input: [slice.input[0]!, index], output: [out], attribute: [{ name: 'axis', type: AttributeType.INT, i: 0 }] }];
}

/** Dimension `axis` of value `name`, followed back through Transpose, Identity and Cast. */
function dimOf(name: string, axis: number, context: Context, depth = 0): Dim {
  const node = context.producers.get(name);
  if (depth < MAX_DEPTH && node !== undefined) {
    if (node.opType === 'Transpose') {
      const perm = attribute(node, 'perm')?.ints;
      if (perm !== undefined && axis < perm.length) return dimOf(node.input[0] ?? '', Number(perm[axis]), context, depth + 1);
    }
    if (node.opType === 'Identity' || node.opType === 'Cast') return dimOf(node.input[0] ?? '', axis, context, depth + 1);
  }
  return `${name}#${axis}`;
}

function product(dims: readonly Dim[]): Dim {
  let known = 1;
  const names: string[] = [];
  for (const d of dims) {
    if (typeof d === 'number') known *= d;
    else names.push(...d.split('*'));
  }
  if (names.length === 0) return known;
  if (known !== 1) names.push(String(known));
  return names.sort().join('*');
}

function resolved(v: ShapeVector | null, context: Context, length?: number): readonly Dim[] | null {
  if (v === null) return null;
  if ('dims' in v) return v.dims;
  return length === undefined ? null : Array.from({ length }, (_, i) => dimOf(v.of, i, context));
}

/** The symbolic value of an integer vector computed from shapes, or null when it is not one this reads. */
function shapeVector(name: string, context: Context, depth = 0): ShapeVector | null {
  if (context.vectors.has(name)) return context.vectors.get(name)!;
  const vector = depth <= MAX_DEPTH ? computeShapeVector(name, context, depth) : null;
  context.vectors.set(name, vector);
  return vector;
}

function computeShapeVector(name: string, context: Context, depth: number): ShapeVector | null {
  const values = context.constants.get(name);
  if (values !== undefined) return { dims: [...values] };
  const node = context.producers.get(name);
  if (node === undefined) return null;
  const input = (i: number): ShapeVector | null => shapeVector(node.input[i] ?? '', context, depth + 1);
  switch (node.opType) {
    case 'Shape':
      return node.attribute?.length ? null : { of: node.input[0] ?? '' };
    case 'Cast':
    case 'Identity':
    case 'Squeeze':
    case 'Unsqueeze':
      // on the 0- or 1-D vectors of shape arithmetic these only change the rank, not the entries
      return input(0);
    case 'Gather': {
      const indices = context.constants.get(node.input[1] ?? '');
      const from = input(0);
      if (indices === undefined || from === null || (attribute(node, 'axis')?.i ?? 0) !== 0 || indices.some((i) => !Number.isInteger(i) || i < 0)) return null;
      const dims = 'of' in from ? null : from.dims;
      if (dims !== null && indices.some((i) => i >= dims.length)) return null;
      return { dims: [...indices].map((i) => (dims === null ? dimOf((from as { of: string }).of, i, context) : dims[i]!)) };
    }
    case 'Concat': {
      if ((attribute(node, 'axis')?.i ?? 0) !== 0) return null;
      const parts = node.input.map((_, i) => resolved(input(i), context));
      return parts.every((p) => p !== null) ? { dims: parts.flatMap((p) => [...p!]) } : null;
    }
    case 'ReduceProd': {
      const dims = resolved(input(0), context);
      const axes = attribute(node, 'axes')?.ints;
      if (dims === null || node.input.length > 1 || (axes !== undefined && !same(axes.map(Number), [0]))) return null;
      return { dims: [product(dims)] };
    }
    case 'Mul': {
      const a = resolved(input(0), context);
      const b = resolved(input(1), context);
      return a?.length === 1 && b?.length === 1 ? { dims: [product([a[0]!, b[0]!])] } : null;
    }
    default:
      return null;
  }
}

/** Reshape(MatMul(Reshape(x, [B·T, F]), W), [B, T, U]) with both shapes checked → MatMul(x, W). */
function tensordot(node: NodeMessage, context: Context): NodeMessage[] | null {
  if (node.opType !== 'Reshape') return null;
  const matmul = producer(node.input[0] ?? '', 'MatMul', context);
  const flatten = matmul === undefined ? undefined : producer(matmul.input[0] ?? '', 'Reshape', context);
  if (matmul === undefined || flatten === undefined) return null;
  const x = flatten.input[0] ?? '';
  const w = context.weightDims.get(matmul.input[1] ?? '');
  if (w?.length !== 2) return null;
  const flat = resolved(shapeVector(flatten.input[1] ?? '', context), context);
  const back = resolved(shapeVector(node.input[1] ?? '', context), context);
  const [d0, d1, d2] = [0, 1, 2].map((i) => dimOf(x, i, context));
  if (flat === null || back === null || flat.length !== 2 || back.length !== 3) return null;
  // [B·T, F] then [B, T, U]: F is x's last dim (MatMul also requires it of W's rows), U W's columns
  const flatOk = (flat[0] === -1 || product([flat[0]!]) === product([d0!, d1!])) && (flat[1] === d2 || flat[1] === w[0]);
  const backOk = back[0] === d0 && back[1] === d1 && (back[2] === -1 || back[2] === w[1]);
  if (!flatOk || !backOk) return null;
  return [{ ...matmul, input: [x, matmul.input[1]!], output: [node.output[0] ?? ''] }];
}

/** `nodes` without those whose outputs no node and no graph output reads (repeated until none is left). */
function withoutDeadNodes(nodes: readonly NodeMessage[], graph: GraphMessage): NodeMessage[] {
  let kept = [...nodes];
  for (;;) {
    const read = new Set<string>(graph.output.map((o) => o.name));
    for (const n of kept) for (const i of n.input) read.add(i);
    const next = kept.filter((n) => n.output.some((o) => o !== '' && read.has(o)));
    if (next.length === kept.length) return kept;
    kept = next;
  }
}
