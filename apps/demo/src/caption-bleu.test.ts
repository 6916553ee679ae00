import { brevityPenalty, closestReferenceLength, corpusBleu } from './caption-bleu';

const words = (s: string): string[] => s.split(' ');

describe('corpus BLEU, hand-worked', () => {
  it('is 1 for a hypothesis equal to one of its references, whatever the others', () => {
    const hyp = words('a large seven to the left of a small two');
    const result = corpusBleu([hyp], [[words('a small two to the right of a large seven'), hyp]]);
    expect(result.bleu).toBe(1);
    expect(result.precisions).toEqual([1, 1, 1, 1]);
    expect(result.brevityPenalty).toBe(1);
  });

  it('clips n-gram counts by the reference (the other phrasing of the same scene)', () => {
    // hyp: a large seven to the left of a small two      (10 words)
    // ref: a small two to the right of a large seven     (10 words)
    // 1-grams: all but "left" match, "a" twice in both          → 9/10
    // 2-grams: a large, large seven, to the, of a, a small, small two (not: seven to, the left, left of) → 6/9
    // 3-grams: a large seven, a small two                        → 2/8
    // 4-grams: none                                               → 0/7, so BLEU-4 = 0 and BLEU-3 = (9/10 · 6/9 · 2/8)^(1/3)
    const hyp = [words('a large seven to the left of a small two')];
    const refs = [[words('a small two to the right of a large seven')]];
    const four = corpusBleu(hyp, refs);
    expect(four.precisions).toEqual([9 / 10, 6 / 9, 2 / 8, 0]);
    expect(four.bleu).toBe(0);
    expect(corpusBleu(hyp, refs, 3).bleu).toBeCloseTo(Math.cbrt((9 / 10) * (6 / 9) * (2 / 8)), 12);
  });

  it('penalises a short corpus: BP = exp(1 − r/c)', () => {
    // "a large seven" against "a single large seven": c = 3, r = 4; p1 = 3/3, p2 = 1/2 (large seven)
    const result = corpusBleu([words('a large seven')], [[words('a single large seven')]], 2);
    expect(result.brevityPenalty).toBeCloseTo(Math.exp(1 - 4 / 3), 12);
    expect(result.bleu).toBeCloseTo(Math.exp(1 - 4 / 3) * Math.sqrt(1 * 0.5), 12);
    // with both phrasings as references the closest length is 3: no penalty
    expect(corpusBleu([words('a large seven')], [[words('a single large seven'), words('a large seven')]], 2).brevityPenalty).toBe(1);
    expect(brevityPenalty(5, 4)).toBe(1);
    expect(brevityPenalty(0, 4)).toBe(0);
  });

  it('sums counts over the corpus before dividing (not a mean of sentence scores)', () => {
    const exact = words('a small two above a large nine');
    const wrong = words('a large one');
    const result = corpusBleu([exact, wrong], [[exact], [words('a large seven')]]);
    // 1-grams 7/7 + 2/3 = 9/10; 2-grams 6/6 + 1/2 = 7/8; 3-grams 5/5 + 0/1 = 5/6; 4-grams 4/4 (the short one has none) = 1
    expect(result.precisions).toEqual([9 / 10, 7 / 8, 5 / 6, 1]);
    expect(result.bleu).toBeCloseTo(Math.pow((9 / 10) * (7 / 8) * (5 / 6), 1 / 4), 12);
  });

  it('checks its arguments', () => {
    expect(() => corpusBleu([['a']], [])).toThrow('1 hypotheses but 0 reference lists');
    expect(() => corpusBleu([['a']], [[]])).toThrow('at least one reference');
    expect(() => corpusBleu([['a']], [[['a']]], 0)).toThrow('maxOrder must be a positive integer');
  });
});

/**
 * Figures of NLTK's reference implementation on its documented inputs (the sentences of Papineni et al.'s
 * paper): the doctests of nltk/translate/bleu_score.py (github.com/nltk/nltk, commit
 * 01c271dc4c3212cbb51f6e1362f9818555cba5eb) — corpus_bleu, sentence_bleu, modified_precision,
 * closest_ref_length and brevity_penalty. NLTK prints some figures to 4 digits ("0.5920..."); those are
 * checked to 4 digits.
 */
describe('corpus BLEU against NLTK', () => {
  const hyp1 = words('It is a guide to action which ensures that the military always obeys the commands of the party');
  const hyp2 = words('It is to insure the troops forever hearing the activity guidebook that party direct');
  const ref1a = words('It is a guide to action that ensures that the military will forever heed Party commands');
  const ref1b = words('It is the guiding principle which guarantees the military forces always being under the command of the Party');
  const ref1c = words('It is the practical guide for the army always to heed the directions of the party');
  const hypB = words('he read the book because he was interested in world history');
  const refB = words('he was interested in world history because he read the book');
  const fourDigits = (x: number): number => Math.floor(x * 1e4) / 1e4;

  it('corpus_bleu([[ref1a, ref1b, ref1c], [ref2a]], [hyp1, hyp2]) = 0.5920…', () => {
    expect(fourDigits(corpusBleu([hyp1, hypB], [[ref1a, ref1b, ref1c], [refB]]).bleu)).toBe(0.592);
  });

  it('sentence_bleu([ref1, ref2, ref3], hypothesis1) = 0.5045…, and the mean of two sentence scores 0.6223… differs from corpus BLEU', () => {
    const one = corpusBleu([hyp1], [[ref1a, ref1b, ref1c]]).bleu;
    expect(fourDigits(one)).toBe(0.5045);
    expect(fourDigits((one + corpusBleu([hypB], [[refB]]).bleu) / 2)).toBe(0.6223);
  });

  it('modified_precision: 0.9444… and 0.5882352941176471 (hypothesis1), 0.5714… and 0.07692… (hypothesis2); "the the …" 0.2857…', () => {
    const refs = [ref1a, ref1b, ref1c];
    const p1 = corpusBleu([hyp1], [refs], 2).precisions;
    expect(fourDigits(p1[0]!)).toBe(0.9444);
    expect(p1[1]).toBeCloseTo(0.5882352941176471, 15);
    const p2 = corpusBleu([hyp2], [refs], 2).precisions;
    expect(fourDigits(p2[0]!)).toBe(0.5714);
    expect(Math.floor(p2[1]! * 1e5) / 1e5).toBe(0.07692);
    const the = corpusBleu([words('the the the the the the the')], [[words('the cat is on the mat'), words('there is a cat on the mat')]], 1).precisions[0]!;
    expect(fourDigits(the)).toBe(0.2857);
  });

  it('closest_ref_length and brevity_penalty: 1.0, 0.2635971381157267, 0.9200…, ties go to the shorter', () => {
    const as = (n: number): string[] => new Array<string>(n).fill('a');
    expect(brevityPenalty(12, closestReferenceLength([as(12), as(15), as(17)], 12))).toBe(1);
    expect(brevityPenalty(12, closestReferenceLength([as(28), as(28)], 12))).toBeCloseTo(0.2635971381157267, 15);
    expect(fourDigits(brevityPenalty(12, closestReferenceLength([as(13), as(2)], 12)))).toBe(0.92);
    expect(closestReferenceLength([as(13), as(11)], 12)).toBe(11);
    expect(brevityPenalty(12, closestReferenceLength([as(13), as(11)], 12))).toBe(1);
  });
});
