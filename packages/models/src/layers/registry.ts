/**
 * Every kind of layer, as one discriminated union of JSON specs, and the dispatch from a spec to
 * the functions that implement it.
 */
import type { LayerImpl, MultiInputLayerImpl } from '../layer';
import { activationLayer } from './activation';
import type { ActivationSpec } from './activation';
import { cropping1dLayer } from './cropping1d';
import type { Cropping1dSpec } from './cropping1d';
import { gaussianNoiseLayer } from './gaussian-noise';
import type { GaussianNoiseSpec } from './gaussian-noise';
import { permuteLayer } from './permute';
import type { PermuteSpec } from './permute';
import { repeatVectorLayer } from './repeat-vector';
import type { RepeatVectorSpec } from './repeat-vector';
import { reshapeLayer } from './reshape';
import type { ReshapeSpec } from './reshape';
import { spatialDropout1dLayer } from './spatial-dropout1d';
import type { SpatialDropout1dSpec } from './spatial-dropout1d';
import { upSampling1dLayer } from './up-sampling1d';
import type { UpSampling1dSpec } from './up-sampling1d';
import { zeroPadding1dLayer } from './zero-padding1d';
import type { ZeroPadding1dSpec } from './zero-padding1d';
import { batchNormalizationLayer } from './batch-normalization';
import type { BatchNormalizationSpec } from './batch-normalization';
import { bidirectionalLayer } from './bidirectional';
import { conv1dLayer } from './conv1d';
import type { Conv1dSpec } from './conv1d';
import { conv2dLayer } from './conv2d';
import type { Conv2dSpec } from './conv2d';
import type { BidirectionalSpec } from './bidirectional';
import { denseLayer } from './dense';
import type { DenseSpec } from './dense';
import { dropoutLayer } from './dropout';
import type { DropoutSpec } from './dropout';
import { embeddingLayer } from './embedding';
import { flattenLayer } from './flatten';
import { globalPool1dLayer } from './global-pool1d';
import type { GlobalPool1dSpec } from './global-pool1d';
import { layerNormalizationLayer } from './layer-normalization';
import type { LayerNormalizationSpec } from './layer-normalization';
import type { FlattenSpec } from './flatten';
import type { EmbeddingSpec } from './embedding';
import { maskingLayer } from './masking';
import type { MaskingSpec } from './masking';
import { maxPool2dLayer } from './max-pool2d';
import type { MaxPool2dSpec } from './max-pool2d';
import { pool1dLayer } from './pool1d';
import type { Pool1dSpec } from './pool1d';
import { concatenateLayer, elementwiseMergeLayer } from './merge';
import type { ConcatenateSpec, ElementwiseMergeSpec } from './merge';
import { dotLayer } from './dot';
import type { DotSpec } from './dot';
import { attentionLayer } from './attention';
import type { AttentionSpec } from './attention';
import { additiveAttentionLayer } from './additive-attention';
import type { AdditiveAttentionSpec } from './additive-attention';
import { multiHeadAttentionLayer } from './multi-head-attention';
import type { MultiHeadAttentionSpec } from './multi-head-attention';
import { recurrentLayer } from './recurrent';
import type { RecurrentSpec } from './recurrent';
import { timeDistributedLayer } from './time-distributed';
import type { TimeDistributedSpec } from './time-distributed';

/** Any layer's spec: plain JSON, the whole description of a layer (its weights live in the model). */
export type LayerSpec =
  | ActivationSpec
  | RepeatVectorSpec
  | ReshapeSpec
  | PermuteSpec
  | SpatialDropout1dSpec
  | GaussianNoiseSpec
  | ZeroPadding1dSpec
  | Cropping1dSpec
  | UpSampling1dSpec
  | EmbeddingSpec
  | DenseSpec
  | DropoutSpec
  | MaskingSpec
  | TimeDistributedSpec
  | RecurrentSpec
  | BidirectionalSpec
  | Conv2dSpec
  | Conv1dSpec
  | Pool1dSpec
  | GlobalPool1dSpec
  | MaxPool2dSpec
  | FlattenSpec
  | LayerNormalizationSpec
  | BatchNormalizationSpec;

