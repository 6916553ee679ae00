/**
 * The caption grammar of the digit scenes: every phrasing that describes a layout, and the digits a
 * caption names.
 *
 *   caption  = np                                 (one digit; also "a single" size name)
 *            | np relation np                      (two digits)
 *            | np relation np relation np          (three digits; each relation relates the digit
 *                                                   before it to the one after it)
 *   np       = "a" size name                       size ∈ {large | big, small | little}, name ∈ {zero … nine}
 *   relation = "to the left of" | "left of",  "to the right of" | "right of",        (same row)
 *              "above" | "over",  "below" | "under",                                    (same column)
 *              "to the upper left of" | "above and to the left of", … lower right       (diagonal)
 *
 * The digits are named in reading order (by row, then column, of the 2×2 grid of cells they sit in), and
 * the relation of two digits follows from their cells. The phrasings of a scene differ in their words
 * (each size and each relation has two), not in what they say: a scene of three digits has 2⁵ = 32.
 */
import type { SceneDigit } from './scenes';

/** The words of the digits 0–9. */
export const DIGIT_NAMES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] as const;

/** The two words of each size. */
export const SIZE_WORDS = { large: ['large', 'big'], small: ['small', 'little'] } as const;

/** Every word a caption can hold, in a fixed order (for a vocabulary). */
export const CAPTION_WORDS: readonly string[] = ['a', 'single', 'large', 'big', 'small', 'little', ...DIGIT_NAMES, 'to', 'the', 'left', 'right', 'upper', 'lower', 'of', 'and', 'above', 'below', 'over', 'under'];

type Placed = Pick<SceneDigit, 'digit' | 'size' | 'row' | 'col'>;
type Cell = Pick<SceneDigit, 'row' | 'col'>;

/** Both phrasings of where `a` is relative to `b`, the one {@link relation} gives first ("to the left of" | "left of", …). */
export function relations(a: Cell, b: Cell): [string, string] {
  if (a.row === b.row && a.col === b.col) throw new Error('relation: two digits in the same cell');
  const side = a.col < b.col ? 'left' : 'right';
  if (a.row === b.row) return [`to the ${side} of`, `${side} of`];
  const vertical: [string, string] = a.row < b.row ? ['above', 'over'] : ['below', 'under'];
  if (a.col === b.col) return vertical;
  return [`to the ${a.row < b.row ? 'upper' : 'lower'} ${side} of`, `${vertical[0]} and to the ${side} of`];
}

/** Where `a` is relative to `b`, in its first phrasing ("to the left of", "above", "to the lower right of", …). */
export function relation(a: Cell, b: Cell): string {
  return relations(a, b)[0];
}

/** Every combination of one choice from each list, in order. */
function combinations(choices: readonly (readonly string[])[]): string[][] {
  return choices.reduce<string[][]>((acc, options) => acc.flatMap((prefix) => options.map((o) => [...prefix, o])), [[]]);
}

/** The digits of a layout in reading order: by row, then by column. */
export function readingOrder<T extends Cell>(digits: readonly T[]): T[] {
  return [...digits].sort((a, b) => a.row - b.row || a.col - b.col);
}

/** Every caption of a layout of one to three digits in distinct cells: distinct strings, in a fixed order. */
export function sceneCaptions(digits: readonly Placed[]): string[] {
  if (digits.length < 1 || digits.length > 3) throw new Error(`sceneCaptions: a scene has one to three digits, got ${digits.length}`);
  const order = readingOrder(digits);
  const parts: (readonly string[])[] = [];
  order.forEach((d, k) => {
    if (k > 0) parts.push(relations(order[k - 1]!, d));
    parts.push(SIZE_WORDS[d.size].map((size) => `a ${size} ${DIGIT_NAMES[d.digit]}`));
  });
  const out = combinations(parts).map((words) => words.join(' '));
  if (digits.length === 1) out.push(...out.map((c) => c.replace(/^a /, 'a single ')));
  return out;
}

/** The digit classes a caption names, in order (its words that are digit names). */
export function captionDigits(words: readonly string[]): number[] {
  return words.map((w) => (DIGIT_NAMES as readonly string[]).indexOf(w)).filter((d) => d >= 0);
}
