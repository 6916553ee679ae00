/**
 * SpatialDropout1D: dropout of whole feature channels (Keras `SpatialDropout1D`). While training,
 *   y[b, t, f] = x[b, t, f] · m[b, f] / (1 − rate),  m ~ Bernoulli(1 − rate), one draw per (b, f)
 * from the call's seed, so a dropped channel is zero at every step; at inference y = x.
 *
 * Shapes: B batch, T time, F features.  x [B, T, F] → y [B, T, F]; the mask [B, 1, F] broadcasts over T.
 * No weights. A mask passes through unchanged (Keras: a Dropout).
 */
import { clone, mul } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { expectRank } from '../shape';
import { dropoutMask } from './dropout';
import { finishLayer, isConfig } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A channel-dropout layer for sequences and its rate. */
export interface SpatialDropout1dSpec {
  readonly kind: 'spatialDropout1d';
  readonly name?: string;
  /** Fraction of channels zeroed while training, in [0, 1). */
  readonly rate: number;
}

/**
 * Drops whole channels of a [B, T, F] sequence while training; its random numbers come from the seed
 * `sequential` gives each call.
 *
 * @example spatialDropout1d(0.2)   // after an embedding: drops whole embedding dimensions
 * @example spatialDropout1d({ rate: 0.2 })   // tfjs-layers' config-object form
 */
export function spatialDropout1d(rate: number, options?: CommonLayerOptions): Layer<SpatialDropout1dSpec>;
export function spatialDropout1d(config: CommonLayerOptions & { readonly rate: number }): Layer<SpatialDropout1dSpec>;
export function spatialDropout1d(first?: number | (CommonLayerOptions & { readonly rate: number }), more: CommonLayerOptions = {}): Layer<SpatialDropout1dSpec> {
  const options = isConfig(first, 'rate') ? first : more;
  const rate = (isConfig(first, 'rate') ? first.rate : first) as number;
  if (!(typeof rate === 'number' && rate >= 0 && rate < 1)) throw new Error(`spatialDropout1d: rate must be a number in [0, 1), got ${String(rate)}`);
  const spec: SpatialDropout1dSpec = { kind: 'spatialDropout1d', rate };
  return finishLayer(spec, options, 'spatialDropout1d');
}

export const spatialDropout1dLayer: LayerImpl<SpatialDropout1dSpec> = {
  className: () => 'SpatialDropout1D',
  outputShape: (_spec, input) => {
    expectRank(input, 3, 'spatialDropout1d', '([B, T, F])');
    return input;
  },
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, x, context) =>
    tidyOutput(() => {
      if (x.rank !== 3) throw new Error(`spatialDropout1d: input must have rank 3 ([B, T, F]), got shape [${x.shape.join(', ')}]`);
      if (!context.training || spec.rate === 0) return { y: clone(x), mask: context.mask };
      const [batch, , features] = x.shape as [number, number, number];
      return { y: mul(x, dropoutMask([batch, 1, features], spec.rate, context.seed)), mask: context.mask };
    }),
};
