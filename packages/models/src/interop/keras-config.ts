/**
 * Reading Keras layer configurations (the `modelTopology` of tfjs-layers and of the Keras→tfjs
 * converter) into rnnkit layer specs, and writing rnnkit specs back as tfjs-layers configurations.
 */
import type { ActivationName } from '@rnnkit/cells';
import type { DenseActivation } from '../activations';
import { DENSE_ACTIVATIONS } from '../activations';
import { bidirectional } from '../layers/bidirectional';
import { conv2d } from '../layers/conv2d';
import type { Padding } from '../layers/conv2d';
import type { MergeMode } from '../layers/bidirectional';
import { dense } from '../layers/dense';
import { dropout } from '../layers/dropout';
import { embedding } from '../layers/embedding';
import { flatten } from '../layers/flatten';
import { masking } from '../layers/masking';
import { maxPool2d } from '../layers/max-pool2d';
import { gru, lstm, simpleRnn } from '../layers/recurrent';
import type { RecurrentSpec } from '../layers/recurrent';
import type { LayerSpec } from '../layers/registry';
import { timeDistributed } from '../layers/time-distributed';
import type { Shape } from '../shape';

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

/** Only channels-last images without dilation are supported (Keras' defaults). */
function checkImageLayer(c: Readonly<Record<string, unknown>>, who: string): void {
  const format = c['data_format'];
  if (format !== undefined && format !== null && format !== 'channels_last') throw new Error(`${who}: data_format ${JSON.stringify(format)} is not supported (channels_last only)`);
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

function denseActivation(name: unknown, who: string): DenseActivation {
  const n = name ?? 'linear';
  if (!DENSE_ACTIVATIONS.includes(n as DenseActivation)) throw new Error(`${who}: activation ${JSON.stringify(n)} is not supported by dense`);
  return n as DenseActivation;
}

function layerName(layer: KerasLayerJson): string {
  const name = layer.config['name'];
  return typeof name === 'string' ? name : '(unnamed)';
}

function recurrentFromKeras(layer: KerasLayerJson, flavour: HardSigmoidFlavour, gruDefaultResetAfter: boolean): RecurrentSpec {
  const c = layer.config;
  const who = `layer '${layerName(layer)}' (${layer.class_name})`;
  if (c['stateful'] === true) throw new Error(`${who}: stateful layers are not supported (rnnkit passes state explicitly)`);
  if (c['return_state'] === true) throw new Error(`${who}: return_state is not supported inside a sequential model`);
  const units = field(c, 'units', 0, who, isNumber);
  const common = {
    units,
    returnSequences: field(c, 'return_sequences', false, who, isBool),
    goBackwards: field(c, 'go_backwards', false, who, isBool),
    dropout: field(c, 'dropout', 0, who, isNumber),
    recurrentDropout: field(c, 'recurrent_dropout', 0, who, isNumber),
    useBias: field(c, 'use_bias', true, who, isBool),
    activation: cellActivation(c['activation'] ?? 'tanh', flavour, who),
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
    default:
      throw new Error(`${who}: not a recurrent layer`);
  }
}

/** Options of {@link layerFromKeras}. */
export interface FromKerasOptions {
  readonly hardSigmoid: HardSigmoidFlavour;
  /** `reset_after` when a GRU config omits it (Keras 2 and 3: true; old files: false). */
  readonly gruDefaultResetAfter: boolean;
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
      return named(dense({ units: field(c, 'units', 0, who, isNumber), activation: denseActivation(c['activation'], who), useBias: field(c, 'use_bias', true, who, isBool) }));
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
          activation: denseActivation(c['activation'], who),
          useBias: field(c, 'use_bias', true, who, isBool),
        }),
      );
    case 'MaxPooling2D': {
      checkImageLayer(c, who);
      const poolSize = field<[number, number]>(c, 'pool_size', [2, 2], who, isPair);
      return named(maxPool2d({ poolSize, strides: field<[number, number]>(c, 'strides', poolSize, who, isPair), padding: field<Padding>(c, 'padding', 'valid', who, isPadding) }));
    }
    case 'Flatten':
      checkImageLayer(c, who);
      return named(flatten());
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU':
      return named(recurrentFromKeras(layer, options.hardSigmoid, options.gruDefaultResetAfter));
    case 'Bidirectional': {
      const inner = c['layer'] as KerasLayerJson | undefined;
      if (inner === undefined || !['SimpleRNN', 'LSTM', 'GRU'].includes(inner.class_name)) {
        throw new Error(`${who}: wraps ${JSON.stringify(inner?.class_name)}, but only SimpleRNN, LSTM and GRU are supported`);
      }
      const mode = c['merge_mode'];
      if (mode === null || mode === undefined || !['concat', 'sum', 'mul', 'ave'].includes(mode as string)) {
        throw new Error(`${who}: merge_mode ${JSON.stringify(mode)} is not supported in a sequential model (use concat, sum, mul or ave)`);
      }
      if (c['backward_layer'] !== undefined && c['backward_layer'] !== null) {
        throw new Error(`${who}: a custom backward_layer is not supported`);
      }
      return named(bidirectional(recurrentFromKeras(inner, options.hardSigmoid, options.gruDefaultResetAfter), { mergeMode: mode as MergeMode }));
    }
    default:
      throw new Error(`${who}: unsupported layer class '${layer.class_name}' (supported: Embedding, SimpleRNN, LSTM, GRU, Bidirectional, Dense, Dropout, Masking, TimeDistributed, Conv2D, MaxPooling2D, Flatten, InputLayer)`);
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
      return { class_name: 'Dense', config: { name, trainable: true, units: spec.units, activation: spec.activation, use_bias: spec.useBias } };
    case 'dropout':
      return { class_name: 'Dropout', config: { name, trainable: true, rate: spec.rate } };
    case 'masking':
      return { class_name: 'Masking', config: { name, trainable: true, mask_value: spec.maskValue } };
    case 'timeDistributed':
      return { class_name: 'TimeDistributed', config: { name, trainable: true, layer: layerToKeras(spec.layer, `${name}_inner`) } };
    case 'rnn': {
      const cell = spec.cell;
      const config: Record<string, unknown> = {
        name,
        trainable: true,
        units: cell.units,
        activation: activationToKeras(cell.activation, who),
        use_bias: cell.useBias,
        return_sequences: spec.returnSequences,
        return_state: false,
        go_backwards: spec.goBackwards,
        stateful: false,
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
          data_format: 'channels_last', dilation_rate: [1, 1], activation: spec.activation, use_bias: spec.useBias,
        },
      };
    case 'maxPool2d':
      return { class_name: 'MaxPooling2D', config: { name, trainable: true, pool_size: [...spec.poolSize], strides: [...spec.strides], padding: spec.padding, data_format: 'channels_last' } };
    case 'flatten':
      return { class_name: 'Flatten', config: { name, trainable: true, data_format: 'channels_last' } };
  }
}