/** The implementation of `spec`'s kind; throws, naming the kind, for an unknown one. */
export function layerImpl(spec: LayerSpec): LayerImpl<LayerSpec> {
  switch (spec.kind) {
    case 'activation':
      return activationLayer as LayerImpl<LayerSpec>;
    case 'repeatVector':
      return repeatVectorLayer as LayerImpl<LayerSpec>;
    case 'reshape':
      return reshapeLayer as LayerImpl<LayerSpec>;
    case 'permute':
      return permuteLayer as LayerImpl<LayerSpec>;
    case 'spatialDropout1d':
      return spatialDropout1dLayer as LayerImpl<LayerSpec>;
    case 'gaussianNoise':
      return gaussianNoiseLayer as LayerImpl<LayerSpec>;
    case 'zeroPadding1d':
      return zeroPadding1dLayer as LayerImpl<LayerSpec>;
    case 'cropping1d':
      return cropping1dLayer as LayerImpl<LayerSpec>;
    case 'upSampling1d':
      return upSampling1dLayer as LayerImpl<LayerSpec>;
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
    case 'conv1d':
      return conv1dLayer as LayerImpl<LayerSpec>;
    case 'maxPool1d':
    case 'averagePool1d':
      return pool1dLayer as LayerImpl<LayerSpec>;
    case 'globalAveragePool1d':
    case 'globalMaxPool1d':
      return globalPool1dLayer as LayerImpl<LayerSpec>;
    case 'maxPool2d':
      return maxPool2dLayer as LayerImpl<LayerSpec>;
    case 'flatten':
      return flattenLayer as LayerImpl<LayerSpec>;
    case 'layerNormalization':
      return layerNormalizationLayer as LayerImpl<LayerSpec>;
    case 'batchNormalization':
      return batchNormalizationLayer as LayerImpl<LayerSpec>;
    default:
      throw new Error(`layer: unknown layer kind ${JSON.stringify((spec as { kind?: unknown }).kind)}`);
  }
}

/** Keras' attention layers: inputs [query, value] or [query, value, key]. */
export type AttentionLayerSpec = AttentionSpec | AdditiveAttentionSpec | MultiHeadAttentionSpec;

/** A layer that takes a list of inputs (functional models only): merges, dot, attention. */
export type MultiInputSpec = ElementwiseMergeSpec | ConcatenateSpec | DotSpec | AttentionLayerSpec;

/** Any layer a functional model can hold: one-input layers and those taking a list of inputs. */
export type AnyLayerSpec = LayerSpec | MultiInputSpec;

/** Whether `spec` takes a list of inputs. */
export function isMultiInput(spec: AnyLayerSpec): spec is MultiInputSpec {
  return (
    spec.kind === 'merge' ||
    spec.kind === 'concatenate' ||
    spec.kind === 'dot' ||
    spec.kind === 'attention' ||
    spec.kind === 'additiveAttention' ||
    spec.kind === 'multiHeadAttention'
  );
}

/** The implementation of a multi-input layer's kind. */
export function multiInputLayerImpl(spec: MultiInputSpec): MultiInputLayerImpl<MultiInputSpec> {
  switch (spec.kind) {
    case 'merge':
      return elementwiseMergeLayer as MultiInputLayerImpl<MultiInputSpec>;
    case 'concatenate':
      return concatenateLayer as MultiInputLayerImpl<MultiInputSpec>;
    case 'dot':
      return dotLayer as MultiInputLayerImpl<MultiInputSpec>;
    case 'attention':
      return attentionLayer as MultiInputLayerImpl<MultiInputSpec>;
    case 'additiveAttention':
      return additiveAttentionLayer as MultiInputLayerImpl<MultiInputSpec>;
    case 'multiHeadAttention':
      return multiHeadAttentionLayer as MultiInputLayerImpl<MultiInputSpec>;
  }
}

/** Keras' default layer name stem for a spec: `embedding`, `simple_rnn`, `time_distributed`, … */
export function defaultLayerName(spec: AnyLayerSpec): string {
  return (isMultiInput(spec) ? multiInputLayerImpl(spec).className(spec) : layerImpl(spec).className(spec))
    .replace(/RNN/g, 'Rnn')
    .replace(/LSTM/g, 'Lstm')
    .replace(/GRU/g, 'Gru')
    .replace(/(\d)D$/, '$1d')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
