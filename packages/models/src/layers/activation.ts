/**
 * Activation: a named activation applied to the input, `y = act(x)` (Keras `Activation`).
 *
 * Shapes: any; y has the shape of x (softmax, logSoftmax and sparsemax run along the last axis).
 * No weights. A mask passes through unchanged (Keras: supports_masking).
 */
import { clone } from '@rnnkit/tensor';
import { applyDenseActivation, assertDenseActivation } from '../activations';
import type { DenseActivation } from '../activations';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { finishLayer, isConfig } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** An activation layer. */
export interface ActivationSpec {
  readonly kind: 'activation';
  readonly name?: string;
  readonly activation: DenseActivation;
}

/**
 * A layer that applies one of the activations of `activations.ts` to its input.
 *
 * @example activation('relu')   // after a dense layer without activation
 * @example activation({ activation: 'relu' })   // tfjs-layers' config-object form
 */
export function activation(name: DenseActivation, options?: CommonLayerOptions): Layer<ActivationSpec>;
export function activation(config: CommonLayerOptions & { readonly activation: DenseActivation }): Layer<ActivationSpec>;
export function activation(first?: DenseActivation | (CommonLayerOptions & { readonly activation: DenseActivation }), more: CommonLayerOptions = {}): Layer<ActivationSpec> {
  const options = isConfig(first, 'activation') ? first : more;
  const name = (isConfig(first, 'activation') ? first.activation : first) as DenseActivation;
  assertDenseActivation(name, 'activation: activation');
  const spec: ActivationSpec = { kind: 'activation', activation: name };
  return finishLayer(spec, options, 'activation');
}

export const activationLayer: LayerImpl<ActivationSpec> = {
  className: () => 'Activation',
  outputShape: (_spec, input) => input,
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, x, context) =>
    tidyOutput(() => {
      const y = applyDenseActivation(spec.activation, x);
      // linear returns x itself; the caller owns what a layer returns, so copy it
      return { y: y === x ? clone(x) : y, mask: context.mask };
    }),
};
