/**
 * N→M encoder–decoder (seq2seq): an encoder reads the source, its final state starts a decoder that
 * predicts the target one token at a time, trained with teacher forcing (the decoder reads the
 * true previous target token), with optional attention over the encoder outputs.
 *
 * Shapes: B batch, S source length, T target length, E embedding width, U encoder units,
 * H decoder units (U, or 2U with a bidirectional encoder), V target vocabulary.
 *   source [B, S] int32 (0 = padding) → encoder → memory m [B, S, H], state s_S
 *   decoder input y_in [B, T] int32 (start token, then the target shifted right) → logits [B, T, V]
 *   no attention:      h_t = cell(h_{t−1}, emb(y_in_t));                      logits_t = h_t·Wo + bo
 *   Luong dot/general: h_t as above; (c_t, α_t) = attend(h_t, m);  h̃_t = tanh([c_t; h_t]·Wc); logits_t = h̃_t·Wo + bo
 *   Bahdanau:          (c_t, α_t) = attend(h_{t−1}, m); h_t = cell(h_{t−1}, [emb(y_in_t); c_t]); logits_t = h_t·Wo + bo
 */
import { cast, clone, concat, embeddingLookup, glorotUniform, matMul, reshape, slice, stack, tanh, tidy } from '@rnnkit/tensor';
import type { Tensor, Variable } from '@rnnkit/tensor';
import { cellStep } from '@rnnkit/cells';
import type { CellConfig, CellState } from '@rnnkit/cells';
import type { Stepper, StepState } from '../decoding/stepper';
import { bidirectionalLayer, runBidirectional } from '../layers/bidirectional';
import type { BidirectionalSpec } from '../layers/bidirectional';
import { dense, denseLayer } from '../layers/dense';
import { embedding, embeddingLayer } from '../layers/embedding';
import { cellConfig, cellParams, gru, lstm, recurrentLayer, runRecurrent, simpleRnn } from '../layers/recurrent';
import type { RecurrentSpec } from '../layers/recurrent';
import type { ApplyOptions } from '../model';
import { createVariables } from '../params';
import type { WeightGroup, WeightSource } from '../params';
import { checkSeed, deriveSeed } from '../seeds';
import { formatSummary } from '../summary';
import { ATTENTION_KINDS, attend, attentionWeights, initAttention } from './attention';
import type { AttentionKind } from './attention';
import type { SaveableModel } from '../topology';
import type { TensorLike } from '../training/inputs';
import { withTraining } from '../training/with-training';

/** Which recurrent cell a ready-made model uses. */
export type CellKind = 'simpleRnn' | 'lstm' | 'gru';

/** The configuration of a {@link seq2seq} model. */
export interface Seq2seqConfig {
  readonly sourceVocab: number;
  readonly targetVocab: number;
  readonly embeddingDim: number;
  /** Encoder units U (decoder units are U, or 2U with a bidirectional encoder). */
  readonly units: number;
  readonly cell: CellKind;
  readonly attention: AttentionKind | 'none';
  readonly bidirectionalEncoder: boolean;
  /** Source length S of the packed input of `apply` ([B, S + T]). */
  readonly sourceLength: number;
}

/** A saved seq2seq model's description: its kind, name and configuration. */
export interface Seq2seqTopology {
  readonly kind: 'seq2seq';
  readonly name: string;
  readonly config: Seq2seqConfig;
}

/** Options of {@link seq2seq}: vocabularies, units and source length are required; the rest default (LSTM, no attention, one direction). */
export type Seq2seqOptions = Partial<Omit<Seq2seqConfig, 'sourceVocab' | 'targetVocab' | 'units' | 'sourceLength'>> &
  Pick<Seq2seqConfig, 'sourceVocab' | 'targetVocab' | 'units' | 'sourceLength'> & { readonly seed?: number; readonly name?: string };

export interface Seq2seq extends SaveableModel<TensorLike, Tensor> {
  readonly kind: 'seq2seq';
  readonly config: Seq2seqConfig;
  /** Teacher forcing: logits [B, T, V] and, with attention, the weights [B, T, S] (for plotting). */
  forward(source: Tensor, decoderInput: Tensor, options: ApplyOptions): { logits: Tensor; attention: Tensor | null };
  /** Runs the encoder; the result is the decoder's initial state for {@link Seq2seq.stepper} and the decoding functions. */
  encode(source: Tensor): StepState;
  /** One decoder step: token [N] → logits [N, V], next state, attention [N, S]. */
  readonly stepper: Stepper;
  /** The description saved with the weights. */
  topology(): Seq2seqTopology;
}

