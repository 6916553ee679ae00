/**
 * Parallel corpora for encoder–decoder models (English → French from Tatoeba/manythings.org):
 * parsing, the normalisation of TensorFlow's "NMT with attention" tutorial, tokenisation,
 * length filtering and teacher-forcing pairs. Pure: no Node imports.
 */
import { DataFileError, checkInteger } from '../errors';
import { buildVocabulary, encode, type Vocabulary, type VocabularyOptions } from '../text/vocabulary';

/** One source sentence and its translation. */
export interface SentencePair {
  readonly source: string;
  readonly target: string;
}

/**
 * Parses `source<TAB>target[<TAB>attribution]` lines (the manythings.org `fra.txt` format, old
 * two-column or newer three-column). LF or CRLF; blank lines are skipped; a line without a tab
 * is an error naming the file and line.
 */
export function parseParallelText(text: string, options: { readonly file?: string; readonly swap?: boolean } = {}): SentencePair[] {
  const file = options.file ?? '<parallel text>';
  const pairs: SentencePair[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    const fields = line.split('\t');
    if (fields.length < 2 || fields[0] === '' || fields[1] === '') {
      throw new DataFileError(file, `expected "source<TAB>target", got ${JSON.stringify(line)}`, i + 1);
    }
    const [a, b] = fields as [string, string];
    pairs.push(options.swap ? { source: b, target: a } : { source: a, target: b });
  });
  return pairs;
}

/** Options of {@link normalizeSentence}. */
export interface NormalizeOptions {
  /** Strip accents (NFD, then drop combining marks) and keep only a–z. Default true, as the tutorial. */
  readonly asciiOnly?: boolean;
}

/**
 * The tutorial's preprocessing: lower-case and trim; NFD and drop combining marks ('é' → 'e');
 * put spaces around ? . ! , ¿; replace every other character that is not a letter by a space
 * (so the narrow no-break space of French punctuation, apostrophes and digits go); collapse
 * spaces. With `asciiOnly: false`, accents and all Unicode letters and digits are kept (NFC).
 *
 * @example normalizeSentence('Ça va\u202f?') // 'ca va ?'
 */
export function normalizeSentence(sentence: string, options: NormalizeOptions = {}): string {
  const ascii = options.asciiOnly ?? true;
  let s = sentence.toLowerCase().trim();
  s = ascii ? s.normalize('NFD').replace(/\p{Mn}/gu, '') : s.normalize('NFC');
  s = s.replace(/([?.!,¿])/g, ' $1 ');
  s = s.replace(ascii ? /[^a-z?.!,¿]+/g : /[^\p{L}\p{N}?.!,¿]+/gu, ' ');
  return s.trim().replace(/ +/g, ' ');
}

/** One encoded pair: the source ids, the decoder input (start + target) and the decoder target (target + end). */
export interface TranslationExample {
  /** Encoder input: source tokens, then end. */
  readonly source: Int32Array;
  /** Decoder input (teacher forcing): start, then target tokens. */
  readonly targetInput: Int32Array;
  /** Decoder output: target tokens, then end — `targetInput` shifted left by one. */
  readonly targetOutput: Int32Array;
}

/** Options of {@link prepareTranslationCorpus}: normalisation, tokens, length filter and vocabularies. */
export interface TranslationCorpusOptions extends NormalizeOptions {
  /** 'word' (split the normalised sentence on spaces) or 'char'. Default 'word'. */
  readonly tokens?: 'word' | 'char';
  /** Drop pairs where either side has more tokens than this (start/end not counted). */
  readonly maxLength?: number;
  /** Options for both vocabularies (specials must include pad, start, end, unknown; the default does). */
  readonly vocabulary?: VocabularyOptions;
}

/** Encoded sentence pairs with their source and target vocabularies. */
export interface TranslationCorpus {
  readonly examples: TranslationExample[];
  readonly sourceVocabulary: Vocabulary;
  readonly targetVocabulary: Vocabulary;
  /** How many pairs the length filter dropped. */
  readonly dropped: number;
}

/** Normalises, tokenises, filters by length and encodes sentence pairs for teacher forcing. */
export function prepareTranslationCorpus(pairs: readonly SentencePair[], options: TranslationCorpusOptions = {}): TranslationCorpus {
  if (options.maxLength !== undefined) checkInteger('maxLength', options.maxLength, 1);
  const tokenize = (s: string): string[] => {
    const n = normalizeSentence(s, options);
    return options.tokens === 'char' ? Array.from(n) : n.split(' ').filter((w) => w !== '');
  };
  const tokenized = pairs.map((p) => ({ source: tokenize(p.source), target: tokenize(p.target) }));
  const kept = tokenized.filter(
    (p) => options.maxLength === undefined || (p.source.length <= options.maxLength && p.target.length <= options.maxLength),
  );
  const sourceVocabulary = buildVocabulary(kept.map((p) => p.source), options.vocabulary);
  const targetVocabulary = buildVocabulary(kept.map((p) => p.target), options.vocabulary);
  const start = targetVocabulary.special.start;
  const end = targetVocabulary.special.end;
  if (start === undefined || end === undefined || sourceVocabulary.special.end === undefined) {
    throw new Error("vocabulary.specials must include 'start' and 'end' for teacher forcing");
  }
  const examples = kept.map((p) => {
    const body = encode(targetVocabulary, p.target);
    return {
      source: encode(sourceVocabulary, p.source, { addEnd: true }),
      targetInput: Int32Array.from([start, ...body]),
      targetOutput: Int32Array.from([...body, end]),
    };
  });
  return { examples, sourceVocabulary, targetVocabulary, dropped: tokenized.length - kept.length };
}
