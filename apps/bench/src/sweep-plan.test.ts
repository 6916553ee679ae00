import { SWEEP_DEFAULTS } from './args';
import { ALL_CASES } from './cases';
import { stepFlops } from './flops';
import { extrapolate, formatBytes, kernelBytes, predict, skipReason, sweepCase, sweepShapes } from './sweep-plan';
import type { Measured } from './sweep-plan';

const limits = { maxMemoryMiB: 4096, maxStepSeconds: 30 };
const measured = (memoryMiB: number, secondsPerStep: number): Measured => ({ samplesPerSecond: 1, secondsPerStep, timedSteps: 3, memoryMiB });

describe('the sweep grid', () => {
  it('has 36 shapes per mode, training first, T growing fastest within each (H, B)', () => {
    const shapes = sweepShapes(SWEEP_DEFAULTS);
    expect(shapes).toHaveLength(72);
    expect(shapes.slice(0, 5).map((s) => [s.mode, s.units, s.batch, s.steps])).toEqual([
      ['train', 32, 1, 50], ['train', 32, 1, 200], ['train', 32, 1, 1000], ['train', 32, 1, 4000], ['train', 32, 16, 50],
    ]);
    expect(shapes[36]).toEqual({ mode: 'infer', units: 32, batch: 1, steps: 50 });
    expect(sweepShapes({ steps: [200, 50, 200], units: [128], batches: [16] }).map((s) => s.steps)).toEqual([50, 200, 50, 200]);
  });

  it('builds the seed model at each shape, named by it', () => {
    expect(sweepCase('gru', { mode: 'infer', units: 128, batch: 16, steps: 1000 })).toEqual({
      name: 'GRU-128 B16 T1000 infer', cell: 'gru', bidirectional: false, vocabulary: 10_000, embed: 32, units: 128, batch: 16, steps: 1000, mode: 'infer',
    });
  });
});

describe('FLOP counts', () => {
  it('count 2·B·T·G·H·(E + H) per direction forward, three times that for a training step', () => {
    const lstm = ALL_CASES.find((c) => c.name === 'LSTM-32 train')!;
    const forward = 2 * 128 * 200 * 4 * 32 * (32 + 32) + 2 * 128 * 32;
    expect(stepFlops(lstm)).toBe(3 * forward);
    expect(stepFlops({ ...lstm, mode: 'infer' })).toBe(forward);
    expect(stepFlops({ ...lstm, bidirectional: true })).toBe(6 * forward);
    expect(stepFlops({ ...lstm, cell: 'simpleRnn', mode: 'infer' })).toBe(2 * 128 * 200 * 32 * 64 + 2 * 128 * 32);
    expect(() => stepFlops(ALL_CASES.find((c) => c.mode === 'generate')!)).toThrow('is a generation case');
  });
});

describe('predictions and skips', () => {
  it('extrapolates along the line through the two largest T, or proportionally from one', () => {
    expect(extrapolate([], 10)).toBeUndefined();
    expect(extrapolate([{ x: 50, y: 10 }], 200)).toBe(40);
    expect(extrapolate([{ x: 50, y: 10 }, { x: 200, y: 25 }, { x: 1000, y: 105 }], 4000)).toBe(405);
    expect(extrapolate([{ x: 50, y: 30 }, { x: 200, y: 20 }], 1000)).toBe(20); // never below the last measurement
  });

  it('predicts from the shapes measured below, or from the kernel bound before any', () => {
    const shape = { mode: 'train', units: 128, batch: 16, steps: 1000 } as const;
    const first = predict('lstm', shape, []);
    expect(first.memoryBytes).toBe(kernelBytes('lstm', shape));
    expect(first.secondsPerStep).toBeCloseTo(stepFlops(sweepCase('lstm', shape)) / 10e9, 12);
    expect(first.basis).toContain('before any measurement');
    const later = predict('lstm', shape, [{ steps: 50, measured: measured(10, 0.1) }, { steps: 200, measured: measured(40, 0.25) }, { steps: 1000, measured: measured(1, 1) }]);
    expect(later.memoryBytes).toBeCloseTo(200 * 2 ** 20, 3); // 40 + 0.2·800 MiB; the T=1000 entry is not below
    expect(later.secondsPerStep).toBeCloseTo(1.05, 12);
    expect(later.basis).toBe('extrapolated from T=50, 200');
  });

  it('skips what leaves rnnkit\'s kernel, then what exceeds --max-memory or --max-step, saying why', () => {
    const huge = { mode: 'train', units: 128, batch: 128, steps: 4000 } as const;
    const small = { memoryBytes: 1e6, secondsPerStep: 0.1, basis: 'extrapolated from T=200, 1000' };
    expect(formatBytes(kernelBytes('lstm', huge))).toBe('6.6 GB');
    expect(skipReason('rnnkit', 'lstm', huge, small, limits)).toBe('kernel needs 6.6 GB > its 2 GiB; scan would leave the kernel');
    expect(skipReason('PyTorch', 'lstm', huge, small, limits)).toBeUndefined();
    expect(skipReason('PyTorch', 'lstm', huge, { ...small, memoryBytes: 9.2e9 }, limits)).toBe('needs ~9.2 GB > --max-memory 4096 MiB (extrapolated from T=200, 1000)');
    expect(skipReason('PyTorch', 'lstm', huge, { ...small, secondsPerStep: 45.2 }, limits)).toBe('a step takes ~45 s > --max-step 30 s (extrapolated from T=200, 1000)');
    expect(skipReason('rnnkit', 'lstm', { ...huge, units: 32 }, small, limits)).toBeUndefined(); // 1.9 GB fits the kernel
    expect(formatBytes(310e6)).toBe('310 MB');
  });
});
