/**
 * Sequence tagging data: word, character and tag vocabularies of a tagged corpus, sentences encoded as
 * ids, and padded batches of words, of the characters of each word, of tags, with the mask. Pure.
 *
 * Shapes: B sentences in a batch, T the longest sentence of the batch (words), L the longest word of the
 * batch (characters, boundary marks included).
 *   words [B, T], tags [B, T], mask [B, T] (1 = a real word), chars [B, T, L] — all row-major, 0 = padding.
 */
import { checkInteger, DataFileError } from '../errors';
import { buildVocabulary, charTokens, encode } from '../text/vocabulary';
import type { Vocabulary } from '../text/vocabulary';

/** A sentence as its words and their tags (what parseConllu gives). */
export interface TaggedWords {
  readonly words: readonly string[];
  readonly tags: readonly string[];
}

/** The vocabularies of a tagger and how words are read into them. */
export interface TaggingVocabularies {
  /** Specials `<pad>` 0 and `<unk>` 1, then words seen at least `wordMinCount` times (lower-cased when `lowercase`). */
  readonly words: Vocabulary;
  /** Specials `<pad>` 0, `<unk>` 1, `<w>` 2 (word start) and `</w>` 3 (word end), then characters (code points) as written. */
  readonly chars: Vocabulary;
  /** The tags, sorted, from id 0 (no specials: padding steps are masked, not tagged). */
  readonly tags: Vocabulary;
  readonly lowercase: boolean;
  /** Words longer than this many characters keep their first ⌈n/2⌉ and last ⌊n/2⌋ characters. */
  readonly maxWordLength: number;
}

/** Options of {@link buildTaggingVocabularies}. */
export interface TaggingVocabularyOptions {
  /** Words seen fewer times read as `<unk>` (so training sees unknown words too). Default 2. */
  readonly wordMinCount?: number;
  /** Characters seen fewer times read as `<unk>`. Default 1. */
  readonly charMinCount?: number;
  /** Look words up lower-cased (the characters keep the case). Default true. */
  readonly lowercase?: boolean;
  /** Default 20. */
  readonly maxWordLength?: number;
  /** The tag inventory (e.g. the 17 UPOS tags of every split). Default: the tags of `sentences`. */
  readonly tags?: readonly string[];
}

/** Builds the word, character and tag vocabularies of a (training) corpus. */
export function buildTaggingVocabularies(sentences: readonly TaggedWords[], options: TaggingVocabularyOptions = {}): TaggingVocabularies {
  const lowercase = options.lowercase ?? true;
  const maxWordLength = options.maxWordLength ?? 20;
  checkInteger('maxWordLength', maxWordLength, 1);
  sentences.forEach((s, i) => {
    if (s.words.length !== s.tags.length) throw new Error(`sentence ${i} has ${s.words.length} words but ${s.tags.length} tags`);
  });
  const words = buildVocabulary(
    sentences.map((s) => (lowercase ? s.words.map((w) => w.toLowerCase()) : s.words)),
    { specials: ['pad', 'unknown'], minCount: options.wordMinCount ?? 2 },
  );
  const chars = buildVocabulary(
    sentences.map((s) => s.words.flatMap(charTokens)),
    { specials: ['pad', 'unknown', 'start', 'end'], specialText: { start: '<w>', end: '</w>' }, minCount: options.charMinCount ?? 1, order: 'sorted' },
  );
  const tags = buildVocabulary(options.tags === undefined ? sentences.map((s) => s.tags) : [options.tags], { specials: [], order: 'sorted' });
  return { words, chars, tags, lowercase, maxWordLength };
}

/** The vocabularies as plain JSON (what a saved tagger keeps beside its weights). */
export interface TaggingVocabulariesJson {
  readonly words: readonly string[];
  readonly chars: readonly string[];
  readonly tags: readonly string[];
  readonly lowercase: boolean;
  readonly maxWordLength: number;
}

/** The JSON form of `v`: the tokens of each vocabulary in id order, and how words are read. */
export function taggingVocabulariesToJson(v: TaggingVocabularies): TaggingVocabulariesJson {
  return { words: v.words.tokens, chars: v.chars.tokens, tags: v.tags.tokens, lowercase: v.lowercase, maxWordLength: v.maxWordLength };
}

const WORD_SPECIALS = ['<pad>', '<unk>'];
const CHAR_SPECIALS = ['<pad>', '<unk>', '<w>', '</w>'];

/** Rebuilds the vocabularies from {@link taggingVocabulariesToJson}'s output; `file` names the source in errors. */
export function taggingVocabulariesFromJson(json: unknown, file: string): TaggingVocabularies {
  const o = (json ?? {}) as Partial<Record<keyof TaggingVocabulariesJson, unknown>>;
  const list = (key: 'words' | 'chars' | 'tags', specials: readonly string[]): string[] => {
    const value = o[key];
    if (!Array.isArray(value) || value.some((t) => typeof t !== 'string') || new Set(value).size !== value.length) {
      throw new DataFileError(file, `"${key}" must be a list of distinct strings`);
    }
    if (specials.some((t, i) => value[i] !== t)) throw new DataFileError(file, `"${key}" must start with ${specials.join(', ')}`);
    if (value.length <= specials.length) throw new DataFileError(file, `"${key}" has no entries besides ${specials.join(', ') || 'the specials'}`);
    return value as string[];
  };
  const vocabulary = (tokens: string[], special: Vocabulary['special']): Vocabulary => ({ tokens, ids: new Map(tokens.map((t, i) => [t, i])), special });
  if (typeof o.lowercase !== 'boolean') throw new DataFileError(file, '"lowercase" must be true or false');
  if (!Number.isInteger(o.maxWordLength) || (o.maxWordLength as number) < 1) throw new DataFileError(file, '"maxWordLength" must be a positive integer');
  return {
    words: vocabulary(list('words', WORD_SPECIALS), { pad: 0, unknown: 1 }),
    chars: vocabulary(list('chars', CHAR_SPECIALS), { pad: 0, unknown: 1, start: 2, end: 3 }),
    tags: vocabulary(list('tags', []), {}),
    lowercase: o.lowercase,
    maxWordLength: o.maxWordLength as number,
  };
}

