/**
 * `pnpm bench --sweep`: how cost and memory grow with T, H and B. Each shape runs in fresh processes —
 * rnnkit in `dist/sweep-child.cjs`, then PyTorch (`--torch`) in a fresh `torch/bench_torch.py` — so each
 * peak-memory figure belongs to that shape alone: peak RSS above the process's RSS after start-up
 * (getrusage's maxRSS in both). Each contender times one warm-up step, then steps until `--seconds` is over.
 * Series of growing T per (mode, H, B) end with the verdict on linearity in T (`sweep-table.ts`).
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { torchConfigLabel } from './args';
import type { BenchOptions, SweepOptions, TorchConfig } from './args';
import { TORCH_SCRIPT } from './peer-torch';
import type { TorchInfo } from './peer-torch';
import type { ChildRequest } from './sweep-child';
import { predict, skipReason, sweepCase, sweepShapes } from './sweep-plan';
import type { Measured, Outcome, ShapeRow, SweepShape } from './sweep-plan';
import { formatSweepHeader, formatSweepRow, formatVerdict, SWEEP_MEMORY_NOTE } from './sweep-table';
import type { BenchCase } from './cases';
import { spawnTorch } from './torch-client';

/** `sweep-child.cjs` beside the bundle (`dist/main.cjs` → `dist/sweep-child.cjs`). */
const CHILD_SCRIPT = join(__dirname, 'sweep-child.cjs');

function runChild(request: ChildRequest): Promise<Measured> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [CHILD_SCRIPT, JSON.stringify(request)], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error !== null) {
        reject(new Error(`rnnkit child for ${request.case.name}: ${stderr.trim() || error.message}`));
        return;
      }
      resolve(JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as Measured);
    });
  });
}

function numberField(answer: Readonly<Record<string, unknown>>, field: string): number {
  const value = answer[field];
  if (typeof value !== 'number') throw new Error(`PyTorch side answered without ${field}: ${JSON.stringify(answer)}`);
  return value;
}

/**
 * One shape on PyTorch in a fresh process (`command`: Python and `bench_torch.py`): each configuration in
 * turn, one warm-up step then about `seconds` of steps, the best kept; memory over all of them.
 */
export async function runTorchShape(command: readonly [string, ...string[]], c: BenchCase, configs: readonly TorchConfig[], seconds: number): Promise<Measured> {
  const [program, ...args] = command;
  const client = spawnTorch(program, args);
  try {
    await client.request({ cmd: 'hello' });
    let before = Infinity;
    let peak = 0;
    let best: Measured | undefined;
    for (const [i, config] of configs.entries()) {
      const id = `s${i}`;
      const prepared = await client.request({ cmd: 'prepare', id, case: c, threads: config.threads, flushDenormal: config.flushDenormal, generate: { seed: 113, batches: 2 } });
      before = Math.min(before, numberField(prepared, 'rssMiB'));
      const warm = numberField(await client.request({ cmd: 'run', id, steps: 1 }), 'seconds');
      const steps = Math.max(1, Math.round(seconds / Math.max(warm, 1e-4)));
      const timed = await client.request({ cmd: 'run', id, steps });
      const elapsed = numberField(timed, 'seconds');
      peak = Math.max(peak, numberField(timed, 'peakRssMiB'));
      await client.request({ cmd: 'dispose', id });
      const measured = { samplesPerSecond: (steps * c.batch) / elapsed, secondsPerStep: elapsed / steps, timedSteps: steps, memoryMiB: 0, config: torchConfigLabel(config) };
      if (best === undefined || measured.samplesPerSecond > best.samplesPerSecond) best = measured;
    }
    return { ...best!, memoryMiB: Math.max(0, peak - before) };
  } finally {
    await client.close();
  }
}

async function torchInfo(python: string): Promise<TorchInfo | string> {
  const client = spawnTorch(python, [TORCH_SCRIPT]);
  try {
    const a = await client.request({ cmd: 'hello' });
    return { torch: String(a['torch']), python: String(a['python']), blas: String(a['blas']), openblas: a['openblas'] === true };
  } catch (error) {
    return `PyTorch is not available through ${python} (${error instanceof Error ? error.message : String(error)}); the sweep goes on without it.`;
  } finally {
    await client.close();
  }
}

