/**
 * Every kind of layer, as one discriminated union of JSON specs, and the dispatch from a spec to
 * the functions that implement it.
 */
import type { LayerImpl } from '../layer';
import { bidirectionalLayer } from './bidirectional';
import { conv2dLayer } from './conv2d';
import type { Conv2dSpec } from './conv2d';
import type { BidirectionalSpec } from './bidirectional';
import { denseLayer } from './dense';
import type { DenseSpec } from './dense';
import { dropoutLayer } from './dropout';
import type { DropoutSpec } from './dropout';
import { embeddingLayer } from './embedding';
import { flattenLayer } from './flatten';
import type { FlattenSpec } from './flatten';
import type { EmbeddingSpec } from './embedding';
import { maskingLayer } from './masking';
import type { MaskingSpec } from './masking';
import { maxPool2dLayer } from './max-pool2d';
import type { MaxPool2dSpec } from './max-pool2d';
import { recurrentLayer } from './recurrent';
import type { RecurrentSpec } from './recurrent';
import { timeDistributedLayer } from './time-distributed';
import type { TimeDistributedSpec } from './time-distributed';

/** Any layer's spec: plain JSON, the whole description of a layer (its weights live in the model). */
export type LayerSpec =
  | EmbeddingSpec
  | DenseSpec
  | DropoutSpec
  | MaskingSpec
  | TimeDistributedSpec
  | RecurrentSpec
  | BidirectionalSpec
  | Conv2dSpec
  | MaxPool2dSpec
  | FlattenSpec;

/** The implementation of `spec`'s kind; throws, naming the kind, for an unknown one. */
export function layerImpl(spec: LayerSpec): LayerImpl<LayerSpec> {
  switch (spec.kind) {
    case 'embedding':
      return embeddingLayer as LayerImpl<LayerSpec>;
    case 'dense':
      return denseLayer as LayerImpl<LayerSpec>;
    case 'dropout':
      return dropoutLayer as LayerImpl<LayerSpec>;
    case 'masking':
      return maskingLayer as LayerImpl<LayerSpec>;
    case 'timeDistributed':
      return timeDistributedLayer as LayerImpl<LayerSpec>;
    case 'rnn':
      return recurrentLayer as LayerImpl<LayerSpec>;
    case 'bidirectional':
      return bidirectionalLayer as LayerImpl<LayerSpec>;
    case 'conv2d':
      return conv2dLayer as LayerImpl<LayerSpec>;
    case 'maxPool2d':
      return maxPool2dLayer as LayerImpl<LayerSpec>;
    case 'flatten':
      return flattenLayer as LayerImpl<LayerSpec>;
    default:
      throw new Error(`layer: unknown layer kind ${JSON.stringify((spec as { kind?: unknown }).kind)}`);
  }
}

/** Keras' default layer name stem for a spec: `embedding`, `simple_rnn`, `time_distributed`, … */
export function defaultLayerName(spec: LayerSpec): string {
  return layerImpl(spec)
    .className(spec)
    .replace(/RNN/g, 'Rnn')
    .replace(/LSTM/g, 'Lstm')
    .replace(/GRU/g, 'Gru')
    .replace(/(\d)D$/, '$1d')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
