/**
 * `pnpm bench [--quick] [--backend wasm|cpu] [--threads auto|N] [--runs N] [--seconds S] [--cases a,b] [--json FILE]`
 * rnnkit against tfjs-layers on the same backend, side by side in one process. `--threads` is
 * rnnkit's recurrence-kernel thread count (tfjs-layers runs on one thread either way).
 */
import { parseArgs } from 'node:util';
import { writeFileSync } from 'node:fs';
import { recurrenceThreads, setRecurrenceThreads } from '@rnnkit/cells';
import { createRng, initBackend } from '@rnnkit/tensor';
import { ALL_CASES, QUICK_CASES } from './cases';
import type { BenchCase } from './cases';
import { runCase } from './harness';
import type { CaseResult } from './harness';
import { tfjsLayers } from './peer-tfjs-layers';
import { rnnkit } from './contender-rnnkit';
import type { BenchData } from './runner';

function makeData(c: BenchCase, batches: number, seed: number): BenchData {
  const rng = createRng(seed);
  const ids: Int32Array[] = [];
  const labels: Float32Array[] = [];
  for (let b = 0; b < batches; b++) {
    const length = c.mode === 'generate' ? 256 : c.batch * c.steps; // generation cycles through a 256-token prompt
    ids.push(Int32Array.from({ length }, () => rng.int(c.vocabulary)));
    labels.push(Float32Array.from({ length: c.batch }, () => rng.int(2)));
  }
  return { ids, labels };
}

function formatRow(r: CaseResult): string {
  const [ours, peer] = r.results;
  if (ours === undefined || peer === undefined) return r.case.name;
  const fmt = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
  const ratio = ours.samplesPerSecond.median / peer.samplesPerSecond.median;
  const ratioMin = ours.samplesPerSecond.min / peer.samplesPerSecond.max;
  const ratioMax = ours.samplesPerSecond.max / peer.samplesPerSecond.min;
  return [
    r.case.name.padEnd(22),
    `${fmt(ours.samplesPerSecond.median)} (${fmt(ours.samplesPerSecond.min)}–${fmt(ours.samplesPerSecond.max)})`.padStart(24),
    `${fmt(peer.samplesPerSecond.median)} (${fmt(peer.samplesPerSecond.min)}–${fmt(peer.samplesPerSecond.max)})`.padStart(24),
    `${ratio.toFixed(1)}x (${ratioMin.toFixed(1)}–${ratioMax.toFixed(1)})`.padStart(18),
    `${r.peakRssMiB.toFixed(0)} MiB`.padStart(9),
  ].join('  ');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean' },
      backend: { type: 'string' },
      runs: { type: 'string' },
      seconds: { type: 'string' },
      cases: { type: 'string' },
      json: { type: 'string' },
      threads: { type: 'string' },
    },
    strict: true,
  });
  const backend = values.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') throw new Error(`--backend must be wasm or cpu, got "${backend}"`);
  const threads = values.threads ?? 'auto';
  if (threads !== 'auto' && !/^[1-9][0-9]*$/.test(threads)) throw new Error(`--threads must be auto or a positive integer, got "${threads}"`);
  setRecurrenceThreads(threads === 'auto' ? 'auto' : Number(threads));
  const info = await initBackend({ backend });
  const wanted = values.cases?.split(',') ?? (values.quick === true ? QUICK_CASES : ALL_CASES.map((c) => c.name));
  const cases = ALL_CASES.filter((c) => wanted.includes(c.name));
  if (cases.length === 0) throw new Error(`--cases matched none of: ${ALL_CASES.map((c) => c.name).join(', ')}`);
  const runs = Number(values.runs ?? (values.quick === true ? 3 : 5));
  const secondsPerRun = Number(values.seconds ?? (values.quick === true ? 1 : 2));
  console.log(`rnnkit bench — backend ${info.backend} (simd ${info.simd}, threads ${info.threads}), node ${process.version}, ${runs} alternating runs per contender`);
  console.log(`rnnkit recurrence kernel: ${recurrenceThreads()} thread(s) (--threads ${threads}); tfjs-layers: 1 thread`);
  console.log(`${'case'.padEnd(22)}  ${'rnnkit samples/s'.padStart(24)}  ${'tfjs-layers samples/s'.padStart(24)}  ${'ratio'.padStart(18)}  ${'peak RSS'.padStart(9)}`);
  const results: CaseResult[] = [];
  for (const c of cases) {
    const result = await runCase(c, makeData(c, 4, 113), [rnnkit, tfjsLayers], { runs, secondsPerRun, warmupSteps: 2 });
    results.push(result);
    console.log(formatRow(result));
  }
  if (results.some((r) => r.case.mode === 'generate')) console.log('(generate rows: tokens per second, stateful, batch 1, logits read back after every token)');
  if (values.json !== undefined) {
    writeFileSync(values.json, JSON.stringify({ date: new Date().toISOString(), backend: info, kernelThreads: recurrenceThreads(), node: process.version, results }, null, 2));
    console.log(`wrote ${values.json}`);
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
});
