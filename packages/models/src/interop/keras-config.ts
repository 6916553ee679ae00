/**
 * Reading Keras layer configurations (the `modelTopology` of tfjs-layers and of the Keras→tfjs
 * converter) into rnnkit layer specs, and writing rnnkit specs back as tfjs-layers configurations.
 */
import type { ActivationName } from '@rnnkit/cells';
import type { DenseActivation } from '../activations';
import { activation } from '../layers/activation';
import { batchNormalization } from '../layers/batch-normalization';
import { bidirectional } from '../layers/bidirectional';
import { conv1d } from '../layers/conv1d';
import type { Conv1dPadding } from '../layers/conv1d';
import { conv2d } from '../layers/conv2d';
import { cropping1d } from '../layers/cropping1d';
import type { Padding } from '../layers/conv2d';
import type { MergeMode } from '../layers/bidirectional';
import { dense } from '../layers/dense';
import { dropout } from '../layers/dropout';
import { embedding } from '../layers/embedding';
import { flatten } from '../layers/flatten';
import { gaussianNoise } from '../layers/gaussian-noise';
import { layerNormalization } from '../layers/layer-normalization';
import { masking } from '../layers/masking';
import { maxPool2d } from '../layers/max-pool2d';
import { permute } from '../layers/permute';
import { averagePool1d, maxPool1d } from '../layers/pool1d';
import { globalAveragePool1d, globalMaxPool1d } from '../layers/global-pool1d';
import { gru, lstm, simpleRnn } from '../layers/recurrent';
import type { RecurrentSpec } from '../layers/recurrent';
import { repeatVector } from '../layers/repeat-vector';
import { reshape } from '../layers/reshape';
import { spatialDropout1d } from '../layers/spatial-dropout1d';
import type { LayerSpec } from '../layers/registry';
import { timeDistributed } from '../layers/time-distributed';
import { upSampling1d } from '../layers/up-sampling1d';
import { zeroPadding1d } from '../layers/zero-padding1d';
import type { Shape } from '../shape';
import { layerActivationFromKeras, layerActivationToKeras } from './keras-activations';

/** A Keras layer entry: `{ class_name, config }`. */
export interface KerasLayerJson {
  readonly class_name: string;
  readonly config: Readonly<Record<string, unknown>>;
}

/** Which `hard_sigmoid` a file means: Keras 3 redefined it (NUMERICS.md §2.1). */
export type HardSigmoidFlavour = 'keras2' | 'keras3';

function field<T>(config: Readonly<Record<string, unknown>>, key: string, fallback: T, who: string, check: (v: unknown) => boolean): T {
  const v = config[key];
  if (v === undefined || v === null) return fallback;
  if (!check(v)) throw new Error(`${who}: config.${key} has an unsupported value ${JSON.stringify(v)}`);
  return v as T;
}
const isNumber = (v: unknown): boolean => typeof v === 'number';
const isBool = (v: unknown): boolean => typeof v === 'boolean';
const isPair = (v: unknown): boolean => Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x));
const isPadding = (v: unknown): boolean => v === 'valid' || v === 'same';

/** Only channels-last data is supported (Keras' default data format). */
function checkChannelsLast(c: Readonly<Record<string, unknown>>, who: string): void {
  const format = c['data_format'];
  if (format !== undefined && format !== null && format !== 'channels_last') throw new Error(`${who}: data_format ${JSON.stringify(format)} is not supported (channels_last only)`);
}

/** A 1-D size written as an integer or a list of one (Keras writes `kernel_size: [3]`, tfjs-layers also `3`). */
function singleInt(c: Readonly<Record<string, unknown>>, key: string, fallback: number, who: string): number {
  const v = c[key];
  if (v === undefined || v === null) return fallback;
  const n: unknown = Array.isArray(v) && v.length === 1 ? v[0] : v;
  if (!Number.isInteger(n)) throw new Error(`${who}: config.${key} must be an integer or a list of one, got ${JSON.stringify(v)}`);
  return n as number;
}

/** `padding` in any case (Keras lower-cases it); `'causal'` only where `allowed` lists it. */
function paddingOf(c: Readonly<Record<string, unknown>>, allowed: readonly string[], who: string): string {
  const v = c['padding'] ?? 'valid';
  const p = typeof v === 'string' ? v.toLowerCase() : v;
  if (typeof p !== 'string' || !allowed.includes(p)) throw new Error(`${who}: config.padding must be ${allowed.map((a) => `'${a}'`).join(' or ')}, got ${JSON.stringify(v)}`);
  return p;
}

