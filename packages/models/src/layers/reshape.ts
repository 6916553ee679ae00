/**
 * Reshape: each example's values laid out in a new shape, in row-major order (Keras `Reshape`).
 *
 * Shapes: x [B, d1, …, dm] → y [B, s1, …, sk] with d1·…·dm = s1·…·sk; one s_i may be −1, inferred
 * from the others (unknown in the output shape while an input size is unknown, as Keras).
 * No weights. The output has no mask (Keras drops any mask here).
 */
import { reshape as reshapeOp } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { formatShape } from '../shape';
import type { Shape } from '../shape';
import { finishLayer, isConfig } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A reshape layer and its target shape (without the batch axis). */
export interface ReshapeSpec {
  readonly kind: 'reshape';
  readonly name?: string;
  /** Positive sizes, or −1 once for a size inferred from the input. */
  readonly targetShape: readonly number[];
}

/**
 * A layer that reshapes each example to `targetShape`, e.g. [B, 12] → [B, 3, 4].
 *
 * @example reshape([-1, 2])   // [B, 12] → [B, 6, 2]
 * @example reshape({ targetShape: [-1, 2] })   // tfjs-layers' config-object form
 */
export function reshape(targetShape: readonly number[], options?: CommonLayerOptions): Layer<ReshapeSpec>;
export function reshape(config: CommonLayerOptions & { readonly targetShape: readonly number[] }): Layer<ReshapeSpec>;
export function reshape(first?: readonly number[] | (CommonLayerOptions & { readonly targetShape: readonly number[] }), more: CommonLayerOptions = {}): Layer<ReshapeSpec> {
  const options = isConfig(first, 'targetShape') ? first : more;
  const targetShape = (isConfig(first, 'targetShape') ? first.targetShape : first) as readonly number[];
  const valid = Array.isArray(targetShape) && targetShape.length > 0 && targetShape.every((d) => Number.isInteger(d) && (d >= 1 || d === -1));
  if (!valid || targetShape.filter((d) => d === -1).length > 1) {
    throw new Error(`reshape: targetShape must be positive integers with at most one -1, got ${JSON.stringify(targetShape)}`);
  }
  const spec: ReshapeSpec = { kind: 'reshape', targetShape: [...targetShape] };
  return finishLayer(spec, options, 'reshape');
}

/** The target shape with −1 resolved for an example of shape `example`; throws, naming both, when the sizes differ. */
function resolve(target: readonly number[], example: readonly number[]): number[] {
  const size = example.reduce((a, d) => a * d, 1);
  const known = target.reduce((a, d) => (d === -1 ? a : a * d), 1);
  const free = target.indexOf(-1);
  if (free === -1 ? known !== size : size % known !== 0) {
    throw new Error(`reshape: cannot reshape an example of shape ${formatShape(example)} (${size} values) to targetShape ${JSON.stringify(target)}${free === -1 ? ` (${known} values)` : ''}`);
  }
  return target.map((d) => (d === -1 ? size / known : d));
}

export const reshapeLayer: LayerImpl<ReshapeSpec> = {
  className: () => 'Reshape',
  outputShape: (spec, input): Shape => {
    if (input.length < 2) throw new Error(`reshape: input must have rank ≥ 2 ([B, …]), got ${formatShape(input)}`);
    const example = input.slice(1);
    if (example.some((d) => d === null)) return [input[0] ?? null, ...spec.targetShape.map((d) => (d === -1 ? null : d))];
    return [input[0] ?? null, ...resolve(spec.targetShape, example as number[])];
  },
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, x) =>
    tidyOutput(() => {
      if (x.rank < 2) throw new Error(`reshape: input must have rank ≥ 2 ([B, …]), got shape [${x.shape.join(', ')}]`);
      return { y: reshapeOp(x, [x.shape[0]!, ...resolve(spec.targetShape, x.shape.slice(1))]), mask: null };
    }),
};
