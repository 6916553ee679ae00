/**
 * SimpleRNN, LSTM, GRU and Bidirectional layers as ONNX `RNN`, `LSTM` and `GRU` nodes.
 *
 * Shapes: B batch, T time, I input size, H units. rnnkit is batch-major, x [B, T, I]; the ONNX ops run
 * time-major (layout 0: X [T, B, I], Y [T, D, B, H], Y_h [D, B, H]), so the graph transposes around them.
 *
 * Without a mask a layer is one ONNX node (`direction` forward or reverse for goBackwards; one
 * `bidirectional` node for Bidirectional). With a mask, Keras' semantics — a masked step keeps the state
 * and outputs the previous output (or 0 with zeroOutputForMask), wherever it lies in the sequence — are
 * not ONNX's `sequence_lens` (a prefix of each sequence, outputs 0 past it), which fits only post-padded
 * batches; so a masked layer is an ONNX `Scan` over time whose body runs the same ONNX node for one step
 * and keeps or replaces the state with `Where(mask, new, old)`. That is exact for any mask, including
 * the pre-padding of Keras' `pad_sequences`.
 *
 * States: an initial state ([h] or [h, c], each [B, H]; forward then backward for a Bidirectional) goes in
 * as the node's `initial_h`/`initial_c` ([D, B, H]) or as the Scan's initial carry; the final state comes
 * out of `Y_h`/`Y_c` or the Scan's final carry — a functional model's `initialState` and `returnState`.
 */
import type { Tensor } from '@rnnkit/tensor';
import type { BidirectionalSpec, RecurrentSpec } from '@rnnkit/models';
import { onnxCellActivation } from './activations';
import type { AttributeValue, GraphBuilder } from './graph-builder';
import { DataType } from './onnx-schema';
import { valueInfo } from './graph-builder';
import { onnxDirectionWeights } from './recurrent-weights';
import type { OnnxDirectionWeights } from './recurrent-weights';

/** The ONNX op of a cell kind. */
const OP = { simpleRnn: 'RNN', lstm: 'LSTM', gru: 'GRU' } as const;

/** What a layer's export hands on: its output and the mask that goes with it (null when none). */
export interface Emitted {
  readonly y: string;
  readonly mask: string | null;
}

/** A recurrent layer's export: its output and mask, and its final state ([h] or [h, c], each [B, H]). */
export interface RecurrentEmitted extends Emitted {
  readonly states: readonly string[];
}

function cellAttributes(spec: RecurrentSpec, direction: 'forward' | 'reverse' | 'bidirectional'): Record<string, AttributeValue> {
  const cell = spec.cell;
  const names = cell.kind === 'simpleRnn' ? [cell.activation] : cell.kind === 'lstm' ? [cell.recurrentActivation, cell.activation, cell.activation] : [cell.recurrentActivation, cell.activation];
  const perDirection = names.map(onnxCellActivation);
  const all = direction === 'bidirectional' ? [...perDirection, ...perDirection] : perDirection;
  // alpha and beta are consumed in order by the activations that take them (operator docs)
  const alphas = all.flatMap((a) => (a.alpha === undefined ? [] : [a.alpha]));
  const betas = all.flatMap((a) => (a.beta === undefined ? [] : [a.beta]));
  return {
    hidden_size: { int: cell.units },
    direction: { string: direction },
    activations: { strings: all.map((a) => a.name) },
    ...(alphas.length > 0 && { activation_alpha: { floats: alphas } }),
    ...(betas.length > 0 && { activation_beta: { floats: betas } }),
    ...(cell.kind === 'gru' && { linear_before_reset: { int: cell.resetAfter ? 1 : 0 } }),
  };
}

function directionWeights(spec: RecurrentSpec, params: Readonly<Record<string, Tensor>>, prefix: string, who: string): OnnxDirectionWeights {
  const get = (name: string): Tensor => {
    const t = params[`${prefix}${name}`];
    if (t === undefined) throw new Error(`toOnnx: layer '${who}': weight '${prefix}${name}' is missing`);
    return t;
  };
  return onnxDirectionWeights(spec.cell.kind, spec.cell.units, get('wxh'), get('whh'), spec.cell.useBias ? get('bh') : undefined);
}

