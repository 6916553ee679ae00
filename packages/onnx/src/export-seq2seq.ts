/**
 * `toOnnxEncoderDecoder`: an rnnkit seq2seq model as the two graphs people serve — an encoder run once per
 * source, and a one-step decoder run once per generated token with its state fed back — computing what
 * `model.encode` and `model.stepper.step` compute (packages/models/src/structures/seq2seq.ts).
 *
 * Shapes: B batch (dynamic), S source length (dynamic), E embedding width, H decoder units, V target vocabulary.
 *   encoder: source [B, S] int32 (0 = padding) → h [B, H] (and c [B, H] for an LSTM); with attention also
 *            memory [B, S, H] and mask [B, S] (float 0/1). A bidirectional encoder's h (c) is [forward; backward].
 *   decoder: token [B] int32, h, (c), (memory, mask) → logits [B, V], h_out, (c_out), (attention [B, S]).
 * The encoder's output names are the decoder's input names, so a serving loop feeds them straight in and
 * then feeds h_out (c_out) back as h (c) at every step.
 */
import type { Tensor } from '@rnnkit/tensor';
import { bidirectional, dense, embedding, gru, lstm, simpleRnn } from '@rnnkit/models';
import type { BuiltLayer, LayerSpec, RecurrentSpec, Seq2seq, Seq2seqConfig } from '@rnnkit/models';
import { emitAttend } from './export-attention';
import { emitLayer, emitRecurrentLayer } from './export-layers';
import { graphBuilder, valueInfo } from './graph-builder';
import type { GraphBuilder } from './graph-builder';
import { checkOpset, modelBytes } from './model-bytes';
import { DataType } from './onnx-schema';
import type { GraphMessage } from './onnx-schema';
import type { ToOnnxOptions } from './to-onnx';

/** The two ONNX models of an encoder–decoder. */
export interface EncoderDecoderOnnx {
  /** source → h, (c), (memory, mask) */
  readonly encoder: Uint8Array;
  /** token, h, (c), (memory, mask) → logits, h_out, (c_out), (attention) */
  readonly decoder: Uint8Array;
}

/** The recurrent layer spec seq2seq builds for a cell kind (the same constructor, so the same defaults). */
function recurrentSpec(cell: Seq2seqConfig['cell'], units: number, returnSequences: boolean): RecurrentSpec {
  const make = cell === 'lstm' ? lstm : cell === 'gru' ? gru : simpleRnn;
  return make({ units, returnSequences });
}

/** A layer placed under `name` with its weights read from the model's `name/…` parameters. */
function placed(model: Seq2seq, name: string, spec: LayerSpec, inputShape: BuiltLayer['inputShape'], outputShape: BuiltLayer['outputShape']): BuiltLayer {
  const weightNames = Object.keys(model.params).filter((n) => n.startsWith(`${name}/`));
  return { name, spec, inputShape, outputShape, weightNames };
}

function float(name: string, dims: readonly (number | string)[]): ReturnType<typeof valueInfo> {
  return valueInfo(name, DataType.FLOAT, dims);
}

function encoderGraph(model: Seq2seq, opset: number): GraphMessage {
  const config = model.config;
  const { units, embeddingDim: E } = config;
  const H = config.bidirectionalEncoder ? 2 * units : units;
  const isLstm = config.cell === 'lstm';
  const withAttention = config.attention !== 'none';
  const b = graphBuilder();
  const source = b.fresh('source');
  const names = { h: b.fresh('h'), c: isLstm ? b.fresh('c') : '', memory: withAttention ? b.fresh('memory') : '', mask: withAttention ? b.fresh('mask') : '' };
  const embedded = emitLayer(b, placed(model, 'encoder_embedding', embedding({ inputDim: config.sourceVocab, outputDim: E, maskZero: true }), [null, null], [null, null, E]), model.params, { y: source, mask: null }, opset);
  const layer = recurrentSpec(config.cell, units, true);
  const spec = config.bidirectionalEncoder ? bidirectional(layer) : layer;
  const run = emitRecurrentLayer(b, placed(model, 'encoder', spec, [null, null, E], [null, null, H]), model.params, embedded, []);
  // a bidirectional encoder hands the decoder [forward; backward] of each state
  const half = isLstm ? 2 : 1;
  const states = config.bidirectionalEncoder ? run.states.slice(0, half).map((f, k) => b.node('Concat', [f, run.states[half + k]!], { axis: { int: -1 } })[0]!) : run.states;
  b.nodeWithOutputs('Identity', [states[0]!], [names.h]);
  if (isLstm) b.nodeWithOutputs('Identity', [states[1]!], [names.c]);
  if (withAttention) {
    b.nodeWithOutputs('Identity', [run.y], [names.memory]);
    b.nodeWithOutputs('Identity', [embedded.mask!], [names.mask]);
  }
  const outputs = [float(names.h, ['batch', H]), ...(isLstm ? [float(names.c, ['batch', H])] : []), ...(withAttention ? [float(names.memory, ['batch', 'source_time', H]), float(names.mask, ['batch', 'source_time'])] : [])];
  return b.graph(`${model.name}_encoder`, [valueInfo(source, DataType.INT32, ['batch', 'source_time'])], outputs);
}

