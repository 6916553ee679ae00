/**
 * TimeDistributed: the same layer applied to every time step, `y[:, t] = layer(x[:, t])`.
 *
 * Shapes: B batch, T time.  x [B, T, ...F] → reshaped [B·T, ...F] → layer → [B·T, ...U] → y [B, T, ...U]
 * The inner layer's weights are this layer's weights (shared by all steps). A mask passes through.
 * An inner layer with non-trainable state (batch normalisation) runs step by step in training, as
 * Keras 3 and tfjs-layers run every wrapped layer: step t sees x[:, t] and its mask [B], and the state
 * it updates is the state step t + 1 starts from (so the moving averages advance T times per call).
 */
import { reshape, stack, unstack } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerContext, LayerImpl, LayerOutput } from '../layer';
import { formatShape } from '../shape';
import type { Shape } from '../shape';
import { layerImpl } from './registry';
import type { LayerSpec } from './registry';
import { finishLayer, isConfig } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

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
 * @example timeDistributed({ layer: dense({ units: 10 }) })   // tfjs-layers' config-object form
 */
export function timeDistributed(layer: LayerSpec, options?: CommonLayerOptions): Layer<TimeDistributedSpec>;
export function timeDistributed(config: CommonLayerOptions & { readonly layer: LayerSpec }): Layer<TimeDistributedSpec>;
export function timeDistributed(first: LayerSpec | (CommonLayerOptions & { readonly layer: LayerSpec }), more: CommonLayerOptions = {}): Layer<TimeDistributedSpec> {
  const options = isConfig(first, 'layer') ? first : more;
  const layer = (isConfig(first, 'layer') ? first.layer : first) as LayerSpec;
  if (typeof layer !== 'object' || layer === null || typeof (layer as { kind?: unknown }).kind !== 'string') {
    throw new Error(`timeDistributed: layer must be a layer spec such as dense({ units: 4 }), got ${String(layer)}`);
  }
  const spec: TimeDistributedSpec = { kind: 'timeDistributed', layer };
  return finishLayer(spec, options, 'timeDistributed');
}

/** The inner layer on each step in turn, threading its updated state from step to step. */
function stepByStep(spec: TimeDistributedSpec, params: Readonly<Record<string, Tensor>>, x: Tensor, context: LayerContext): LayerOutput {
  const masks = context.mask === null ? null : unstack(context.mask, 1);
  let current = params;
  const updates: Record<string, Tensor> = {};
  const ys = unstack(x, 1).map((xt, t) => {
    const out = layerImpl(spec.layer).apply(spec.layer, current, xt, { ...context, mask: masks?.[t] ?? null });
    if (out.updates !== undefined) {
      current = { ...current, ...out.updates };
      Object.assign(updates, out.updates);
    }
    return out.y;
  });
  return { y: stack(ys, 1), mask: context.mask, updates };
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
      const stateful = layerImpl(spec.layer).weights(spec.layer, stepShape(x.shape)).some((w) => w.trainable === false);
      if (context.training && stateful) return stepByStep(spec, params, x, context);
      const [batch, time] = x.shape as [number, number];
      const flat = reshape(x, [batch * time, ...x.shape.slice(2)]);
      const inner = layerImpl(spec.layer).apply(spec.layer, params, flat, { ...context, mask: null });
      return { y: reshape(inner.y, [batch, time, ...inner.y.shape.slice(1)]), mask: context.mask };
    }),
};
