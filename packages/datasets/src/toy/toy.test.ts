import { ADDITION_CHARS, additionTask, reversalTask, runningSumSignTask } from './toy-tasks';

describe('toy tasks', () => {
  test('reversal: targets are the reversed real tokens; seeded', () => {
    const task = reversalTask({ numExamples: 50, length: 6, minLength: 2, vocabSize: 10, seed: 1 });
    expect(task.shape).toEqual([50, 6]);
    for (let r = 0; r < 50; r++) {
      const len = task.lengths[r] as number;
      expect(len >= 2 && len <= 6).toBe(true);
      const x = Array.from(task.inputs.subarray(r * 6, r * 6 + len));
      expect(Array.from(task.targets.subarray(r * 6, r * 6 + len))).toEqual([...x].reverse());
      expect(x.every((v) => v >= 1 && v < 10)).toBe(true);
      expect(Array.from(task.mask.subarray(r * 6, r * 6 + 6))).toEqual([...new Array(len).fill(1), ...new Array(6 - len).fill(0)]);
    }
    expect(reversalTask({ numExamples: 50, length: 6, minLength: 2, vocabSize: 10, seed: 1 })).toEqual(task);
    expect(() => reversalTask({ numExamples: 1, length: 3, minLength: 4, vocabSize: 5, seed: 0 })).toThrow('minLength must be an integer in [1, 3], got 4');
  });

  test('addition: Keras format, unique pairs, correct sums', () => {
    const task = additionTask({ numExamples: 500, digits: 3, seed: 7 });
    expect(task.inputShape).toEqual([500, 7]);
    expect(task.targetShape).toEqual([500, 4]);
    const seen = new Set<string>();
    task.questions.forEach((q, r) => {
      const forward = Array.from(q).reverse().join('');
      expect(forward).toMatch(/^\d{1,3}\+\d{1,3} *$/);
      const [a, b] = forward.trim().split('+').map(Number) as [number, number];
      expect(task.answers[r]).toBe(String(a + b).padEnd(4, ' '));
      const key = `${Math.min(a, b)},${Math.max(a, b)}`;
      expect(seen.has(key)).toBe(false);
      seen.add(key);
      expect(Array.from(task.inputs.subarray(r * 7, r * 7 + 7), (i) => ADDITION_CHARS[i]).join('')).toBe(q);
    });
    expect(additionTask({ numExamples: 3, digits: 1, seed: 1, reverse: false }).questions.every((q) => /^\d\+\d$/.test(q))).toBe(true);
    expect(() => additionTask({ numExamples: 56, digits: 1, seed: 1 })).toThrow('numExamples must be an integer in [0, 55], got 56');
  });

  test('running-sum sign labels every step', () => {
    const task = runningSumSignTask({ numExamples: 20, length: 8, seed: 3 });
    expect(task.inputShape).toEqual([20, 8, 1]);
    for (let r = 0; r < 20; r++) {
      let sum = 0;
      for (let t = 0; t < 8; t++) {
        const x = task.inputs[r * 8 + t] as number;
        expect(x >= -1 && x < 1).toBe(true);
        sum += x;
        expect(task.targets[r * 8 + t]).toBe(sum > 0 ? 1 : 0);
      }
    }
    const labels = Array.from(task.targets);
    expect(labels.filter((v) => v === 1).length).toBeGreaterThan(0);
    expect(labels.filter((v) => v === 0).length).toBeGreaterThan(0);
  });
});
