import { dense, embedding, gru, lstm, sequential } from '@rnnkit/models';
import type { Sequential } from '@rnnkit/models';
import { initBackend, numTensors } from '@rnnkit/tensor';
import { layerChain, sentimentMisfit, shapeText } from './keras-fit';

const page = { numWords: 5000, maxlen: 100 };

/** The reason for `build()`'s model, the model disposed. */
function misfitOf(build: () => Sequential): string | null {
  const model = build();
  try {
    return sentimentMisfit(model, page);
  } finally {
    model.dispose();
  }
}

describe('sentimentMisfit: which Keras models the page can score reviews with', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });

  it('takes Embedding(V ≤ numWords) → recurrent → Dense(1, sigmoid) on ids of any length or of maxlen', () => {
    const before = numTensors();
    expect(misfitOf(() => sequential([embedding({ inputDim: 5000, outputDim: 4 }), lstm({ units: 3 }), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [100] }))).toBeNull();
    expect(misfitOf(() => sequential([embedding({ inputDim: 800, outputDim: 4 }), gru({ units: 3 }), dense({ units: 1, activation: 'sigmoid' })]))).toBeNull();
    expect(numTensors()).toBe(before);
  });

  it('says what a model on float features takes', () => {
    expect(misfitOf(() => sequential([lstm({ units: 3 }), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [100, 3] }))).toBe(
      "this model takes [B, 100, 3] floats (its first layer is lstm), not word ids: the page feeds reviews as Keras' imdb word ids [B, 100] into an Embedding",
    );
  });

  it('refuses a larger vocabulary, another review length, and an output other than one probability', () => {
    expect(misfitOf(() => sequential([embedding({ inputDim: 10000, outputDim: 4 }), lstm({ units: 3 }), dense({ units: 1, activation: 'sigmoid' })]))).toBe(
      "its Embedding reads 10,000 word ids (num_words = 10000), more than the page's vocabulary of 5,000",
    );
    expect(misfitOf(() => sequential([embedding({ inputDim: 5000, outputDim: 4 }), lstm({ units: 3 }), dense({ units: 1, activation: 'sigmoid' })], { inputShape: [200] }))).toBe(
      'this model takes [B, 200] word ids, but the page feeds each review as its last 100 ids, [B, 100]',
    );
    expect(misfitOf(() => sequential([embedding({ inputDim: 5000, outputDim: 4 }), lstm({ units: 3 }), dense({ units: 2, activation: 'softmax' })]))).toBe(
      'its output is [B, 2] from Dense(2, softmax), not one probability [B, 1] from Dense(1, sigmoid)',
    );
    expect(misfitOf(() => sequential([embedding({ inputDim: 5000, outputDim: 4 }), lstm({ units: 3, returnSequences: true }), dense({ units: 1, activation: 'sigmoid' })]))).toBe(
      'its output is [B, ?, 1], not one probability per review [B, 1]',
    );
  });

  it('prints shapes and layer chains as the page shows them', () => {
    expect(shapeText([null, null, 3])).toBe('[B, ?, 3]');
    const model = sequential([embedding({ inputDim: 50, outputDim: 4 }), gru({ units: 3 }), dense({ units: 1, activation: 'sigmoid' })]);
    expect(layerChain(model)).toBe('embedding → gru → dense');
    model.dispose();
  });
});
