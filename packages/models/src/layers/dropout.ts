/**
 * Dropout (inverted): while training, `y = x ⊙ m / (1 − rate)` with m ~ Bernoulli(1 − rate) drawn
 * per element from the call's seed; at inference `y = x`.
 *
 * Shapes: any; y has the shape of x. A mask passes through unchanged.
 */
import { clone, createRng, mul, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { finishLayer, isConfig } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A dropout layer and its rate. */
export interface DropoutSpec {
  readonly kind: 'dropout';
  readonly name?: string;
  /** Fraction of inputs zeroed while training, in [0, 1). */
  readonly rate: number;
}

/**
 * A dropout layer. Its random numbers come from the seed `sequential` gives each call, so a run
 * with one model seed repeats exactly.
 *
 * @example dropout(0.2)
 * @example dropout({ rate: 0.2 })   // tfjs-layers' config-object form
 */
export function dropout(rate: number, options?: CommonLayerOptions): Layer<DropoutSpec>;
export function dropout(config: CommonLayerOptions & { readonly rate: number }): Layer<DropoutSpec>;
export function dropout(first?: number | (CommonLayerOptions & { readonly rate: number }), more: CommonLayerOptions = {}): Layer<DropoutSpec> {
  const options = isConfig(first, 'rate') ? first : more;
  const rate = (isConfig(first, 'rate') ? first.rate : first) as number;
  if (!(typeof rate === 'number' && rate >= 0 && rate < 1)) throw new Error(`dropout: rate must be a number in [0, 1), got ${String(rate)}`);
  const spec: DropoutSpec = { kind: 'dropout', rate };
  return finishLayer(spec, options, 'dropout');
}

/** A float32 tensor of `shape` holding 1/(1 − rate) with probability 1 − rate and 0 otherwise. */
export function dropoutMask(shape: readonly number[], rate: number, seed: number): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const rng = createRng(seed);
  const scale = 1 / (1 - rate);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = rng.uniform() >= rate ? scale : 0;
  return tensor(values, [...shape], 'float32');
}

export const dropoutLayer: LayerImpl<DropoutSpec> = {
  className: () => 'Dropout',
  outputShape: (_spec, input) => input,
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, x, context) =>
    tidyOutput(() => {
      if (!context.training || spec.rate === 0) return { y: clone(x), mask: context.mask };
      return { y: mul(x, dropoutMask(x.shape, spec.rate, context.seed)), mask: context.mask };
    }),
};

