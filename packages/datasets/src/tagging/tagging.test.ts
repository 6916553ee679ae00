import { buildTaggingVocabularies, encodeTagged, encodeTaggedWords, shortenWord, taggingBatch, taggingVocabulariesFromJson, taggingVocabulariesToJson } from './tagging';

const corpus = [
  { words: ['The', 'dog', 'barks', '.'], tags: ['DET', 'NOUN', 'VERB', 'PUNCT'] },
  { words: ['the', 'Dog', 'ran'], tags: ['DET', 'NOUN', 'VERB'] },
];

describe('tagging vocabularies', () => {
  it('words lower-cased with a minimum count (rare ones read as <unk>), characters as written, tags sorted', () => {
    const v = buildTaggingVocabularies(corpus);
    // the ×2, dog ×2; barks, ., ran once each: below the default min count 2
    expect(v.words.tokens).toEqual(['<pad>', '<unk>', 'the', 'dog']);
    expect(v.chars.tokens.slice(0, 4)).toEqual(['<pad>', '<unk>', '<w>', '</w>']);
    expect(v.chars.tokens.slice(4)).toEqual(['.', 'D', 'T', 'a', 'b', 'd', 'e', 'g', 'h', 'k', 'n', 'o', 'r', 's', 't']);
    expect(v.tags.tokens).toEqual(['DET', 'NOUN', 'PUNCT', 'VERB']);
    expect(buildTaggingVocabularies(corpus, { wordMinCount: 1, lowercase: false }).words.tokens).toEqual(['<pad>', '<unk>', 'The', 'dog', 'barks', '.', 'the', 'Dog', 'ran']);
    expect(() => buildTaggingVocabularies([{ words: ['a'], tags: [] }])).toThrow('sentence 0 has 1 words but 0 tags');
  });

  it('take a given tag inventory; round-trip through JSON; refuse a damaged JSON naming the file', () => {
    expect(buildTaggingVocabularies(corpus, { tags: ['VERB', 'X', 'DET', 'NOUN', 'PUNCT'] }).tags.tokens).toEqual(['DET', 'NOUN', 'PUNCT', 'VERB', 'X']);
    const v = buildTaggingVocabularies(corpus);
    const json = JSON.parse(JSON.stringify(taggingVocabulariesToJson(v)));
    const back = taggingVocabulariesFromJson(json, 'v.json');
    expect(back).toEqual(v);
    expect(encodeTaggedWords(back, ['The', 'cat'], ['DET', 'NOUN'])).toEqual(encodeTaggedWords(v, ['The', 'cat'], ['DET', 'NOUN']));
    expect(() => taggingVocabulariesFromJson({ ...json, words: ['<unk>', '<pad>', 'a'] }, 'v.json')).toThrow('v.json: "words" must start with <pad>, <unk>');
    expect(() => taggingVocabulariesFromJson({ ...json, tags: ['A', 'A'] }, 'v.json')).toThrow('v.json: "tags" must be a list of distinct strings');
    expect(() => taggingVocabulariesFromJson({ ...json, maxWordLength: 0 }, 'v.json')).toThrow('v.json: "maxWordLength" must be a positive integer');
    expect(() => taggingVocabulariesFromJson(null, 'v.json')).toThrow('v.json: "lowercase" must be true or false');
  });

  it('encode words, characters between <w> and </w>, and tags; an unseen tag is an error', () => {
    const v = buildTaggingVocabularies(corpus);
    const c = (ch: string): number => v.chars.ids.get(ch)!;
    const e = encodeTaggedWords(v, ['DOG', 'cat'], ['NOUN', 'NOUN']);
    expect(Array.from(e.words)).toEqual([3, 1]); // DOG → dog; cat unknown
    expect(Array.from(e.chars[0]!)).toEqual([2, c('D'), 1, 1, 3]); // no upper-case O or G in training: <unk>
    expect(Array.from(e.chars[1]!)).toEqual([2, 1, c('a'), c('t'), 3]);
    expect(Array.from(e.tags)).toEqual([1, 1]);
    expect(encodeTaggedWords(v, ['dog']).tags).toHaveLength(0);
    expect(() => encodeTaggedWords(v, ['dog'], ['X'])).toThrow('tag "X" of word 0 ("dog") is not among the training tags (DET NOUN PUNCT VERB)');
  });

  it('long words keep their first ⌈n/2⌉ and last ⌊n/2⌋ characters', () => {
    expect(shortenWord('unbelievably', 5).join('')).toBe('unbly');
    expect(shortenWord('unbelievably', 4).join('')).toBe('unly');
    expect(shortenWord('dog', 3).join('')).toBe('dog');
    const v = buildTaggingVocabularies(corpus, { maxWordLength: 2 });
    expect(encodeTaggedWords(v, ['barks']).chars[0]).toHaveLength(4); // <w> b s </w>
  });
});

describe('taggingBatch', () => {
  it('pads words, tags and the mask to the longest sentence, characters to the longest word', () => {
    const v = buildTaggingVocabularies(corpus, { wordMinCount: 1 });
    const encoded = encodeTagged(v, corpus);
    const b = taggingBatch(encoded, [1, 0]);
    expect([b.batch, b.time, b.wordLength]).toEqual([2, 4, 7]); // "barks" + <w> </w>
    expect(Array.from(b.lengths)).toEqual([3, 4]);
    expect(Array.from(b.mask)).toEqual([1, 1, 1, 0, 1, 1, 1, 1]);
    expect(Array.from(b.words)).toEqual([2, 3, 6, 0, 2, 3, 4, 5]);
    expect(Array.from(b.tags)).toEqual([0, 1, 3, 0, 0, 1, 3, 2]);
    const c = (ch: string): number => v.chars.ids.get(ch)!;
    // row 0, word 2 ("ran") and the padding word after it
    expect(Array.from(b.chars.subarray(2 * 7, 4 * 7))).toEqual([2, c('r'), c('a'), c('n'), 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    // row 1, word 2 ("barks") fills the slot
    expect(Array.from(b.chars.subarray(6 * 7, 7 * 7))).toEqual([2, c('b'), c('a'), c('r'), c('k'), c('s'), 3]);
    expect(Array.from(b.charsReversed.subarray(2 * 7, 3 * 7))).toEqual([3, c('n'), c('a'), c('r'), 2, 0, 0]);
    expect(() => taggingBatch(encoded, [2])).toThrow('indices[0] = 2 is outside [0, 2)');
    expect(() => taggingBatch(encoded, [])).toThrow('taggingBatch: indices is empty');
  });

  it("charPadding 'pre' right-aligns each word's characters, forwards and reversed", () => {
    const v = buildTaggingVocabularies(corpus, { wordMinCount: 1 });
    const b = taggingBatch(encodeTagged(v, corpus), [1, 0], { charPadding: 'pre' });
    const c = (ch: string): number => v.chars.ids.get(ch)!;
    expect(Array.from(b.chars.subarray(2 * 7, 4 * 7))).toEqual([0, 0, 2, c('r'), c('a'), c('n'), 3, 0, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(b.charsReversed.subarray(2 * 7, 3 * 7))).toEqual([0, 0, 3, c('n'), c('a'), c('r'), 2]);
    expect(Array.from(b.words)).toEqual(Array.from(taggingBatch(encodeTagged(v, corpus), [1, 0]).words));
    expect(() => taggingBatch(encodeTagged(v, corpus), [0], { charPadding: 'left' as 'pre' })).toThrow("taggingBatch: charPadding must be 'pre' or 'post', got \"left\"");
  });
});
