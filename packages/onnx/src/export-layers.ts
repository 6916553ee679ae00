/**
 * One exporter per rnnkit layer kind: writes the layer's computation into the ONNX graph and hands on its
 * output and mask, exactly as the layer's `apply` does in inference (dropout and noise are identities).
 *
 * Shapes: B batch, T time, F features; x is the layer's input value, mask a float [B, T] of 0/1 or null.
 */
import type { Tensor } from '@rnnkit/tensor';
import type { BuiltLayer } from '@rnnkit/models';
import { emitDenseActivation } from './activations';
import type { GraphBuilder } from './graph-builder';
import { emitBidirectional, emitRecurrent } from './export-recurrent';
import type { Emitted, RecurrentEmitted } from './export-recurrent';
import { emitConv1d, emitGlobalPool1d, emitPool1d } from './export-conv-pool';
import { emitShapeLayer } from './export-shape-layers';
import { emitTimeDistributed } from './export-time-distributed';
import { DataType } from './onnx-schema';
import { reduce } from './reduce';

function weightOf(params: Readonly<Record<string, Tensor>>, layer: BuiltLayer, local: string): Tensor {
  const t = params[`${layer.name}/${local}`];
  if (t === undefined) throw new Error(`toOnnx: layer '${layer.name}': weight '${local}' is missing`);
  return t;
}

function initializerOf(b: GraphBuilder, params: Readonly<Record<string, Tensor>>, layer: BuiltLayer, local: string): string {
  const t = weightOf(params, layer, local);
  return b.once(`${layer.name}/${local}`, () => b.floats(`${layer.name}/${local}`, t.shape, t.dataSync() as Float32Array));
}

function lastSize(layer: BuiltLayer): number {
  const f = layer.inputShape.at(-1);
  if (typeof f !== 'number') throw new Error(`toOnnx: layer '${layer.name}': the feature size of its input must be known, got ${JSON.stringify(layer.inputShape)}`);
  return f;
}

/** `(x − μ)·γ/√(σ² + ε) + β` with per-feature constants folded into one scale and one shift (float64, then float32). */
function emitAffineNormalize(b: GraphBuilder, layer: BuiltLayer, x: string, scale: Float64Array, shift: Float64Array): string {
  const size = scale.length;
  const scaled = b.node('Mul', [x, b.floats(`${layer.name}/scale`, [size], Float32Array.from(scale))])[0]!;
  return b.node('Add', [scaled, b.floats(`${layer.name}/shift`, [size], Float32Array.from(shift))])[0]!;
}

function emitBatchNormalization(b: GraphBuilder, layer: BuiltLayer, params: Readonly<Record<string, Tensor>>, x: string): string {
  if (layer.spec.kind !== 'batchNormalization') throw new Error('unreachable');
  const spec = layer.spec;
  const size = lastSize(layer);
  const read = (local: string, fallback: number): Float32Array => (params[`${layer.name}/${local}`]?.dataSync() as Float32Array | undefined) ?? new Float32Array(size).fill(fallback);
  const gamma = spec.scale ? read('gamma', 1) : new Float32Array(size).fill(1);
  const beta = spec.center ? read('beta', 0) : new Float32Array(size);
  const mean = read('moving_mean', 0);
  const variance = read('moving_variance', 1);
  // rnnkit evaluates (x − μ)/√(σ² + ε)·γ + β in float32; folding it in float64 differs by rounding only
  const scale = Float64Array.from(gamma, (g, i) => g / Math.sqrt(variance[i]! + spec.epsilon));
  const shift = Float64Array.from(beta, (bt, i) => bt - mean[i]! * scale[i]!);
  return emitAffineNormalize(b, layer, x, scale, shift);
}

function emitLayerNormalization(b: GraphBuilder, layer: BuiltLayer, params: Readonly<Record<string, Tensor>>, x: string, opset: number): string {
  if (layer.spec.kind !== 'layerNormalization') throw new Error('unreachable');
  const spec = layer.spec;
  const mean = reduce(b, 'ReduceMean', x, [-1], true, opset);
  const centred = b.node('Sub', [x, mean])[0]!;
  const variance = reduce(b, 'ReduceMean', b.node('Mul', [centred, centred])[0]!, [-1], true, opset);
  const std = b.node('Sqrt', [b.node('Add', [variance, b.floats('epsilon', [], [spec.epsilon])])[0]!])[0]!;
  let y = b.node('Div', [centred, std])[0]!;
  if (spec.scale) y = b.node('Mul', [y, initializerOf(b, params, layer, 'gamma')])[0]!;
  if (spec.center) y = b.node('Add', [y, initializerOf(b, params, layer, 'beta')])[0]!;
  return y;
}

