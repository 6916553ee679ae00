/**
 * UpSampling1D: every step repeated `size` times in place (Keras `UpSampling1D`).
 *
 * Shapes: B batch, T time, F features, s = size.  x [B, T, F] → y [B, T·s, F];  y[:, t] = x[:, ⌊t/s⌋]
 * No weights. The output has no mask (Keras drops any mask here).
 */
import { expandDims, reshape, tile } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { expectRank } from '../shape';
import { finishLayer, isConfig } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** An up-sampling layer for sequences and its repeat count. */
export interface UpSampling1dSpec {
  readonly kind: 'upSampling1d';
  readonly name?: string;
  /** Repeats of each step; a positive integer. */
  readonly size: number;
}

/**
 * Repeats each step of a [B, T, F] sequence `size` times: [B, T·size, F].
 *
 * @example upSampling1d(2)   // [a, b] → [a, a, b, b] along time
 * @example upSampling1d({ size: 2 })   // tfjs-layers' config-object form
 */
export function upSampling1d(size?: number, options?: CommonLayerOptions): Layer<UpSampling1dSpec>;
export function upSampling1d(config: CommonLayerOptions & { readonly size?: number }): Layer<UpSampling1dSpec>;
export function upSampling1d(first?: number | (CommonLayerOptions & { readonly size?: number }), more: CommonLayerOptions = {}): Layer<UpSampling1dSpec> {
  const options = isConfig(first, 'size') ? first : more;
  const size = (isConfig(first, 'size') ? first.size : first) ?? 2 as number;
  if (!Number.isInteger(size) || size < 1) throw new Error(`upSampling1d: size must be a positive integer, got ${String(size)}`);
  const spec: UpSampling1dSpec = { kind: 'upSampling1d', size };
  return finishLayer(spec, options, 'upSampling1d');
}

export const upSampling1dLayer: LayerImpl<UpSampling1dSpec> = {
  className: () => 'UpSampling1D',
  outputShape: (spec, input) => {
    expectRank(input, 3, 'upSampling1d', '([B, T, F])');
    const time = input[1] ?? null;
    return [input[0] ?? null, time === null ? null : time * spec.size, input[2] ?? null];
  },
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, x) =>
    tidyOutput(() => {
      if (x.rank !== 3) throw new Error(`upSampling1d: input must have rank 3 ([B, T, F]), got shape [${x.shape.join(', ')}]`);
      const [batch, time, features] = x.shape as [number, number, number];
      // [B, T, 1, F] tiled to [B, T, s, F]: step t's copies sit next to each other
      return { y: reshape(tile(expandDims(x, 2), [1, 1, spec.size, 1]), [batch, time * spec.size, features]), mask: null };
    }),
};