/** Only channels-last images without dilation are supported (Keras' defaults). */
function checkImageLayer(c: Readonly<Record<string, unknown>>, who: string): void {
  checkChannelsLast(c, who);
  const dilation = c['dilation_rate'];
  if (dilation !== undefined && dilation !== null && JSON.stringify(dilation) !== '[1,1]' && dilation !== 1) throw new Error(`${who}: dilation_rate ${JSON.stringify(dilation)} is not supported`);
}

function cellActivation(name: unknown, flavour: HardSigmoidFlavour, who: string): ActivationName {
  switch (name) {
    case 'tanh':
    case 'sigmoid':
    case 'relu':
    case 'linear':
      return name;
    case 'hard_sigmoid':
      return flavour === 'keras3' ? 'hardSigmoidKeras3' : 'hardSigmoidKeras2';
    default:
      throw new Error(`${who}: activation ${JSON.stringify(name)} is not supported in a recurrent cell`);
  }
}

/** A layer's `activation` (Dense, convolutions, Activation): any Keras activation name, `hard_sigmoid` read by the file's flavour. */
function denseActivation(name: unknown, flavour: HardSigmoidFlavour, who: string): DenseActivation {
  return layerActivationFromKeras(name, flavour, who);
}

function layerName(layer: KerasLayerJson): string {
  const name = layer.config['name'];
  return typeof name === 'string' ? name : '(unnamed)';
}

/** Keras' recurrent layer classes rnnkit reads; `CuDNNLSTM` / `CuDNNGRU` (Keras 2) are LSTM / GRU with cuDNN's weights. */
export const RECURRENT_CLASSES: readonly string[] = ['SimpleRNN', 'LSTM', 'GRU', 'CuDNNLSTM', 'CuDNNGRU'];

/**
 * A recurrent layer's config. Keras flags that change nothing but speed are ignored as Keras ignores
 * them for the result (`unroll`, `implementation`); `stateful` carries the state between batches as
 * Keras does; `time_major` changes what the layer computes from its input and is refused, as is
 * `return_state` inside a sequential model.
 */
function recurrentFromKeras(layer: KerasLayerJson, options: FromKerasOptions): RecurrentSpec {
  const { hardSigmoid: flavour, gruDefaultResetAfter } = options;
  const c = layer.config;
  const who = `layer '${layerName(layer)}' (${layer.class_name})`;
  if (c['return_state'] === true && options.returnState !== true) throw new Error(`${who}: return_state is not supported inside a sequential model`);
  if (c['time_major'] === true) throw new Error(`${who}: time_major inputs ([T, B, F]) are not supported; rnnkit's layers take batch-major [B, T, F]`);
  const units = field(c, 'units', 0, who, isNumber);
  const common = {
    units,
    returnSequences: field(c, 'return_sequences', false, who, isBool),
    goBackwards: field(c, 'go_backwards', false, who, isBool),
    dropout: field(c, 'dropout', 0, who, isNumber),
    recurrentDropout: field(c, 'recurrent_dropout', 0, who, isNumber),
    useBias: field(c, 'use_bias', true, who, isBool),
    activation: cellActivation(c['activation'] ?? 'tanh', flavour, who),
    ...(c['return_state'] === true && { returnState: true }),
    ...(c['stateful'] === true && { stateful: true }),
  };
  switch (layer.class_name) {
    case 'SimpleRNN':
      return simpleRnn(common);
    case 'LSTM':
      return lstm({ ...common, recurrentActivation: cellActivation(c['recurrent_activation'] ?? 'sigmoid', flavour, who) });
    case 'GRU':
      return gru({
        ...common,
        recurrentActivation: cellActivation(c['recurrent_activation'] ?? 'sigmoid', flavour, who),
        resetAfter: field(c, 'reset_after', gruDefaultResetAfter, who, isBool),
      });
    case 'CuDNNLSTM':
      return lstm({ ...common, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true });
    case 'CuDNNGRU':
      return gru({ ...common, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, resetAfter: true });
    default:
      throw new Error(`${who}: not a recurrent layer`);
  }
}

/** The config keys a Keras 3 `backward_layer` may differ in from the forward layer and still be its mirror. */
const MIRROR_KEYS_THAT_DIFFER = new Set(['name', 'go_backwards', 'seed', 'trainable']);

