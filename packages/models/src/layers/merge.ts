/**
 * Merge layers: several inputs of one shape combined element by element (Keras `Add`, `Subtract`,
 * `Multiply`, `Average`, `Maximum`, `Minimum`), or joined along an axis (`Concatenate`).
 *
 * Shapes: B batch; inputs x_1 … x_n with the same rank.
 *   element-wise: y = x_1 ∘ … ∘ x_n, sizes broadcast as NumPy does (equal, or 1); Subtract takes exactly two.
 *   concatenate:  y = [x_1 | … | x_n] along `axis` (default −1), every other size equal.
 * Masks ([B, T] float32 0/1), as Keras: element-wise layers pass on the AND of the inputs' masks;
 * Concatenate joins the masks along time when it joins along time (an input without a mask counts as
 * all real), and ANDs them otherwise. No weights.
 */
import { add as addTensors, concat, maximum as maxTensors, minimum as minTensors, mul, onesTensor, scalar, sub } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { MultiInputLayerImpl } from '../layer';
import { formatShape } from '../shape';
import type { Shape } from '../shape';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** The element-wise merges, by Keras' class name in lower case. */
export type ElementwiseOp = 'add' | 'subtract' | 'multiply' | 'average' | 'maximum' | 'minimum';

/** An element-wise merge of several inputs. */
export interface ElementwiseMergeSpec {
  readonly kind: 'merge';
  readonly op: ElementwiseOp;
  readonly name?: string;
}

/** A concatenation of several inputs along `axis` (negative counts from the end; the batch axis 0 is not allowed). */
export interface ConcatenateSpec {
  readonly kind: 'concatenate';
  readonly name?: string;
  readonly axis: number;
}

/** Options every merge layer takes: those of every layer (its name). */
export type MergeOptions = CommonLayerOptions;

function elementwise(op: ElementwiseOp, options: MergeOptions = {}): Layer<ElementwiseMergeSpec> {
  return finishLayer<ElementwiseMergeSpec>({ kind: 'merge', op }, options, op);
}

/** `y = x_1 + … + x_n` (Keras `Add`). @example add().apply([a, b]) */
export const add = (options?: MergeOptions): Layer<ElementwiseMergeSpec> => elementwise('add', options);
/** `y = x_1 − x_2`, exactly two inputs (Keras `Subtract`). */
export const subtract = (options?: MergeOptions): Layer<ElementwiseMergeSpec> => elementwise('subtract', options);
/** `y = x_1 ⊙ … ⊙ x_n` (Keras `Multiply`). */
export const multiply = (options?: MergeOptions): Layer<ElementwiseMergeSpec> => elementwise('multiply', options);
/** `y = (x_1 + … + x_n) / n` (Keras `Average`). */
export const average = (options?: MergeOptions): Layer<ElementwiseMergeSpec> => elementwise('average', options);
/** `y = max(x_1, …, x_n)` element-wise (Keras `Maximum`). */
export const maximum = (options?: MergeOptions): Layer<ElementwiseMergeSpec> => elementwise('maximum', options);
/** `y = min(x_1, …, x_n)` element-wise (Keras `Minimum`). */
export const minimum = (options?: MergeOptions): Layer<ElementwiseMergeSpec> => elementwise('minimum', options);

/**
 * Joins its inputs along `axis` (Keras `Concatenate`, default the last axis).
 *
 * @example concatenate().apply([encoderContext, decoderOutputs])   // [B, T, H] and [B, T, H] → [B, T, 2H]
 */
export function concatenate(options: MergeOptions & { readonly axis?: number } = {}): Layer<ConcatenateSpec> {
  const axis = options.axis ?? -1;
  if (!Number.isInteger(axis) || axis === 0) throw new Error(`concatenate: axis must be a non-zero integer (axis 0 is the batch), got ${String(options.axis)}`);
  return finishLayer<ConcatenateSpec>({ kind: 'concatenate', axis }, options, 'concatenate');
}

const CLASS_NAMES: Readonly<Record<ElementwiseOp, string>> = {
  add: 'Add',
  subtract: 'Subtract',
  multiply: 'Multiply',
  average: 'Average',
  maximum: 'Maximum',
  minimum: 'Minimum',
};

