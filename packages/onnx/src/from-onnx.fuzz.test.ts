/**
 * Fuzzing of `fromOnnx` (see @rnnkit/testkit `fuzz`) on the committed torch.onnx.export files: bytes
 * flipped, cut, overwritten, inserted, deleted or repeated; and structured edits of the decoded model
 * (node attributes, op types and wiring, initialiser dims, data types and data, the input's dims)
 * encoded back to ONNX. Every read gives a model or one clear Error, and no tensor stays behind.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { applyByteEdits, applyJsonEdits, byteEdits, expectCleanOutcome, fuzz, fuzzRuns, jsonEdits } from '@rnnkit/testkit';
import { initBackend, numTensors } from '@rnnkit/tensor';
import type { Sequential } from '@rnnkit/models';
import { fromOnnx } from './index';
import { ModelProtoType } from './onnx-schema';

const FIXTURES = join(__dirname, '..', 'fixtures', 'torch');
const NAMES = ['lstm_classifier', 'bilstm_tagger', 'gru_classifier_hn', 'rnn_classifier', 'lstm_2layer_classifier', 'gru_tagger'] as const;
const fixture = (name: string): Uint8Array => new Uint8Array(readFileSync(join(FIXTURES, `${name}.onnx`)));
const free = (m: Sequential): void => m.dispose();

/** The model as JSON-safe plain data (bytes as base64, int64s as numbers). */
function plain(bytes: Uint8Array): Record<string, unknown> {
  return ModelProtoType.toObject(ModelProtoType.decode(bytes), { longs: Number, bytes: String }) as Record<string, unknown>;
}

/** Edited plain data back to bytes, or null when protobuf cannot represent it (a number where a message or a list goes). */
function encoded(model: Record<string, unknown>): Uint8Array | null {
  try {
    return ModelProtoType.encode(ModelProtoType.fromObject(model)).finish();
  } catch {
    return null;
  }
}

/** Odd sizes and flags: negative, zero, past int32 and float64's integers, and small plausible ones. */
const oddInt = fc.oneof(fc.constantFrom(-1, 0, 1, 2, 3, -(2 ** 31), 2 ** 31, 2 ** 53 + 2, 1e12), fc.integer({ min: -10, max: 100 }));
const OPS = ['LSTM', 'GRU', 'RNN', 'Gemm', 'MatMul', 'Add', 'Gather', 'Transpose', 'Squeeze', 'Reshape', 'Softmax', 'Identity', 'Constant', 'Concat', 'Shape'];

/** Edits aimed at what the reader interprets: an initialiser's dim or data type, a node's attribute, op or input, the graph input's dims. */
type Targeted =
  | { readonly kind: 'dim'; readonly tensor: number; readonly axis: number; readonly value: number }
  | { readonly kind: 'dataType'; readonly tensor: number; readonly value: number }
  | { readonly kind: 'attr'; readonly node: number; readonly attr: number; readonly value: number }
  | { readonly kind: 'ints'; readonly node: number; readonly attr: number; readonly values: number[] }
  | { readonly kind: 'input'; readonly axis: number; readonly value: number }
  | { readonly kind: 'op'; readonly node: number; readonly op: string }
  | { readonly kind: 'wire'; readonly node: number; readonly slot: number; readonly from: number };

const targetedEdits: fc.Arbitrary<Targeted[]> = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('dim' as const), tensor: fc.nat(), axis: fc.nat(), value: oddInt }),
    fc.record({ kind: fc.constant('dataType' as const), tensor: fc.nat(), value: fc.integer({ min: 0, max: 16 }) }),
    fc.record({ kind: fc.constant('attr' as const), node: fc.nat(), attr: fc.nat(), value: oddInt }),
    fc.record({ kind: fc.constant('ints' as const), node: fc.nat(), attr: fc.nat(), values: fc.array(oddInt, { maxLength: 4 }) }),
    fc.record({ kind: fc.constant('input' as const), axis: fc.nat({ max: 3 }), value: oddInt }),
    fc.record({ kind: fc.constant('op' as const), node: fc.nat(), op: fc.constantFrom(...OPS) }),
    fc.record({ kind: fc.constant('wire' as const), node: fc.nat(), slot: fc.nat({ max: 7 }), from: fc.nat() }),
  ),
  { minLength: 1, maxLength: 3 },
);

interface PlainTensor { dims?: number[]; dataType?: number }
interface PlainAttribute { i?: number; ints?: number[] }
interface PlainNode { opType: string; input?: string[]; output?: string[]; attribute?: PlainAttribute[] }
interface PlainGraph { node: PlainNode[]; initializer?: PlainTensor[]; input: { type?: { tensorType?: { shape?: { dim?: { dimValue?: number }[] } } } }[] }