function concatDirections(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** W, R, B initialisers for the given directions (1 or 2), named after the layer. */
function weightInputs(b: GraphBuilder, spec: RecurrentSpec, inputSize: number, dirs: readonly OnnxDirectionWeights[], who: string): [string, string, string] {
  const gates = spec.cell.kind === 'simpleRnn' ? 1 : spec.cell.kind === 'lstm' ? 4 : 3;
  const width = gates * spec.cell.units;
  const d = dirs.length;
  // `who` names the layer (and direction), so a shared layer's calls reuse one copy of its weights
  return [
    b.once(`${who}/W`, () => b.floats(`${who}/W`, [d, width, inputSize], concatDirections(dirs.map((x) => x.w)))),
    b.once(`${who}/R`, () => b.floats(`${who}/R`, [d, width, spec.cell.units], concatDirections(dirs.map((x) => x.r)))),
    b.once(`${who}/B`, () => b.floats(`${who}/B`, [d, 2 * width], concatDirections(dirs.map((x) => x.b)))),
  ];
}

/** Reverses axis `axis` (a Slice with step −1; works for a dynamic length). */
export function reverseAxis(b: GraphBuilder, x: string, axis: number): string {
  return b.node('Slice', [x, b.int64s('minus_one', [1], [-1]), b.int64s('lowest', [1], [Number.MIN_SAFE_INTEGER]), b.int64s('axis', [1], [axis]), b.int64s('minus_one', [1], [-1])])[0]!;
}

function transpose(b: GraphBuilder, x: string, perm: readonly number[]): string {
  return b.node('Transpose', [x], { perm: { ints: perm } })[0]!;
}

function squeeze(b: GraphBuilder, x: string, axes: readonly number[]): string {
  return b.node('Squeeze', [x, b.int64s('axes', [axes.length], axes)])[0]!;
}

function unsqueeze(b: GraphBuilder, x: string, axes: readonly number[]): string {
  return b.node('Unsqueeze', [x, b.int64s('axes', [axes.length], axes)])[0]!;
}

/** How many state tensors a cell carries: LSTM h and c, the others h. */
function stateSize(spec: RecurrentSpec): number {
  return spec.cell.kind === 'lstm' ? 2 : 1;
}

/**
 * One direction, no mask: Transpose → RNN/LSTM/GRU → Squeeze (→ reverse) → Transpose. `initial` holds
 * [h] or [h, c] ([B, H]) or is empty (zeros).
 */
function emitUnmasked(b: GraphBuilder, spec: RecurrentSpec, x: string, inputSize: number, weights: OnnxDirectionWeights, who: string, initial: readonly string[]): { y: string; states: string[] } {
  const [w, r, bias] = weightInputs(b, spec, inputSize, [weights], who);
  const initialInputs = initial.length === 0 ? [] : ['', ...initial.map((s) => unsqueeze(b, s, [0]))];
  const outputs = b.node(OP[spec.cell.kind], [transpose(b, x, [1, 0, 2]), w, r, bias, ...initialInputs], cellAttributes(spec, spec.goBackwards ? 'reverse' : 'forward'), 1 + stateSize(spec));
  const states = outputs.slice(1).map((s) => squeeze(b, s, [0]));
  if (!spec.returnSequences) return { y: states[0]!, states };
  // ONNX's reverse direction outputs in time order; Keras' goBackwards outputs in processing order
  const y = squeeze(b, outputs[0]!, [1]);
  return { y: transpose(b, spec.goBackwards ? reverseAxis(b, y, 0) : y, [1, 0, 2]), states };
}

/** `[B, H]` zeros for a batch read off `x` [B, T, I]. */
function zeroState(b: GraphBuilder, x: string, units: number): string {
  const batch = b.node('Slice', [b.node('Shape', [x])[0]!, b.int64s('zero', [1], [0]), b.int64s('one', [1], [1])])[0]!;
  const shape = b.node('Concat', [batch, b.int64s('units', [1], [units])], { axis: { int: 0 } })[0]!;
  return b.node('ConstantOfShape', [shape])[0]!;
}

/**
 * One direction with a mask [B, T] (float 0/1): a Scan over axis 1 (reversed for goBackwards, outputs in
 * processing order as Keras gives them) whose body is the ONNX cell op on one step plus `Where`.
 */
function emitMasked(b: GraphBuilder, spec: RecurrentSpec, x: string, mask: string, inputSize: number, weights: OnnxDirectionWeights, who: string, initial: readonly string[]): { y: string; states: string[] } {
  const [w, r, bias] = weightInputs(b, spec, inputSize, [weights], who);
  const isLstm = spec.cell.kind === 'lstm';
  const body = b.subgraph();
  const hPrev = body.fresh(`${who}/h_prev`);
  const cPrev = body.fresh(`${who}/c_prev`);
  const xStep = body.fresh(`${who}/x_t`);
  const mStep = body.fresh(`${who}/m_t`);
  const stepInputs = [unsqueeze(body, xStep, [0]), w, r, bias, '', unsqueeze(body, hPrev, [0]), ...(isLstm ? [unsqueeze(body, cPrev, [0])] : [])];
  const stepOutputs = body.node(OP[spec.cell.kind], stepInputs, cellAttributes(spec, 'forward'), isLstm ? 3 : 2);
  const keep = body.node('Cast', [unsqueeze(body, mStep, [1])], { to: { int: DataType.BOOL } })[0]!;
  const hNew = squeeze(body, stepOutputs[1]!, [0]);
  const h = body.fresh(`${who}/h`);
  body.nodeWithOutputs('Where', [keep, hNew, hPrev], [h]);
  const c = body.fresh(`${who}/c`);
  if (isLstm) body.nodeWithOutputs('Where', [keep, squeeze(body, stepOutputs[2]!, [0]), cPrev], [c]);
  const y = body.fresh(`${who}/y_t`);
  if (spec.zeroOutputForMask) body.nodeWithOutputs('Where', [keep, hNew, body.floats('zero_float', [], [0])], [y]);
  else body.nodeWithOutputs('Identity', [h], [y]);
  const float = (name: string): ReturnType<typeof valueInfo> => valueInfo(name, DataType.FLOAT, null);
  const graph = body.graph(`${who}_step`, [float(hPrev), ...(isLstm ? [float(cPrev)] : []), float(xStep), float(mStep)], [float(h), ...(isLstm ? [float(c)] : []), float(y)]);

  const carry = initial.length > 0 ? [...initial] : Array<string>(stateSize(spec)).fill(zeroState(b, x, spec.cell.units));
  const scanOutputs = b.node(
    'Scan',
    [...carry, x, mask],
    {
      body: { graph },
      num_scan_inputs: { int: 2 },
      scan_input_axes: { ints: [1, 1] },
      scan_input_directions: { ints: spec.goBackwards ? [1, 1] : [0, 0] },
      scan_output_axes: { ints: [1] },
    },
    isLstm ? 3 : 2,
  );
  const ys = scanOutputs.at(-1)!;
  const states = scanOutputs.slice(0, -1);
  if (spec.returnSequences) return { y: ys, states };
  return { y: b.node('Gather', [ys, b.int64s('last', [], [-1])], { axis: { int: 1 } })[0]!, states };
}

/**
 * A recurrent layer; `prefix` selects a Bidirectional's `forward/` or `backward/` weights and `initial`
 * its initial state ([h] or [h, c], each [B, H]; empty for zeros).
 */
export function emitRecurrent(
  b: GraphBuilder,
  spec: RecurrentSpec,
  params: Readonly<Record<string, Tensor>>,
  x: string,
  mask: string | null,
  inputSize: number,
  who: string,
  prefix = '',
  initial: readonly string[] = [],
): RecurrentEmitted {
  checkInitial(spec, initial, who);
  const weights = directionWeights(spec, params, prefix, who);
  const out = mask === null ? emitUnmasked(b, spec, x, inputSize, weights, who, initial) : emitMasked(b, spec, x, mask, inputSize, weights, who, initial);
  return { y: out.y, mask: spec.returnSequences ? mask : null, states: out.states };
}

function checkInitial(spec: RecurrentSpec, initial: readonly string[], who: string): void {
  if (initial.length !== 0 && initial.length !== stateSize(spec)) {
    throw new Error(`toOnnx: layer '${who}': an initial state of ${stateSize(spec)} tensor(s) was expected, got ${initial.length}`);
  }
}

function mergeBoth(b: GraphBuilder, mode: BidirectionalSpec['mergeMode'], forward: string, backward: string): string {
  switch (mode) {
    case 'concat':
      return b.node('Concat', [forward, backward], { axis: { int: -1 } })[0]!;
    case 'sum':
      return b.node('Add', [forward, backward])[0]!;
    case 'mul':
      return b.node('Mul', [forward, backward])[0]!;
    case 'ave':
      return b.node('Mul', [b.node('Add', [forward, backward])[0]!, b.floats('half', [], [0.5])])[0]!;
  }
}

/**
 * Bidirectional. Unmasked and reading forwards: one ONNX node with `direction: bidirectional` (its
 * directions are Keras' forward and backward layers, the backward output time-aligned as Keras flips it
 * back), then the merge. Otherwise the two directions are exported as two layers (Keras' own
 * composition: the backward copy has goBackwards flipped and both zero masked outputs with returnSequences).
 * `initial` is empty or the forward states then the backward states; `states` comes back in that order.
 */
export function emitBidirectional(
  b: GraphBuilder,
  spec: BidirectionalSpec,
  params: Readonly<Record<string, Tensor>>,
  x: string,
  mask: string | null,
  inputSize: number,
  who: string,
  initial: readonly string[] = [],
): RecurrentEmitted {
  const layer = spec.layer;
  const outMask = layer.returnSequences ? mask : null;
  const half = stateSize(layer);
  if (initial.length !== 0 && initial.length !== 2 * half) {
    throw new Error(`toOnnx: layer '${who}': an initial state of ${2 * half} tensor(s) (forward, then backward) was expected, got ${initial.length}`);
  }
  if (mask === null && !layer.goBackwards) {
    const dirs = [directionWeights(layer, params, 'forward/', who), directionWeights(layer, params, 'backward/', who)];
    const [w, r, bias] = weightInputs(b, layer, inputSize, dirs, who);
    // initial_h [2, B, H] = [forward h; backward h], and likewise initial_c
    const initialInputs =
      initial.length === 0
        ? []
        : ['', ...Array.from({ length: half }, (_, k) => b.node('Concat', [unsqueeze(b, initial[k]!, [0]), unsqueeze(b, initial[half + k]!, [0])], { axis: { int: 0 } })[0]!)];
    const outputs = b.node(OP[layer.cell.kind], [transpose(b, x, [1, 0, 2]), w, r, bias, ...initialInputs], cellAttributes(layer, 'bidirectional'), 1 + half);
    const finals = outputs.slice(1);
    const states = [0, 1].flatMap((direction) => finals.map((s) => b.node('Gather', [s, b.int64s('direction', [], [direction])], { axis: { int: 0 } })[0]!));
    // directions on axis −2: Y [T, 2, B, H] → [B, T, 2, H]; Y_h [2, B, H] → [B, 2, H]
    const both = layer.returnSequences ? transpose(b, outputs[0]!, [2, 0, 1, 3]) : transpose(b, outputs[1]!, [1, 0, 2]);
    const axis = layer.returnSequences ? 2 : 1;
    if (spec.mergeMode === 'concat') return { y: b.node('Reshape', [both, b.int64s('shape', [axis + 1], [...Array<number>(axis).fill(0), -1])])[0]!, mask: outMask, states };
    const [f, bw] = b.node('Split', [both, b.int64s('split', [2], [1, 1])], { axis: { int: axis } }, 2);
    return { y: mergeBoth(b, spec.mergeMode, squeeze(b, f!, [axis]), squeeze(b, bw!, [axis])), mask: outMask, states };
  }
  const forward: RecurrentSpec = { ...layer, zeroOutputForMask: layer.returnSequences };
  const backward: RecurrentSpec = { ...forward, goBackwards: !layer.goBackwards };
  const f = emitRecurrent(b, forward, params, x, mask, inputSize, `${who}/forward`, 'forward/', initial.slice(0, initial.length / 2));
  const bw = emitRecurrent(b, backward, params, x, mask, inputSize, `${who}/backward`, 'backward/', initial.slice(initial.length / 2));
  const backwardAligned = layer.returnSequences ? reverseAxis(b, bw.y, 1) : bw.y;
  return { y: mergeBoth(b, spec.mergeMode, f.y, backwardAligned), mask: outMask, states: [...f.states, ...bw.states] };
}
