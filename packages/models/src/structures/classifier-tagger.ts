/**
 * N→1 sequence classifier and N→N sequence tagger: small constructors over `sequential`.
 *
 * Shapes: B batch, T time, V vocabulary, E embedding width, H units, C classes / tags.
 *   classifier: ids [B, T] → p [B, 1] (C = 1, sigmoid) or [B, C] (softmax)
 *   tagger:     ids [B, T] → p [B, T, C] (softmax per step); `model.call(x).mask` [B, T] marks the real
 *               steps, for a loss averaged over real tokens only (training's job).
 */
import { bidirectional } from '../layers/bidirectional';
import { dense } from '../layers/dense';
import { dropout } from '../layers/dropout';
import { embedding } from '../layers/embedding';
import { gru, lstm, simpleRnn } from '../layers/recurrent';
import type { RecurrentSpec } from '../layers/recurrent';
import type { LayerSpec } from '../layers/registry';
import { timeDistributed } from '../layers/time-distributed';
import { sequential } from '../sequential';
import type { Sequential } from '../sequential';
import type { CellKind } from './seq2seq';

/** Options shared by {@link sequenceClassifier} and {@link sequenceTagger}. */
export interface SequenceModelOptions {
  readonly vocabSize: number;
  /** Default: `units`. */
  readonly embeddingDim?: number;
  /** Default `'lstm'`. */
  readonly cell?: CellKind;
  readonly units: number;
  /** Stacked recurrent layers. Default 1. */
  readonly layers?: number;
  readonly bidirectional?: boolean;
  /** Treat id 0 as padding (skipped by the recurrent layers). Default true. */
  readonly maskZero?: boolean;
  /** Dropout before the output layer. Default 0. */
  readonly dropout?: number;
  readonly seed?: number;
  readonly name?: string;
}

function body(options: SequenceModelOptions, lastReturnsSequences: boolean): LayerSpec[] {
  const make = options.cell === 'gru' ? gru : options.cell === 'simpleRnn' ? simpleRnn : lstm;
  const depth = options.layers ?? 1;
  if (!Number.isInteger(depth) || depth < 1) throw new Error(`layers must be a positive integer, got ${String(depth)}`);
  const layers: LayerSpec[] = [embedding({ inputDim: options.vocabSize, outputDim: options.embeddingDim ?? options.units, maskZero: options.maskZero ?? true })];
  for (let i = 0; i < depth; i++) {
    const rnn: RecurrentSpec = make({ units: options.units, returnSequences: lastReturnsSequences || i < depth - 1 });
    layers.push(options.bidirectional === true ? bidirectional(rnn) : rnn);
  }
  if ((options.dropout ?? 0) > 0) layers.push(dropout(options.dropout!));
  return layers;
}

/**
 * N→1: reads a sequence, outputs one prediction (e.g. sentiment). `classes: 1` gives a sigmoid
 * probability [B, 1] (binary cross-entropy); more gives softmax probabilities [B, C].
 *
 * @example sequenceClassifier({ vocabSize: 10000, embeddingDim: 32, cell: 'simpleRnn', units: 32, classes: 1, maskZero: false })
 *          // = Keras' IMDB script, 322,113 params
 */
export function sequenceClassifier(options: SequenceModelOptions & { readonly classes: number }): Sequential {
  const head = dense({ units: options.classes, activation: options.classes === 1 ? 'sigmoid' : 'softmax' });
  return sequential([...body(options, false), head], { seed: options.seed ?? 0, name: options.name ?? 'sequence_classifier' });
}

/**
 * N→N: one prediction per step (e.g. part-of-speech tags), softmax over `tags` at every step.
 * `model.call(ids, { training }).mask` is the [B, T] mask of real (non-padding) steps.
 *
 * @example sequenceTagger({ vocabSize: 5000, units: 64, tags: 17, bidirectional: true })
 */
export function sequenceTagger(options: SequenceModelOptions & { readonly tags: number }): Sequential {
  const head = timeDistributed(dense({ units: options.tags, activation: 'softmax' }));
  return sequential([...body(options, true), head], { seed: options.seed ?? 0, name: options.name ?? 'sequence_tagger' });
}
