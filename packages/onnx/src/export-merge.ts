/**
 * The layers that take a list of inputs — the element-wise merges, Concatenate and Dot — as ONNX ops,
 * with the masks they hand on (as packages/models/src/layers/merge.ts and dot.ts compute them).
 *
 * Shapes: B batch, T time; inputs x_1 … x_n of one rank, masks [B, T] float 0/1 or null.
 *   add, subtract, multiply, maximum, minimum: Add, Sub, Mul, Max, Min (NumPy broadcasting, as rnnkit)
 *   average: (x_1 + … + x_n)·(1/n);  concatenate: Concat on the positive axis
 *   dot: [B, M, K]·[B, K, N] by MatMul after Unsqueeze/Transpose, as rnnkit's dot does
 * Masks: the element-wise merges hand on the product (AND) of the masks given; Concatenate joins them along
 * time when it joins along time (an input without a mask is all ones there) and ANDs them otherwise; Dot none.
 */
import type { ConcatenateSpec, DotSpec, ElementwiseMergeSpec } from '@rnnkit/models';
import type { Emitted } from './export-recurrent';
import type { GraphBuilder } from './graph-builder';

/** One input of a multi-input layer: its value, mask and rank. */
export interface MergeInput extends Emitted {
  readonly rank: number;
}

/** The product of the masks that are not null, or null when none is. */
function andMasks(b: GraphBuilder, masks: readonly (string | null)[]): string | null {
  const given = masks.filter((m): m is string => m !== null);
  if (given.length === 0) return null;
  return given.slice(1).reduce((a, m) => b.node('Mul', [a, m])[0]!, given[0]!);
}

/** `x` folded left by a binary op. */
function fold(b: GraphBuilder, op: string, xs: readonly string[]): string {
  return xs.slice(1).reduce((a, x) => b.node(op, [a, x])[0]!, xs[0]!);
}

function emitElementwise(b: GraphBuilder, spec: ElementwiseMergeSpec, inputs: readonly MergeInput[]): Emitted {
  const xs = inputs.map((i) => i.y);
  const mask = andMasks(b, inputs.map((i) => i.mask));
  switch (spec.op) {
    case 'add':
      return { y: fold(b, 'Add', xs), mask };
    case 'subtract':
      return { y: b.node('Sub', [xs[0]!, xs[1]!])[0]!, mask };
    case 'multiply':
      return { y: fold(b, 'Mul', xs), mask };
    case 'average':
      return { y: b.node('Mul', [fold(b, 'Add', xs), b.floats('inverse_count', [], [1 / xs.length])])[0]!, mask };
    case 'maximum':
      return { y: fold(b, 'Max', xs), mask };
    case 'minimum':
      return { y: fold(b, 'Min', xs), mask };
  }
}

/** `[B, T]` ones for the batch and time of `x` (Expand of a scalar to `Shape(x)[0:2]`). */
function onesMask(b: GraphBuilder, x: string): string {
  const batchTime = b.node('Slice', [b.node('Shape', [x])[0]!, b.int64s('zero', [1], [0]), b.int64s('two', [1], [2])])[0]!;
  return b.node('Expand', [b.floats('one_float', [], [1]), batchTime])[0]!;
}

function emitConcatenate(b: GraphBuilder, spec: ConcatenateSpec, inputs: readonly MergeInput[], who: string): Emitted {
  const rank = inputs[0]!.rank;
  const axis = spec.axis < 0 ? rank + spec.axis : spec.axis;
  if (axis < 1 || axis >= rank) throw new Error(`toOnnx: layer '${who}': axis ${spec.axis} is out of range for inputs of rank ${rank}`);
  const y = b.node('Concat', inputs.map((i) => i.y), { axis: { int: axis } })[0]!;
  if (inputs.every((i) => i.mask === null)) return { y, mask: null };
  if (axis === 1 && rank >= 3) {
    return { y, mask: b.node('Concat', inputs.map((i) => i.mask ?? onesMask(b, i.y)), { axis: { int: 1 } })[0]! };
  }
  return { y, mask: andMasks(b, inputs.map((i) => i.mask)) };
}

/** `x / √max(Σ x², 1e-12)` along `axis` (Keras' l2_normalize, as rnnkit's dot). */
function l2Normalize(b: GraphBuilder, x: string, axis: number): string {
  const squares = b.node('ReduceSum', [b.node('Mul', [x, x])[0]!, b.int64s('axes', [1], [axis])], { keepdims: { int: 1 } })[0]!;
  const floored = b.node('Max', [squares, b.floats('epsilon_l2', [], [1e-12])])[0]!;
  return b.node('Div', [x, b.node('Sqrt', [floored])[0]!])[0]!;
}

function emitDot(b: GraphBuilder, spec: DotSpec, inputs: readonly MergeInput[], who: string): Emitted {
  if (inputs.length !== 2) throw new Error(`toOnnx: layer '${who}' (dot) takes 2 inputs, got ${inputs.length}`);
  const [first, second] = inputs as [MergeInput, MergeInput];
  const [ax, ay] = spec.axes.map((axis, i) => {
    const rank = inputs[i]!.rank;
    return axis < 0 ? rank + axis : axis;
  }) as [number, number];
  let x = first.y;
  let y = second.y;
  if (spec.normalize) {
    x = l2Normalize(b, x, ax);
    y = l2Normalize(b, y, ay);
  }
  // as [B, M, K] and [B, K, N]: a rank-2 input gains a free axis of size 1, squeezed away after
  const unsqueeze2 = (v: string): string => b.node('Unsqueeze', [v, b.int64s('axes', [1], [2])])[0]!;
  const x3 = first.rank === 2 ? unsqueeze2(x) : x;
  const y3 = second.rank === 2 ? unsqueeze2(y) : y;
  const swap = (v: string): string => b.node('Transpose', [v], { perm: { ints: [0, 2, 1] } })[0]!;
  const product = b.node('MatMul', [ax === 1 ? swap(x3) : x3, ay === 2 ? swap(y3) : y3])[0]!;
  const squeezeAxis = first.rank === 2 && second.rank === 2 ? 2 : first.rank === 2 ? 1 : second.rank === 2 ? 2 : null;
  if (squeezeAxis === null) return { y: product, mask: null };
  return { y: b.node('Squeeze', [product, b.int64s('axes', [1], [squeezeAxis])])[0]!, mask: null };
}

/** Writes a multi-input layer into the graph; `who` names it in errors. */
export function emitMultiInput(b: GraphBuilder, spec: ElementwiseMergeSpec | ConcatenateSpec | DotSpec, inputs: readonly MergeInput[], who: string): Emitted {
  switch (spec.kind) {
    case 'merge':
      return emitElementwise(b, spec, inputs);
    case 'concatenate':
      return emitConcatenate(b, spec, inputs, who);
    case 'dot':
      return emitDot(b, spec, inputs, who);
    default:
      throw new Error(`toOnnx: layer '${who}' (${(spec as { kind: string }).kind}) has no ONNX export yet`);
  }
}
