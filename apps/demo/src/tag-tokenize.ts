/**
 * Splits a sentence typed by a user into tokens the way UD English EWT tokenises: punctuation apart from
 * words ("arrow." → "arrow" "."), and the clitics split off ("don't" → "do" "n't", "it's" → "it" "'s",
 * "can't" → "ca" "n't", "won't" → "wo" "n't"). Enough for `pnpm demo tag "…"`; not a full tokeniser
 * (abbreviations such as "Mr." keep their dot only when written without a space inside: "U.S." stays whole).
 */

const LEADING = new Set(['(', '[', '{', '"', "'", '“', '‘', '«']);
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', ')', ']', '}', '"', "'", '”', '’', '»', '…']);
const CLITIC = /^(.+?)(n['’]t|['’](?:s|re|ve|ll|d|m))$/i;
/** A word with inner dots ("U.S.", "e.g.") keeps its final dot. */
const DOTTED = /^(?:\p{L}\.)+$/u;

function splitClitic(word: string): string[] {
  const match = CLITIC.exec(word);
  if (match === null) return [word];
  return [match[1]!, match[2]!];
}

/** The tokens of `text`. */
export function tokenizeSentence(text: string): string[] {
  const tokens: string[] = [];
  for (const chunk of text.split(/\s+/).filter((c) => c !== '')) {
    const chars = Array.from(chunk);
    if (chars.every((c) => LEADING.has(c) || TRAILING.has(c) || c === '-')) {
      tokens.push(chunk); // "...", "--", "!!": one punctuation token
      continue;
    }
    const before: string[] = [];
    const after: string[] = [];
    while (chars.length > 1 && LEADING.has(chars[0]!)) before.push(chars.shift()!);
    while (chars.length > 1 && TRAILING.has(chars.at(-1)!) && !DOTTED.test(chars.join(''))) after.unshift(chars.pop()!);
    tokens.push(...before, ...splitClitic(chars.join('')), ...after);
  }
  return tokens;
}