/** Writes `layer` into the graph. Throws, naming the layer, for a kind or option that has no export. */
export function emitLayer(b: GraphBuilder, layer: BuiltLayer, params: Readonly<Record<string, Tensor>>, input: Emitted, opset: number): Emitted {
  const { y: x, mask } = input;
  const spec = layer.spec;
  switch (spec.kind) {
    case 'embedding': {
      const ids = b.node('Cast', [x], { to: { int: DataType.INT64 } })[0]!;
      const y = b.node('Gather', [initializerOf(b, params, layer, 'embeddings'), ids], { axis: { int: 0 } })[0]!;
      if (!spec.maskZero) return { y, mask: null };
      const real = b.node('Not', [b.node('Equal', [ids, b.int64s('zero_id', [], [0])])[0]!])[0]!;
      return { y, mask: b.node('Cast', [real], { to: { int: DataType.FLOAT } })[0]! };
    }
    case 'dense': {
      const kernel = initializerOf(b, params, layer, 'kernel');
      const bias = spec.useBias ? [initializerOf(b, params, layer, 'bias')] : [];
      const linear =
        layer.inputShape.length === 2
          ? b.node('Gemm', [x, kernel, ...bias])[0]!
          : bias.length === 0
            ? b.node('MatMul', [x, kernel])[0]!
            : b.node('Add', [b.node('MatMul', [x, kernel])[0]!, bias[0]!])[0]!;
      return { y: emitDenseActivation(b, spec.activation, linear, layer.name), mask };
    }
    case 'activation':
      return { y: emitDenseActivation(b, spec.activation, x, layer.name), mask };
    case 'dropout':
    case 'spatialDropout1d':
    case 'gaussianNoise':
      return { y: x, mask };
    case 'masking': {
      const differs = b.node('Cast', [b.node('Not', [b.node('Equal', [x, b.floats(`${layer.name}/mask_value`, [], [spec.maskValue])])[0]!])[0]!], { to: { int: DataType.FLOAT } })[0]!;
      const count = b.node('ReduceSum', [differs, b.int64s('axes', [1], [-1])], { keepdims: { int: 0 } })[0]!;
      const real = b.node('Cast', [b.node('Greater', [count, b.floats('zero_float', [], [0])])[0]!], { to: { int: DataType.FLOAT } })[0]!;
      return { y: b.node('Mul', [x, b.node('Unsqueeze', [real, b.int64s('axes', [1], [-1])])[0]!])[0]!, mask: real };
    }
    case 'rnn':
    case 'bidirectional':
      return emitRecurrentLayer(b, layer, params, input, []);
    case 'reshape':
    case 'permute':
    case 'zeroPadding1d':
    case 'cropping1d':
    case 'upSampling1d':
    case 'repeatVector':
    case 'flatten':
      return { y: emitShapeLayer(b, spec, x), mask: null };
    case 'conv1d':
      return { y: emitConv1d(b, spec, { kernel: weightOf(params, layer, 'kernel'), bias: spec.useBias ? weightOf(params, layer, 'bias') : undefined }, x, layer.name), mask: null };
    case 'maxPool1d':
    case 'averagePool1d':
      return { y: emitPool1d(b, spec, x), mask: null };
    case 'globalAveragePool1d':
    case 'globalMaxPool1d':
      return { y: emitGlobalPool1d(b, spec, x, mask, opset), mask: null };
    case 'timeDistributed':
      return emitTimeDistributed(b, layer, spec, input, (inner, value) => emitLayer(b, inner, params, value, opset));
    case 'layerNormalization':
      return { y: emitLayerNormalization(b, layer, params, x, opset), mask };
    case 'batchNormalization':
      return { y: emitBatchNormalization(b, layer, params, x), mask };
    default:
      throw new Error(`toOnnx: layer '${layer.name}' (${spec.kind}) has no ONNX export yet`);
  }
}

/**
 * A recurrent or Bidirectional layer with its initial state (`initial`: [h] or [h, c] per direction,
 * empty for zeros), handing on its final state too (a functional model's `returnState`).
 */
export function emitRecurrentLayer(b: GraphBuilder, layer: BuiltLayer, params: Readonly<Record<string, Tensor>>, input: Emitted, initial: readonly string[]): RecurrentEmitted {
  const spec = layer.spec;
  // Keras' stateful flag, read without its type: the state it carries between batches has no place in a graph
  const inner = spec.kind === 'bidirectional' ? spec.layer : spec;
  if ((inner as { readonly stateful?: unknown }).stateful === true) {
    throw new Error(`toOnnx: layer '${layer.name}' is stateful, and an ONNX graph carries no state from one run to the next; export it with stateful off and pass the state in and out (a functional model's initialState and returnState)`);
  }
  if (spec.kind === 'rnn') return emitRecurrent(b, spec, prefixed(params, layer), input.y, input.mask, lastSize(layer), layer.name, '', initial);
  if (spec.kind === 'bidirectional') return emitBidirectional(b, spec, prefixed(params, layer), input.y, input.mask, lastSize(layer), layer.name, initial);
  throw new Error(`toOnnx: layer '${layer.name}' (${spec.kind}) is not a recurrent layer; only recurrent layers take an initial state or return one`);
}

/** The layer's weights by local name (`wxh`, `forward/wxh`). */
function prefixed(params: Readonly<Record<string, Tensor>>, layer: BuiltLayer): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const full of layer.weightNames) out[full.slice(layer.name.length + 1)] = params[full]!;
  return out;
}
