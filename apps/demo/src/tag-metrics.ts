/**
 * Tagging metrics: the confusion matrix of gold against predicted tags, token accuracy, and per-tag
 * precision, recall and F1; and the most-frequent-tag baseline every tagger is measured against.
 *
 * Shapes: N tokens, K tags. matrix[g][p] counts the tokens of gold tag g predicted as p ([K, K]).
 *   precision_k = matrix[k][k] / Σ_g matrix[g][k]     (of the tokens predicted k, the share that are k)
 *   recall_k    = matrix[k][k] / Σ_p matrix[k][p]     (of the tokens that are k, the share predicted k)
 *   F1_k        = 2·P·R / (P + R);   a ratio with nothing to count (0/0) is 0, as scikit-learn reports it
 *   accuracy    = Σ_k matrix[k][k] / N
 */

/** Counts of gold tag (row) against predicted tag (column): `matrix[gold][predicted]`. */
export function confusionMatrix(gold: ArrayLike<number>, predicted: ArrayLike<number>, tags: number): number[][] {
  if (gold.length !== predicted.length) throw new Error(`confusionMatrix: ${gold.length} gold tags but ${predicted.length} predicted`);
  const matrix = Array.from({ length: tags }, () => new Array<number>(tags).fill(0));
  for (let i = 0; i < gold.length; i++) {
    const g = gold[i]!;
    const p = predicted[i]!;
    if (!(g >= 0 && g < tags && p >= 0 && p < tags)) throw new Error(`confusionMatrix: token ${i} has gold ${g} and predicted ${p}, outside [0, ${tags})`);
    matrix[g]![p]! += 1;
  }
  return matrix;
}

/** One tag's figures. */
export interface TagScore {
  readonly tag: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Tokens whose gold tag this is. */
  readonly support: number;
}

/** Accuracy, per-tag scores (in the order of `names`) and their unweighted mean F1. */
export interface TagReport {
  readonly accuracy: number;
  readonly tokens: number;
  readonly perTag: readonly TagScore[];
  readonly macroF1: number;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** The report of a confusion matrix; `names[k]` names tag k. */
export function tagReport(matrix: readonly (readonly number[])[], names: readonly string[]): TagReport {
  const K = matrix.length;
  if (names.length !== K) throw new Error(`tagReport: ${names.length} tag names for a ${K} × ${K} matrix`);
  let correct = 0;
  let tokens = 0;
  const perTag = names.map((tag, k) => {
    const tp = matrix[k]![k]!;
    const support = matrix[k]!.reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((a, row) => a + row[k]!, 0);
    correct += tp;
    tokens += support;
    const precision = ratio(tp, predicted);
    const recall = ratio(tp, support);
    return { tag, precision, recall, f1: ratio(2 * precision * recall, precision + recall), support };
  });
  return { accuracy: ratio(correct, tokens), tokens, perTag, macroF1: ratio(perTag.reduce((a, s) => a + s.f1, 0), K) };
}

/** A sentence's words and gold tags. */
interface Tagged {
  readonly words: readonly string[];
  readonly tags: readonly string[];
}

/**
 * The most-frequent-tag baseline: each word form gets the tag it has most often in `train` (ties: the tag
 * seen first); a form never seen gets the most frequent tag of all. Returns the predicted tags of `test`.
 */
export function mostFrequentTagBaseline(train: readonly Tagged[], test: readonly Tagged[]): string[][] {
  const perWord = new Map<string, Map<string, number>>();
  const overall = new Map<string, number>();
  for (const s of train) {
    s.words.forEach((w, i) => {
      const tag = s.tags[i]!;
      const counts = perWord.get(w) ?? new Map<string, number>();
      counts.set(tag, (counts.get(tag) ?? 0) + 1);
      perWord.set(w, counts);
      overall.set(tag, (overall.get(tag) ?? 0) + 1);
    });
  }
  const best = (counts: ReadonlyMap<string, number>): string => {
    let top = '';
    let most = -1;
    for (const [tag, n] of counts) if (n > most) [top, most] = [tag, n];
    return top;
  };
  const fallback = best(overall);
  const choice = new Map([...perWord].map(([w, counts]) => [w, best(counts)]));
  return test.map((s) => s.words.map((w) => choice.get(w) ?? fallback));
}
