/**
 * Cropping1D: steps removed from the start and end of each sequence (Keras `Cropping1D`).
 *
 * Shapes: B batch, T time, F features; a, b the steps cropped at the start and end (a + b < T).
 *   x [B, T, F] → y [B, T − a − b, F];  y[:, t] = x[:, a + t]
 * No weights. The output has no mask (Keras drops any mask here).
 */
import { slice } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { expectRank, formatShape } from '../shape';
import { nonNegativePair } from './zero-padding1d';
import { finishLayer, isConfig } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A cropping layer for sequences and its (start, end) widths. */
export interface Cropping1dSpec {
  readonly kind: 'cropping1d';
  readonly name?: string;
  readonly cropping: readonly [number, number];
}

/**
 * Crops steps off both ends of a [B, T, F] sequence, `cropping` from each end or `[start, end]`.
 *
 * @example cropping1d([2, 0])   // drops the first two steps
 * @example cropping1d({ cropping: [2, 0] })   // tfjs-layers' config-object form
 */
export function cropping1d(cropping?: number | readonly [number, number], options?: CommonLayerOptions): Layer<Cropping1dSpec>;
export function cropping1d(config: CommonLayerOptions & { readonly cropping?: number | readonly [number, number] }): Layer<Cropping1dSpec>;
export function cropping1d(first?: number | readonly [number, number] | (CommonLayerOptions & { readonly cropping?: number | readonly [number, number] }), more: CommonLayerOptions = {}): Layer<Cropping1dSpec> {
  const options = isConfig(first, 'cropping') ? first : more;
  const cropping = (isConfig(first, 'cropping') ? first.cropping : first) ?? [1, 1] as number | readonly [number, number];
  const spec: Cropping1dSpec = { kind: 'cropping1d', cropping: nonNegativePair(cropping, 'cropping1d: cropping') };
  return finishLayer(spec, options, 'cropping1d');
}

function croppedLength(spec: Cropping1dSpec, time: number, shown: string): number {
  const length = time - spec.cropping[0] - spec.cropping[1];
  if (length < 1) throw new Error(`cropping1d: cropping [${spec.cropping.join(', ')}] must leave at least one of the ${time} steps of input ${shown}`);
  return length;
}

export const cropping1dLayer: LayerImpl<Cropping1dSpec> = {
  className: () => 'Cropping1D',
  outputShape: (spec, input) => {
    expectRank(input, 3, 'cropping1d', '([B, T, F])');
    const time = input[1] ?? null;
    return [input[0] ?? null, time === null ? null : croppedLength(spec, time, formatShape(input)), input[2] ?? null];
  },
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, x) =>
    tidyOutput(() => {
      if (x.rank !== 3) throw new Error(`cropping1d: input must have rank 3 ([B, T, F]), got shape [${x.shape.join(', ')}]`);
      const [batch, time, features] = x.shape as [number, number, number];
      const length = croppedLength(spec, time, `shape [${x.shape.join(', ')}]`);
      return { y: slice(x, [0, spec.cropping[0], 0], [batch, length, features]), mask: null };
    }),
};
