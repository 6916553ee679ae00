/**
 * TimeDistributed: the same layer applied to every time step, `y[:, t] = layer(x[:, t])`.
 *
 * Shapes: B batch, T time.  x [B, T, ...F] → reshaped [B·T, ...F] → layer → [B·T, ...U] → y [B, T, ...U]
 * The inner layer's weights are this layer's weights (shared by all steps). A mask passes through.
 */
import { reshape } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { formatShape } from '../shape';
import type { Shape } from '../shape';
import { layerImpl } from './registry';
import type { LayerSpec } from './registry';

/** A layer applied to every time step of a `[B, T, …]` input. */
export interface TimeDistributedSpec {
  readonly kind: 'timeDistributed';
  readonly name?: string;
  readonly layer: LayerSpec;
}

/**
 * Wraps `layer` so it runs on each time step of a [B, T, ...] input.
 *
 * @example timeDistributed(dense({ units: 10, activation: 'softmax' }))   // per-step classifier of a tagger
 */
export function timeDistributed(layer: LayerSpec, options: { readonly name?: string } = {}): TimeDistributedSpec {
  if (typeof layer !== 'object' || layer === null || typeof (layer as { kind?: unknown }).kind !== 'string') {
    throw new Error(`timeDistributed: layer must be a layer spec such as dense({ units: 4 }), got ${String(layer)}`);
  }
  const spec: TimeDistributedSpec = { kind: 'timeDistributed', layer };
  return options.name === undefined ? spec : { ...spec, name: options.name };
}

function stepShape(input: Shape): Shape {
  if (input.length < 3) throw new Error(`timeDistributed: input must have rank ≥ 3 ([B, T, ...F]), got ${formatShape(input)}`);
  return [null, ...input.slice(2)];
}

export const timeDistributedLayer: LayerImpl<TimeDistributedSpec> = {
  className: () => 'TimeDistributed',
  outputShape: (spec, input) => {
    const inner = layerImpl(spec.layer).outputShape(spec.layer, stepShape(input));
    return [input[0] ?? null, input[1] ?? null, ...inner.slice(1)];
  },
  weights: (spec, input) => layerImpl(spec.layer).weights(spec.layer, stepShape(input)),
  init: (spec, input, seed) => layerImpl(spec.layer).init(spec.layer, stepShape(input), seed),
  apply: (spec, params, x, context) =>
    tidyOutput(() => {
      if (x.rank < 3) throw new Error(`timeDistributed: input must have rank ≥ 3 ([B, T, ...F]), got shape [${x.shape.join(', ')}]`);
      const [batch, time] = x.shape as [number, number];
      const flat = reshape(x, [batch * time, ...x.shape.slice(2)]);
      const inner = layerImpl(spec.layer).apply(spec.layer, params, flat, { ...context, mask: null });
      return { y: reshape(inner.y, [batch, time, ...inner.y.shape.slice(1)]), mask: context.mask };
    }),
};
