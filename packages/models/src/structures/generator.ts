/**
 * 1→N generator: one input vector (a class one-hot, a seed embedding, an image feature…) sets the
 * initial state, then a recurrent decoder generates a token sequence.
 *
 * Shapes: B batch, K condition size, T length, E embedding width, H units, V vocabulary.
 *   h_0 = tanh(z·Wz + bz)   (z [B, K]; an LSTM starts with c_0 = 0)
 *   h_t = cell(h_{t−1}, emb(y_{t−1}));  logits_t = h_t·Wo + bo      → logits [B, T, V]
 * `apply(x)` takes the packed [B, K + T] float32 input `packGeneratorInput(z, tokens)`.
 */
import { cast, concat, embeddingLookup, reshape, slice, tidy, zerosTensor } from '@rnnkit/tensor';
import type { Tensor, Variable } from '@rnnkit/tensor';
import { cellStep } from '@rnnkit/cells';
import type { CellState } from '@rnnkit/cells';
import type { StepState, Stepper } from '../decoding/stepper';
import { dense, denseLayer } from '../layers/dense';
import { embedding, embeddingLayer } from '../layers/embedding';
import { cellConfig, cellParams, gru, lstm, recurrentLayer, runRecurrent, simpleRnn } from '../layers/recurrent';
import type { ApplyOptions } from '../model';
import { createVariables } from '../params';
import type { WeightGroup, WeightSource } from '../params';
import { checkSeed, deriveSeed } from '../seeds';
import { formatSummary } from '../summary';
import type { SaveableModel } from '../topology';
import type { TensorLike } from '../training/inputs';
import { withTraining } from '../training/with-training';
import type { CellKind } from './seq2seq';

/** The configuration of a {@link conditionalGenerator}. */
export interface GeneratorConfig {
  readonly conditionSize: number;
  readonly vocabSize: number;
  readonly embeddingDim: number;
  readonly units: number;
  readonly cell: CellKind;
}

/** A saved generator's description: its kind, name and configuration. */
export interface GeneratorTopology {
  readonly kind: 'generator';
  readonly name: string;
  readonly config: GeneratorConfig;
}

export interface Generator extends SaveableModel<TensorLike, Tensor> {
  readonly kind: 'generator';
  readonly config: GeneratorConfig;
  /** Teacher forcing: condition [B, K], input tokens [B, T] → logits [B, T, V]. */
  forward(condition: Tensor, tokens: Tensor, options: ApplyOptions): Tensor;
  /** The state the condition sets, for decoding and streaming. */
  initialState(condition: Tensor): StepState;
  readonly stepper: Stepper;
  /** The description saved with the weights. */
  topology(): GeneratorTopology;
}

/** Packs condition [B, K] and input tokens [B, T] into the [B, K + T] float32 tensor `apply` takes. */
export function packGeneratorInput(condition: Tensor, tokens: Tensor): Tensor {
  return tidy(() => concat([cast(condition, 'float32'), cast(tokens, 'float32')], 1));
}

/**
 * A conditional sequence generator.
 *
 * @example
 * const g = conditionalGenerator({ conditionSize: 4, vocabSize: 20, units: 32, seed: 1 });
 * const { tokens } = sampleDecode(g.stepper, g.initialState(oneHot), { startToken: 1, endToken: 2, maxLength: 30, topK: 5, seed: 7 });
 */
export function conditionalGenerator(
  options: Partial<GeneratorConfig> & Pick<GeneratorConfig, 'conditionSize' | 'vocabSize' | 'units'> & { readonly seed?: number; readonly name?: string },
): Generator {
  const config: GeneratorConfig = {
    conditionSize: options.conditionSize,
    vocabSize: options.vocabSize,
    embeddingDim: options.embeddingDim ?? options.units,
    units: options.units,
    cell: options.cell ?? 'lstm',
  };
  return buildGenerator({ kind: 'generator', name: options.name ?? 'generator', config }, { seed: options.seed ?? 0 });
}

