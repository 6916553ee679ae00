import { loadUdEwt } from '@rnnkit/datasets';
import { describeWithSharedData } from '@rnnkit/testkit';
import { confusionMatrix, mostFrequentTagBaseline, tagReport } from './tag-metrics';

describe('tag metrics', () => {
  // 10 tokens, tags 0 = NOUN, 1 = VERB, 2 = DET:
  //   gold      N N N N V V V D D D
  //   predicted N N N V V V N D D N
  const gold = [0, 0, 0, 0, 1, 1, 1, 2, 2, 2];
  const predicted = [0, 0, 0, 1, 1, 1, 0, 2, 2, 0];

  it('counts gold (rows) against predicted (columns)', () => {
    expect(confusionMatrix(gold, predicted, 3)).toEqual([
      [3, 1, 0],
      [1, 2, 0],
      [1, 0, 2],
    ]);
    expect(() => confusionMatrix([0], [0, 1], 3)).toThrow('confusionMatrix: 1 gold tags but 2 predicted');
    expect(() => confusionMatrix([0], [3], 3)).toThrow('confusionMatrix: token 0 has gold 0 and predicted 3, outside [0, 3)');
  });

  it('precision, recall and F1 per tag, worked by hand', () => {
    const report = tagReport(confusionMatrix(gold, predicted, 3), ['NOUN', 'VERB', 'DET']);
    // NOUN: 3 right of 5 predicted (P 3/5), of 4 gold (R 3/4); F1 = 2·0.6·0.75/1.35 = 2/3
    // VERB: 2 of 3 predicted, 2 of 3 gold: P = R = F1 = 2/3
    // DET:  2 of 2 predicted, 2 of 3 gold: P 1, R 2/3, F1 = 2·(2/3)/(5/3) = 0.8
    const [noun, verb, det] = report.perTag;
    expect(noun).toMatchObject({ tag: 'NOUN', support: 4 });
    expect(noun!.precision).toBeCloseTo(0.6, 12);
    expect(noun!.recall).toBeCloseTo(0.75, 12);
    expect(noun!.f1).toBeCloseTo(2 / 3, 12);
    expect([verb!.precision, verb!.recall, verb!.f1].map((x) => x.toFixed(12))).toEqual(Array(3).fill((2 / 3).toFixed(12)));
    expect(det).toMatchObject({ tag: 'DET', precision: 1, support: 3 });
    expect(det!.recall).toBeCloseTo(2 / 3, 12);
    expect(det!.f1).toBeCloseTo(0.8, 12);
    expect(report.accuracy).toBe(0.7);
    expect(report.tokens).toBe(10);
    expect(report.macroF1).toBeCloseTo((2 / 3 + 2 / 3 + 0.8) / 3, 12);
  });

  it('a tag never predicted or never present scores 0, not NaN (0/0, as scikit-learn reports it)', () => {
    const report = tagReport([[2, 0], [0, 0]], ['A', 'B']);
    expect(report.perTag[1]).toEqual({ tag: 'B', precision: 0, recall: 0, f1: 0, support: 0 });
    expect(tagReport([[0, 1], [0, 1]], ['A', 'B']).perTag[0]).toEqual({ tag: 'A', precision: 0, recall: 0, f1: 0, support: 1 });
    expect(() => tagReport([[1]], ['A', 'B'])).toThrow('tagReport: 2 tag names for a 1 × 1 matrix');
  });

  it('the most-frequent-tag baseline: per word form, ties to the tag seen first; unseen forms get the most frequent tag', () => {
    const train = [
      { words: ['I', 'run', 'runs'], tags: ['PRON', 'VERB', 'VERB'] },
      { words: ['a', 'run', 'run', 'The'], tags: ['DET', 'NOUN', 'NOUN', 'DET'] },
      { words: ['fast'], tags: ['ADV'] },
      { words: ['fast'], tags: ['ADJ'] },
    ];
    // run: VERB 1, NOUN 2 → NOUN; fast: ADV then ADJ, one each → ADV; overall VERB 2, NOUN 2, DET 2: VERB seen first
    expect(mostFrequentTagBaseline(train, [{ words: ['run', 'fast', 'the', 'The', 'walk'], tags: [] }])).toEqual([['NOUN', 'ADV', 'VERB', 'DET', 'VERB']]);
  });
});

describeWithSharedData('ud-ewt', 'the baseline on UD English EWT', (dir) => {
  it('scores the README’s 0.862 on test (trained on train, unknown words → NOUN)', () => {
    const { train, test } = loadUdEwt({ dataDir: dir });
    const predicted = mostFrequentTagBaseline(train, test);
    let right = 0;
    let total = 0;
    test.forEach((s, i) => s.tags.forEach((t, k) => ((right += predicted[i]![k] === t ? 1 : 0), (total += 1))));
    expect(total).toBe(25_094);
    expect((right / total).toFixed(3)).toBe('0.862');
  });
});
