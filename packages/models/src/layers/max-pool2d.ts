/**
 * MaxPool2D: the maximum over each pool window of every channel (channels last).
 *
 * Shapes: x [B, H, W, C] → y [B, Ho, Wo, C];  y[b, p, q, c] = max_{i < ph, j < pw} x̃[b, p·sh + i, q·sw + j, c]
 * with Ho as for a convolution (valid: ⌊(H − ph)/sh⌋ + 1, same: ⌈H/sh⌉). Strides default to the pool size
 * (Keras). No weights.
 */
import { maxPool } from '@rnnkit/tensor';
import type { Tensor4D } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { formatShape } from '../shape';
import { checkPadding, convOutputSize, pair } from './conv2d';
import type { Padding } from './conv2d';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A 2-D max-pooling layer. */
export interface MaxPool2dSpec {
  readonly kind: 'maxPool2d';
  readonly name?: string;
  readonly poolSize: readonly [number, number];
  readonly strides: readonly [number, number];
  readonly padding: Padding;
}

/** Options of {@link maxPool2d}: pool size, strides and padding. */
export interface MaxPool2dOptions extends CommonLayerOptions {
  /** Default 2 (a 2×2 window). */
  readonly poolSize?: number | readonly [number, number];
  /** Default: the pool size. */
  readonly strides?: number | readonly [number, number];
  /** Default `'valid'`. */
  readonly padding?: Padding;
}

/**
 * Max pooling over [B, H, W, C] images.
 *
 * @example maxPool2d({ poolSize: 2 })   // halves H and W
 */
export function maxPool2d(options: MaxPool2dOptions = {}): Layer<MaxPool2dSpec> {
  const poolSize = pair(options.poolSize ?? 2, 'maxPool2d: poolSize');
  const padding = options.padding ?? 'valid';
  checkPadding(padding, 'maxPool2d: padding');
  const spec: MaxPool2dSpec = { kind: 'maxPool2d', poolSize, strides: pair(options.strides ?? poolSize, 'maxPool2d: strides'), padding };
  return finishLayer(spec, options, 'maxPool2d');
}

export const maxPool2dLayer: LayerImpl<MaxPool2dSpec> = {
  className: () => 'MaxPooling2D',
  outputShape: (spec, input) => {
    if (input.length !== 4) throw new Error(`maxPool2d: input must have rank 4 ([B, H, W, C]), got ${formatShape(input)}`);
    const h = convOutputSize(input[1] ?? null, spec.poolSize[0], spec.strides[0], spec.padding);
    const w = convOutputSize(input[2] ?? null, spec.poolSize[1], spec.strides[1], spec.padding);
    if ((h !== null && h < 1) || (w !== null && w < 1)) throw new Error(`maxPool2d: a ${spec.poolSize.join('×')} pool does not fit input ${formatShape(input)}`);
    return [input[0] ?? null, h, w, input[3] ?? null];
  },
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, x, context) =>
    tidyOutput(() => {
      if (x.rank !== 4) throw new Error(`maxPool2d: input must be [B, H, W, C], got shape [${x.shape.join(', ')}]`);
      const y = maxPool(x as Tensor4D, [spec.poolSize[0], spec.poolSize[1]], [spec.strides[0], spec.strides[1]], spec.padding);
      return { y, mask: context.mask };
    }),
};