function recurrentOf(kind: CellKind, units: number, returnSequences: boolean): RecurrentSpec {
  const make = kind === 'lstm' ? lstm : kind === 'gru' ? gru : simpleRnn;
  return make({ units, returnSequences });
}

/** `[B, S + T]` → source `[B, S]`, decoder input `[B, T]` (int32). */
function unpack(x: Tensor, sourceLength: number): { source: Tensor; decoderInput: Tensor } {
  const [b, width] = x.shape as [number, number];
  if (x.rank !== 2 || width <= sourceLength) {
    throw new Error(`seq2seq: packed input must have shape [B, ${sourceLength} + T] (sourceLength ${sourceLength}), got [${x.shape.join(', ')}]`);
  }
  const ids = x.dtype === 'int32' ? x : cast(x, 'int32');
  return { source: slice(ids, [0, 0], [b, sourceLength]), decoderInput: slice(ids, [0, sourceLength], [b, width - sourceLength]) };
}

/**
 * Packs a source [B, S] and a decoder input [B, T] into the single [B, S + T] tensor `apply` takes
 * (what `fit`'s one-tensor `forward` passes through).
 */
export function packSeq2seqInput(source: Tensor, decoderInput: Tensor): Tensor {
  return tidy(() => concat([cast(source, 'int32'), cast(decoderInput, 'int32')], 1));
}

/**
 * An encoder–decoder. `apply(x)` takes `packSeq2seqInput(source, decoderInput)` and returns logits
 * [B, T, V] (train with sparse categorical cross-entropy from logits, masking target padding).
 *
 * @example
 * const model = seq2seq({ sourceVocab: 12, targetVocab: 12, units: 32, attention: 'dot', sourceLength: 8, seed: 1 });
 * const { logits, attention } = model.forward(source, decoderInput, { training: false });
 * const { tokens } = beamSearch(model.stepper, model.encode(source), { startToken: 1, endToken: 2, maxLength: 10, beamWidth: 4 });
 */
export function seq2seq(options: Seq2seqOptions): Seq2seq {
  const config: Seq2seqConfig = {
    sourceVocab: options.sourceVocab,
    targetVocab: options.targetVocab,
    embeddingDim: options.embeddingDim ?? options.units,
    units: options.units,
    cell: options.cell ?? 'lstm',
    attention: options.attention ?? 'none',
    bidirectionalEncoder: options.bidirectionalEncoder ?? false,
    sourceLength: options.sourceLength,
  };
  return buildSeq2seq({ kind: 'seq2seq', name: options.name ?? 'seq2seq', config }, { seed: options.seed ?? 0 });
}

