/**
 * `fromOnnx`: the RNN graphs that `torch.onnx.export` writes (Gather → Transpose → LSTM/GRU/RNN → … →
 * Gemm/MatMul+Add → activation) as an rnnkit sequential model that predicts the same and trains further.
 *
 * Shapes: B batch, T time, I input size, H units, D directions (1 or 2).
 * The graph is read node by node, tracking what each value means: the model's activation (batch- or
 * time-major), a recurrent node's Y [T, D, B, H] or Y_h [D, B, H], or plumbing that only computes shapes and
 * zero initial states. Layers are recognised from the first group; every other op is an error naming it.
 *   Embedding ← Gather(table, ids);  SimpleRNN/LSTM/GRU ← RNN/LSTM/GRU (direction forward, zero initial
 *   state); Bidirectional(concat) ← direction bidirectional with Y transposed and reshaped to [T, B, 2H];
 *   the last output (returnSequences false) ← out[:, −1] or h_n[−1] of a one-direction layer;
 *   Dense ← Gemm (transB) or MatMul + Add; its activation ← Sigmoid, Tanh, Relu, Softmax, LogSoftmax;
 *   BatchNormalization ← Mul by a per-feature constant, then Add of one (tf2onnx folds an inference
 *   BatchNormalization into these): γ and β, with moving mean 0 and variance 1 − ε, so γ·x/√(1 − ε + ε) + β = γ·x + β.
 * tf2onnx's idioms (computed zero states, Bidirectional halves sliced and concatenated, the last step sliced,
 * Keras' Dense on sequences as Reshape → MatMul → Reshape) are first rewritten into these forms (tf2onnx-rewrites.ts).
 */
