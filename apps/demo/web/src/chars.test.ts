import { initBackend, numTensors } from '@rnnkit/tensor';
import { charCorpus, generate } from './chars';
import { charModel } from './models';

const text = 'To be, or not to be, that is the question:\nWhether tis nobler in the mind to suffer\n'.repeat(20);

describe('character corpus and generation', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it('cuts windows of the first 90 % for training and of the last 10 % for validation, targets shifted by one', () => {
    const corpus = charCorpus(text, 16);
    expect(corpus.characters).toBe(text.length);
    expect(corpus.vocabulary.tokens).toEqual([...new Set(text)].sort());
    const [n, t] = corpus.train.x.shape as [number, number];
    expect(t).toBe(16);
    expect(n).toBe(Math.floor((Math.round(text.length * 0.9) - 1) / 16));
    expect(corpus.train.y.values.slice(0, 15)).toEqual(corpus.train.x.values.slice(1, 16));
    expect(corpus.validation.x.shape[0]).toBeGreaterThan(0);
  });

  it('continues a prompt with exactly `length` known characters, seeded, skipping unknown prompt characters', () => {
    const corpus = charCorpus(text, 16);
    const model = charModel({ cell: 'lstm', vocabulary: corpus.vocabulary.tokens.length, embed: 4, units: 8, seed: 2 });
    try {
      const before = numTensors();
      const a = generate(model, corpus.vocabulary, { prompt: 'To bé', length: 40, temperature: 0.8, seed: 3 });
      expect(numTensors()).toBe(before);
      expect([...a.text].length).toBe(40);
      expect([...a.text].every((c) => corpus.vocabulary.ids.has(c))).toBe(true);
      expect(a.skipped).toBe('é');
      expect(generate(model, corpus.vocabulary, { prompt: 'To bé', length: 40, temperature: 0.8, seed: 3 }).text).toBe(a.text);
    } finally {
      model.dispose();
    }
  });
});
