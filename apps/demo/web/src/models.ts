/**
 * The two networks the page trains, built from @rnnkit/models layer specs.
 *
 *   sentiment:  ids [B, T] → Embedding(numWords, E) → cell(H) → Dense(1, sigmoid) → p(positive) [B, 1]
 *   characters: ids [B, T] → Embedding(V, E) → cell(H, every step) → Dense(V) → next-char logits [B, T, V]
 */
import { dense, embedding, gru, lstm, sequential, simpleRnn } from '@rnnkit/models';
import type { Sequential } from '@rnnkit/models';
import type { CellChoice } from './protocol';

function recurrent(cell: CellChoice, units: number, returnSequences: boolean) {
  switch (cell) {
    case 'simplernn':
      return simpleRnn({ units, returnSequences });
    case 'lstm':
      return lstm({ units, returnSequences });
    case 'gru':
      return gru({ units, returnSequences });
  }
}

export function sentimentModel(o: { cell: CellChoice; numWords: number; embed: number; units: number; maxlen: number; seed: number }): Sequential {
  return sequential(
    [embedding({ inputDim: o.numWords, outputDim: o.embed }), recurrent(o.cell, o.units, false), dense({ units: 1, activation: 'sigmoid' })],
    { inputShape: [o.maxlen], seed: o.seed, name: `sentiment_${o.cell}` },
  );
}

export function charModel(o: { cell: CellChoice; vocabulary: number; embed: number; units: number; seed: number }): Sequential {
  return sequential(
    [embedding({ inputDim: o.vocabulary, outputDim: o.embed }), recurrent(o.cell, o.units, true), dense({ units: o.vocabulary })],
    { seed: o.seed, name: `chars_${o.cell}` },
  );
}
