/**
 * The fast path of {@link sequentialStepper} for one row (batch-1 generation): embedding →
 * recurrent layers (dropout between them is the identity here) → a dense head, stepped by
 * `kernelStackStepper` of @rnnkit/cells, which keeps the weights and the state in the recurrence
 * kernel's memory between tokens. Per token: the token's row of the first layer's input table
 * (embedding·Wxh + bias, computed once; for vocabularies too large for it, the embedding row and
 * the input projection per token), a few kernel calls, the logits and the state out as new tensors.
 * The state the previous step returned is not read back: the kernel memory still holds it.
 *
 * The weights are copied into the kernel once and again whenever one of the weight tensors holds
 * new data (a training step or `setWeights` assigns new data to the variables), so a step never
 * uses stale weights.
 *
 * Shapes: V vocabulary, E embedding width, H units per layer, V' head outputs.
 * State: `<layer>/h` [1, H] (and `<layer>/c` for an LSTM) per recurrent layer.
 */
import { kernelStackStepper } from '@rnnkit/cells';
import type { KernelStackStepper, StackLayer, StackStep } from '@rnnkit/cells';
import { clone, getBackend, tensor2d } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { LayerSpec } from '../layers/registry';
import { cellConfig } from '../layers/recurrent';
import type { RecurrentSpec } from '../layers/recurrent';
import type { BuiltLayer, Sequential } from '../sequential';
import type { StepOutput, StepState } from './stepper';

/** One step for one row, or null when the row count or the state is not what the fast path handles. */
export type ResidentStep = (state: StepState, tokens: Tensor) => StepOutput | null;

/**
 * One step for one row on plain arrays: `state` sets the state first (null continues from the last
 * step, of either form); returns the logits [V] as a view of the kernel memory, valid until the next
 * step, or null when the kernel is unavailable right now or `state` is not one row.
 */
export type ResidentRowStep = (state: StepState | null, token: number) => Float32Array | null;

interface RecurrentLayer {
  readonly name: string;
  readonly spec: RecurrentSpec;
  readonly inputSize: number;
  readonly wxh: Tensor;
  readonly whh: Tensor;
  readonly bh: Tensor | null;
}

interface Stack {
  readonly embeddings: Tensor;
  readonly vocabulary: number;
  readonly width: number;
  readonly recurrent: readonly RecurrentLayer[];
  readonly head: { readonly kernel: Tensor; readonly bias: Tensor | null; readonly units: number };
}

/** A dense layer (or a time-distributed one) with a linear output, or a softmax one when it is the last layer (streaming returns logits). */
function headOf(spec: LayerSpec): { useBias: boolean; units: number } | null {
  const dense = spec.kind === 'timeDistributed' ? spec.layer : spec;
  if (dense.kind !== 'dense' || (dense.activation !== 'linear' && dense.activation !== 'softmax')) return null;
  return { useBias: dense.useBias, units: dense.units };
}

/** The model as embedding → recurrent layers → dense head, or null for any other structure. */
function stackOf(model: Sequential): Stack | null {
  const layers = model.layers.filter((l) => l.spec.kind !== 'dropout');
  const first = layers[0];
  const last = layers.at(-1);
  if (first === undefined || last === undefined || first.spec.kind !== 'embedding' || layers.length < 3) return null;
  const param = (layer: BuiltLayer, name: string): Tensor | undefined => model.params[`${layer.name}/${name}`];
  const embeddings = param(first, 'embeddings');
  const head = headOf(last.spec);
  const kernel = param(last, 'kernel');
  const bias = param(last, 'bias');
  if (embeddings === undefined || head === null || kernel === undefined || (head.useBias && bias === undefined)) return null;
  const recurrent: RecurrentLayer[] = [];
  for (const layer of layers.slice(1, -1)) {
    const { spec } = layer;
    if (spec.kind !== 'rnn' || spec.goBackwards) return null;
    const inputSize = layer.inputShape.at(-1);
    const wxh = param(layer, 'wxh');
    const whh = param(layer, 'whh');
    if (typeof inputSize !== 'number' || wxh === undefined || whh === undefined) return null;
    recurrent.push({ name: layer.name, spec, inputSize, wxh, whh, bh: param(layer, 'bh') ?? null });
  }
  const { inputDim, outputDim } = first.spec;
  return { embeddings, vocabulary: inputDim, width: outputDim, recurrent, head: { kernel, bias: head.useBias ? bias! : null, units: head.units } };
}

function weightsOf(stack: Stack): Tensor[] {
  const { embeddings, recurrent, head } = stack;
  return [embeddings, ...recurrent.flatMap((l) => (l.bh === null ? [l.wxh, l.whh] : [l.wxh, l.whh, l.bh])), head.kernel, ...(head.bias === null ? [] : [head.bias])];
}

/** The largest first-layer input table (vocabulary × gates × units floats, 16 MiB) built instead of projecting each token's embedding. */
const TABLE_LIMIT = 2 ** 22;