import { dispose, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { batchNormalization, bidirectional, dense, embedding, gru, lstm, sequentialFromTopology, simpleRnn } from '@rnnkit/models';
import type { DenseActivation, LayerSpec, RecurrentSpec, Sequential } from '@rnnkit/models';
import { decodeModel } from './onnx-schema';
import type { AttributeMessage, NodeMessage, TensorMessage } from './onnx-schema';
import { kerasDirectionWeights } from './recurrent-weights';
import type { CellKind } from './recurrent-weights';
import { elementCount, tensorValues } from './tensor-values';
import { rewriteTf2onnx } from './tf2onnx-rewrites';

type Meaning =
  | { readonly kind: 'const'; readonly values: Float32Array | null }
  | { readonly kind: 'zeros' }
  | { readonly kind: 'seq'; readonly major: 'batch' | 'time'; readonly layer: number | null }
  | { readonly kind: 'vec'; readonly layer: number | null }
  | { readonly kind: 'rnnY'; readonly layer: number; readonly transposed: boolean }
  | { readonly kind: 'rnnH'; readonly layers: readonly number[] }
  | { readonly kind: 'unused' };

interface RecurrentDraft {
  readonly kind: 'rnn';
  readonly cell: CellKind;
  readonly units: number;
  readonly directions: 1 | 2;
  readonly resetAfter: boolean;
  returnSequences: boolean;
  readonly weights: Record<string, { data: Float32Array; shape: number[] }>;
}

interface DenseDraft {
  readonly kind: 'dense';
  readonly units: number;
  readonly kernel: { data: Float32Array; shape: number[] };
  bias: Float32Array | null;
  activation: DenseActivation;
}

/** A per-feature scale and shift (tf2onnx's folded BatchNormalization), imported as a BatchNormalization layer. */
interface ScaleDraft {
  readonly kind: 'scale';
  readonly gamma: Float32Array;
  beta: Float32Array | null;
}

type Draft = { readonly kind: 'embedding'; readonly table: Float32Array; readonly dims: [number, number] } | RecurrentDraft | DenseDraft | ScaleDraft;

/** Keras' BatchNormalization ε, given to the imported layer (its moving variance is 1 − ε). */
const SCALE_EPSILON = 1e-3;

const OP_CELL: Readonly<Record<string, CellKind>> = { RNN: 'simpleRnn', LSTM: 'lstm', GRU: 'gru' };
const DEFAULT_ACTIVATIONS: Readonly<Record<CellKind, readonly string[]>> = { simpleRnn: ['Tanh'], lstm: ['Sigmoid', 'Tanh', 'Tanh'], gru: ['Sigmoid', 'Tanh'] };
const ACTIVATION_OPS: Readonly<Record<string, DenseActivation>> = { Sigmoid: 'sigmoid', Tanh: 'tanh', Relu: 'relu', Softmax: 'softmax', LogSoftmax: 'logSoftmax' };
/** Ops that only compute shapes or constants when all their inputs do. */
const PLUMBING = new Set(['Shape', 'Gather', 'Unsqueeze', 'Squeeze', 'Concat', 'Slice', 'Cast', 'Reshape', 'Expand', 'Identity', 'Range', 'Add', 'Sub', 'Mul', 'Div', 'Equal', 'Where', 'ReduceProd', 'Less', 'Greater', 'And', 'Or', 'Not']);

const decoder = new TextDecoder();

function attr(node: NodeMessage, name: string): AttributeMessage | undefined {
  return node.attribute?.find((a) => a.name === name);
}

function describe(node: NodeMessage): string {
  return `node '${node.name ?? node.output[0] ?? '?'}' (${node.opType})`;
}

/**
 * Reads ONNX `ModelProto` bytes written by `torch.onnx.export` for an Embedding/RNN/Linear model, or by
 * tf2onnx for a Keras Embedding/SimpleRNN/LSTM/GRU/Bidirectional/BatchNormalization/Dense one, into an
 * rnnkit sequential model (the caller owns it: `model.dispose()`). Throws, naming the first op or node it
 * cannot map, for anything else.
 *
 * @example
 * const model = fromOnnx(readFileSync('lstm.onnx'));
 * const y = model.apply(ids, { training: false });
 */
export function fromOnnx(bytes: Uint8Array): Sequential {
  if (!(bytes instanceof Uint8Array)) throw new Error(`fromOnnx: bytes must be a Uint8Array, got ${typeof bytes}`);
  let model;
  try {
    model = decodeModel(bytes);
  } catch (e) {
    throw new Error(`fromOnnx: the bytes are not an ONNX model: ${(e as Error).message}`);
  }
  if (model.graph === undefined) throw new Error('fromOnnx: the model has no graph');
  const graph = rewriteTf2onnx(model.graph);
  const opset = model.opsetImport.find((o) => (o.domain ?? '') === '' || o.domain === 'ai.onnx')?.version ?? 0;
  if (opset < 7) throw new Error(`fromOnnx: opset ${opset} is older than 7, which is not supported`);

  const initializers = new Map<string, TensorMessage>((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const inputs = graph.input.filter((v) => !initializers.has(v.name));
  if (inputs.length !== 1) throw new Error(`fromOnnx: the graph must have one input, got ${inputs.length} (${inputs.map((v) => v.name).join(', ')})`);
  const input = inputs[0]!;
  const inputDims = input.type?.tensorType?.shape?.dim ?? [];
  const meanings = new Map<string, Meaning>();
  const drafts: Draft[] = [];
  let current = input.name;
  let inputShape: (number | null)[];
  if (inputDims.length === 2) {
    inputShape = [null];
    meanings.set(input.name, { kind: 'const', values: null }); // ids become an activation only through an embedding
  } else if (inputDims.length === 3 && Number.isSafeInteger(inputDims[2]?.dimValue) && inputDims[2]!.dimValue! > 0) {
    inputShape = [null, inputDims[2]!.dimValue!];
    meanings.set(input.name, { kind: 'seq', major: 'batch', layer: null });
  } else {
    throw new Error(`fromOnnx: the graph input '${input.name}' must be ids [B, T] or features [B, T, F] with F a known size ≥ 1, got [${inputDims.map((d) => d.dimValue ?? d.dimParam ?? '?').join(', ')}]`);
  }

  const meaningOf = (name: string): Meaning => {
    if (name === '') return { kind: 'unused' };
    const m = meanings.get(name);
    if (m !== undefined) return m;
    const init = initializers.get(name);
    if (init !== undefined) return { kind: 'const', values: null };
    throw new Error(`fromOnnx: value '${name}' is used before it is computed`);
  };
  const valuesOf = (name: string, who: string): Float32Array => {
    const init = initializers.get(name);
    if (init !== undefined) return tensorValues(init, who);
    const m = meanings.get(name);
    if (m?.kind === 'const' && m.values !== null) return m.values;
    throw new Error(`fromOnnx: ${who}: input '${name}' must be a constant`);
  };
  const initializer = (name: string, who: string): { data: Float32Array; dims: number[] } => {
    const init = initializers.get(name);
    if (init === undefined) throw new Error(`fromOnnx: ${who}: input '${name}' must be a weight (an initialiser)`);
    return { data: tensorValues(init, who), dims: [...(init.dims ?? [])] };
  };
  /** The feature count of a layer's output (null: the graph input; ids have none). */
  const widthOf = (layer: number | null): number | null => {
    if (layer === null) return inputShape.length === 2 ? inputShape[1]! : null;
    const d = drafts[layer]!;
    return d.kind === 'embedding' ? d.dims[1] : d.kind === 'rnn' ? d.directions * d.units : d.kind === 'dense' ? d.units : d.gamma.length;
  };
  /** A per-feature constant for a value of rank `rank`: an initialiser of `width` values, all its dims 1 but the last. */
  const featureConstant = (name: string | undefined, width: number | null, rank: number): Float32Array | null => {
    const init = name === undefined ? undefined : initializers.get(name);
    const dims = init?.dims ?? [];
    if (init === undefined || width === null || dims.length === 0 || dims.length > rank || dims.at(-1) !== width || dims.slice(0, -1).some((d) => d !== 1)) return null;
    return tensorValues(init, `initialiser '${name!}'`);
  };
  const onMainPath = (name: string, node: NodeMessage): void => {
    if (name !== current) throw new Error(`fromOnnx: ${describe(node)} reads '${name}', which is not the model's current activation '${current}' (branching graphs are not supported)`);
  };
  const setMain = (name: string, meaning: Meaning): void => {
    meanings.set(name, meaning);
    current = name;
  };
  const lastRecurrent = (layer: number | null, node: NodeMessage): RecurrentDraft => {
    const draft = layer === null ? undefined : drafts[layer];
    if (draft?.kind !== 'rnn' || layer !== drafts.length - 1) throw new Error(`fromOnnx: ${describe(node)} takes the last step of something other than the last recurrent layer`);
    if (draft.directions !== 1) throw new Error(`fromOnnx: ${describe(node)} takes the last step of a bidirectional layer, which is not Keras' Bidirectional output (its backward half ends at t = 0)`);
    return draft;
  };

  for (const node of graph.node) {
    const who = describe(node);
    if ((node.domain ?? '') !== '' && node.domain !== 'ai.onnx') throw new Error(`fromOnnx: unsupported op '${node.domain}.${node.opType}' (${who})`);
    const ins = node.input.map(meaningOf);
    const out = node.output[0] ?? '';
    const op = node.opType;

    if (op === 'Constant') {
      const t = attr(node, 'value')?.t;
      const ints = attr(node, 'value_ints')?.ints ?? (attr(node, 'value_int')?.i === undefined ? undefined : [attr(node, 'value_int')!.i!]);
      meanings.set(out, { kind: 'const', values: t !== undefined ? tensorValues(t, who) : ints !== undefined ? Float32Array.from(ints) : null });
      continue;
    }
    if (op === 'ConstantOfShape') {
      const t = attr(node, 'value')?.t;
      const zero = t === undefined || tensorValues(t, who).every((v) => v === 0);
      meanings.set(out, zero ? { kind: 'zeros' } : { kind: 'const', values: null });
      continue;
    }
    if ((op === 'Slice' || op === 'Expand' || op === 'Identity' || op === 'Cast') && ins[0]?.kind === 'zeros') {
      meanings.set(out, { kind: 'zeros' });
      continue;
    }
    if (op === 'Gather' && initializers.has(node.input[0]!) && node.input[1] === input.name && inputShape.length === 1) {
      const table = initializer(node.input[0]!, who);
      if (table.dims.length !== 2 || drafts.length !== 0 || (attr(node, 'axis')?.i ?? 0) !== 0) throw new Error(`fromOnnx: ${who}: an embedding lookup must be the first layer, on a [vocabulary, width] table`);
      drafts.push({ kind: 'embedding', table: table.data, dims: [table.dims[0]!, table.dims[1]!] });
      setMain(out, { kind: 'seq', major: 'batch', layer: 0 });
      continue;
    }
    if (PLUMBING.has(op) && ins.every((m) => m.kind === 'const' || m.kind === 'unused') && node.input[0] !== input.name) {
      for (const o of node.output) meanings.set(o, { kind: 'const', values: null });
      continue;
    }
    if (op === 'Shape' && node.input[0] !== undefined) {
      meanings.set(out, { kind: 'const', values: null });
      continue;
    }
    const first = ins[0];
    if (op === 'Transpose' && first !== undefined) {
      const perm = (attr(node, 'perm')?.ints ?? []).join(',');
      if (first.kind === 'seq' && perm === '1,0,2') {
        onMainPath(node.input[0]!, node);
        setMain(out, { ...first, major: first.major === 'batch' ? 'time' : 'batch' });
        continue;
      }
      if (first.kind === 'rnnY' && !first.transposed && perm === '0,2,1,3') {
        meanings.set(out, { ...first, transposed: true });
        current = out;
        continue;
      }
    }
    if (op === 'Squeeze' && first?.kind === 'rnnY' && !first.transposed) {
      const axes = node.input[1] !== undefined && node.input[1] !== '' ? [...valuesOf(node.input[1], who)] : (attr(node, 'axes')?.ints ?? []);
      const draft = drafts[first.layer] as RecurrentDraft;
      if (axes.length === 1 && axes[0] === 1 && draft.directions === 1) {
        setMain(out, { kind: 'seq', major: 'time', layer: first.layer });
        continue;
      }
    }
    if (op === 'Reshape' && first?.kind === 'rnnY' && first.transposed) {
      const shape = [...valuesOf(node.input[1]!, who)];
      const draft = drafts[first.layer] as RecurrentDraft;
      if (shape.length === 3 && (shape[2] === -1 || shape[2] === draft.directions * draft.units)) {
        setMain(out, { kind: 'seq', major: 'time', layer: first.layer });
        continue;
      }
    }
    if (Object.hasOwn(OP_CELL, op) && first?.kind === 'seq' && first.major === 'batch') {
      throw new Error(`fromOnnx: ${who} reads '${node.input[0]!}' as time-first [T, B, F], but it is batch-first [B, T, F] here: the graph takes its input time-first (PyTorch's batch_first = False), and rnnkit models take [B, T, F]`);
    }
    if (Object.hasOwn(OP_CELL, op) && first?.kind === 'seq' && first.major === 'time') {
      onMainPath(node.input[0]!, node);
      const layer = drafts.length;
      drafts.push(recurrentDraft(node, OP_CELL[op]!, ins, initializer, who));
      const draft = drafts[layer] as RecurrentDraft;
      meanings.set(node.output[0] ?? '', { kind: 'rnnY', layer, transposed: false });
      if ((node.output[1] ?? '') !== '') meanings.set(node.output[1]!, draft.directions === 1 ? { kind: 'rnnH', layers: [layer] } : { kind: 'unused' });
      if ((node.output[2] ?? '') !== '') meanings.set(node.output[2]!, { kind: 'unused' });
      current = node.output[0] ?? '';
      continue;
    }
    if (op === 'Concat' && ins.every((m) => m.kind === 'rnnH') && (attr(node, 'axis')?.i ?? 0) === 0) {
      meanings.set(out, { kind: 'rnnH', layers: ins.flatMap((m) => (m.kind === 'rnnH' ? m.layers : [])) });
      continue;
    }
    if (op === 'Gather' && first !== undefined && (first.kind === 'seq' || first.kind === 'rnnH')) {
      const index = valuesOf(node.input[1]!, who);
      const axis = attr(node, 'axis')?.i ?? 0;
      if (first.kind === 'seq' && first.major === 'batch' && axis === 1 && index.length === 1 && index[0] === -1) {
        onMainPath(node.input[0]!, node);
        lastRecurrent(first.layer, node).returnSequences = false;
        setMain(out, { kind: 'vec', layer: first.layer });
        continue;
      }
      if (first.kind === 'seq' && first.major === 'time' && axis === 0 && index.length === 1 && index[0] === -1) {
        onMainPath(node.input[0]!, node);
        lastRecurrent(first.layer, node).returnSequences = false;
        setMain(out, { kind: 'vec', layer: first.layer });
        continue;
      }
      if (first.kind === 'rnnH' && axis === 0 && index.length === 1 && (index[0] === -1 || index[0] === first.layers.length - 1)) {
        lastRecurrent(first.layers.at(-1)!, node).returnSequences = false;
        setMain(out, { kind: 'vec', layer: first.layers.at(-1)! });
        continue;
      }
    }
    if (op === 'Gemm' && first?.kind === 'vec') {
      onMainPath(node.input[0]!, node);
      if ((attr(node, 'transA')?.i ?? 0) !== 0 || (attr(node, 'alpha')?.f ?? 1) !== 1 || (attr(node, 'beta')?.f ?? 1) !== 1) throw new Error(`fromOnnx: ${who}: only Gemm with transA = 0, alpha = beta = 1 maps onto Dense`);
      const w = initializer(node.input[1]!, who);
      const transB = (attr(node, 'transB')?.i ?? 0) === 1;
      const kernel = transB ? transpose2d(w.data, w.dims[0]!, w.dims[1]!) : w.data;
      const units = transB ? w.dims[0]! : w.dims[1]!;
      const bias = (node.input[2] ?? '') === '' ? null : initializer(node.input[2]!, who).data;
      if (bias !== null && bias.length !== units) throw new Error(`fromOnnx: ${who}: the bias must have ${units} values (a broadcast Gemm bias is not supported), got ${bias.length}`);
      drafts.push({ kind: 'dense', units, kernel: { data: kernel, shape: [kernel.length / units, units] }, bias, activation: 'linear' });
      setMain(out, { kind: 'vec', layer: drafts.length - 1 });
      continue;
    }
    if (op === 'MatMul' && (first?.kind === 'vec' || (first?.kind === 'seq' && first.major === 'batch'))) {
      onMainPath(node.input[0]!, node);
      const w = initializer(node.input[1]!, who);
      if (w.dims.length !== 2) throw new Error(`fromOnnx: ${who}: a Dense kernel must be 2-D, got [${w.dims.join(', ')}]`);
      drafts.push({ kind: 'dense', units: w.dims[1]!, kernel: { data: w.data, shape: w.dims }, bias: null, activation: 'linear' });
      setMain(out, { ...first, layer: drafts.length - 1 });
      continue;
    }
    if (op === 'Add' && node.input.length === 2) {
      const side = node.input.findIndex((n) => n === current);
      const bias = node.input[1 - side];
      const main = side < 0 ? undefined : ins[side];
      const draft = main !== undefined && (main.kind === 'vec' || main.kind === 'seq') && main.layer !== null ? drafts[main.layer] : undefined;
      if (draft?.kind === 'dense' && draft.bias === null && draft.activation === 'linear' && bias !== undefined && initializers.has(bias)) {
        const values = initializer(bias, who).data;
        if (values.length !== draft.units) throw new Error(`fromOnnx: ${who}: the bias must have ${draft.units} values, got ${values.length}`);
        draft.bias = values;
        setMain(out, main!);
        continue;
      }
    }
    if ((op === 'Mul' || op === 'Add') && node.input.length === 2) {
      // a folded BatchNormalization: Mul by γ starts it, Add of β finishes it
      const side = node.input.findIndex((n) => n === current);
      const main = side < 0 ? undefined : ins[side];
      if (main !== undefined && (main.kind === 'vec' || main.kind === 'seq')) {
        const rank = main.kind === 'vec' ? 2 : 3;
        const draft = main.layer === null ? undefined : drafts[main.layer];
        const values = featureConstant(node.input[1 - side], op === 'Mul' ? widthOf(main.layer) : draft?.kind === 'scale' ? draft.gamma.length : null, rank);
        if (values !== null && op === 'Mul') {
          drafts.push({ kind: 'scale', gamma: values, beta: null });
          setMain(out, { ...main, layer: drafts.length - 1 });
          continue;
        }
        if (values !== null && draft?.kind === 'scale' && draft.beta === null) {
          draft.beta = values;
          setMain(out, main);
          continue;
        }
      }
    }
    if (Object.hasOwn(ACTIVATION_OPS, op) && first !== undefined && (first.kind === 'vec' || first.kind === 'seq')) {
      onMainPath(node.input[0]!, node);
      const axis = attr(node, 'axis')?.i ?? -1;
      if ((op === 'Softmax' || op === 'LogSoftmax') && axis !== -1 && axis !== (first.kind === 'vec' ? 1 : 2)) throw new Error(`fromOnnx: ${who}: softmax over axis ${axis} is not over the features`);
      const draft = first.layer === null ? undefined : drafts[first.layer];
      if (draft?.kind !== 'dense' || draft.activation !== 'linear') throw new Error(`fromOnnx: ${who}: an activation must follow a Dense layer (Gemm, MatMul + Add)`);
      draft.activation = ACTIVATION_OPS[op]!;
      setMain(out, first);
      continue;
    }
    if ((op === 'Identity' || op === 'Dropout') && node.input[0] === current) {
      setMain(out, ins[0]!);
      continue;
    }
    throw new Error(`fromOnnx: unsupported op '${op}' (${who}; inputs: ${node.input.map((n, i) => `${n || "''"} = ${ins[i]?.kind ?? '?'}`).join(', ')})`);
  }

  const output = graph.output[0]?.name;
  if (graph.output.length !== 1 || output !== current) {
    throw new Error(`fromOnnx: the graph's output must be the model's last activation '${current}', got ${graph.output.map((o) => `'${o.name}'`).join(', ')}`);
  }
  const end = meanings.get(current);
  if (end?.kind !== 'vec' && end?.kind !== 'seq') throw new Error(`fromOnnx: the graph's output '${current}' is not a layer's output`);
  if (end.kind === 'seq' && end.major === 'time') throw new Error(`fromOnnx: the graph's output '${current}' is time-major [T, B, F]; rnnkit models are batch-major`);
  return buildModel(drafts, inputShape);
}

function transpose2d(m: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(m.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) out[j * rows + i] = m[i * cols + j]!;
  return out;
}

function recurrentDraft(
  node: NodeMessage,
  cell: CellKind,
  ins: readonly Meaning[],
  initializer: (name: string, who: string) => { data: Float32Array; dims: number[] },
  who: string,
): RecurrentDraft {
  const direction = attr(node, 'direction')?.s === undefined ? 'forward' : decoder.decode(attr(node, 'direction')!.s);
  if (direction !== 'forward' && direction !== 'bidirectional') throw new Error(`fromOnnx: ${who}: direction '${direction}' is not supported (forward or bidirectional)`);
  for (const name of ['clip', 'input_forget']) if (attr(node, name) !== undefined && (attr(node, name)!.i ?? 0) !== 0) throw new Error(`fromOnnx: ${who}: attribute '${name}' is not supported`);
  if ((attr(node, 'layout')?.i ?? 0) !== 0) throw new Error(`fromOnnx: ${who}: layout 1 is not supported`);
  const activations = (attr(node, 'activations')?.strings ?? []).map((s) => decoder.decode(s));
  const directions = direction === 'bidirectional' ? 2 : 1;
  const defaults = DEFAULT_ACTIVATIONS[cell];
  if (activations.length > 0 && activations.some((a, i) => a.toLowerCase() !== defaults[i % defaults.length]!.toLowerCase())) {
    throw new Error(`fromOnnx: ${who}: activations ${JSON.stringify(activations)} are not supported (only the defaults ${JSON.stringify(defaults)})`);
  }
  if ((node.input[4] ?? '') !== '') throw new Error(`fromOnnx: ${who}: sequence_lens is not supported`);
  for (const i of [5, 6]) {
    if ((node.input[i] ?? '') !== '' && ins[i]?.kind !== 'zeros') throw new Error(`fromOnnx: ${who}: the initial state '${node.input[i]}' must be zeros`);
  }
  if ((node.input[7] ?? '') !== '') throw new Error(`fromOnnx: ${who}: peephole weights (P) are not supported`);
  const units = attr(node, 'hidden_size')?.i;
  const w = initializer(node.input[1]!, who);
  const r = initializer(node.input[2]!, who);
  const gates = cell === 'simpleRnn' ? 1 : cell === 'lstm' ? 4 : 3;
  if (units === undefined || w.dims.length !== 3 || w.dims[0] !== directions || w.dims[1] !== gates * units || r.dims.join(',') !== [directions, gates * units, units].join(',')) {
    throw new Error(`fromOnnx: ${who}: W [${w.dims.join(', ')}] and R [${r.dims.join(', ')}] do not fit hidden_size ${String(units)} and ${directions} direction(s)`);
  }
  const inputSize = w.dims[2]!;
  const b = (node.input[3] ?? '') === '' ? { data: new Float32Array(directions * 2 * gates * units), dims: [directions, 2 * gates * units] } : initializer(node.input[3]!, who);
  if (elementCount(b.dims) !== directions * 2 * gates * units) throw new Error(`fromOnnx: ${who}: B must be [${directions}, ${2 * gates * units}], got [${b.dims.join(', ')}]`);
  const resetAfter = cell === 'gru' && (attr(node, 'linear_before_reset')?.i ?? 0) === 1;
  const weights: RecurrentDraft['weights'] = {};
  const width = gates * units;
  for (let d = 0; d < directions; d++) {
    const prefix = directions === 1 ? '' : d === 0 ? 'forward/' : 'backward/';
    const k = kerasDirectionWeights(
      cell,
      units,
      inputSize,
      w.data.subarray(d * width * inputSize, (d + 1) * width * inputSize),
      r.data.subarray(d * width * units, (d + 1) * width * units),
      b.data.subarray(d * 2 * width, (d + 1) * 2 * width),
      resetAfter,
      who,
    );
    weights[`${prefix}wxh`] = { data: k.wxh, shape: [inputSize, width] };
    weights[`${prefix}whh`] = { data: k.whh, shape: [units, width] };
    weights[`${prefix}bh`] = { data: k.bh, shape: resetAfter ? [2, width] : [width] };
  }
  return { kind: 'rnn', cell, units, directions, resetAfter, returnSequences: true, weights };
}

function recurrentSpec(draft: RecurrentDraft): RecurrentSpec {
  const options = { units: draft.units, returnSequences: draft.returnSequences };
  // PyTorch and ONNX initialise nothing here; unitForgetBias only affects fresh weights, and these are loaded
  return draft.cell === 'lstm' ? lstm(options) : draft.cell === 'gru' ? gru({ ...options, resetAfter: draft.resetAfter }) : simpleRnn(options);
}

function buildModel(drafts: readonly Draft[], inputShape: (number | null)[]): Sequential {
  if (!drafts.some((d) => d.kind === 'rnn')) throw new Error('fromOnnx: the graph has no RNN, LSTM or GRU node');
  const layers: LayerSpec[] = [];
  const weights: Record<string, Tensor> = {};
  try {
    drafts.forEach((draft, i) => {
      const name = `${draft.kind === 'rnn' ? (draft.directions === 2 ? 'bidirectional' : draft.cell === 'simpleRnn' ? 'simple_rnn' : draft.cell) : draft.kind === 'scale' ? 'batch_normalization' : draft.kind}_${i}`;
      if (draft.kind === 'embedding') {
        layers.push(embedding({ inputDim: draft.dims[0], outputDim: draft.dims[1], name }));
        weights[`${name}/embeddings`] = tensor(draft.table, draft.dims);
      } else if (draft.kind === 'rnn') {
        const spec = recurrentSpec(draft);
        layers.push(draft.directions === 2 ? bidirectional(spec, { name }) : { ...spec, name });
        for (const [local, w] of Object.entries(draft.weights)) weights[`${name}/${local}`] = tensor(w.data, w.shape);
      } else if (draft.kind === 'scale') {
        const width = draft.gamma.length;
        layers.push(batchNormalization({ epsilon: SCALE_EPSILON, name }));
        weights[`${name}/gamma`] = tensor(draft.gamma, [width]);
        weights[`${name}/beta`] = tensor(draft.beta ?? new Float32Array(width), [width]);
        weights[`${name}/moving_mean`] = tensor(new Float32Array(width), [width]);
        weights[`${name}/moving_variance`] = tensor(new Float32Array(width).fill(1 - SCALE_EPSILON), [width]);
      } else {
        layers.push(dense({ units: draft.units, activation: draft.activation, useBias: draft.bias !== null, name }));
        weights[`${name}/kernel`] = tensor(draft.kernel.data, draft.kernel.shape);
        if (draft.bias !== null) weights[`${name}/bias`] = tensor(draft.bias, [draft.units]);
      }
    });
    return sequentialFromTopology({ kind: 'sequential', name: 'onnx', inputShape: [null, ...inputShape], layers }, { weights });
  } catch (e) {
    // e.g. a graph input of 7 features into a W made for 4: said as a fault of the file
    throw new Error(`fromOnnx: the layers read from the graph do not fit together: ${(e as Error).message}`);
  } finally {
    dispose(Object.values(weights));
  }
}
