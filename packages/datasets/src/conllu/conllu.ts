/**
 * CoNLL-U, the Universal Dependencies format, read for tagging: per sentence its words (FORM) and one
 * tag column (UPOS by default, or XPOS), with the `# sent_id` and `# text` comments. Pure: no Node imports.
 *
 * Format (universaldependencies.org/format.html): comment lines start with `#`; a word line has 10
 * TAB-separated fields `ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC`; a blank line ends a sentence.
 * Word IDs are 1, 2, 3, … within a sentence. Multi-word token lines (a range ID, `3-4`: the surface
 * token "don't" over the words "do" and "n't") and empty-node lines (a decimal ID, `8.1`: enhanced
 * dependencies only) are not words of the sentence and are skipped, as taggers do.
 */
import { DataFileError } from '../errors';

/** One sentence: its words and their tags (equal lengths), and its id and text when the file gives them. */
export interface TaggedSentence {
  /** From `# sent_id = …`. */
  readonly id?: string;
  /** From `# text = …`. */
  readonly text?: string;
  /** FORM of each word line. */
  readonly words: readonly string[];
  /** The chosen tag column of each word line. */
  readonly tags: readonly string[];
}

/** Options of {@link parseConllu}: which tag column, and the file name used in errors. */
export interface ConlluOptions {
  /** Default 'upos' (column 4, the 17 universal tags); 'xpos' is column 5 (e.g. Penn Treebank tags). */
  readonly tagColumn?: 'upos' | 'xpos';
  /** Names the source in errors. Default '<conllu>'. */
  readonly file?: string;
}

const FIELDS = 10;
const RANGE_ID = /^[1-9][0-9]*-[1-9][0-9]*$/;
const EMPTY_NODE_ID = /^[0-9]+\.[1-9][0-9]*$/;
const WORD_ID = /^[1-9][0-9]*$/;

interface Pending {
  id?: string;
  text?: string;
  words: string[];
  tags: string[];
  /** 1-based line of the sentence's first line. */
  startLine: number;
}

/**
 * Parses CoNLL-U text into sentences. Errors name the file and the 1-based line: a word line without
 * 10 fields, IDs out of sequence, an empty FORM or tag, a sentence with comments but no words.
 *
 * @example parseConllu('# text = Hi !\n1\tHi\thi\tINTJ\tUH\t_\t0\troot\t0:root\t_\n2\t!\t!\tPUNCT\t.\t_\t1\tpunct\t1:punct\t_\n\n')
 *          // [{ text: 'Hi !', words: ['Hi', '!'], tags: ['INTJ', 'PUNCT'] }]
 */
export function parseConllu(text: string, options: ConlluOptions = {}): TaggedSentence[] {
  const file = options.file ?? '<conllu>';
  const column = (options.tagColumn ?? 'upos') === 'upos' ? 3 : 4;
  if (options.tagColumn !== undefined && options.tagColumn !== 'upos' && options.tagColumn !== 'xpos') {
    throw new Error(`parseConllu: tagColumn must be 'upos' or 'xpos', got ${JSON.stringify(options.tagColumn)}`);
  }
  const sentences: TaggedSentence[] = [];
  let pending: Pending | null = null;
  const finish = (line: number): void => {
    if (pending === null) return;
    if (pending.words.length === 0) throw new DataFileError(file, 'a sentence has comment lines but no word lines', line);
    const { id, text: sentenceText, words, tags } = pending;
    sentences.push({ ...(id === undefined ? {} : { id }), ...(sentenceText === undefined ? {} : { text: sentenceText }), words, tags });
    pending = null;
  };
  const lines = text.split('\n');
  // a final newline leaves one empty string after it, which is not a line
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      finish(lineNo);
      return;
    }
    pending ??= { words: [], tags: [], startLine: lineNo };
    if (line.startsWith('#')) {
      // metadata comments count only before the first word line
      if (pending.words.length > 0) return;
      const match = /^#\s*(sent_id|text)\s*=\s?(.*)$/.exec(line);
      if (match?.[1] === 'sent_id') pending.id = match[2]!.trim();
      else if (match?.[1] === 'text') pending.text = match[2]!;
      return;
    }
    const fields = line.split('\t');
    if (fields.length !== FIELDS) {
      throw new DataFileError(file, `a word line needs ${FIELDS} TAB-separated fields (ID FORM LEMMA UPOS XPOS FEATS HEAD DEPREL DEPS MISC), got ${fields.length}`, lineNo);
    }
    const id = fields[0]!;
    if (RANGE_ID.test(id) || EMPTY_NODE_ID.test(id)) return;
    if (!WORD_ID.test(id)) throw new DataFileError(file, `ID "${id}" is not a word index (1, 2, …), a range (3-4) or an empty node (8.1)`, lineNo);
    const expected = pending.words.length + 1;
    if (Number(id) !== expected) {
      throw new DataFileError(file, `word ID ${id} out of sequence: expected ${expected} (a missing blank line between sentences?)`, lineNo);
    }
    const form = fields[1]!;
    const tag = fields[column]!;
    if (form === '') throw new DataFileError(file, `word ${id} has an empty FORM`, lineNo);
    if (tag === '' || tag === '_') throw new DataFileError(file, `word ${id} ("${form}") has no ${column === 3 ? 'UPOS' : 'XPOS'} tag (got "${tag}")`, lineNo);
    pending.words.push(form);
    pending.tags.push(tag);
  });
  finish(lines.length + 1);
  return sentences;
}
