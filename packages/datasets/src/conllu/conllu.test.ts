import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describeWithSharedData } from '../test-fixtures';
import { parseConllu } from './conllu';
import { loadUdEwt, readConlluFile, UD_EWT_FILES } from './conllu-load';

/** A word line from its ID, FORM, UPOS and XPOS (the other columns as UD writes them when unknown). */
const w = (id: string, form: string, upos: string, xpos = '_'): string => [id, form, '_', upos, xpos, '_', '_', '_', '_', '_'].join('\t');

// two sentences as EWT writes them: "I don't know ." has the multi-word token line 2-3 (don't = do + n't);
// the second has an empty node 3.1 (a copy of a verb for enhanced dependencies)
const SNIPPET = [
  '# newdoc id = doc-1',
  '# sent_id = doc-1-0001',
  "# text = I don't know.",
  w('1', 'I', 'PRON', 'PRP'),
  w('2-3', "don't", '_'),
  w('2', 'do', 'AUX', 'VBP'),
  w('3', "n't", 'PART', 'RB'),
  w('4', 'know', 'VERB', 'VB'),
  w('5', '.', 'PUNCT', '.'),
  '',
  '# sent_id = doc-1-0002',
  '# text = Mary ran and John too',
  w('1', 'Mary', 'PROPN', 'NNP'),
  w('2', 'ran', 'VERB', 'VBD'),
  w('3', 'and', 'CCONJ', 'CC'),
  w('3.1', 'ran', 'VERB', 'VBD'),
  w('4', 'John', 'PROPN', 'NNP'),
  w('5', 'too', 'ADV', 'RB'),
  '',
  '',
].join('\n');

describe('parseConllu', () => {
  it('reads words and UPOS, skipping multi-word token (2-3) and empty-node (3.1) lines', () => {
    expect(parseConllu(SNIPPET)).toEqual([
      { id: 'doc-1-0001', text: "I don't know.", words: ['I', 'do', "n't", 'know', '.'], tags: ['PRON', 'AUX', 'PART', 'VERB', 'PUNCT'] },
      { id: 'doc-1-0002', text: 'Mary ran and John too', words: ['Mary', 'ran', 'and', 'John', 'too'], tags: ['PROPN', 'VERB', 'CCONJ', 'PROPN', 'ADV'] },
    ]);
  });

  it('reads XPOS on request; CRLF line ends, a missing final blank line and sentences without comments', () => {
    const crlf = [w('1', 'Hi', 'INTJ', 'UH'), w('2', '!', 'PUNCT', '.'), '', w('1', 'Ok', 'INTJ', 'UH')].join('\r\n');
    expect(parseConllu(crlf, { tagColumn: 'xpos' })).toEqual([
      { words: ['Hi', '!'], tags: ['UH', '.'] },
      { words: ['Ok'], tags: ['UH'] },
    ]);
    expect(parseConllu('')).toEqual([]);
    // an underscore FORM is a real word (the token "_")
    expect(parseConllu(w('1', '_', 'PUNCT', 'NFP'))[0]!.words).toEqual(['_']);
  });

  it('names the file and line of what is wrong', () => {
    const file = { file: 'x.conllu' };
    expect(() => parseConllu([w('1', 'a', 'DET'), '2\tb\tb\tNOUN'].join('\n'), file)).toThrow(
      'x.conllu:2: a word line needs 10 TAB-separated fields (ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC), got 4',
    );
    expect(() => parseConllu([w('1', 'a', 'DET'), w('3', 'b', 'NOUN')].join('\n'), file)).toThrow(
      'x.conllu:2: word ID 3 out of sequence: expected 2 (a missing blank line between sentences?)',
    );
    expect(() => parseConllu([w('1', 'a', 'DET'), w('1', 'b', 'NOUN')].join('\n'), file)).toThrow('x.conllu:2: word ID 1 out of sequence: expected 2');
    expect(() => parseConllu(w('1', 'a', '_'), file)).toThrow('x.conllu:1: word 1 ("a") has no UPOS tag (got "_")');
    expect(() => parseConllu(w('1', 'a', 'DET'), { ...file, tagColumn: 'xpos' })).toThrow('x.conllu:1: word 1 ("a") has no XPOS tag (got "_")');
    expect(() => parseConllu(w('one', 'a', 'DET'), file)).toThrow('x.conllu:1: ID "one" is not a word index (1, 2, …), a range (3-4) or an empty node (8.1)');
    expect(() => parseConllu(['# text = nothing', '', w('1', 'a', 'DET')].join('\n'), file)).toThrow('x.conllu:2: a sentence has comment lines but no word lines');
    expect(() => parseConllu('', { tagColumn: 'deprel' as 'upos' })).toThrow("parseConllu: tagColumn must be 'upos' or 'xpos', got \"deprel\"");
  });
});

describe('readConlluFile and loadUdEwt', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'rnnkit-conllu-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('read plain and gzipped files alike', () => {
    writeFileSync(join(dir, 'a.conllu'), SNIPPET);
    writeFileSync(join(dir, 'a.conllu.gz'), gzipSync(SNIPPET));
    expect(readConlluFile(join(dir, 'a.conllu.gz'))).toEqual(readConlluFile(join(dir, 'a.conllu')));
    expect(readConlluFile(join(dir, 'a.conllu.gz'))).toHaveLength(2);
  });

  it('refuse a truncated gzip, an empty file and a missing split, naming the file', () => {
    const gz = gzipSync(SNIPPET);
    writeFileSync(join(dir, 'cut.conllu.gz'), gz.subarray(0, gz.length - 6));
    expect(() => readConlluFile(join(dir, 'cut.conllu.gz'))).toThrow(join(dir, 'cut.conllu.gz'));
    writeFileSync(join(dir, 'empty.conllu'), '\n\n');
    expect(() => readConlluFile(join(dir, 'empty.conllu'))).toThrow(`${join(dir, 'empty.conllu')}: holds no sentences (an empty or non-CoNLL-U file?)`);
    writeFileSync(join(dir, UD_EWT_FILES.train), gz);
    writeFileSync(join(dir, UD_EWT_FILES.dev), gz);
    expect(() => loadUdEwt({ dataDir: dir })).toThrow(`loadUdEwt: ${join(dir, UD_EWT_FILES.test)} does not exist`);
  });
});

describeWithSharedData('ud-ewt', 'loadUdEwt on the shared copy', (dir) => {
  it('has the counts of its README: 12,544 / 2,001 / 2,077 sentences, 204,577 / 25,147 / 25,094 words, 17 UPOS tags', () => {
    const { train, dev, test } = loadUdEwt({ dataDir: dir });
    expect([train.length, dev.length, test.length]).toEqual([12_544, 2_001, 2_077]);
    const words = (split: typeof train) => split.reduce((n, s) => n + s.words.length, 0);
    expect([words(train), words(dev), words(test)]).toEqual([204_577, 25_147, 25_094]);
    const counts = new Map<string, number>();
    for (const s of train) for (const t of s.tags) counts.set(t, (counts.get(t) ?? 0) + 1);
    expect(counts.size).toBe(17);
    expect([counts.get('NOUN'), counts.get('PUNCT'), counts.get('VERB')]).toEqual([34_751, 23_596, 22_576]);
    expect(train[0]!.words.slice(0, 3)).toEqual(['Al', '-', 'Zaman']);
  });
});
