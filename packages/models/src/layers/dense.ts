/**
 * Dense: an affine map of the last axis, then an activation, `y = act(x·W + b)`.
 *
 * Shapes: F input features, U units; any leading axes (B, or B and T) are kept.
 *   x [..., F] → y [..., U];  kernel W [F, U], bias b [U]
 * A mask on a [B, T, F] input passes through unchanged (the output keeps its time axis).
 */
import { add, glorotUniform, matMul, reshape, zeros } from '@rnnkit/tensor';
import { assertDenseActivation, applyDenseActivation } from '../activations';
import type { DenseActivation } from '../activations';
import { tidyOutput, weight } from '../layer';
import type { LayerImpl } from '../layer';
import { formatShape, lastDim } from '../shape';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A dense layer, `act(x·W + b)` on the last axis. */
export interface DenseSpec {
  readonly kind: 'dense';
  readonly name?: string;
  readonly units: number;
  readonly activation: DenseActivation;
  readonly useBias: boolean;
}

/** Options of {@link dense}: units, activation and whether it has a bias. */
export interface DenseOptions extends CommonLayerOptions {
  readonly units: number;
  /** Default `'linear'`. */
  readonly activation?: DenseActivation;
  /** Default true. */
  readonly useBias?: boolean;
}

/**
 * A dense layer with Keras' initialisers: kernel glorotUniform, bias zeros.
 *
 * @example dense({ units: 1, activation: 'sigmoid' })   // F·1 + 1 params
 */
export function dense(options: DenseOptions): Layer<DenseSpec> {
  if (!Number.isInteger(options.units) || options.units < 1) throw new Error(`dense: units must be a positive integer, got ${String(options.units)}`);
  const activation = options.activation ?? 'linear';
  assertDenseActivation(activation, 'dense: activation');
  const spec: DenseSpec = { kind: 'dense', units: options.units, activation, useBias: options.useBias ?? true };
  return finishLayer(spec, options, 'dense');
}

export const denseLayer: LayerImpl<DenseSpec> = {
  className: () => 'Dense',
  outputShape: (spec, input) => {
    if (input.length < 2) throw new Error(`dense: input must have rank ≥ 2 ([B, F] or [B, T, F]), got ${formatShape(input)}`);
    lastDim(input, 'dense');
    return [...input.slice(0, -1), spec.units];
  },
  weights: (spec, input) => {
    const kernel = { name: 'kernel', shape: [lastDim(input, 'dense'), spec.units] };
    return spec.useBias ? [kernel, { name: 'bias', shape: [spec.units] }] : [kernel];
  },
  init: (spec, input, seed) => {
    const features = lastDim(input, 'dense');
    const kernel = glorotUniform([features, spec.units], seed);
    return spec.useBias ? { kernel, bias: zeros([spec.units], seed) } : { kernel };
  },
  apply: (spec, params, x, context) =>
    tidyOutput(() => {
      const kernel = weight(params, 'kernel', 'dense');
      const features = kernel.shape[0]!;
      if (x.shape.at(-1) !== features) {
        throw new Error(`dense: input must have ${features} features on its last axis, got shape [${x.shape.join(', ')}]`);
      }
      const flat = x.rank === 2 ? x : reshape(x, [-1, features]);
      let z = matMul(flat, kernel);
      if (spec.useBias) z = add(z, weight(params, 'bias', 'dense'));
      const y = applyDenseActivation(spec.activation, z);
      return { y: x.rank === 2 ? y : reshape(y, [...x.shape.slice(0, -1), spec.units]), mask: context.mask };
    }),
};
