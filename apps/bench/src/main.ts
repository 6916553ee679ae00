/**
 * `pnpm bench [--quick] [--backend wasm|cpu] [--threads auto|N] [--runs N] [--seconds S] [--cases a,b] [--json FILE]
 *  [--torch [--torch-configs 1,2,1+ftz,2+ftz] [--python /usr/bin/python3]]`; `pnpm bench --sweep …` and
 *  `pnpm bench --roofline` (see `USAGE` in args.ts, `sweep.ts` and `roofline.ts`).
 * rnnkit against tfjs-layers on the same backend, side by side in one process. `--threads` is
 * rnnkit's recurrence-kernel thread count (tfjs-layers runs on one thread either way). `--torch` adds
 * PyTorch (`torch/bench_torch.py` in one Python child process) to the same rounds, one contender per
 * configuration (threads, `+ftz` = flush-denormal), and reports the best configuration per case.
 */
import { writeFileSync } from 'node:fs';
import { recurrenceThreads, setRecurrenceThreads } from '@rnnkit/cells';
import { initBackend } from '@rnnkit/tensor';
import { parseBenchArgs, USAGE } from './args';
import type { BenchOptions } from './args';
import { makeData } from './bench-data';
import { ALL_CASES, QUICK_CASES } from './cases';
import { runCase } from './harness';
import type { CaseResult } from './harness';
import { tfjsLayers } from './peer-tfjs-layers';
import { rnnkit } from './contender-rnnkit';
import { runRoofline } from './roofline';
import { runSweep } from './sweep';
import { startTorchPeer, TORCH_PREFIX, TORCH_SCRIPT } from './peer-torch';
import type { TorchPeer } from './peer-torch';
import type { Contender } from './runner';
import { formatHeader, formatRow, formatTorchConfigs } from './table';

async function startTorch(options: BenchOptions): Promise<TorchPeer | undefined> {
  if (options.torch.length === 0) return undefined;
  const peer = await startTorchPeer(options.torch, [options.python, TORCH_SCRIPT]);
  if ('missing' in peer) {
    console.log(`${peer.missing} Going on without PyTorch.`);
    return undefined;
  }
  console.log(`PyTorch ${peer.info.torch} (Python ${peer.info.python}, BLAS ${peer.info.blas}); configurations: ${peer.contenders.map((c) => c.name.slice(TORCH_PREFIX.length)).join('; ')}`);
  if (!peer.info.openblas) {
    console.log(
      'warning: PyTorch runs on the reference BLAS (Debian libblas3), 10-20x slower than OpenBLAS at these matmuls; ' +
        'for representative figures `apt-get install libopenblas0-pthread` (or -openmp).',
    );
  }
  return peer;
}

function readOptions(): BenchOptions {
  try {
    return parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\nusage: ${USAGE}`);
  }
}

async function main(): Promise<void> {
  const options = readOptions();
  setRecurrenceThreads(options.threads);
  if (options.sweep !== undefined) return runSweep(options, options.sweep);
  const info = await initBackend({ backend: options.backend });
  if (options.roofline) return runRoofline(options.secondsPerRun);
  const wanted = options.cases ?? (options.quick ? QUICK_CASES : ALL_CASES.map((c) => c.name));
  const cases = ALL_CASES.filter((c) => wanted.includes(c.name));
  if (cases.length === 0) throw new Error(`--cases matched none of: ${ALL_CASES.map((c) => c.name).join(', ')}`);
  const torch = await startTorch(options);
  const contenders: Contender[] = [rnnkit, tfjsLayers, ...(torch?.contenders ?? [])];
  console.log(`rnnkit bench — backend ${info.backend} (simd ${info.simd}, threads ${info.threads}), node ${process.version}, ${options.runs} alternating runs per contender`);
  console.log(`rnnkit recurrence kernel: ${recurrenceThreads()} thread(s) (--threads ${options.threads}); tfjs-layers: 1 thread`);
  console.log(formatHeader(torch !== undefined));
  const results: CaseResult[] = [];
  try {
    for (const c of cases) {
      const result = await runCase(c, makeData(c, 4, 113), contenders, {
        runs: options.runs,
        secondsPerRun: options.secondsPerRun,
        warmupSteps: 2,
        warmupSeconds: options.secondsPerRun / 4,
      });
      results.push(result);
      console.log(formatRow(result, torch !== undefined));
    }
  } finally {
    await torch?.close();
  }
  if (results.some((r) => r.case.mode === 'generate')) console.log('(generate rows: tokens per second, stateful, batch 1, logits read back after every token)');
  if (torch !== undefined) {
    console.log('PyTorch medians per configuration (samples/s); peak RSS is the Node process only:');
    for (const r of results) console.log(`  ${r.case.name}: ${formatTorchConfigs(r)}`);
  }
  if (options.json !== undefined) {
    const record = { date: new Date().toISOString(), backend: info, kernelThreads: recurrenceThreads(), node: process.version, torch: torch?.info, results };
    writeFileSync(options.json, JSON.stringify(record, null, 2));
    console.log(`wrote ${options.json}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
