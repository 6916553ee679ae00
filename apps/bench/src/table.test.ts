import { ALL_CASES } from './cases';
import type { CaseResult, ContenderResult } from './harness';
import { summarize } from './stats';
import { bestTorch, formatHeader, formatRow, formatTorchConfigs } from './table';

function result(contender: string, runs: number[]): ContenderResult {
  return { contender, samplesPerSecond: summarize(runs), runs, stepsPerRun: 3 };
}

const lstm = ALL_CASES.find((c) => c.name === 'LSTM-32 train')!;
const caseResult: CaseResult = {
  case: lstm,
  results: [
    result('rnnkit', [4000, 4400, 4200]),
    result('tfjs-layers', [200, 210, 190]),
    result('PyTorch 1 thr', [500, 520, 480]),
    result('PyTorch 2 thr, FTZ', [2000, 2200, 2100]),
    result('PyTorch 1 thr, FTZ', [2150, 2050, 1900]),
  ],
  peakRssMiB: 483.4,
};

describe('the bench table', () => {
  it('takes medians per contender and the PyTorch configuration with the best median', () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 });
    expect(summarize([4, 1, 2, 3])).toEqual({ median: 2.5, min: 1, max: 4 });
    expect(bestTorch(caseResult.results)?.contender).toBe('PyTorch 2 thr, FTZ');
    expect(bestTorch(caseResult.results.slice(0, 2))).toBeUndefined();
  });

  it('prints rnnkit / tfjs-layers and rnnkit / PyTorch ratios of the medians, with worst and best pairings', () => {
    const row = formatRow(caseResult, true);
    expect(row.startsWith('LSTM-32 train')).toBe(true);
    expect(row).toContain('4200 (4000–4400)');
    expect(row).toContain('200 (190–210)');
    expect(row).toContain('21.0x (19.0–23.2)'); // 4200/200, 4000/210, 4400/190
    expect(row).toContain('2100 (2000–2200)');
    expect(row).toContain('2 thr, FTZ');
    expect(row).toContain('2.00x (1.82–2.20)'); // 4200/2100, 4000/2200, 4400/2000
    expect(row).toContain('483 MiB');
    expect(formatTorchConfigs(caseResult)).toBe('1 thr: 500; 2 thr, FTZ: 2100; 1 thr, FTZ: 2050');
  });

  it('lines the rows up under the header, with and without the PyTorch columns', () => {
    for (const withTorch of [false, true]) {
      const header = formatHeader(withTorch);
      expect(formatRow(caseResult, withTorch)).toHaveLength(header.length);
      expect(header.includes('rnnkit/PyTorch')).toBe(withTorch);
    }
    const withoutTorchRun: CaseResult = { ...caseResult, results: caseResult.results.slice(0, 2) };
    expect(formatRow(withoutTorchRun, true)).toHaveLength(formatHeader(true).length);
    expect(formatRow(withoutTorchRun, true)).toContain('—');
    expect(formatRow(withoutTorchRun, false)).not.toContain('PyTorch');
  });

  it('says which contender is missing', () => {
    expect(() => formatRow({ ...caseResult, results: caseResult.results.slice(1) }, false)).toThrow('LSTM-32 train lacks an rnnkit or tfjs-layers result');
  });
});
