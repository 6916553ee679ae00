import { constantSchedule, cosineDecay, exponentialDecay, stepDecay } from './schedules';

describe('learning-rate schedules', () => {
  it('constant', () => {
    expect(constantSchedule(0.01)(0)).toBe(0.01);
    expect(constantSchedule(0.01)(1e6)).toBe(0.01);
  });

  it('exponential decay (Keras ExponentialDecay), smooth and staircase', () => {
    const smooth = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expect(smooth(0)).toBeCloseTo(0.1, 15);
    expect(smooth(5)).toBeCloseTo(0.1 * Math.SQRT1_2, 15);
    expect(smooth(20)).toBeCloseTo(0.025, 15);
    const stairs = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5, staircase: true });
    expect(stairs(9)).toBeCloseTo(0.1, 15);
    expect(stairs(10)).toBeCloseTo(0.05, 15);
  });

  it('step decay (PyTorch StepLR over steps)', () => {
    const s = stepDecay({ initialLearningRate: 1, stepSize: 3, gamma: 0.1 });
    expect([0, 2, 3, 5, 6].map(s)).toEqual([1, 1, 0.1, 0.1, 1 * 0.1 ** 2]);
  });

  it('cosine decay with linear warm-up (Keras 3 CosineDecay)', () => {
    const s = cosineDecay({ initialLearningRate: 0, warmupTarget: 1, warmupSteps: 10, decaySteps: 100, alpha: 0.1 });
    expect(s(0)).toBe(0);
    expect(s(5)).toBeCloseTo(0.5, 15);
    expect(s(10)).toBeCloseTo(1, 15);
    expect(s(60)).toBeCloseTo(0.9 * 0.5 + 0.1, 15);
    expect(s(110)).toBeCloseTo(0.1, 15);
    expect(s(1000)).toBeCloseTo(0.1, 15);
    const plain = cosineDecay({ initialLearningRate: 0.2, decaySteps: 4 });
    expect(plain(2)).toBeCloseTo(0.1, 15);
  });

  it('rejects bad options, naming them', () => {
    expect(() => exponentialDecay({ initialLearningRate: 1, decaySteps: 0, decayRate: 0.5 })).toThrow(
      /exponentialDecay: decaySteps must be a positive number, got 0/,
    );
    expect(() => cosineDecay({ initialLearningRate: 1, decaySteps: 10, alpha: 2 })).toThrow(/alpha must be in \[0, 1\], got 2/);
  });
});
