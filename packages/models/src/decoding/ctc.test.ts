import { tensor, tidy } from '@rnnkit/tensor';
import { describeEachBackend, expectNoLeaks } from '@rnnkit/testkit';
import { ctcBeamDecode, ctcCollapse, ctcGreedyDecode, editDistance } from './ctc';

/** Probability of every collapsed labelling, by enumerating all C^T paths (float64). */
function labellingProbabilities(probs: number[][]): Map<string, number> {
  const T = probs.length;
  const C = probs[0]!.length;
  const out = new Map<string, number>();
  for (let code = 0; code < C ** T; code++) {
    const path: number[] = [];
    let rest = code;
    let p = 1;
    for (let t = 0; t < T; t++) {
      path.push(rest % C);
      p *= probs[t]![rest % C]!;
      rest = Math.floor(rest / C);
    }
    const key = ctcCollapse(path, 0).join(',');
    out.set(key, (out.get(key) ?? 0) + p);
  }
  return out;
}

function randomProbs(T: number, C: number, seed: number): number[][] {
  let s = seed;
  return Array.from({ length: T }, () => {
    const row = Array.from({ length: C }, () => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return Math.exp(3 * (s / 2 ** 32));
    });
    const z = row.reduce((a, v) => a + v, 0);
    return row.map((v) => v / z);
  });
}

const logTensor = (probs: number[][][]) => tensor(probs.flat(2).map(Math.log), [probs.length, probs[0]!.length, probs[0]![0]!.length]);

describe('collapse and edit distance', () => {
  test('collapse merges repeats and drops blanks', () => {
    expect(ctcCollapse([0, 1, 1, 0, 1, 2, 2, 0])).toEqual([1, 1, 2]);
    expect(ctcCollapse([3, 3, 1], 3)).toEqual([1]);
  });
  test('edit distance', () => {
    expect(editDistance([1, 2, 3], [1, 2, 3])).toBe(0);
    expect(editDistance([1, 3], [1, 2, 3])).toBe(1);
    expect(editDistance([4, 2, 3, 5], [1, 2, 3])).toBe(2);
    expect(editDistance([], [1, 2])).toBe(2);
  });
});

describeEachBackend(['cpu', 'wasm'], 'CTC decoding', () => {
  test('greedy takes the best path per row and respects input lengths', () => {
    tidy(() => {
      const probs = [
        [[0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]],
        [[0.1, 0.1, 0.8], [0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.8, 0.1], [0.1, 0.8, 0.1]],
      ];
      expect(ctcGreedyDecode(logTensor(probs))).toEqual([[1, 1, 2], [2, 1]]);
      expect(ctcGreedyDecode(logTensor(probs), { inputLengths: [3, 2] })).toEqual([[1], [2]]);
    });
  });

  test.each([1, 2, 3])('a wide prefix beam finds the most probable labelling exactly (seed %i)', (seed) => {
    const probs = randomProbs(5, 3, seed);
    const exact = [...labellingProbabilities(probs).entries()].sort((a, b) => b[1] - a[1]);
    const logits = logTensor([probs]);
    const best = ctcBeamDecode(logits, { beamWidth: 64, topPaths: 3 })[0]!;
    logits.dispose();
    expect(best.map((h) => h.labels.join(','))).toEqual(exact.slice(0, 3).map(([k]) => k));
    best.forEach((h, i) => expect(h.logProb).toBeCloseTo(Math.log(exact[i]![1]), 5));
  });

  test('the beam beats the best path where many alignments add up', () => {
    // best path: blank, blank → []; but p([1]) = 1 − 0.36 = 0.64 > p([]) = 0.36
    const probs = [[[0.6, 0.4], [0.6, 0.4]]];
    tidy(() => {
      expect(ctcGreedyDecode(logTensor(probs))).toEqual([[]]);
      const [[best]] = ctcBeamDecode(logTensor(probs), { beamWidth: 4 }) as [[{ labels: number[]; logProb: number }]];
      expect(best.labels).toEqual([1]);
      expect(best.logProb).toBeCloseTo(Math.log(0.64), 6);
    });
  });

  test('bad options are named; no leaks', async () => {
    const x = tensor([0.5, 0.5], [1, 1, 2]);
    expect(() => ctcBeamDecode(x, { beamWidth: 0 })).toThrow(/beamWidth must be a positive integer, got 0/);
    expect(() => ctcGreedyDecode(x, { blank: 2 })).toThrow(/blank must be a class id in \[0, 2\), got 2/);
    expect(() => ctcGreedyDecode(tensor([1, 2], [1, 2]))).toThrow(/logits must be \[B, T, C\], got shape \[1, 2\]/);
    await expectNoLeaks(() => {
      ctcBeamDecode(x);
      ctcGreedyDecode(x);
    }, 3, 'ctc decoding');
    x.dispose();
  });
});