type Series = Array<{ readonly steps: number; readonly measured: Measured }>;

async function measure(
  contender: 'rnnkit' | 'PyTorch',
  sweep: SweepOptions,
  shape: SweepShape,
  series: Series,
  run: () => Promise<Measured>,
): Promise<Outcome> {
  const reason = skipReason(contender, sweep.cell, shape, predict(sweep.cell, shape, series), sweep);
  if (reason !== undefined) return { skipped: reason };
  try {
    const measured = await run();
    series.push({ steps: shape.steps, measured });
    return { measured };
  } catch (error) {
    return { failed: error instanceof Error ? error.message.split('\n')[0]! : String(error) };
  }
}

const load = (): string => loadavg().map((x) => x.toFixed(1)).join(' ');

export async function runSweep(options: BenchOptions, sweep: SweepOptions): Promise<void> {
  let torch: TorchInfo | undefined;
  if (options.torch.length > 0) {
    const info = await torchInfo(options.python);
    if (typeof info === 'string') console.log(info);
    else {
      torch = info;
      console.log(`PyTorch ${info.torch} (Python ${info.python}, BLAS ${info.blas}); configurations per shape: ${options.torch.map(torchConfigLabel).join('; ')}`);
      if (!info.openblas) console.log('warning: PyTorch runs on the reference BLAS (Debian libblas3); its figures are not representative.');
    }
  }
  const shapes = sweepShapes(sweep);
  const started = new Date();
  console.log(`rnnkit sweep — ${sweep.cell}, Embedding(10000, 32) → cell(H) → Dense(1, sigmoid), Adam; ${shapes.length} shapes; backend ${options.backend}, rnnkit threads ${options.threads}, node ${process.version}`);
  console.log(`timed window ${options.secondsPerRun} s per shape after one warm-up step; limits --max-memory ${sweep.maxMemoryMiB} MiB, --max-step ${sweep.maxStepSeconds} s; load average ${load()}`);
  console.log(SWEEP_MEMORY_NOTE);
  const withTorch = torch !== undefined;
  const rows: ShapeRow[] = [];
  const series = new Map<string, { rnnkit: Series; torch: Series }>();
  let header = '';
  for (const shape of shapes) {
    const key = `${shape.mode} ${shape.units} ${shape.batch}`;
    if (header !== `${shape.mode}`) {
      header = shape.mode;
      console.log(`\n${formatSweepHeader(shape.mode, withTorch)}`);
    }
    const own = series.get(key) ?? { rnnkit: [], torch: [] };
    series.set(key, own);
    const c = sweepCase(sweep.cell, shape);
    const rnnkit = await measure('rnnkit', sweep, shape, own.rnnkit, () =>
      runChild({ case: c, seconds: options.secondsPerRun, threads: options.threads, backend: options.backend }),
    );
    const peer = withTorch ? await measure('PyTorch', sweep, shape, own.torch, () => runTorchShape([options.python, TORCH_SCRIPT], c, options.torch, options.secondsPerRun)) : undefined;
    const row: ShapeRow = { shape, rnnkit, torch: peer };
    rows.push(row);
    console.log(formatSweepRow(row, withTorch));
    const last = shapes.find((s) => s.steps > shape.steps && `${s.mode} ${s.units} ${s.batch}` === key) === undefined;
    if (last) console.log(formatVerdict(rows.filter((r) => `${r.shape.mode} ${r.shape.units} ${r.shape.batch}` === key), withTorch));
  }
  console.log(`\nload average at the end ${load()}; ${((Date.now() - started.getTime()) / 60000).toFixed(1)} min`);
  if (options.json !== undefined) {
    writeFileSync(options.json, JSON.stringify({ date: started.toISOString(), sweep, seconds: options.secondsPerRun, threads: options.threads, node: process.version, torch, rows }, null, 2));
    console.log(`wrote ${options.json}`);
  }
}
