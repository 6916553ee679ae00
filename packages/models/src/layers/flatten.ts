/**
 * Flatten: every axis after the batch axis into one, in row-major order (Keras, channels last).
 *
 * Shapes: x [B, d1, d2, …] → y [B, d1·d2·…]. No weights.
 */
import { reshape } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { formatShape } from '../shape';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A flatten layer: all axes but the batch axis into one. */
export interface FlattenSpec {
  readonly kind: 'flatten';
  readonly name?: string;
}

/**
 * Flattens each example to a vector, e.g. CNN features before a dense layer.
 *
 * @example timeDistributed(flatten())   // [B, T, H, W, C] → [B, T, H·W·C]
 */
export function flatten(options: CommonLayerOptions = {}): Layer<FlattenSpec> {
  return finishLayer<FlattenSpec>({ kind: 'flatten' }, options, 'flatten');
}

export const flattenLayer: LayerImpl<FlattenSpec> = {
  className: () => 'Flatten',
  outputShape: (_spec, input) => {
    if (input.length < 2) throw new Error(`flatten: input must have rank ≥ 2 ([B, …]), got ${formatShape(input)}`);
    const rest = input.slice(1);
    return [input[0] ?? null, rest.some((d) => d === null) ? null : rest.reduce<number>((a, d) => a * (d as number), 1)];
  },
  weights: () => [],
  init: () => ({}),
  apply: (_spec, _params, x) =>
    tidyOutput(() => {
      if (x.rank < 2) throw new Error(`flatten: input must have rank ≥ 2, got shape [${x.shape.join(', ')}]`);
      return { y: reshape(x, [x.shape[0]!, -1]), mask: null };
    }),
};
