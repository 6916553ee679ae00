/**
 * What the captions get right besides BLEU: exact match against any reference, and whether the digits a
 * caption names are the digits in the picture.
 *
 *   exact match     = #{scenes whose caption equals one of its references} / #scenes
 *   digit accuracy  = Σ |named ∩ shown| / Σ |named|     (multisets: each digit shown can be named once)
 *   digit recall    = Σ |named ∩ shown| / Σ |shown|
 *   count accuracy  = #{scenes where |named| = |shown|} / #scenes
 *
 * and of the layout head, which says what each of the 4 cells holds (0 empty, 1 + digit large, 11 + digit small):
 *   cell accuracy   = #{cells whose class is right} / #cells
 *   digit accuracy  = #{digits shown whose cell's class names that digit, at either size} / #digits shown
 */
import { captionDigits } from '@rnnkit/datasets';

export interface CaptionScores {
  readonly exactMatch: number;
  readonly digitAccuracy: number;
  readonly digitRecall: number;
  readonly countAccuracy: number;
}

/** |a ∩ b| of two multisets of digits. */
export function multisetOverlap(a: readonly number[], b: readonly number[]): number {
  const left = new Map<number, number>();
  for (const d of b) left.set(d, (left.get(d) ?? 0) + 1);
  let n = 0;
  for (const d of a) {
    const k = left.get(d) ?? 0;
    if (k > 0) {
      n++;
      left.set(d, k - 1);
    }
  }
  return n;
}

/** Scores of generated captions (words) against each scene's references (strings) and digits shown. */
export function captionScores(generated: readonly (readonly string[])[], scenes: readonly { readonly captions: readonly string[]; readonly digits: readonly { readonly digit: number }[] }[]): CaptionScores {
  if (generated.length !== scenes.length) throw new Error(`captionScores: ${generated.length} captions for ${scenes.length} scenes`);
  let exact = 0;
  let named = 0;
  let shown = 0;
  let right = 0;
  let counted = 0;
  generated.forEach((words, i) => {
    const scene = scenes[i]!;
    if (scene.captions.includes(words.join(' '))) exact++;
    const names = captionDigits(words);
    const truth = scene.digits.map((d) => d.digit);
    named += names.length;
    shown += truth.length;
    right += multisetOverlap(names, truth);
    if (names.length === truth.length) counted++;
  });
  const n = Math.max(1, generated.length);
  return { exactMatch: exact / n, digitAccuracy: named === 0 ? 0 : right / named, digitRecall: shown === 0 ? 0 : right / shown, countAccuracy: counted / n };
}

/** What the layout head reads right, from its predicted class of each cell (`predicted` [N·4]) and the true ones (`layoutTargets`). */
export function layoutScores(predicted: ArrayLike<number>, truth: ArrayLike<number>): { readonly cellAccuracy: number; readonly digitAccuracy: number } {
  if (predicted.length !== truth.length) throw new Error(`layoutScores: ${predicted.length} predicted cells for ${truth.length} true ones`);
  let cells = 0;
  let digits = 0;
  let read = 0;
  for (let i = 0; i < truth.length; i++) {
    const t = truth[i]!;
    const p = predicted[i]!;
    if (p === t) cells++;
    if (t === 0) continue;
    digits++;
    if (p !== 0 && (p - 1) % 10 === (t - 1) % 10) read++;
  }
  return { cellAccuracy: truth.length === 0 ? 0 : cells / truth.length, digitAccuracy: digits === 0 ? 0 : read / digits };
}
