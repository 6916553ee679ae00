/**
 * Side-by-side timing: contenders run the same case on the same data, alternating A B A B …
 * in one process, so that machine noise hits both alike. Each run is `stepsPerRun` steps after
 * warm-up (see {@link HarnessOptions.warmupSeconds}); samples/s per run = steps · batch / seconds;
 * the report gives medians and min–max. A contender in another process (PyTorch) takes its turn in
 * the same rounds and reports the seconds it measured.
 */
import type { BenchCase } from './cases';
import type { BenchData, Contender, PreparedStep } from './runner';
import { summarize } from './stats';
import type { Summary } from './stats';

export interface ContenderResult {
  readonly contender: string;
  readonly samplesPerSecond: Summary;
  readonly runs: readonly number[];
  readonly stepsPerRun: number;
}

export interface CaseResult {
  readonly case: BenchCase;
  readonly results: readonly ContenderResult[];
  readonly peakRssMiB: number;
}

export interface HarnessOptions {
  readonly runs: number;
  /** Target seconds per run; steps per run are chosen from the warm-up time. */
  readonly secondsPerRun: number;
  readonly warmupSteps: number;
  /**
   * After the warm-up steps, keep warming up, in batches of doubling size, until this many seconds
   * have passed, and choose the steps per run from the last batch's mean step time. Steps of a few
   * microseconds (generation) otherwise time their first run while the JIT still compiles them,
   * and run far shorter than `secondsPerRun`. Absent: the warm-up steps only, the steps per run
   * from one step.
   */
  readonly warmupSeconds?: number;
}

/** Seconds per step once warm: batches of doubling size until `seconds` have passed in all, timed by the last. */
async function warmStepSeconds(step: PreparedStep, seconds: number): Promise<number> {
  let total = 0;
  for (let n = 1; ; n *= 2) {
    const elapsed = await timeSteps(step, n);
    total += elapsed;
    if (total >= seconds) return elapsed / n;
  }
}

async function timeSteps(step: PreparedStep, n: number): Promise<number> {
  if (step.timed !== undefined) return step.timed(n);
  const started = performance.now();
  for (let i = 0; i < n; i++) await step.run();
  return (performance.now() - started) / 1000;
}

export async function runCase(c: BenchCase, data: BenchData, contenders: readonly Contender[], options: HarnessOptions): Promise<CaseResult> {
  let peakRss = process.memoryUsage().rss;
  const prepared: { contender: Contender; step: PreparedStep; steps: number; runs: number[] }[] = [];
  try {
    for (const contender of contenders) prepared.push({ contender, step: await contender.prepare(c, data), steps: 1, runs: [] });
    for (const p of prepared) {
      if (options.warmupSteps > 1) await timeSteps(p.step, options.warmupSteps - 1);
      const seconds = options.warmupSeconds === undefined ? Math.max(await timeSteps(p.step, 1), 1e-3) : await warmStepSeconds(p.step, options.warmupSeconds);
      p.steps = Math.max(1, Math.round(options.secondsPerRun / Math.max(seconds, 1e-7)));
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
    for (let r = 0; r < options.runs; r++) {
      for (const p of prepared) {
        const seconds = await timeSteps(p.step, p.steps);
        p.runs.push((p.steps * c.batch) / seconds);
        peakRss = Math.max(peakRss, process.memoryUsage().rss);
      }
    }
  } finally {
    for (const p of prepared) await p.step.dispose();
  }
  return {
    case: c,
    results: prepared.map((p) => ({ contender: p.contender.name, samplesPerSecond: summarize(p.runs), runs: p.runs, stepsPerRun: p.steps })),
    peakRssMiB: peakRss / 2 ** 20,
  };
}
