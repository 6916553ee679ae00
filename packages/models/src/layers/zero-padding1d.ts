/**
 * ZeroPadding1D: zero steps added before and after each sequence (Keras `ZeroPadding1D`, channels last).
 *
 * Shapes: B batch, T time, F features; l, r the steps added on the left and right.
 *   x [B, T, F] → y [B, l + T + r, F];  y[:, l + t] = x[:, t], the other steps 0
 * No weights. The output has no mask (Keras drops any mask here).
 */
import { pad } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { expectRank } from '../shape';
import { finishLayer, isConfig } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A zero-padding layer for sequences and its (left, right) widths. */
export interface ZeroPadding1dSpec {
  readonly kind: 'zeroPadding1d';
  readonly name?: string;
  readonly padding: readonly [number, number];
}

/** `[a, a]` for one number, the pair itself otherwise; throws, naming `who`, unless both are integers ≥ 0. */
export function nonNegativePair(value: number | readonly [number, number], who: string): [number, number] {
  const p: [number, number] = typeof value === 'number' ? [value, value] : Array.isArray(value) && value.length === 2 ? [value[0], value[1]] : [NaN, NaN];
  if (!p.every((v) => Number.isInteger(v) && v >= 0)) throw new Error(`${who} must be an integer ≥ 0 or a pair [left, right] of them, got ${JSON.stringify(value)}`);
  return p;
}

/**
 * Pads a [B, T, F] sequence with zero steps, `padding` on both sides or `[left, right]`.
 *
 * @example zeroPadding1d([2, 0])   // two zero steps in front, e.g. before a causal convolution
 * @example zeroPadding1d({ padding: [1, 2] })   // tfjs-layers' config-object form
 */
export function zeroPadding1d(padding?: number | readonly [number, number], options?: CommonLayerOptions): Layer<ZeroPadding1dSpec>;
export function zeroPadding1d(config: CommonLayerOptions & { readonly padding?: number | readonly [number, number] }): Layer<ZeroPadding1dSpec>;
export function zeroPadding1d(first?: number | readonly [number, number] | (CommonLayerOptions & { readonly padding?: number | readonly [number, number] }), more: CommonLayerOptions = {}): Layer<ZeroPadding1dSpec> {
  const options = isConfig(first, 'padding') ? first : more;
  const padding = (isConfig(first, 'padding') ? first.padding : first) ?? 1 as number | readonly [number, number];
  const spec: ZeroPadding1dSpec = { kind: 'zeroPadding1d', padding: nonNegativePair(padding, 'zeroPadding1d: padding') };
  return finishLayer(spec, options, 'zeroPadding1d');
}

export const zeroPadding1dLayer: LayerImpl<ZeroPadding1dSpec> = {
  className: () => 'ZeroPadding1D',
  outputShape: (spec, input) => {
    expectRank(input, 3, 'zeroPadding1d', '([B, T, F])');
    const time = input[1] ?? null;
    return [input[0] ?? null, time === null ? null : time + spec.padding[0] + spec.padding[1], input[2] ?? null];
  },
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, x) =>
    tidyOutput(() => {
      if (x.rank !== 3) throw new Error(`zeroPadding1d: input must have rank 3 ([B, T, F]), got shape [${x.shape.join(', ')}]`);
      return { y: pad(x, [[0, 0], [spec.padding[0], spec.padding[1]], [0, 0]]), mask: null };
    }),
};
