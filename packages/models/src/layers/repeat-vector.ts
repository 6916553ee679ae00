/**
 * RepeatVector: one vector per example, repeated n times along a new time axis (Keras `RepeatVector`),
 * e.g. an encoder's last state fed to every step of a decoder.
 *
 * Shapes: B batch, F features, n repeats.  x [B, F] → y [B, n, F],  y[b, t, f] = x[b, f]
 * No weights. The output has no mask (Keras drops any mask here).
 */
import { expandDims, tile } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { expectRank } from '../shape';
import { finishLayer, isConfig } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A repeat-vector layer and its number of repeats. */
export interface RepeatVectorSpec {
  readonly kind: 'repeatVector';
  readonly name?: string;
  /** Number of repeats, the output's time length; a positive integer. */
  readonly n: number;
}

/**
 * Repeats a [B, F] input n times: [B, n, F].
 *
 * @example sequential([lstm({ units: 16 }), repeatVector(10), lstm({ units: 16, returnSequences: true })], { inputShape: [10, 3] })
 * @example repeatVector({ n: 10 })   // tfjs-layers' config-object form
 */
export function repeatVector(n: number, options?: CommonLayerOptions): Layer<RepeatVectorSpec>;
export function repeatVector(config: CommonLayerOptions & { readonly n: number }): Layer<RepeatVectorSpec>;
export function repeatVector(first?: number | (CommonLayerOptions & { readonly n: number }), more: CommonLayerOptions = {}): Layer<RepeatVectorSpec> {
  const options = isConfig(first, 'n') ? first : more;
  const n = (isConfig(first, 'n') ? first.n : first) as number;
  if (!Number.isInteger(n) || n < 1) throw new Error(`repeatVector: n must be a positive integer, got ${String(n)}`);
  const spec: RepeatVectorSpec = { kind: 'repeatVector', n };
  return finishLayer(spec, options, 'repeatVector');
}

export const repeatVectorLayer: LayerImpl<RepeatVectorSpec> = {
  className: () => 'RepeatVector',
  outputShape: (spec, input) => {
    expectRank(input, 2, 'repeatVector', '([B, F])');
    return [input[0] ?? null, spec.n, input[1] ?? null];
  },
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, x) =>
    tidyOutput(() => {
      if (x.rank !== 2) throw new Error(`repeatVector: input must have rank 2 ([B, F]), got shape [${x.shape.join(', ')}]`);
      return { y: tile(expandDims(x, 1), [1, spec.n, 1]), mask: null };
    }),
};