function checkRanks(inputs: readonly Shape[], who: string, least: number): void {
  if (inputs.length < least) throw new Error(`${who}: needs at least ${least} inputs, got ${inputs.length}`);
  const rank = inputs[0]!.length;
  if (inputs.some((s) => s.length !== rank)) throw new Error(`${who}: inputs must have the same rank, got ${inputs.map(formatShape).join(', ')}`);
}

/** NumPy broadcasting of equal-rank shapes; `null` (unknown) meets a known size as that size, 1 as unknown. */
function broadcastShapes(inputs: readonly Shape[], who: string): Shape {
  return inputs[0]!.map((_, axis) => {
    const sizes = inputs.map((s) => s[axis] ?? null);
    const known = sizes.filter((d): d is number => d !== null && d !== 1);
    if (new Set(known).size > 1) throw new Error(`${who}: input shapes ${inputs.map(formatShape).join(', ')} do not broadcast (axis ${axis})`);
    if (known.length > 0) return known[0]!;
    return sizes.includes(null) ? null : 1;
  });
}

/** The AND of the masks that are not null, or null when none is. */
export function andMasks(masks: readonly (Tensor | null)[]): Tensor | null {
  const given = masks.filter((m): m is Tensor => m !== null);
  return given.length === 0 ? null : given.reduce((a, m) => mul(a, m));
}

export const elementwiseMergeLayer: MultiInputLayerImpl<ElementwiseMergeSpec> = {
  className: (spec) => CLASS_NAMES[spec.op],
  outputShape: (spec, inputs) => {
    const who = CLASS_NAMES[spec.op];
    checkRanks(inputs, who, 2);
    if (spec.op === 'subtract' && inputs.length !== 2) throw new Error(`Subtract: takes exactly 2 inputs, got ${inputs.length}`);
    return broadcastShapes(inputs, who);
  },
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, xs, context) => {
    const [first, ...rest] = xs;
    let y: Tensor;
    switch (spec.op) {
      case 'add':
        y = rest.reduce((a, x) => addTensors(a, x), first!);
        break;
      case 'subtract':
        y = sub(first!, rest[0]!);
        break;
      case 'multiply':
        y = rest.reduce((a, x) => mul(a, x), first!);
        break;
      case 'average':
        y = mul(rest.reduce((a, x) => addTensors(a, x), first!), scalar(1 / xs.length));
        break;
      case 'maximum':
        y = rest.reduce((a, x) => maxTensors(a, x), first!);
        break;
      case 'minimum':
        y = rest.reduce((a, x) => minTensors(a, x), first!);
        break;
    }
    return { y, mask: andMasks(context.masks) };
  },
};

/** `axis` as a non-negative axis of a rank-`rank` input; throws, naming it, when out of range or the batch axis. */
export function positiveAxis(axis: number, rank: number, who: string): number {
  const a = axis < 0 ? rank + axis : axis;
  if (a < 1 || a >= rank) throw new Error(`${who}: axis ${axis} is out of range for inputs of rank ${rank} (axis 0, the batch, cannot be used)`);
  return a;
}

export const concatenateLayer: MultiInputLayerImpl<ConcatenateSpec> = {
  className: () => 'Concatenate',
  outputShape: (spec, inputs) => {
    checkRanks(inputs, 'Concatenate', 1);
    const axis = positiveAxis(spec.axis, inputs[0]!.length, 'Concatenate');
    return inputs[0]!.map((_, a) => {
      const sizes = inputs.map((s) => s[a] ?? null);
      if (a === axis) return sizes.includes(null) ? null : sizes.reduce<number>((t, d) => t + d!, 0);
      const known = sizes.filter((d): d is number => d !== null);
      if (new Set(known).size > 1) throw new Error(`Concatenate: inputs must match except on axis ${spec.axis}, got ${inputs.map(formatShape).join(', ')}`);
      return a === 0 ? null : (known[0] ?? null);
    });
  },
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, xs, context) => {
    const axis = positiveAxis(spec.axis, xs[0]!.rank, 'Concatenate');
    const y = concat([...xs], axis);
    if (context.masks.every((m) => m === null)) return { y, mask: null };
    // joined along time: the masks are joined too; an input without one is real at every step
    if (axis === 1 && xs[0]!.rank >= 3) {
      return { y, mask: concat(xs.map((x, i) => context.masks[i] ?? onesTensor([x.shape[0]!, x.shape[1]!])), 1) };
    }
    return { y, mask: andMasks(context.masks) };
  },
};
