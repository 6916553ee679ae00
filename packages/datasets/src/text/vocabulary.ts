/**
 * Vocabularies: token ↔ id maps with reserved ids for padding, sequence start, sequence end
 * and unknown tokens, for characters and for words. Pure: no Node imports.
 */
import { checkInteger } from '../errors';

/** The reserved tokens a vocabulary can have. */
export type SpecialToken = 'pad' | 'start' | 'end' | 'unknown';

/** A token ↔ id mapping with reserved ids for the special tokens. */
export interface Vocabulary {
  /** id → token. The specials come first, in the order they were asked for. */
  readonly tokens: readonly string[];
  /** token → id. */
  readonly ids: ReadonlyMap<string, number>;
  /** Ids of the reserved tokens that this vocabulary has. */
  readonly special: { readonly pad?: number; readonly start?: number; readonly end?: number; readonly unknown?: number };
}

/** Options of {@link buildVocabulary}: special tokens and their spelling, minimum count and maximum size. */
export interface VocabularyOptions {
  /** Reserved tokens, given ids 0, 1, … in this order. Default ['pad', 'start', 'end', 'unknown']. */
  readonly specials?: readonly SpecialToken[];
  /** Spelling of the reserved tokens. Default '<pad>', '<start>', '<end>', '<unk>'. */
  readonly specialText?: Partial<Record<SpecialToken, string>>;
  /** Tokens seen fewer times are left out (they encode to unknown). Default 1. */
  readonly minCount?: number;
  /** At most this many ids in all, specials included; the most frequent tokens are kept. */
  readonly maxSize?: number;
  /** 'frequency' (most frequent first, ties by first appearance, like Keras' Tokenizer) or 'sorted' (by code unit). */
  readonly order?: 'frequency' | 'sorted';
}

const DEFAULT_TEXT: Record<SpecialToken, string> = { pad: '<pad>', start: '<start>', end: '<end>', unknown: '<unk>' };

/** Builds a vocabulary from token sequences (words of sentences, characters of texts, …). */
export function buildVocabulary(sequences: Iterable<Iterable<string>>, options: VocabularyOptions = {}): Vocabulary {
  const specials = options.specials ?? ['pad', 'start', 'end', 'unknown'];
  const minCount = options.minCount ?? 1;
  checkInteger('minCount', minCount, 1);
  if (options.maxSize !== undefined) checkInteger('maxSize', options.maxSize, specials.length);
  const counts = new Map<string, number>();
  for (const sequence of sequences) for (const token of sequence) counts.set(token, (counts.get(token) ?? 0) + 1);

  const tokens: string[] = [];
  const special: Partial<Record<SpecialToken, number>> = {};
  for (const s of specials) {
    special[s] = tokens.length;
    tokens.push(options.specialText?.[s] ?? DEFAULT_TEXT[s]);
  }
  const reserved = new Set(tokens);
  let regular = [...counts].filter(([t, c]) => c >= minCount && !reserved.has(t));
  regular.sort((a, b) => b[1] - a[1]); // stable: ties stay in order of first appearance
  if (options.maxSize !== undefined) regular = regular.slice(0, options.maxSize - tokens.length);
  const words = regular.map(([t]) => t);
  if ((options.order ?? 'frequency') === 'sorted') words.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  tokens.push(...words);
  return { tokens, ids: new Map(tokens.map((t, i) => [t, i])), special };
}

/** A character vocabulary of a text (characters as Unicode code points), sorted by default. */
export function buildCharVocabulary(text: string, options: VocabularyOptions = {}): Vocabulary {
  return buildVocabulary([charTokens(text)], { order: 'sorted', ...options });
}

/** Splits text into characters (code points, so surrogate pairs stay whole). */
export function charTokens(text: string): string[] {
  return Array.from(text);
}

/** Options of {@link wordTokens}, Keras' `text_to_word_sequence`: characters filtered out, lower-casing, separator. */
export interface WordTokenOptions {
  /** Lower-case first. Default true. */
  readonly lower?: boolean;
  /** Characters replaced by the separator. Default Keras': !"#$%&()*+,-./:;<=>?@[\]^_`{|}~ tab newline. */
  readonly filters?: string;
  /** Default ' '. */
  readonly split?: string;
}

const KERAS_FILTERS = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n';

/** Splits text into words as Keras' `text_to_word_sequence`: lower, filter punctuation, split, drop empties. */
export function wordTokens(text: string, options: WordTokenOptions = {}): string[] {
  const split = options.split ?? ' ';
  const filters = options.filters ?? KERAS_FILTERS;
  let s = (options.lower ?? true) ? text.toLowerCase() : text;
  if (filters.length > 0) s = Array.from(s, (c) => (filters.includes(c) ? split : c)).join('');
  return s.split(split).filter((w) => w !== '');
}

/** Options of {@link encode}: add the start and/or end token. */
export interface EncodeOptions {
  /** Put the start id in front. Default false. */
  readonly addStart?: boolean;
  /** Put the end id at the back. Default false. */
  readonly addEnd?: boolean;
}

/** Tokens → ids. Unknown tokens map to the unknown id; without one they are an error. */
export function encode(vocabulary: Vocabulary, tokens: Iterable<string>, options: EncodeOptions = {}): Int32Array {
  const out: number[] = [];
  if (options.addStart) out.push(requireSpecial(vocabulary, 'start'));
  for (const token of tokens) {
    const id = vocabulary.ids.get(token) ?? vocabulary.special.unknown;
    if (id === undefined) throw new Error(`token ${JSON.stringify(token)} is not in the vocabulary, which has no unknown id`);
    out.push(id);
  }
  if (options.addEnd) out.push(requireSpecial(vocabulary, 'end'));
  return Int32Array.from(out);
}

/** Ids → tokens. `skipSpecials` (default true) leaves out pad, start and end; decoding stops at end. */
export function decode(vocabulary: Vocabulary, ids: ArrayLike<number>, options: { readonly skipSpecials?: boolean } = {}): string[] {
  const skip = options.skipSpecials ?? true;
  const { pad, start, end } = vocabulary.special;
  const out: string[] = [];
  for (let k = 0; k < ids.length; k++) {
    const id = ids[k] as number;
    if (skip && id === end) break;
    if (skip && (id === pad || id === start)) continue;
    const token = vocabulary.tokens[id];
    if (token === undefined) throw new Error(`id ${id} at position ${k} is outside the vocabulary [0, ${vocabulary.tokens.length})`);
    out.push(token);
  }
  return out;
}

function requireSpecial(vocabulary: Vocabulary, name: SpecialToken): number {
  const id = vocabulary.special[name];
  if (id === undefined) throw new Error(`the vocabulary has no '${name}' token; build it with specials including '${name}'`);
  return id;
}
