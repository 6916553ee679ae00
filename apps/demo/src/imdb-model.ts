/**
 * The model of Keras' IMDB script with the recurrent layer switchable:
 * Embedding(numWords, embed) → SimpleRNN | LSTM | GRU | Bidirectional(LSTM) (units) → Dense(1, sigmoid).
 */
import { bidirectional, dense, embedding, gru, lstm, sequential, simpleRnn } from '@rnnkit/models';
import type { Sequential } from '@rnnkit/models';
import type { CellChoice } from './imdb-options';

export interface ImdbModelOptions {
  readonly cell: CellChoice;
  readonly numWords: number;
  readonly embed: number;
  readonly units: number;
  readonly maxlen: number;
  readonly seed: number;
}

function recurrent(cell: CellChoice, units: number) {
  switch (cell) {
    case 'simplernn':
      return simpleRnn({ units });
    case 'lstm':
      return lstm({ units });
    case 'gru':
      return gru({ units });
    case 'bilstm':
      return bidirectional(lstm({ units }));
  }
}

export function buildImdbModel(o: ImdbModelOptions): Sequential {
  return sequential(
    [embedding({ inputDim: o.numWords, outputDim: o.embed }), recurrent(o.cell, o.units), dense({ units: 1, activation: 'sigmoid' })],
    { inputShape: [o.maxlen], seed: o.seed, name: `imdb_${o.cell}` },
  );
}