export function buildSeq2seq(topology: Seq2seqTopology, source: WeightSource): Seq2seq {
  const config = topology.config;
  for (const key of ['sourceVocab', 'targetVocab', 'embeddingDim', 'units', 'sourceLength'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) throw new Error(`seq2seq: ${key} must be a positive integer, got ${String(config[key])}`);
  }
  if (!['simpleRnn', 'lstm', 'gru'].includes(config.cell)) throw new Error(`seq2seq: cell must be 'simpleRnn', 'lstm' or 'gru', got ${JSON.stringify(config.cell)}`);
  if (config.attention !== 'none' && !ATTENTION_KINDS.includes(config.attention)) {
    throw new Error(`seq2seq: attention must be 'none', 'dot', 'general' or 'bahdanau', got ${JSON.stringify(config.attention)}`);
  }
  if ('seed' in source) checkSeed(source.seed, 'seq2seq');
  const E = config.embeddingDim;
  const H = config.bidirectionalEncoder ? 2 * config.units : config.units;
  const attention = config.attention;
  const sourceEmbedding = embedding({ inputDim: config.sourceVocab, outputDim: E, maskZero: true });
  const targetEmbedding = embedding({ inputDim: config.targetVocab, outputDim: E });
  const encoderLayer = recurrentOf(config.cell, config.units, true);
  const encoderSpec: RecurrentSpec | BidirectionalSpec = config.bidirectionalEncoder
    ? { kind: 'bidirectional', layer: encoderLayer, mergeMode: 'concat' }
    : encoderLayer;
  const decoderSpec = recurrentOf(config.cell, H, true);
  const decoderInputSize = attention === 'bahdanau' ? E + H : E;
  const decoderConfig: CellConfig = cellConfig(decoderSpec, decoderInputSize);
  const output = dense({ units: config.targetVocab });
  const sequenceShape = (features: number) => [null, null, features] as const;

  const groups: WeightGroup[] = [
    { prefix: 'encoder_embedding', weights: embeddingLayer.weights(sourceEmbedding, [null, null]), init: (s) => embeddingLayer.init(sourceEmbedding, [null, null], s) },
    encoderSpec.kind === 'bidirectional'
      ? { prefix: 'encoder', weights: bidirectionalLayer.weights(encoderSpec, sequenceShape(E)), init: (s) => bidirectionalLayer.init(encoderSpec, sequenceShape(E), s) }
      : { prefix: 'encoder', weights: recurrentLayer.weights(encoderSpec, sequenceShape(E)), init: (s) => recurrentLayer.init(encoderSpec, sequenceShape(E), s) },
    { prefix: 'decoder_embedding', weights: embeddingLayer.weights(targetEmbedding, [null, null]), init: (s) => embeddingLayer.init(targetEmbedding, [null, null], s) },
    { prefix: 'decoder', weights: recurrentLayer.weights(decoderSpec, sequenceShape(decoderInputSize)), init: (s) => recurrentLayer.init(decoderSpec, sequenceShape(decoderInputSize), s) },
  ];
  if (attention !== 'none') {
    const luong = attention !== 'bahdanau';
    groups.push({
      prefix: 'attention',
      weights: [...attentionWeights(attention, H), ...(luong ? [{ name: 'wc', shape: [2 * H, H] }] : [])],
      init: (s) => ({ ...initAttention(attention, H, s), ...(luong ? { wc: glorotUniform([2 * H, H], deriveSeed(s, 99)) } : {}) }),
    });
  }
  groups.push({ prefix: 'output', weights: denseLayer.weights(output, [null, H]), init: (s) => denseLayer.init(output, [null, H], s) });

  const seed = 'seed' in source ? source.seed : 0;
  const params = createVariables(groups, source, (i) => deriveSeed(seed, 1, i), 'seq2seq');
  const of = (prefix: string): Record<string, Tensor> => {
    const out: Record<string, Tensor> = {};
    for (const [name, v] of Object.entries(params)) if (name.startsWith(`${prefix}/`)) out[name.slice(prefix.length + 1)] = v;
    return out;
  };
  const p = {
    sourceEmbedding: of('encoder_embedding'),
    encoder: of('encoder'),
    targetEmbedding: of('decoder_embedding'),
    decoder: of('decoder'),
    attention: of('attention'),
    output: of('output'),
  };
  const decoderCell = cellParams(p.decoder, '', decoderConfig.useBias, 'seq2seq decoder');
  let dropoutCalls = 0;

  const logitsOf = (features: Tensor): Tensor => denseLayer.apply(output, p.output, features, { training: false, mask: null, seed: 0 }).y;
  const luongFeatures = (h: Tensor, context: Tensor): Tensor => {
    const both = concat([context, h], -1);
    const [b, q] = both.shape as [number, number];
    return reshape(tanh(matMul(reshape(both, [b * q, 2 * H]), p.attention['wc']!)), [b, q, H]);
  };

  /** Encoder outputs [B, S, H], decoder initial state, source mask [B, S]. Call inside tidy. */
  const runEncoder = (src: Tensor, training: boolean, callSeed: number): { memory: Tensor; state: CellState; mask: Tensor } => {
    if (src.rank !== 2) throw new Error(`seq2seq: source must have shape [B, S], got [${src.shape.join(', ')}]`);
    const ids = src.dtype === 'int32' ? src : cast(src, 'int32');
    const embedded = embeddingLayer.apply(sourceEmbedding, p.sourceEmbedding, ids, { training, mask: null, seed: 0 });
    const mask = embedded.mask!;
    if (encoderSpec.kind === 'rnn') {
      const run = runRecurrent(encoderSpec, p.encoder, embedded.y, { training, mask, seed: callSeed });
      return { memory: run.outputs, state: run.state, mask };
    }
    const run = runBidirectional(encoderSpec, p.encoder, embedded.y, { training, mask, seed: callSeed });
    const f = run.forwardState;
    const b = run.backwardState;
    const h = concat([f.h, b.h], -1);
    const state: CellState = 'c' in f && 'c' in b ? { h, c: concat([f.c, b.c], -1) } : { h };
    return { memory: run.outputs, state, mask };
  };

  const forward = (src: Tensor, decoderInput: Tensor, options: ApplyOptions): { logits: Tensor; attention: Tensor | null } => {
    const callSeed = options.seed ?? (options.training ? deriveSeed(seed, 2, dropoutCalls++) : 0);
    const out = tidy(() => {
      const { memory, state, mask } = runEncoder(src, options.training, callSeed);
      if (decoderInput.rank !== 2 || decoderInput.shape[0] !== src.shape[0]) {
        throw new Error(`seq2seq: decoderInput must have shape [${src.shape[0]}, T], got [${decoderInput.shape.join(', ')}]`);
      }
      const targetIds = decoderInput.dtype === 'int32' ? decoderInput : cast(decoderInput, 'int32');
      const embedded = embeddingLayer.apply(targetEmbedding, p.targetEmbedding, targetIds, { training: options.training, mask: null, seed: 0 }).y;
      if (attention === 'bahdanau') {
        const [b, steps] = targetIds.shape as [number, number];
        let s = state;
        const hs: Tensor[] = [];
        const alphas: Tensor[] = [];
        for (let t = 0; t < steps; t++) {
          const { context, weights } = attend(attention, p.attention, reshape(s.h, [b, 1, H]), memory, mask);
          const x = concat([reshape(slice(embedded, [0, t, 0], [b, 1, E]), [b, E]), reshape(context, [b, H])], -1);
          s = cellStep(decoderConfig, decoderCell, s, x).state;
          hs.push(s.h);
          alphas.push(reshape(weights, [b, -1]));
        }
        return { logits: logitsOf(stack(hs, 1)), attention: stack(alphas, 1) };
      }
      const decoded = runRecurrent(decoderSpec, p.decoder, embedded, { training: options.training, initialState: state, seed: deriveSeed(callSeed, 1) }).outputs;
      if (attention === 'none') return { logits: logitsOf(decoded) };
      const { context, weights } = attend(attention, p.attention, decoded, memory, mask);
      return { logits: logitsOf(luongFeatures(decoded, context)), attention: weights };
    });
    return { logits: out.logits, attention: out.attention ?? null };
  };

  const encode = (src: Tensor): StepState =>
    tidy(() => {
      const { memory, state, mask } = runEncoder(src, false, 0);
      return 'c' in state ? { h: state.h, c: state.c, memory, mask } : { h: state.h, memory, mask };
    });

  const stepper: Stepper = {
    step: (state, tokens) => {
      const out = tidy(() => {
        const memory = state['memory']!;
        const mask = state['mask']!;
        const n = tokens.shape[0]!;
        const x = embeddingLookup(p.targetEmbedding['embeddings']!, tokens);
        const prev: CellState = state['c'] === undefined ? { h: state['h']! } : { h: state['h']!, c: state['c'] };
        let next: CellState;
        let features: Tensor;
        let weights: Tensor | null = null;
        if (attention === 'bahdanau') {
          const attended = attend(attention, p.attention, reshape(prev.h, [n, 1, H]), memory, mask);
          weights = attended.weights;
          next = cellStep(decoderConfig, decoderCell, prev, concat([x, reshape(attended.context, [n, H])], -1)).state;
          features = next.h;
        } else {
          next = cellStep(decoderConfig, decoderCell, prev, x).state;
          features = next.h;
          if (attention !== 'none') {
            const query = reshape(next.h, [n, 1, H]);
            const attended = attend(attention, p.attention, query, memory, mask);
            weights = attended.weights;
            features = reshape(luongFeatures(query, attended.context), [n, H]);
          }
        }
        const nextState: Record<string, Tensor> = { h: next.h, memory: clone(memory), mask: clone(mask) };
        if ('c' in next) nextState['c'] = next.c;
        const logits = logitsOf(features);
        return weights === null ? { logits, state: nextState } : { logits, state: nextState, attention: reshape(weights, [n, -1]) };
      });
      return out;
    },
  };

  return withTraining<Seq2seq>({
    kind: 'seq2seq',
    name: topology.name,
    config,
    params: params as Readonly<Record<string, Variable>>,
    forward,
    encode,
    stepper,
    apply: (x, options) =>
      tidy(() => {
        const { source: src, decoderInput } = unpack(x, config.sourceLength);
        const { logits, attention: weights } = forward(src, decoderInput, options);
        weights?.dispose();
        return logits;
      }),
    countParams: () => Object.values(params).reduce((a, v) => a + v.size, 0),
    summary: () =>
      formatSummary(
        topology.name,
        groups.map((g) => ({
          name: g.prefix,
          className: g.prefix === 'attention' ? `Attention(${attention})` : g.prefix.endsWith('embedding') ? 'Embedding' : g.prefix === 'output' ? 'Dense' : encoderSpec.kind === 'bidirectional' && g.prefix === 'encoder' ? 'Bidirectional' : recurrentLayer.className(decoderSpec),
          outputShape: g.prefix === 'output' ? [null, null, config.targetVocab] : g.prefix === 'encoder' ? [null, null, H] : g.prefix.endsWith('embedding') ? [null, null, E] : [null, null, H],
          params: g.weights.reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0),
        })),
      ),
    topology: () => topology,
    dispose: () => Object.values(params).forEach((v) => v.dispose()),
  });
}