function gateCount(spec: RecurrentSpec): number {
  return spec.cell.kind === 'lstm' ? 4 : spec.cell.kind === 'gru' ? 3 : 1;
}

function host(t: Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/**
 * A [1, n] tensor of a step's result, a view of the kernel memory that later steps overwrite. The
 * wasm backend copies the values into its own heap as it makes the tensor; the cpu backend keeps
 * the array it is given, so it gets a copy.
 */
function rowTensor(values: Float32Array): Tensor {
  return tensor2d(getBackend() === 'wasm' ? values : values.slice(), [1, values.length]);
}

/** The state names, in the kernel stepper's order (h, then c for an LSTM, per layer). */
function stateNames(stack: Stack): string[] {
  return stack.recurrent.flatMap((l) => (l.spec.cell.kind === 'lstm' ? [`${l.name}/h`, `${l.name}/c`] : [`${l.name}/h`]));
}

/**
 * The one-row fast paths of {@link sequentialStepper} for `model` (tensors in and out, and plain
 * arrays), or null when the model is not embedding → forward recurrent layers → dense head.
 */
export function residentStep(model: Sequential): { step: ResidentStep; stepRow: ResidentRowStep } | null {
  const stack = stackOf(model);
  if (stack === null) return null;
  const weights = weightsOf(stack);
  const names = stateNames(stack);
  const first = stack.recurrent[0]!;
  const useTable = stack.vocabulary * gateCount(first.spec) * first.spec.cell.units <= TABLE_LIMIT;
  /** The stepper over the current weights; `embeddings` for per-token input rows (null: the stepper's input table). */
  let loaded: { stepper: KernelStackStepper; embeddings: Float32Array | null; data: readonly object[] } | null = null;
  /** The state the previous step returned: the kernel memory holds it, so passing it back uploads nothing. */
  let last: StepState | null = null;

  const load = (): { stepper: KernelStackStepper; embeddings: Float32Array | null } | null => {
    if (weights.some((w) => w.isDisposed)) return null;
    if (loaded !== null && weights.every((w, i) => w.dataId === loaded!.data[i])) return loaded;
    const layers: StackLayer[] = stack.recurrent.map((l) => ({
      config: cellConfig(l.spec, l.inputSize),
      wxh: host(l.wxh),
      whh: host(l.whh),
      bh: l.bh === null ? null : host(l.bh),
    }));
    const { kernel, bias, units } = stack.head;
    const embeddings = host(stack.embeddings);
    const stepper = kernelStackStepper(layers, { kernel: host(kernel), bias: bias === null ? null : host(bias), units }, useTable ? embeddings : undefined);
    last = null;
    loaded = stepper === null ? null : { stepper, embeddings: useTable ? null : embeddings, data: weights.map((w) => w.dataId) };
    return loaded;
  };

  const checkToken = (token: number): void => {
    if (!Number.isInteger(token) || token < 0 || token >= stack.vocabulary) {
      throw new Error(`sequentialStepper: token id ${token} is outside the vocabulary: ids must lie in [0, ${stack.vocabulary})`);
    }
  };
  const run = (current: { stepper: KernelStackStepper; embeddings: Float32Array | null }, token: number, given: Float32Array[] | null): StackStep | null => {
    const { embeddings } = current;
    const input = embeddings === null ? token : embeddings.subarray(token * stack.width, (token + 1) * stack.width);
    return current.stepper.step(input, given);
  };

  const stepRow: ResidentRowStep = (state, token) => {
    if (state !== null && names.some((n) => state[n]?.shape[0] !== 1)) return null;
    const current = load();
    if (current === null) return null;
    checkToken(token);
    if (state === null && !current.stepper.holdsState()) {
      throw new Error('sequentialStepper: stepRow(null, …) continues the last step, but the kernel memory no longer holds its state: pass the state');
    }
    const out = run(current, token, state === null ? null : names.map((n) => host(state[n]!)));
    // the tensors of the last tensor step no longer match the state in the kernel memory
    last = null;
    return out === null ? null : out.logits;
  };

  const step: ResidentStep = (state, tokens) => {
    if (tokens.shape.length !== 1 || tokens.shape[0] !== 1 || names.some((n) => state[n]?.shape[0] !== 1)) return null;
    const current = load();
    if (current === null) return null;
    const token = tokens.dataSync()[0]!;
    checkToken(token);
    const previous = last;
    const continues = previous !== null && names.every((n) => state[n] === previous[n] && !state[n]!.isDisposed) && current.stepper.holdsState();
    const out = run(current, token, continues ? null : names.map((n) => host(state[n]!)));
    if (out === null) return null;
    const next: Record<string, Tensor> = {};
    names.forEach((n, i) => {
      next[n] = rowTensor(out.state[i]!);
    });
    for (const [name, t] of Object.entries(state)) if (!(name in next)) next[name] = clone(t);
    last = next;
    return { logits: rowTensor(out.logits), state: next };
  };
  return { step, stepRow };
}
