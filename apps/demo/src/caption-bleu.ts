/**
 * Corpus BLEU (Papineni, Roukos, Ward & Zhu 2002, "BLEU: a method for automatic evaluation of machine
 * translation"), with any number of references per hypothesis.
 *
 *   p_n = Σ_hyp Σ_{g ∈ n-grams(hyp)} min(count_hyp(g), max_ref count_ref(g))  /  Σ_hyp |n-grams(hyp)|
 *   BP  = 1 if c > r, else exp(1 − r/c)   c = Σ |hyp|, r = Σ the reference length closest to |hyp|
 *                                          (ties: the shorter, as NLTK's closest_ref_length)
 *   BLEU-N = BP · exp(Σ_{n=1..N} (1/N) log p_n),   0 when any p_n is 0 (no smoothing)
 *
 * Counts are summed over the corpus before dividing (micro-average), as the paper does; a hypothesis
 * shorter than n adds nothing to p_n's numerator or denominator.
 */

export interface Bleu {
  /** BLEU-N, in [0, 1]. */
  readonly bleu: number;
  /** The modified n-gram precisions p_1 … p_N (NaN for an order no hypothesis is long enough to have). */
  readonly precisions: readonly number[];
  readonly brevityPenalty: number;
  /** c: words in all hypotheses. */
  readonly hypothesisLength: number;
  /** r: the summed closest reference lengths. */
  readonly referenceLength: number;
}

function ngramCounts(words: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  // \u0001 cannot occur inside a word of a caption, so joined n-grams cannot collide
  for (let i = 0; i + n <= words.length; i++) {
    const key = words.slice(i, i + n).join('\u0001');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** The reference length closest to `length`; of two equally close, the shorter. */
export function closestReferenceLength(references: readonly (readonly string[])[], length: number): number {
  if (references.length === 0) throw new Error('closestReferenceLength: a hypothesis needs at least one reference');
  return references.map((r) => r.length).reduce((best, r) => (Math.abs(r - length) < Math.abs(best - length) || (Math.abs(r - length) === Math.abs(best - length) && r < best) ? r : best));
}

/** BP for hypotheses of c words against references of r: 1 when c > r, else exp(1 − r/c) (0 for c = 0). */
export function brevityPenalty(c: number, r: number): number {
  if (c > r) return 1;
  return c === 0 ? 0 : Math.exp(1 - r / c);
}

/** Corpus BLEU-`maxOrder` (default 4) of `hypotheses[i]` against `references[i]` (one or more each), words already split. */
export function corpusBleu(hypotheses: readonly (readonly string[])[], references: readonly (readonly (readonly string[])[])[], maxOrder = 4): Bleu {
  if (hypotheses.length !== references.length) throw new Error(`corpusBleu: ${hypotheses.length} hypotheses but ${references.length} reference lists`);
  if (!Number.isInteger(maxOrder) || maxOrder < 1) throw new Error(`corpusBleu: maxOrder must be a positive integer, got ${maxOrder}`);
  const matched = new Array<number>(maxOrder).fill(0);
  const total = new Array<number>(maxOrder).fill(0);
  let c = 0;
  let r = 0;
  hypotheses.forEach((hyp, i) => {
    const refs = references[i]!;
    c += hyp.length;
    r += closestReferenceLength(refs, hyp.length);
    for (let n = 1; n <= maxOrder; n++) {
      const maxRef = new Map<string, number>();
      for (const ref of refs) for (const [g, k] of ngramCounts(ref, n)) maxRef.set(g, Math.max(maxRef.get(g) ?? 0, k));
      for (const [g, k] of ngramCounts(hyp, n)) {
        matched[n - 1]! += Math.min(k, maxRef.get(g) ?? 0);
        total[n - 1]! += k;
      }
    }
  });
  const precisions = matched.map((m, k) => (total[k] === 0 ? Number.NaN : m / total[k]!));
  const brevity = brevityPenalty(c, r);
  const bleu = precisions.every((p) => p > 0) ? brevity * Math.exp(precisions.reduce((s, p) => s + Math.log(p), 0) / maxOrder) : 0;
  return { bleu, precisions, brevityPenalty: brevity, hypothesisLength: c, referenceLength: r };
}