/**
 * Keras 3 writes `backward_layer` into every Bidirectional config: the wrapped layer again with
 * `go_backwards` flipped. rnnkit runs exactly that layer backwards; any other backward layer is refused.
 */
function checkMirroredBackwardLayer(forward: KerasLayerJson, backward: unknown, who: string): void {
  if (backward === undefined || backward === null) return;
  const b = backward as Partial<KerasLayerJson>;
  if (b.class_name !== forward.class_name || typeof b.config !== 'object' || b.config === null) {
    throw new Error(`${who}: backward_layer must be a ${forward.class_name} mirroring the forward layer, got ${JSON.stringify(b.class_name)}`);
  }
  if ((b.config['go_backwards'] ?? false) === (forward.config['go_backwards'] ?? false)) {
    throw new Error(`${who}: backward_layer must read the other way (go_backwards flipped); a backward layer in the same direction is not supported`);
  }
  const keys = new Set([...Object.keys(forward.config), ...Object.keys(b.config)]);
  for (const key of keys) {
    if (MIRROR_KEYS_THAT_DIFFER.has(key)) continue;
    if (JSON.stringify(forward.config[key]) !== JSON.stringify(b.config[key])) {
      throw new Error(`${who}: backward_layer differs from the forward layer in '${key}' (${JSON.stringify(forward.config[key])} vs ${JSON.stringify(b.config[key])}); only a mirrored backward layer is supported`);
    }
  }
}

/** A normalisation layer's `axis`: Keras writes -1, [-1] (Keras 3 once built) or [2] (tf.keras 2 once built). One axis only. */
function normalizationAxis(value: unknown, who: string): number {
  if (value === undefined || value === null) return -1;
  const axis = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (!Number.isInteger(axis)) throw new Error(`${who}: axis ${JSON.stringify(value)} is not supported (one axis, the last)`);
  return axis as number;
}

/** Options of {@link layerFromKeras}. */
export interface FromKerasOptions {
  readonly hardSigmoid: HardSigmoidFlavour;
  /** `reset_after` when a GRU config omits it (files from before Keras 2.1.3 and from tfjs-layers: false). */
  readonly gruDefaultResetAfter: boolean;
  /** Read `return_state` (a functional graph takes the states); refused otherwise, as a sequential model has nowhere to put them. */
  readonly returnState?: boolean;
}