/** A deep copy of `model` with `edits` applied (indices taken modulo what there is). */
function applyTargeted(model: Record<string, unknown>, edits: readonly Targeted[]): Record<string, unknown> {
  const out = JSON.parse(JSON.stringify(model)) as Record<string, unknown>;
  const graph = out['graph'] as PlainGraph;
  const pick = <T>(xs: readonly T[] | undefined, i: number): T | undefined => (xs === undefined || xs.length === 0 ? undefined : xs[i % xs.length]);
  for (const e of edits) {
    if (e.kind === 'dim' || e.kind === 'dataType') {
      const t = pick(graph.initializer, e.tensor);
      if (t === undefined) continue;
      if (e.kind === 'dataType') t.dataType = e.value;
      else if ((t.dims ?? []).length === 0) t.dims = [e.value];
      else t.dims![e.axis % t.dims!.length] = e.value;
    } else if (e.kind === 'attr' || e.kind === 'ints') {
      const a = pick(pick(graph.node, e.node)?.attribute, e.attr);
      if (a === undefined) continue;
      if (e.kind === 'attr') a.i = e.value;
      else a.ints = e.values;
    } else if (e.kind === 'input') {
      const dims = graph.input[0]?.type?.tensorType?.shape?.dim;
      if (dims === undefined) continue;
      dims[Math.min(e.axis, dims.length)] = { dimValue: e.value };
    } else if (e.kind === 'op') {
      const n = pick(graph.node, e.node);
      if (n !== undefined) n.opType = e.op;
    } else {
      const n = pick(graph.node, e.node);
      const values = graph.node.flatMap((m) => m.output ?? []);
      const from = pick(values, e.from);
      if (n !== undefined && from !== undefined) (n.input ??= [])[Math.min(e.slot, n.input.length)] = from;
    }
  }
  return out;
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('fuzz: fromOnnx gives a model or one clear Error', () => {
  test.each(NAMES.map((n) => [n]))('corrupted bytes (%s)', (name) => {
    const bytes = fixture(name);
    const before = numTensors();
    fuzz(`fromOnnx (${name}, bytes)`, { seed: 1771, runs: fuzzRuns(150) }, byteEdits, (edits) => {
      const edited = applyByteEdits(bytes, edits);
      return expectCleanOutcome(() => fromOnnx(edited), edited.length, { names: 'fromOnnx' }, free);
    });
    expect(numTensors()).toBe(before);
  });

  test.each(NAMES.map((n) => [n]))('structured edits of the graph (%s)', (name) => {
    const model = plain(fixture(name));
    // edits aimed at what the reader interprets: the graph (nodes, attributes, initialisers, inputs, outputs) and the opset
    const target = fc.record({ where: fc.constantFrom('graph', 'graph.node', 'graph.initializer', 'graph.input', 'opsetImport'), edits: jsonEdits });
    const before = numTensors();
    fuzz(`fromOnnx (${name}, graph edits)`, { seed: 1772, runs: fuzzRuns(250) }, target, ({ where, edits }) => {
      const edited = JSON.parse(JSON.stringify(model)) as Record<string, unknown>;
      const path = where.split('.');
      const parent = path.slice(0, -1).reduce<Record<string, unknown>>((o, k) => o[k] as Record<string, unknown>, edited);
      parent[path.at(-1)!] = applyJsonEdits(parent[path.at(-1)!], edits);
      const bytes = encoded(edited);
      // an edit protobuf cannot represent is no file: fast-check draws another instead
      fc.pre(bytes !== null);
      return expectCleanOutcome(() => fromOnnx(bytes), bytes.length, { names: 'fromOnnx' }, free);
    });
    expect(numTensors()).toBe(before);
  });

  test.each(NAMES.map((n) => [n]))('targeted edits of dims, data types, attributes, ops and wiring (%s)', (name) => {
    const model = plain(fixture(name));
    const before = numTensors();
    fuzz(`fromOnnx (${name}, targeted edits)`, { seed: 1773, runs: fuzzRuns(250) }, targetedEdits, (edits) => {
      const bytes = encoded(applyTargeted(model, edits));
      fc.pre(bytes !== null);
      return expectCleanOutcome(() => fromOnnx(bytes!), bytes!.length, { names: 'fromOnnx' }, free);
    });
    expect(numTensors()).toBe(before);
  });

  it('what the fuzzing found: negative dims, a graph input of no features, layers that do not fit, op names objects inherit, each said by fromOnnx', () => {
    const edit = (name: string, change: (g: PlainGraph) => void): (() => Sequential) => {
      const model = plain(fixture(name));
      change(model['graph'] as PlainGraph);
      return () => fromOnnx(encoded(model)!);
    };
    // before: "embedding: inputDim must be a positive integer, got -12"
    expect(edit('lstm_classifier', (g) => (g.initializer![0]!.dims = [-12, -6]))).toThrow("fromOnnx: node '/embedding/Gather' (Gather): tensor 'embedding.weight' has dims [-12, -6]; every dim must be a whole number ≥ 0");
    // before: "the bias must have -3 values"
    expect(edit('lstm_classifier', (g) => (g.initializer![1]!.dims = [-3, -5]))).toThrow("tensor 'fc.weight' has dims [-3, -5]");
    // before: "sequential: inputShape must be an array of positive integers or null, got [null,-5]"
    expect(edit('gru_tagger', (g) => (g.input[0]!.type!.tensorType!.shape!.dim![2] = { dimValue: -5 }))).toThrow(
      "fromOnnx: the graph input 'input' must be ids [B, T] or features [B, T, F] with F a known size ≥ 1, got [batch, time, -5]",
    );
    // before: "sequential: weight 'gru_0/wxh' has shape [4, 15], expected [7, 15]"
    expect(edit('gru_tagger', (g) => (g.input[0]!.type!.tensorType!.shape!.dim![2] = { dimValue: 7 }))).toThrow(
      "fromOnnx: the layers read from the graph do not fit together: sequential: weight 'gru_0/wxh' has shape [4, 15], expected [7, 15]",
    );
    // before: "Cannot read properties of undefined (reading 'length')": `'constructor' in OP_CELL` is true (a name every object inherits)
    for (const op of ['constructor', 'toString', '__proto__']) {
      expect(edit('gru_classifier_hn', (g) => (g.node.find((n) => n.opType === 'GRU')!.opType = op))).toThrow(`fromOnnx: unsupported op '${op}'`);
    }
  });
});
