/**
 * GaussianNoise: additive zero-mean noise while training (Keras `GaussianNoise`), a regulariser:
 *   y = x + σ·n,  n ~ N(0, 1) per element, drawn from the call's seed;  at inference y = x.
 *
 * Shapes: any; y has the shape of x. No weights. A mask passes through unchanged (Keras: supports_masking).
 */
import { add, clone, createRng, mul, scalar, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { finishLayer, isConfig } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A Gaussian-noise layer and its standard deviation. */
export interface GaussianNoiseSpec {
  readonly kind: 'gaussianNoise';
  readonly name?: string;
  /** σ, the noise's standard deviation; ≥ 0. */
  readonly stddev: number;
}

/**
 * Adds N(0, σ²) noise to every input value while training.
 *
 * @example gaussianNoise(0.1)
 * @example gaussianNoise({ stddev: 0.1 })   // tfjs-layers' config-object form
 */
export function gaussianNoise(stddev: number, options?: CommonLayerOptions): Layer<GaussianNoiseSpec>;
export function gaussianNoise(config: CommonLayerOptions & { readonly stddev: number }): Layer<GaussianNoiseSpec>;
export function gaussianNoise(first?: number | (CommonLayerOptions & { readonly stddev: number }), more: CommonLayerOptions = {}): Layer<GaussianNoiseSpec> {
  const options = isConfig(first, 'stddev') ? first : more;
  const stddev = (isConfig(first, 'stddev') ? first.stddev : first) as number;
  if (!(typeof stddev === 'number' && Number.isFinite(stddev) && stddev >= 0)) {
    throw new Error(`gaussianNoise: stddev must be a finite number ≥ 0, got ${String(stddev)}`);
  }
  const spec: GaussianNoiseSpec = { kind: 'gaussianNoise', stddev };
  return finishLayer(spec, options, 'gaussianNoise');
}

/** A float32 tensor of `shape` of standard normal numbers from `seed`. */
function standardNormal(shape: readonly number[], seed: number): Tensor {
  const rng = createRng(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal();
  return tensor(values, [...shape], 'float32');
}

export const gaussianNoiseLayer: LayerImpl<GaussianNoiseSpec> = {
  className: () => 'GaussianNoise',
  outputShape: (_spec, input) => input,
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, x, context) =>
    tidyOutput(() => {
      if (!context.training || spec.stddev === 0) return { y: clone(x), mask: context.mask };
      return { y: add(x, mul(standardNormal(x.shape, context.seed), scalar(spec.stddev))), mask: context.mask };
    }),
};