/** One Keras layer config as an rnnkit spec (named as in the file). Throws naming the layer and its class when unsupported. */
export function layerFromKeras(layer: KerasLayerJson, options: FromKerasOptions): LayerSpec {
  const c = layer.config;
  const name = layerName(layer);
  const who = `layer '${name}' (${layer.class_name})`;
  const named = <S extends LayerSpec>(spec: S): S => ({ ...spec, name });
  switch (layer.class_name) {
    case 'Embedding':
      return named(embedding({ inputDim: field(c, 'input_dim', 0, who, isNumber), outputDim: field(c, 'output_dim', 0, who, isNumber), maskZero: field(c, 'mask_zero', false, who, isBool) }));
    case 'Dense':
      return named(dense({ units: field(c, 'units', 0, who, isNumber), activation: denseActivation(c['activation'], options.hardSigmoid, who), useBias: field(c, 'use_bias', true, who, isBool) }));
    case 'Dropout':
      return named(dropout(field(c, 'rate', 0, who, isNumber)));
    case 'Masking':
      return named(masking({ maskValue: field(c, 'mask_value', 0, who, isNumber) }));
    case 'TimeDistributed':
      return named(timeDistributed(layerFromKeras(c['layer'] as KerasLayerJson, options)));
    case 'Conv2D':
      checkImageLayer(c, who);
      return named(
        conv2d({
          filters: field(c, 'filters', 0, who, isNumber),
          kernelSize: field<[number, number]>(c, 'kernel_size', [0, 0], who, isPair),
          strides: field<[number, number]>(c, 'strides', [1, 1], who, isPair),
          padding: field<Padding>(c, 'padding', 'valid', who, isPadding),
          activation: denseActivation(c['activation'], options.hardSigmoid, who),
          useBias: field(c, 'use_bias', true, who, isBool),
        }),
      );
    case 'MaxPooling2D': {
      checkImageLayer(c, who);
      const poolSize = field<[number, number]>(c, 'pool_size', [2, 2], who, isPair);
      return named(maxPool2d({ poolSize, strides: field<[number, number]>(c, 'strides', poolSize, who, isPair), padding: field<Padding>(c, 'padding', 'valid', who, isPadding) }));
    }
    case 'Conv1D': {
      checkChannelsLast(c, who);
      const groups = c['groups'];
      if (groups !== undefined && groups !== null && groups !== 1) throw new Error(`${who}: groups ${JSON.stringify(groups)} is not supported (1 only)`);
      return named(
        conv1d({
          filters: field(c, 'filters', 0, who, isNumber),
          kernelSize: singleInt(c, 'kernel_size', 0, who),
          strides: singleInt(c, 'strides', 1, who),
          padding: paddingOf(c, ['valid', 'same', 'causal'], who) as Conv1dPadding,
          dilationRate: singleInt(c, 'dilation_rate', 1, who),
          activation: denseActivation(c['activation'], options.hardSigmoid, who),
          useBias: field(c, 'use_bias', true, who, isBool),
        }),
      );
    }
    case 'MaxPooling1D':
    case 'MaxPool1D':
    case 'AveragePooling1D':
    case 'AvgPool1D': {
      checkChannelsLast(c, who);
      const poolSize = singleInt(c, 'pool_size', 2, who);
      const pooling = { poolSize, strides: singleInt(c, 'strides', poolSize, who), padding: paddingOf(c, ['valid', 'same'], who) as Padding };
      return named(layer.class_name.startsWith('Max') ? maxPool1d(pooling) : averagePool1d(pooling));
    }
    case 'GlobalAveragePooling1D':
    case 'GlobalAvgPool1D':
    case 'GlobalMaxPooling1D':
    case 'GlobalMaxPool1D': {
      checkChannelsLast(c, who);
      const keepdims = field(c, 'keepdims', false, who, isBool);
      return named(layer.class_name.startsWith('GlobalMax') ? globalMaxPool1d({ keepdims }) : globalAveragePool1d({ keepdims }));
    }
    case 'Flatten':
      checkImageLayer(c, who);
      return named(flatten());
    case 'LayerNormalization':
      if (c['rms_scaling'] === true) throw new Error(`${who}: rms_scaling is not supported (a different normalisation, without beta; only rms_scaling false loads)`);
      return named(
        layerNormalization({ axis: normalizationAxis(c['axis'], who), epsilon: field(c, 'epsilon', 1e-3, who, isNumber), center: field(c, 'center', true, who, isBool), scale: field(c, 'scale', true, who, isBool) }),
      );
    case 'BatchNormalization':
      if (c['renorm'] === true) throw new Error(`${who}: renorm (batch renormalisation) is not supported`);
      if (c['virtual_batch_size'] !== undefined && c['virtual_batch_size'] !== null) throw new Error(`${who}: virtual_batch_size is not supported`);
      return named(
        batchNormalization({
          axis: normalizationAxis(c['axis'], who),
          momentum: field(c, 'momentum', 0.99, who, isNumber),
          epsilon: field(c, 'epsilon', 1e-3, who, isNumber),
          center: field(c, 'center', true, who, isBool),
          scale: field(c, 'scale', true, who, isBool),
        }),
      );
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
    case 'CuDNNLSTM':
    case 'CuDNNGRU':
      return named(recurrentFromKeras(layer, options));
    case 'Bidirectional': {
      const inner = c['layer'] as KerasLayerJson | undefined;
      if (inner === undefined || !RECURRENT_CLASSES.includes(inner.class_name)) {
        throw new Error(`${who}: wraps ${JSON.stringify(inner?.class_name)}, but only ${RECURRENT_CLASSES.join(', ')} are supported`);
      }
      const mode = c['merge_mode'];
      if (mode === null || mode === undefined || !['concat', 'sum', 'mul', 'ave'].includes(mode as string)) {
        throw new Error(`${who}: merge_mode ${JSON.stringify(mode)} is not supported in a sequential model (use concat, sum, mul or ave)`);
      }
      checkMirroredBackwardLayer(inner, c['backward_layer'], who);
      return named(bidirectional(recurrentFromKeras(inner, options), { mergeMode: mode as MergeMode }));
    }
    case 'Activation':
      return named(activation(denseActivation(c['activation'], options.hardSigmoid, who)));
    case 'RepeatVector':
      return named(repeatVector(field(c, 'n', 0, who, isNumber)));
    case 'Reshape': {
      const target = c['target_shape'];
      if (!Array.isArray(target)) throw new Error(`${who}: config.target_shape must be a list of sizes, got ${JSON.stringify(target)}`);
      // tfjs-layers writes the inferred size as null, Keras as -1
      return named(reshape(target.map((d: unknown) => (d === null ? -1 : d)) as number[]));
    }
    case 'Permute':
      return named(permute(field<number[]>(c, 'dims', [], who, Array.isArray)));
    case 'SpatialDropout1D':
      return named(spatialDropout1d(field(c, 'rate', 0, who, isNumber)));
    case 'GaussianNoise':
      return named(gaussianNoise(field(c, 'stddev', 0, who, isNumber)));
    case 'ZeroPadding1D':
      checkChannelsLast(c, who);
      return named(zeroPadding1d(field<number | [number, number]>(c, 'padding', 1, who, (v) => isNumber(v) || isPair(v))));
    case 'Cropping1D':
      return named(cropping1d(field<number | [number, number]>(c, 'cropping', [1, 1], who, (v) => isNumber(v) || isPair(v))));
    case 'UpSampling1D':
      return named(upSampling1d(field(c, 'size', 2, who, isNumber)));
    default:
      throw new Error(`${who}: unsupported layer class '${layer.class_name}' (supported: Embedding, SimpleRNN, LSTM, GRU, CuDNNLSTM, CuDNNGRU, Bidirectional, Dense, Dropout, Masking, TimeDistributed, Conv2D, MaxPooling2D, Flatten, Conv1D, MaxPooling1D, AveragePooling1D, GlobalAveragePooling1D, GlobalMaxPooling1D, LayerNormalization, BatchNormalization, Activation, RepeatVector, Reshape, Permute, SpatialDropout1D, GaussianNoise, ZeroPadding1D, Cropping1D, UpSampling1D, InputLayer)`);
  }
}

