/**
 * The sweep's table: per shape, samples/s, µs per (sample·step) — the cost of one timestep of one
 * sequence, flat in T when the cost grows linearly in T — and peak memory, for rnnkit and PyTorch, and
 * their ratio; skipped or failed shapes say why in the notes column. Each (mode, H, B) series ends with
 * the verdict: µs per (sample·step) at the largest T over the smallest T measured.
 */
import type { Measured, Outcome, ShapeRow, SweepMode } from './sweep-plan';

export const SWEEP_MEMORY_NOTE =
  'peak MiB = the fresh process\'s peak RSS (getrusage maxRSS) above its RSS after start-up; rnnkit: tfjs\' wasm heap, the ' +
  'recurrence kernel\'s WebAssembly memory, its helper thread, the JS heap; PyTorch: everything the process mapped (allocator, OpenBLAS)';

/** A per-step cost up to this many times its smallest-T value counts as linear in T. */
export const LINEAR_TOLERANCE = 1.25;
/** Below this ratio the per-batch costs that do not grow with T (the head, the loss, Adam) were a visible share at the smallest T. */
const AMORTISED = 0.8;

const W = { mode: 5, dim: 5, steps: 6, rate: 12, micros: 10, mib: 8, config: 6, ratio: 7 } as const;

function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
}

/** µs per (sample·step): one timestep of one sequence. */
export function microsPerSampleStep(m: Measured, steps: number): number {
  return 1e6 / (m.samplesPerSecond * steps);
}

function measured(o: Outcome | undefined): Measured | undefined {
  return o !== undefined && 'measured' in o ? o.measured : undefined;
}

function contenderColumns(o: Outcome | undefined, steps: number, withConfig: boolean): string[] {
  const m = measured(o);
  const columns = m === undefined
    ? ['—'.padStart(W.rate), '—'.padStart(W.micros), '—'.padStart(W.mib)]
    : [fmt(m.samplesPerSecond).padStart(W.rate), fmt(microsPerSampleStep(m, steps)).padStart(W.micros), m.memoryMiB.toFixed(0).padStart(W.mib)];
  if (withConfig) columns.push((m?.config ?? '—').padStart(W.config));
  return columns;
}

const SAMPLE_STEP = 'µs/(smp·T)';

export function formatSweepHeader(mode: SweepMode, withTorch: boolean): string {
  const head = [mode.padEnd(W.mode), 'H'.padStart(W.dim), 'B'.padStart(W.dim), 'T'.padStart(W.steps)];
  const contender = (name: string): string[] => [`${name} smp/s`.padStart(W.rate), SAMPLE_STEP.padStart(W.micros), 'peak MiB'.padStart(W.mib)];
  const columns = [...head, '|', ...contender('rnnkit')];
  if (withTorch) columns.push('|', ...contender('torch'), 'config'.padStart(W.config), '|', 'ratio'.padStart(W.ratio));
  columns.push('| notes');
  return columns.join(' ');
}

function why(name: string, o: Outcome | undefined): string | undefined {
  if (o === undefined || 'measured' in o) return undefined;
  return 'skipped' in o ? `${name} skipped: ${o.skipped}` : `${name} failed: ${o.failed}`;
}

/** One shape's line, aligned under {@link formatSweepHeader}; ratio = rnnkit / PyTorch samples/s. */
export function formatSweepRow(r: ShapeRow, withTorch: boolean): string {
  const s = r.shape;
  const columns = [''.padEnd(W.mode), String(s.units).padStart(W.dim), String(s.batch).padStart(W.dim), String(s.steps).padStart(W.steps), '|', ...contenderColumns(r.rnnkit, s.steps, false)];
  if (withTorch) {
    const ours = measured(r.rnnkit);
    const theirs = measured(r.torch);
    const ratio = ours !== undefined && theirs !== undefined ? `${(ours.samplesPerSecond / theirs.samplesPerSecond).toFixed(2)}x` : '—';
    columns.push('|', ...contenderColumns(r.torch, s.steps, true), '|', ratio.padStart(W.ratio));
  }
  const notes = [why('rnnkit', r.rnnkit), withTorch ? why('PyTorch', r.torch) : undefined].filter((n) => n !== undefined);
  columns.push(notes.length === 0 ? '|' : `| ${notes.join('; ')}`);
  return columns.join(' ');
}

/**
 * `0.84 (T=4000 / T=50): linear in T; marginal 41 → 12.6 µs per step` — the ratio of µs per (sample·step)
 * at the largest and smallest T measured, and the marginal seconds per step of a batch (the slope of the
 * step time in T) between the two smallest and the two largest T: flat or falling when cost is linear in T.
 */
export function linearity(rows: readonly ShapeRow[], pick: (r: ShapeRow) => Outcome | undefined): string {
  const points = rows
    .map((r) => ({ steps: r.shape.steps, m: measured(pick(r)) }))
    .filter((p): p is { steps: number; m: Measured } => p.m !== undefined)
    .sort((a, b) => a.steps - b.steps);
  const first = points[0];
  const last = points.at(-1);
  if (first === undefined || last === undefined || first.steps === last.steps) return 'fewer than two T measured, no verdict';
  const ratio = microsPerSampleStep(last.m, last.steps) / microsPerSampleStep(first.m, first.steps);
  const verdict =
    ratio < AMORTISED ? 'linear in T (per-batch costs amortised)' : ratio <= LINEAR_TOLERANCE ? 'linear in T' : `grows faster than T (per-step cost ×${ratio.toFixed(2)})`;
  const slope = (a: (typeof points)[number], b: (typeof points)[number]): string => fmt((1e6 * (b.m.secondsPerStep - a.m.secondsPerStep)) / (b.steps - a.steps));
  const marginal = points.length < 3 ? '' : `; marginal ${slope(points[0]!, points[1]!)} → ${slope(points.at(-2)!, last)} µs per step of a batch`;
  return `${ratio.toFixed(2)} (T=${last.steps} / T=${first.steps}): ${verdict}${marginal}`;
}

/** The verdict line closing one (mode, H, B) series. */
export function formatVerdict(rows: readonly ShapeRow[], withTorch: boolean): string {
  const s = rows[0]?.shape;
  if (s === undefined) throw new Error('formatVerdict: an empty series');
  const parts = [`rnnkit ${linearity(rows, (r) => r.rnnkit)}`];
  if (withTorch) parts.push(`PyTorch ${linearity(rows, (r) => r.torch)}`);
  return `${''.padEnd(W.mode)} → H ${s.units}, B ${s.batch}, per-step cost at the largest / smallest T: ${parts.join('; ')}`;
}
