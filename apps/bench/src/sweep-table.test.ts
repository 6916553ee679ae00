import type { Measured, Outcome, ShapeRow, SweepShape } from './sweep-plan';
import { formatSweepHeader, formatSweepRow, formatVerdict, linearity, microsPerSampleStep } from './sweep-table';

const shape = (steps: number): SweepShape => ({ mode: 'train', units: 128, batch: 16, steps });
/** A contender whose batch step takes `fixed + perStep·T` seconds. */
const run = (steps: number, fixed: number, perStep: number, memoryMiB = 100, config?: string): Outcome => {
  const secondsPerStep = fixed + perStep * steps;
  const m: Measured = { samplesPerSecond: 16 / secondsPerStep, secondsPerStep, timedSteps: 4, memoryMiB, ...(config === undefined ? {} : { config }) };
  return { measured: m };
};

const rows: ShapeRow[] = [50, 200, 1000, 4000].map((T) => ({ shape: shape(T), rnnkit: run(T, 0.01, 1e-4), torch: run(T, 0.001, 4e-4 * (T / 1000), 50, '1 thr') }));

describe('the sweep table', () => {
  it('gives µs per (sample·step): the time of one timestep of one sequence', () => {
    expect(microsPerSampleStep({ samplesPerSecond: 200, secondsPerStep: 0.08, timedSteps: 5, memoryMiB: 1 }, 1000)).toBeCloseTo(5, 12);
  });

  it('lines each row up under its header, with and without PyTorch, and gives rnnkit / PyTorch', () => {
    for (const withTorch of [false, true]) {
      const header = formatSweepHeader('train', withTorch);
      const row = formatSweepRow(rows[1]!, withTorch);
      expect(row.indexOf('|')).toBe(header.indexOf('|'));
      expect(row.lastIndexOf('|')).toBe(header.lastIndexOf('|'));
      expect(header.includes('torch')).toBe(withTorch);
    }
    const row = formatSweepRow(rows[2]!, true); // rnnkit 0.11 s per step, PyTorch 0.401 s
    expect(row).toMatch(/^\s+128\s+16\s+1000 \|\s+145\s+6\.87\s+100 \|\s+39\.9\s+25\.1\s+50\s+1 thr \|\s+3\.65x \|$/);
  });

  it('says why a contender skipped or failed a shape, in the notes', () => {
    const skipped: ShapeRow = { shape: shape(4000), rnnkit: { skipped: 'kernel needs 6.6 GB > its 2 GiB; scan would leave the kernel' }, torch: { failed: 'PyTorch side, run: RuntimeError: boom' } };
    const row = formatSweepRow(skipped, true);
    expect(row).toContain('| rnnkit skipped: kernel needs 6.6 GB > its 2 GiB; scan would leave the kernel; PyTorch failed: PyTorch side, run: RuntimeError: boom');
    expect(row.split('—')).toHaveLength(9); // 3 rnnkit columns, 3 PyTorch columns + config, ratio
    expect(row.lastIndexOf('| rnnkit')).toBe(formatSweepHeader('train', true).lastIndexOf('|'));
    expect(formatSweepRow(skipped, false)).not.toContain('PyTorch');
  });

  it('calls a per-step cost that stays flat or falls linear, and one that grows with T not', () => {
    expect(linearity(rows, (r) => r.rnnkit)).toBe('0.34 (T=4000 / T=50): linear in T (per-batch costs amortised); marginal 100 → 100 µs per step of a batch');
    expect(linearity(rows, (r) => r.torch)).toBe('40.01 (T=4000 / T=50): grows faster than T (per-step cost ×40.01); marginal 100 → 2000 µs per step of a batch');
    const flat = rows.map((r) => ({ ...r, rnnkit: run(r.shape.steps, 0, 1e-4) }));
    expect(linearity(flat, (r) => r.rnnkit)).toMatch(/^1\.00 \(T=4000 \/ T=50\): linear in T; marginal/);
    expect(linearity(rows.slice(0, 2), (r) => r.rnnkit)).toBe('0.50 (T=200 / T=50): linear in T (per-batch costs amortised)');
    expect(linearity([rows[0]!, { ...rows[1]!, rnnkit: { skipped: 'x' } }], (r) => r.rnnkit)).toBe('fewer than two T measured, no verdict');
  });

  it('closes a series with both verdicts', () => {
    const line = formatVerdict(rows, true);
    expect(line).toContain('→ H 128, B 16, per-step cost at the largest / smallest T: rnnkit 0.34 (T=4000 / T=50)');
    expect(line).toContain('; PyTorch 40.01 (T=4000 / T=50): grows faster than T');
    expect(formatVerdict(rows, false)).not.toContain('PyTorch');
    expect(() => formatVerdict([], false)).toThrow('formatVerdict: an empty series');
  });
});