/** The input shape (without batch) a Keras layer or InputLayer config declares, if any. */
export function declaredInputShape(layer: KerasLayerJson): Shape | null {
  const c = layer.config;
  const batch = (c['batch_input_shape'] ?? c['batch_shape']) as (number | null)[] | undefined;
  if (Array.isArray(batch)) return batch.slice(1);
  const input = c['input_shape'] as (number | null)[] | undefined;
  if (Array.isArray(input)) return input;
  if (layer.class_name === 'Embedding' && typeof c['input_length'] === 'number') return [c['input_length']];
  // Keras 3 records the shape a layer was built for beside its config
  const built = (layer as { build_config?: { input_shape?: unknown } }).build_config?.input_shape;
  if (Array.isArray(built) && built.every((d) => d === null || typeof d === 'number')) return (built as (number | null)[]).slice(1);
  return null;
}

function activationToKeras(name: ActivationName, who: string): string {
  switch (name) {
    case 'hardSigmoidKeras2':
      return 'hard_sigmoid';
    case 'hardSigmoidKeras3':
      throw new Error(`${who}: Keras 3's hard sigmoid (x/6 + 1/2) has no tfjs-layers equivalent`);
    default:
      return name;
  }
}

/** The tfjs-layers config of one rnnkit spec (weights are written separately). */
export function layerToKeras(spec: LayerSpec, name: string): KerasLayerJson {
  const who = `layer '${name}'`;
  switch (spec.kind) {
    case 'embedding':
      return { class_name: 'Embedding', config: { name, trainable: true, input_dim: spec.inputDim, output_dim: spec.outputDim, mask_zero: spec.maskZero } };
    case 'dense':
      return { class_name: 'Dense', config: { name, trainable: true, units: spec.units, activation: layerActivationToKeras(spec.activation, who), use_bias: spec.useBias } };
    case 'dropout':
      return { class_name: 'Dropout', config: { name, trainable: true, rate: spec.rate } };
    case 'masking':
      return { class_name: 'Masking', config: { name, trainable: true, mask_value: spec.maskValue } };
    case 'timeDistributed':
      return { class_name: 'TimeDistributed', config: { name, trainable: true, layer: layerToKeras(spec.layer, spec.layer.name ?? `${name}_inner`) } };
    case 'rnn': {
      const cell = spec.cell;
      const config: Record<string, unknown> = {
        name,
        trainable: true,
        units: cell.units,
        activation: activationToKeras(cell.activation, who),
        use_bias: cell.useBias,
        return_sequences: spec.returnSequences,
        return_state: spec.returnState === true,
        go_backwards: spec.goBackwards,
        stateful: spec.stateful === true,
        unroll: false,
        dropout: spec.dropout,
        recurrent_dropout: spec.recurrentDropout,
      };
      if (cell.kind !== 'simpleRnn') config['recurrent_activation'] = activationToKeras(cell.recurrentActivation, who);
      if (cell.kind === 'lstm') config['unit_forget_bias'] = cell.unitForgetBias;
      if (cell.kind === 'gru') config['reset_after'] = cell.resetAfter;
      return { class_name: cell.kind === 'simpleRnn' ? 'SimpleRNN' : cell.kind === 'lstm' ? 'LSTM' : 'GRU', config };
    }
    case 'bidirectional':
      return { class_name: 'Bidirectional', config: { name, trainable: true, merge_mode: spec.mergeMode, layer: layerToKeras(spec.layer, `${name}_layer`) } };
    case 'conv2d':
      return {
        class_name: 'Conv2D',
        config: {
          name, trainable: true, filters: spec.filters, kernel_size: [...spec.kernelSize], strides: [...spec.strides], padding: spec.padding,
          data_format: 'channels_last', dilation_rate: [1, 1], activation: layerActivationToKeras(spec.activation, who), use_bias: spec.useBias,
        },
      };
    case 'maxPool2d':
      return { class_name: 'MaxPooling2D', config: { name, trainable: true, pool_size: [...spec.poolSize], strides: [...spec.strides], padding: spec.padding, data_format: 'channels_last' } };
    case 'flatten':
      return { class_name: 'Flatten', config: { name, trainable: true, data_format: 'channels_last' } };
    case 'conv1d':
      return {
        class_name: 'Conv1D',
        config: {
          name, trainable: true, filters: spec.filters, kernel_size: [spec.kernelSize], strides: [spec.strides], padding: spec.padding,
          data_format: 'channels_last', dilation_rate: [spec.dilationRate], activation: layerActivationToKeras(spec.activation, who), use_bias: spec.useBias,
        },
      };
    case 'maxPool1d':
    case 'averagePool1d':
      return {
        class_name: spec.kind === 'maxPool1d' ? 'MaxPooling1D' : 'AveragePooling1D',
        config: { name, trainable: true, pool_size: [spec.poolSize], strides: [spec.strides], padding: spec.padding, data_format: 'channels_last' },
      };
    case 'globalAveragePool1d':
    case 'globalMaxPool1d':
      // tfjs-layers ignores keepdims (it always drops the time axis); Keras reads it
      return { class_name: spec.kind === 'globalAveragePool1d' ? 'GlobalAveragePooling1D' : 'GlobalMaxPooling1D', config: { name, trainable: true, data_format: 'channels_last', keepdims: spec.keepdims } };
    case 'layerNormalization':
      return { class_name: 'LayerNormalization', config: { name, trainable: true, axis: spec.axis, epsilon: spec.epsilon, center: spec.center, scale: spec.scale } };
    case 'batchNormalization':
      return {
        class_name: 'BatchNormalization',
        config: { name, trainable: true, axis: spec.axis, momentum: spec.momentum, epsilon: spec.epsilon, center: spec.center, scale: spec.scale },
      };
    case 'activation':
      return { class_name: 'Activation', config: { name, trainable: true, activation: layerActivationToKeras(spec.activation, who) } };
    case 'repeatVector':
      return { class_name: 'RepeatVector', config: { name, trainable: true, n: spec.n } };
    case 'reshape':
      return { class_name: 'Reshape', config: { name, trainable: true, target_shape: [...spec.targetShape] } };
    case 'permute':
      return { class_name: 'Permute', config: { name, trainable: true, dims: [...spec.dims] } };
    case 'spatialDropout1d':
      return { class_name: 'SpatialDropout1D', config: { name, trainable: true, rate: spec.rate } };
    case 'gaussianNoise':
      return { class_name: 'GaussianNoise', config: { name, trainable: true, stddev: spec.stddev } };
    case 'zeroPadding1d':
      // no data_format: Keras 2's ZeroPadding1D does not take one, and channels last is Keras 3's default
      return { class_name: 'ZeroPadding1D', config: { name, trainable: true, padding: [...spec.padding] } };
    case 'cropping1d':
      return { class_name: 'Cropping1D', config: { name, trainable: true, cropping: [...spec.cropping] } };
    case 'upSampling1d':
      return { class_name: 'UpSampling1D', config: { name, trainable: true, size: spec.size } };
  }
}
