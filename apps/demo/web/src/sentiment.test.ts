import { initBackend, numTensors } from '@rnnkit/tensor';
import { sentimentModel } from './models';
import { classifyReview, lexicon, OOV_ID, readScore, readTokens, reviewText, START_ID, wordId } from './sentiment';

const lex = lexicon(['the', 'and', 'a', 'of', 'to', 'great', 'movie', 'boring'], 10);

describe('sentiment: ids as imdb.load_data gives them', () => {
  it('maps a word of rank r to r + 3, and rare or unknown words to the OOV id', () => {
    expect(wordId(lex, 'the')).toBe(4);
    expect(wordId(lex, 'great')).toBe(9);
    expect(wordId(lex, 'movie')).toBe(OOV_ID); // rank 7 → id 10, not below numWords 10
    expect(wordId(lex, 'zebra')).toBe(OOV_ID);
  });

  it('reads the start marker and the last maxlen − 1 words (pre-truncation)', () => {
    expect(readTokens(lex, 10, 'The movie, great!')).toEqual({ labels: ['[start]', 'the', 'movie?', 'great'], ids: [START_ID, 4, OOV_ID, 9] });
    expect(readTokens(lex, 3, 'the and a of')).toEqual({ labels: ['and', 'a', 'of'], ids: [5, 6, 7] });
  });

  it('turns ids back into text', () => {
    expect(reviewText(lex, [0, 0, START_ID, 4, 9, OOV_ID])).toBe('the great ▯');
  });
});

describe('classifyReview', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('scores a review and gives every word read a contribution (the difference of log-odds)', () => {
    const model = sentimentModel({ cell: 'lstm', numWords: 10, embed: 4, units: 3, maxlen: 6, seed: 3 });
    try {
      const before = numTensors();
      const result = classifyReview(model, lex, 6, 'The great movie and a boring of to');
      expect(numTensors()).toBe(before);
      expect(result.score).toBeGreaterThan(0);
      expect(result.score).toBeLessThan(1);
      expect(result.words.map((w) => w.word)).toEqual(['the', 'great', 'movie', 'and', 'a', 'boring', 'of', 'to']);
      // [start] + 8 words = 9 ids; maxlen 6 keeps the last 6, so [start] and the first 2 words are cut off
      expect(result.words.map((w) => w.read)).toEqual([false, false, true, true, true, true, true, true]);
      expect(result.words.map((w) => w.known)).toEqual([true, true, false, true, true, false, true, true]);
      for (const w of result.words) expect(Number.isFinite(w.contribution)).toBe(true);
      expect(result.words.filter((w) => !w.read).every((w) => w.contribution === 0)).toBe(true);
    } finally {
      model.dispose();
    }
  });
});

describe('readScore: no verdict for nothing the model knows', () => {
  const word = (w: string, known: boolean, read = true) => ({ word: w, known, read, contribution: 0.1 });

  it('gives no verdict for an empty review', () => {
    expect(readScore([], 5000)).toEqual({ verdict: false, warning: 'There are no words to score: type or paste a review.', read: 0, known: 0 });
  });

  it('gives no verdict when no word read is known (a review in Chinese is one unknown token)', () => {
    const reading = readScore([word('这部电影太棒了', false)], 5000);
    expect(reading.verdict).toBe(false);
    expect(reading.warning).toBe(
      'No verdict: none of the 1 word the model reads is among the 4,996 words it knows (it reads English words only), so it has nothing to go on.',
    );
  });

  it('warns when few of the words read are known, and not otherwise', () => {
    const thin = readScore([word('great', true), word('xq', false), word('zz', false), word('yy', false)], 5000);
    expect(thin.verdict).toBe(true);
    expect(thin.warning).toMatch(/^Only 1 of the 4 words the model reads is among the 4,996 words it knows/);
    expect(readScore([word('a', true), word('great', true), word('film', true), word('xq', false)], 5000).warning).toBeNull();
    // words cut off by pre-truncation do not count
    expect(readScore([word('xq', false, false), word('a', true), word('great', true), word('film', true)], 5000)).toMatchObject({ read: 3, known: 3, warning: null });
  });
});
