import { tokenizeSentence } from './tag-tokenize';

describe('tokenizeSentence (UD English EWT style)', () => {
  it('splits punctuation off words', () => {
    expect(tokenizeSentence('Time flies like an arrow.')).toEqual(['Time', 'flies', 'like', 'an', 'arrow', '.']);
    expect(tokenizeSentence('Time flies like an arrow .')).toEqual(['Time', 'flies', 'like', 'an', 'arrow', '.']);
    expect(tokenizeSentence('"Well," she said (quietly)!')).toEqual(['"', 'Well', ',', '"', 'she', 'said', '(', 'quietly', ')', '!']);
    expect(tokenizeSentence('  Wait ... what?!  ')).toEqual(['Wait', '...', 'what', '?', '!']);
  });

  it('splits clitics as EWT does, keeps dotted abbreviations and hyphenated words whole', () => {
    expect(tokenizeSentence("I don't think it's done, can't you see? We won't.")).toEqual([
      'I', 'do', "n't", 'think', 'it', "'s", 'done', ',', 'ca', "n't", 'you', 'see', '?', 'We', 'wo', "n't", '.',
    ]);
    expect(tokenizeSentence("They're here and I'm glad you'll stay; we'd've")).toEqual(['They', "'re", 'here', 'and', 'I', "'m", 'glad', 'you', "'ll", 'stay', ';', "we'd", "'ve"]);
    expect(tokenizeSentence('The U.S. e-mail arrived')).toEqual(['The', 'U.S.', 'e-mail', 'arrived']);
    expect(tokenizeSentence('')).toEqual([]);
  });
});
