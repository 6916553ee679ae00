/**
 * The part-of-speech tagger of `pnpm demo tag`: a functional model over words and their characters.
 *
 * Shapes: B sentences, T words (the batch's longest sentence), L characters per word slot, V word and
 * C character vocabularies, E word and c character embedding widths, U character units, H units, K tags.
 *
 *   words  [B, T]    ─ Embedding(V, E, maskZero) ──────────────────────────── [B, T, E]   (mask [B, T])
 *   chars  [B, T, L] ─┬ Embedding(C, c) [B, T, L, c] ─ TimeDistributed(<cell>(U)) ── [B, T, U]   forwards
 *   charsReversed ────┘ (the same embedding)         ─ TimeDistributed(<cell>(U)) ── [B, T, U]   backwards
 *   Concatenate [B, T, E + 2U] ─ Dropout ─ Bidirectional(<cell>(H), sequences) [B, T, 2H] ─ Dropout
 *   ─ TimeDistributed(Dense(K)) ─ logits [B, T, K]
 *
 * The character features are a bidirectional RNN per word (Plank et al. 2016): the final state of one RNN
 * reading the word's characters and of another reading them backwards, so a word never seen in training
 * is still read through its prefix and suffix ("un-", "-ly", "-ed"). TimeDistributed hands its inner
 * layer no mask, so the character slots are padded *before* the word (taggingBatch's charPadding 'pre'):
 * each RNN reads the padding first and ends on the word — the reason Keras pads IMDB reviews before them.
 * Word padding is masked: the sentence-level recurrent layers skip padded steps.
 */
import { applyLayer, bidirectional, concatenate, dense, dropout, embedding, gru, input, lstm, model, timeDistributed } from '@rnnkit/models';
import type { Functional, SymbolicTensor } from '@rnnkit/models';

export const TAGGER_CELLS = ['lstm', 'gru'] as const;
export type TaggerCell = (typeof TAGGER_CELLS)[number];

/** Sizes of the tagger. With `charUnits` 0 the model has only the words input. */
export interface TaggerOptions {
  readonly words: number;
  readonly chars: number;
  readonly tags: number;
  readonly wordEmbed: number;
  readonly charEmbed: number;
  readonly charUnits: number;
  readonly units: number;
  readonly cell: TaggerCell;
  readonly dropout: number;
  readonly seed: number;
}

/** The tagger: inputs `[words]` or `[words, chars, charsReversed]`; output tag logits [B, T, K] (the softmax is in the loss). */
export function posTagger(o: TaggerOptions): Functional {
  const words = input({ shape: [null], dtype: 'int32', name: 'words' });
  const wordVectors = applyLayer(embedding({ inputDim: o.words, outputDim: o.wordEmbed, maskZero: true, name: 'word_embedding' }), words);
  const inputs: SymbolicTensor[] = [words];
  let features = wordVectors;
  const cell = o.cell === 'gru' ? gru : lstm;
  if (o.charUnits > 0) {
    const chars = input({ shape: [null, null], dtype: 'int32', name: 'chars' });
    const charsReversed = input({ shape: [null, null], dtype: 'int32', name: 'chars_reversed' });
    inputs.push(chars, charsReversed);
    const charEmbedding = embedding({ inputDim: o.chars, outputDim: o.charEmbed, name: 'char_embedding' });
    const forwards = applyLayer(timeDistributed(cell({ units: o.charUnits }), { name: 'char_forwards' }), applyLayer(charEmbedding, chars));
    const backwards = applyLayer(timeDistributed(cell({ units: o.charUnits }), { name: 'char_backwards' }), applyLayer(charEmbedding, charsReversed));
    features = applyLayer(concatenate(), [wordVectors, forwards, backwards]);
  }
  let h = features;
  if (o.dropout > 0) h = applyLayer(dropout(o.dropout), h);
  // without returnState a recurrent layer has one output
  h = applyLayer(bidirectional(cell({ units: o.units, returnSequences: true })), h) as SymbolicTensor;
  if (o.dropout > 0) h = applyLayer(dropout(o.dropout), h);
  const logits = applyLayer(timeDistributed(dense({ units: o.tags }), { name: 'tag_logits' }), h);
  return model({ inputs, outputs: logits, seed: o.seed, name: `pos_tagger_bi${o.cell}${o.charUnits > 0 ? '_chars' : ''}` });
}
