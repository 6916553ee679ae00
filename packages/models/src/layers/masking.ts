/**
 * Masking: marks the time steps whose features all equal `maskValue` as padding.
 *
 * Shapes: B batch, T time, F features.  x [B, T, F] → y [B, T, F], mask [B, T]
 *   mask[b, t] = 1 if any_f x[b, t, f] ≠ maskValue, else 0;   y = x ⊙ mask (Keras zeroes masked steps)
 */
import { any, cast, expandDims, mul, notEqual, scalar } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { expectRank } from '../shape';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A masking layer: steps whose features all equal `maskValue` are masked. */
export interface MaskingSpec {
  readonly kind: 'masking';
  readonly name?: string;
  readonly maskValue: number;
}

/**
 * A masking layer for float sequences (Keras `Masking`): steps equal to `maskValue` everywhere are skipped
 * by the recurrent layers after it.
 *
 * @example masking({ maskValue: 0 })
 */
export function masking(options: CommonLayerOptions & { readonly maskValue?: number } = {}): Layer<MaskingSpec> {
  const maskValue = options.maskValue ?? 0;
  if (!Number.isFinite(maskValue)) throw new Error(`masking: maskValue must be a finite number, got ${String(maskValue)}`);
  const spec: MaskingSpec = { kind: 'masking', maskValue };
  return finishLayer(spec, options, 'masking');
}

export const maskingLayer: LayerImpl<MaskingSpec> = {
  className: () => 'Masking',
  outputShape: (_spec, input) => {
    expectRank(input, 3, 'masking', '[B, T, F]');
    return input;
  },
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, x) =>
    tidyOutput(() => {
      const mask = cast(any(notEqual(x, scalar(spec.maskValue)), -1), 'float32');
      return { y: mul(x, expandDims(mask, -1)), mask };
    }),
};
