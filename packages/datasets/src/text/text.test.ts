import { bpttChunks, splitStream, textWindows } from './char-corpus';
import { buildCharVocabulary, buildVocabulary, charTokens, decode, encode, wordTokens } from './vocabulary';

describe('vocabularies', () => {
  test('char vocabulary: specials first, then sorted characters', () => {
    const v = buildCharVocabulary('hello');
    expect(v.tokens).toEqual(['<pad>', '<start>', '<end>', '<unk>', 'e', 'h', 'l', 'o']);
    expect(v.special).toEqual({ pad: 0, start: 1, end: 2, unknown: 3 });
    expect(Array.from(encode(v, charTokens('hole!'), { addStart: true, addEnd: true }))).toEqual([1, 5, 7, 6, 4, 3, 2]);
    expect(decode(v, [1, 5, 4, 6, 6, 7, 2, 5, 0]).join('')).toBe('hello');
    expect(decode(v, [1, 5, 2], { skipSpecials: false })).toEqual(['<start>', 'h', '<end>']);
  });

  test('without specials: ids start at 0 and unknown tokens are an error', () => {
    const v = buildCharVocabulary('abca', { specials: [] });
    expect(v.tokens).toEqual(['a', 'b', 'c']);
    expect(() => encode(v, ['d'])).toThrow('token "d" is not in the vocabulary, which has no unknown id');
    expect(() => encode(v, ['a'], { addEnd: true })).toThrow("the vocabulary has no 'end' token");
    expect(() => decode(v, [5])).toThrow('id 5 at position 0 is outside the vocabulary [0, 3)');
  });

  test('code points, not UTF-16 units', () => {
    expect(charTokens('a😀b')).toEqual(['a', '😀', 'b']);
  });

  test('word vocabulary: by frequency, ties by first appearance (Keras Tokenizer), minCount, maxSize', () => {
    const sentences = ['the cat sat', 'the dog sat', 'a cat'].map((s) => wordTokens(s));
    const v = buildVocabulary(sentences, { specials: ['pad', 'unknown'] });
    expect(v.tokens).toEqual(['<pad>', '<unk>', 'the', 'cat', 'sat', 'dog', 'a']);
    expect(buildVocabulary(sentences, { specials: ['pad', 'unknown'], minCount: 2 }).tokens).toEqual(['<pad>', '<unk>', 'the', 'cat', 'sat']);
    expect(buildVocabulary(sentences, { specials: ['pad', 'unknown'], maxSize: 4 }).tokens).toEqual(['<pad>', '<unk>', 'the', 'cat']);
    expect(Array.from(encode(v, wordTokens('The bird sat.')))).toEqual([2, 1, 4]);
  });

  test('wordTokens follows Keras text_to_word_sequence', () => {
    expect(wordTokens("Hello, World!  It's\tme.")).toEqual(['hello', 'world', "it's", 'me']);
    expect(wordTokens('A-B', { lower: false, filters: '' })).toEqual(['A-B']);
  });
});

describe('character corpus batching', () => {
  const ids = Int32Array.from({ length: 11 }, (_, i) => i); // 0 … 10

  test('textWindows: stride T uses each transition once', () => {
    const w = textWindows(ids, { length: 3 });
    expect(w.shape).toEqual([3, 3]);
    expect(Array.from(w.inputs)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(w.targets)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const overlapping = textWindows(ids, { length: 4, stride: 2 });
    expect(overlapping.shape).toEqual([4, 4]);
    expect(Array.from(overlapping.inputs.subarray(12))).toEqual([6, 7, 8, 9]);
    expect(Array.from(overlapping.targets.subarray(12))).toEqual([7, 8, 9, 10]);
    expect(textWindows([1, 2], { length: 5 }).shape).toEqual([0, 5]);
  });

  test('bpttChunks: B contiguous streams read side by side, K steps per chunk', () => {
    // 11 ids, B = 2 → L = 5: streams 0..4 and 5..9; K = 2 → 2 chunks
    const chunks = bpttChunks(ids, { batchSize: 2, steps: 2 });
    expect(chunks).toHaveLength(2);
    expect(chunks.map((c) => Array.from(c.inputs))).toEqual([[0, 1, 5, 6], [2, 3, 7, 8]]);
    expect(chunks.map((c) => Array.from(c.targets))).toEqual([[1, 2, 6, 7], [3, 4, 8, 9]]);
    expect(chunks[0]?.shape).toEqual([2, 2]);
    expect(() => bpttChunks(ids, { batchSize: 0, steps: 2 })).toThrow('batchSize must be an integer >= 1, got 0');
  });

  test('splitStream is chronological', () => {
    const [a, b] = splitStream(ids, 0.9);
    expect(Array.from(a)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(b)).toEqual([9, 10]);
    expect(() => splitStream(ids, 1)).toThrow('fraction must be in (0, 1), got 1');
  });
});
