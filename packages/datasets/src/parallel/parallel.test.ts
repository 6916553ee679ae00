import { normalizeSentence, parseParallelText, prepareTranslationCorpus } from './parallel-corpus';
import { decode } from '../text/vocabulary';

describe('parallel corpus', () => {
  test('parse two- and three-column lines, CRLF, blank lines; swap', () => {
    const pairs = parseParallelText('Go.\tVa !\r\nRun!\tCours\u202f!\tCC-BY 2.0 (France) Attribution\n\n');
    expect(pairs).toEqual([{ source: 'Go.', target: 'Va !' }, { source: 'Run!', target: 'Cours\u202f!' }]);
    expect(parseParallelText('a\tb', { swap: true })).toEqual([{ source: 'b', target: 'a' }]);
    expect(() => parseParallelText('ok\tfine\nno tab here\n', { file: 'fra.txt' })).toThrow('fra.txt:2: expected "source<TAB>target", got "no tab here"');
  });

  test('normalisation as the TF NMT tutorial', () => {
    expect(normalizeSentence('Cours\u202f!')).toBe('cours !');
    expect(normalizeSentence("  J'ai été déporté, 2 fois.")).toBe('j ai ete deporte , fois .');
    expect(normalizeSentence('¿Qué tal?')).toBe('¿ que tal ?');
    expect(normalizeSentence('Ça va\u202f?', { asciiOnly: false })).toBe('ça va ?');
  });

  test('teacher-forcing pairs: decoder input = start + y, output = y + end; length filter', () => {
    const corpus = prepareTranslationCorpus(
      [
        { source: 'Go.', target: 'Va !' },
        { source: 'Hi.', target: 'Salut !' },
        { source: 'This one is far too long.', target: 'Celle-ci est beaucoup trop longue.' },
      ],
      { maxLength: 3 },
    );
    expect(corpus.dropped).toBe(1);
    expect(corpus.examples).toHaveLength(2);
    const [first] = corpus.examples;
    const tv = corpus.targetVocabulary;
    expect(decode(corpus.sourceVocabulary, first?.source ?? [])).toEqual(['go', '.']);
    expect(first?.source.at(-1)).toBe(corpus.sourceVocabulary.special.end);
    expect(first?.targetInput[0]).toBe(tv.special.start);
    expect(decode(tv, first?.targetInput ?? [], { skipSpecials: false })).toEqual(['<start>', 'va', '!']);
    expect(decode(tv, first?.targetOutput ?? [], { skipSpecials: false })).toEqual(['va', '!', '<end>']);
    expect(Array.from(first?.targetInput.subarray(1) ?? [])).toEqual(Array.from(first?.targetOutput.subarray(0, -1) ?? []));
  });

  test('character tokens', () => {
    const corpus = prepareTranslationCorpus([{ source: 'Go.', target: 'Va !' }], { tokens: 'char' });
    expect(decode(corpus.targetVocabulary, corpus.examples[0]?.targetOutput ?? []).join('')).toBe('va !');
  });
});