/** A sentence as ids: one word id and one character sequence per word, and the tag ids (empty when untagged). */
export interface EncodedSentence {
  readonly words: Int32Array;
  /** Per word: `<w>`, its characters (shortened to maxWordLength), `</w>`. */
  readonly chars: readonly Int32Array[];
  readonly tags: Int32Array;
}

/** The characters of `word` kept for the character features: all, or the first ⌈n/2⌉ and last ⌊n/2⌋ of n = maxLength. */
export function shortenWord(word: string, maxLength: number): string[] {
  const chars = charTokens(word);
  if (chars.length <= maxLength) return chars;
  const head = Math.ceil(maxLength / 2);
  return [...chars.slice(0, head), ...chars.slice(chars.length - (maxLength - head))];
}

/** Encodes words (tags too, when given: a tag outside the vocabulary is an error naming it). */
export function encodeTaggedWords(vocabularies: TaggingVocabularies, words: readonly string[], tags?: readonly string[]): EncodedSentence {
  if (tags !== undefined && tags.length !== words.length) throw new Error(`encodeTaggedWords: ${words.length} words but ${tags.length} tags`);
  const v = vocabularies;
  return {
    words: encode(v.words, v.lowercase ? words.map((w) => w.toLowerCase()) : words),
    chars: words.map((w) => encode(v.chars, shortenWord(w, v.maxWordLength), { addStart: true, addEnd: true })),
    tags:
      tags === undefined
        ? new Int32Array(0)
        : Int32Array.from(tags, (t, i) => {
            const id = v.tags.ids.get(t);
            if (id === undefined) throw new Error(`tag "${t}" of word ${i} ("${words[i]}") is not among the training tags (${v.tags.tokens.join(' ')})`);
            return id;
          }),
  };
}

/** Encodes a tagged corpus (e.g. a split) with the vocabularies. */
export function encodeTagged(vocabularies: TaggingVocabularies, sentences: readonly TaggedWords[]): EncodedSentence[] {
  return sentences.map((s) => encodeTaggedWords(vocabularies, s.words, s.tags));
}

/** A padded batch of sentences: words, characters, tags and the mask, all with 0 as padding. */
export interface TaggingBatch {
  /** [B, T] word ids. */
  readonly words: Int32Array;
  /** [B, T, L] character ids of each word, `<w>` first, padded after the word or before it (`charPadding`). */
  readonly chars: Int32Array;
  /** [B, T, L] the same characters in reverse order (`</w>` first), padded on the same side. */
  readonly charsReversed: Int32Array;
  /** [B, T] tag ids (0 at padding, which the mask hides; all 0 for untagged sentences). */
  readonly tags: Int32Array;
  /** [B, T] 1 where there is a word, else 0. */
  readonly mask: Uint8Array;
  /** [B] the number of words of each sentence. */
  readonly lengths: Int32Array;
  readonly batch: number;
  readonly time: number;
  /** L: characters per word slot. */
  readonly wordLength: number;
}

/** Options of {@link taggingBatch}. */
export interface TaggingBatchOptions {
  /**
   * Where the character slots of a word are padded. Default 'post'. With 'pre' a recurrent layer that reads
   * the characters without a mask (inside TimeDistributed) ends on the word's last character in `chars`
   * and on its first in `charsReversed`: the padding comes before, where it only sets the start state.
   */
  readonly charPadding?: 'pre' | 'post';
}

/** Gathers `sentences[indices]` into one {@link TaggingBatch}; T and L are the batch's longest sentence and word. */
export function taggingBatch(sentences: readonly EncodedSentence[], indices: ArrayLike<number>, options: TaggingBatchOptions = {}): TaggingBatch {
  const charPadding = options.charPadding ?? 'post';
  if (charPadding !== 'pre' && charPadding !== 'post') throw new Error(`taggingBatch: charPadding must be 'pre' or 'post', got ${JSON.stringify(charPadding)}`);
  const rows = Array.from(indices, (i, k) => {
    const s = sentences[i];
    if (s === undefined) throw new Error(`indices[${k}] = ${i} is outside [0, ${sentences.length})`);
    return s;
  });
  if (rows.length === 0) throw new Error('taggingBatch: indices is empty');
  const B = rows.length;
  const T = Math.max(...rows.map((s) => s.words.length));
  const L = Math.max(1, ...rows.flatMap((s) => s.chars.map((c) => c.length)));
  const words = new Int32Array(B * T);
  const tags = new Int32Array(B * T);
  const mask = new Uint8Array(B * T);
  const chars = new Int32Array(B * T * L);
  const charsReversed = new Int32Array(B * T * L);
  const lengths = new Int32Array(B);
  rows.forEach((s, b) => {
    lengths[b] = s.words.length;
    words.set(s.words, b * T);
    tags.set(s.tags, b * T);
    mask.fill(1, b * T, b * T + s.words.length);
    s.chars.forEach((c, t) => {
      const at = (b * T + t) * L + (charPadding === 'pre' ? L - c.length : 0);
      chars.set(c, at);
      charsReversed.set(c.slice().reverse(), at);
    });
  });
  return { words, chars, charsReversed, tags, mask, lengths, batch: B, time: T, wordLength: L };
}