export function buildGenerator(topology: GeneratorTopology, source: WeightSource): Generator {
  const config = topology.config;
  for (const key of ['conditionSize', 'vocabSize', 'embeddingDim', 'units'] as const) {
    if (!Number.isInteger(config[key]) || config[key] < 1) throw new Error(`conditionalGenerator: ${key} must be a positive integer, got ${String(config[key])}`);
  }
  if ('seed' in source) checkSeed(source.seed, 'conditionalGenerator');
  const { conditionSize: K, embeddingDim: E, units: H, vocabSize: V } = config;
  const make = config.cell === 'gru' ? gru : config.cell === 'simpleRnn' ? simpleRnn : lstm;
  const rnn = make({ units: H, returnSequences: true });
  const cell = cellConfig(rnn, E);
  const bridge = dense({ units: H, activation: 'tanh' });
  const tokensEmbedding = embedding({ inputDim: V, outputDim: E });
  const output = dense({ units: V });
  const seq = [null, null, E] as const;
  const groups: WeightGroup[] = [
    { prefix: 'condition', weights: denseLayer.weights(bridge, [null, K]), init: (s) => denseLayer.init(bridge, [null, K], s) },
    { prefix: 'embedding', weights: embeddingLayer.weights(tokensEmbedding, [null, null]), init: (s) => embeddingLayer.init(tokensEmbedding, [null, null], s) },
    { prefix: 'decoder', weights: recurrentLayer.weights(rnn, seq), init: (s) => recurrentLayer.init(rnn, seq, s) },
    { prefix: 'output', weights: denseLayer.weights(output, [null, H]), init: (s) => denseLayer.init(output, [null, H], s) },
  ];
  const seed = 'seed' in source ? source.seed : 0;
  const params = createVariables(groups, source, (i) => deriveSeed(seed, 1, i), 'conditionalGenerator');
  const of = (prefix: string): Record<string, Tensor> => {
    const out: Record<string, Tensor> = {};
    for (const [name, v] of Object.entries(params)) if (name.startsWith(`${prefix}/`)) out[name.slice(prefix.length + 1)] = v;
    return out;
  };
  const p = { condition: of('condition'), embedding: of('embedding'), decoder: of('decoder'), output: of('output') };
  const inference = { training: false, mask: null, seed: 0 };
  let dropoutCalls = 0;

  const startState = (condition: Tensor): CellState => {
    if (condition.rank !== 2 || condition.shape[1] !== K) throw new Error(`conditionalGenerator: condition must have shape [B, ${K}], got [${condition.shape.join(', ')}]`);
    const h = denseLayer.apply(bridge, p.condition, condition.dtype === 'float32' ? condition : cast(condition, 'float32'), inference).y;
    return config.cell === 'lstm' ? { h, c: zerosTensor(h.shape) } : { h };
  };
  const forward = (condition: Tensor, tokens: Tensor, options: ApplyOptions): Tensor =>
    tidy(() => {
      const callSeed = options.seed ?? (options.training ? deriveSeed(seed, 2, dropoutCalls++) : 0);
      const ids = tokens.dtype === 'int32' ? tokens : cast(tokens, 'int32');
      const x = embeddingLayer.apply(tokensEmbedding, p.embedding, ids, inference).y;
      const run = runRecurrent(rnn, p.decoder, x, { training: options.training, initialState: startState(condition), seed: callSeed });
      return denseLayer.apply(output, p.output, run.outputs, inference).y;
    });
  const decoderCell = cellParams(p.decoder, '', cell.useBias, 'conditionalGenerator');

  return withTraining<Generator>({
    kind: 'generator',
    name: topology.name,
    config,
    params: params as Readonly<Record<string, Variable>>,
    forward,
    initialState: (condition) =>
      tidy(() => {
        const s = startState(condition);
        return 'c' in s ? { h: s.h, c: s.c } : { h: s.h };
      }),
    stepper: {
      step: (state, tokens) =>
        tidy(() => {
          const prev: CellState = state['c'] === undefined ? { h: state['h']! } : { h: state['h']!, c: state['c'] };
          const next = cellStep(cell, decoderCell, prev, embeddingLookup(p.embedding['embeddings']!, tokens)).state;
          const logits = denseLayer.apply(output, p.output, next.h, inference).y;
          return { logits, state: 'c' in next ? { h: next.h, c: next.c } : { h: next.h } };
        }),
    },
    apply: (x, options) =>
      tidy(() => {
        const [b, width] = x.shape as [number, number];
        if (x.rank !== 2 || width <= K) throw new Error(`conditionalGenerator: packed input must have shape [B, ${K} + T], got [${x.shape.join(', ')}]`);
        return forward(slice(x, [0, 0], [b, K]), reshape(slice(x, [0, K], [b, width - K]), [b, width - K]), options);
      }),
    countParams: () => Object.values(params).reduce((a, v) => a + v.size, 0),
    summary: () =>
      formatSummary(
        topology.name,
        groups.map((g) => ({
          name: g.prefix,
          className: g.prefix === 'embedding' ? 'Embedding' : g.prefix === 'decoder' ? recurrentLayer.className(rnn) : 'Dense',
          outputShape: g.prefix === 'condition' ? [null, H] : g.prefix === 'output' ? [null, null, V] : [null, null, g.prefix === 'embedding' ? E : H],
          params: g.weights.reduce((a, w) => a + w.shape.reduce((x, y) => x * y, 1), 0),
        })),
      ),
    topology: () => topology,
    dispose: () => Object.values(params).forEach((v) => v.dispose()),
  });
}