/** Luong's attentional features tanh([c_t; h_t]·Wc), on [N, 1, H] query and context. */
function luongFeatures(b: GraphBuilder, params: Readonly<Record<string, Tensor>>, query: string, context: string): string {
  const wc = params['attention/wc'];
  if (wc === undefined) throw new Error("toOnnxEncoderDecoder: attention weight 'attention/wc' is missing");
  const w = b.once('attention/wc', () => b.floats('attention/wc', wc.shape, wc.dataSync() as Float32Array));
  return b.node('Tanh', [b.node('MatMul', [b.node('Concat', [context, query], { axis: { int: -1 } })[0]!, w])[0]!])[0]!;
}

function decoderGraph(model: Seq2seq, opset: number): GraphMessage {
  const config = model.config;
  const E = config.embeddingDim;
  const H = config.bidirectionalEncoder ? 2 * config.units : config.units;
  const V = config.targetVocab;
  const isLstm = config.cell === 'lstm';
  const attention = config.attention;
  const b = graphBuilder();
  const token = b.fresh('token');
  const h = b.fresh('h');
  const c = isLstm ? b.fresh('c') : '';
  const memory = attention !== 'none' ? b.fresh('memory') : '';
  const mask = attention !== 'none' ? b.fresh('mask') : '';
  const out = { logits: b.fresh('logits'), h: b.fresh('h_out'), c: isLstm ? b.fresh('c_out') : '', attention: attention !== 'none' ? b.fresh('attention') : '' };
  const unsqueeze = (x: string, axis: number): string => b.node('Unsqueeze', [x, b.int64s('axes', [1], [axis])])[0]!;
  const squeeze = (x: string, axis: number): string => b.node('Squeeze', [x, b.int64s('axes', [1], [axis])])[0]!;

  const x = emitLayer(b, placed(model, 'decoder_embedding', embedding({ inputDim: V, outputDim: E }), [null], [null, E]), model.params, { y: token, mask: null }, opset).y; // [N, E]
  let cellInput = x;
  let weights: string | null = null;
  if (attention === 'bahdanau') {
    const attended = emitAttend(b, attention, model.params, unsqueeze(h, 1), memory, mask);
    weights = attended.weights;
    cellInput = b.node('Concat', [x, squeeze(attended.context, 1)], { axis: { int: -1 } })[0]!;
  }
  const inputSize = attention === 'bahdanau' ? E + H : E;
  // one step: the decoder layer on [N, 1, I] from the given state, returning its final state
  const step = emitRecurrentLayer(b, placed(model, 'decoder', recurrentSpec(config.cell, H, false), [null, 1, inputSize], [null, H]), model.params, { y: unsqueeze(cellInput, 1), mask: null }, isLstm ? [h, c] : [h]);
  let features = step.states[0]!;
  if (attention === 'dot' || attention === 'general') {
    const query = unsqueeze(features, 1);
    const attended = emitAttend(b, attention, model.params, query, memory, mask);
    weights = attended.weights;
    features = squeeze(luongFeatures(b, model.params, query, attended.context), 1);
  }
  const logits = emitLayer(b, placed(model, 'output', dense({ units: V }), [null, H], [null, V]), model.params, { y: features, mask: null }, opset).y;
  b.nodeWithOutputs('Identity', [logits], [out.logits]);
  b.nodeWithOutputs('Identity', [step.states[0]!], [out.h]);
  if (isLstm) b.nodeWithOutputs('Identity', [step.states[1]!], [out.c]);
  if (weights !== null) b.nodeWithOutputs('Identity', [squeeze(weights, 1)], [out.attention]);

  const inputs = [
    valueInfo(token, DataType.INT32, ['batch']),
    float(h, ['batch', H]),
    ...(isLstm ? [float(c, ['batch', H])] : []),
    ...(attention !== 'none' ? [float(memory, ['batch', 'source_time', H]), float(mask, ['batch', 'source_time'])] : []),
  ];
  const outputs = [
    float(out.logits, ['batch', V]),
    float(out.h, ['batch', H]),
    ...(isLstm ? [float(out.c, ['batch', H])] : []),
    ...(attention !== 'none' ? [float(out.attention, ['batch', 'source_time'])] : []),
  ];
  return b.graph(`${model.name}_decoder_step`, inputs, outputs);
}

/**
 * Exports a seq2seq model as an encoder graph and a one-step decoder graph (ModelProto bytes each).
 * The weights are copied; no tensors are created.
 *
 * @example
 * const { encoder, decoder } = toOnnxEncoderDecoder(model);
 * const enc = await ort.InferenceSession.create(encoder), dec = await ort.InferenceSession.create(decoder);
 * let state = await enc.run({ source });                       // { h, c } (and memory, mask with attention)
 * const step = await dec.run({ ...state, token });              // { logits, h_out, c_out }; feed h_out, c_out back as h, c
 */
export function toOnnxEncoderDecoder(model: Seq2seq, options: ToOnnxOptions = {}): EncoderDecoderOnnx {
  if ((model as { kind?: unknown } | null)?.kind !== 'seq2seq') {
    throw new Error(`toOnnxEncoderDecoder: model must be a seq2seq model, got ${JSON.stringify((model as { kind?: unknown } | null)?.kind)} (sequential and functional models export with toOnnx)`);
  }
  const opset = checkOpset(options.opset, 'toOnnxEncoderDecoder');
  return { encoder: modelBytes(encoderGraph(model, opset), opset), decoder: modelBytes(decoderGraph(model, opset), opset) };
}
