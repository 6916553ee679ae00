// Keras files for the end-to-end test, made in Node with rnnkit's built packages (`pnpm --filter
// @rnnkit/keras... build`): a sentiment model the page can use, with its score of each review computed
// here — the review turned into Keras' imdb ids (start 1, out-of-vocabulary 2, rank r → r + 3, the last
// 100 ids, pre-padded with 0), written out again rather than taken from the page's code — and a model
// that takes float features instead.
//
//   sentiment: ids [B, 100] → Embedding(2000, 8) → LSTM(8) → Dense(1, sigmoid) → p [B, 1]
//   features:  x [B, 100, 3] → LSTM(4) → Dense(1, sigmoid)
import { readFileSync } from 'node:fs';
import { wordTokens } from '@rnnkit/datasets';
import { kerasModelBytes } from '@rnnkit/keras';
import { dense, embedding, lstm, sequential } from '@rnnkit/models';
import { initBackend, tensor, tidy } from '@rnnkit/tensor';

const NUM_WORDS = 2000;
const MAXLEN = 100;

/** Keras' imdb ids of `text` with num_words = NUM_WORDS, the last MAXLEN, pre-padded: [MAXLEN]. */
function imdbIds(ranks, text) {
  const ids = [1, ...wordTokens(text).map((w) => (ranks.has(w) && ranks.get(w) + 3 < NUM_WORDS ? ranks.get(w) + 3 : 2))].slice(-MAXLEN);
  return [...new Array(MAXLEN - ids.length).fill(0), ...ids];
}

/** The bytes of both files (plain arrays, for the page) and the sentiment model's p(positive) of each review. */
export async function kerasFiles(reviews) {
  await initBackend({ backend: 'wasm' });
  const words = JSON.parse(readFileSync(new URL('../public/imdb-words.json', import.meta.url), 'utf8'));
  const ranks = new Map(words.map((w, i) => [w, i + 1]));
  const model = sequential([embedding({ inputDim: NUM_WORDS, outputDim: 8 }), lstm({ units: 8 }), dense({ units: 1, activation: 'sigmoid' })], {
    inputShape: [MAXLEN],
    seed: 7,
    name: 'e2e_sentiment',
  });
  const features = sequential([lstm({ units: 4 }), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [MAXLEN, 3], seed: 3, name: 'e2e_features' });
  try {
    const x = reviews.flatMap((r) => imdbIds(ranks, r));
    const scores = Array.from(tidy(() => model.apply(tensor(Int32Array.from(x), [reviews.length, MAXLEN], 'int32'), { training: false }).dataSync()));
    return { sentiment: Array.from(await kerasModelBytes(model)), scores, features: Array.from(await kerasModelBytes(features)) };
  } finally {
    model.dispose();
    features.dispose();
  }
}
