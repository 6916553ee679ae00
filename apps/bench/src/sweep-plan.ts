/**
 * The sweep's grid and what to skip. Shapes run in series of growing T for each (mode, H, B); a
 * contender's peak memory and seconds per step at the next T are predicted from the shapes already
 * measured in its series (a straight line through the two largest T, or proportional to T from one),
 * or before any measurement from rnnkit's kernel layout bound and an assumed 10 GFLOP/s. A shape is
 * skipped, saying why, when a prediction exceeds `--max-memory` or `--max-step`, and on rnnkit when
 * the layer would not fit the kernel's memory (then `scan` would run its tfjs-op loop, another program).
 *
 * Shapes: B batch, T steps, H units, E embedding (32, as the seed model), V vocabulary (10,000).
 */
import type { SweepOptions } from './args';
import type { BenchCase, CellKind } from './cases';
import { gateBlocks, stepFlops } from './flops';
import { KERNEL_MEMORY_LIMIT, kernelMemoryBytes } from './kernel-access';

export type SweepMode = 'train' | 'infer';

export interface SweepShape {
  readonly mode: SweepMode;
  readonly units: number;
  readonly batch: number;
  readonly steps: number;
}

/** What one contender measured at one shape (fresh process). */
export interface Measured {
  readonly samplesPerSecond: number;
  readonly secondsPerStep: number;
  /** Steps in the timed window. */
  readonly timedSteps: number;
  /** Peak RSS of the process above its RSS after start-up, MiB. */
  readonly memoryMiB: number;
  /** PyTorch: the configuration with the best samples/s. */
  readonly config?: string;
}

export type Outcome = { readonly measured: Measured } | { readonly skipped: string } | { readonly failed: string };

export interface ShapeRow {
  readonly shape: SweepShape;
  readonly rnnkit: Outcome;
  /** Undefined without `--torch`. */
  readonly torch: Outcome | undefined;
}

const SWEEP_EMBED = 32;
const SWEEP_VOCABULARY = 10_000;
/** The rate assumed for a shape's first step when nothing in its series has been measured yet. */
const ASSUMED_FLOPS_PER_SECOND = 10e9;

/** Every (mode, H, B, T) of the options, training first, T growing fastest. */
export function sweepShapes(o: Pick<SweepOptions, 'steps' | 'units' | 'batches'>): SweepShape[] {
  const ascending = (xs: readonly number[]): number[] => [...new Set(xs)].sort((a, b) => a - b);
  const shapes: SweepShape[] = [];
  for (const mode of ['train', 'infer'] as const) {
    for (const units of ascending(o.units)) {
      for (const batch of ascending(o.batches)) for (const steps of ascending(o.steps)) shapes.push({ mode, units, batch, steps });
    }
  }
  return shapes;
}

const CELL_LABELS: Readonly<Record<CellKind, string>> = { lstm: 'LSTM', gru: 'GRU', simpleRnn: 'SimpleRNN' };

/** The seed model at a sweep shape: Embedding(10000, 32) → cell(H) → Dense(1, sigmoid). */
export function sweepCase(cell: CellKind, s: SweepShape): BenchCase {
  return {
    name: `${CELL_LABELS[cell]}-${s.units} B${s.batch} T${s.steps} ${s.mode}`,
    cell,
    bidirectional: false,
    vocabulary: SWEEP_VOCABULARY,
    embed: SWEEP_EMBED,
    units: s.units,
    batch: s.batch,
    steps: s.steps,
    mode: s.mode,
  };
}

/** rnnkit's kernel bound for the layer, bytes (the same for training and inference: `scan` plans for both). */
export function kernelBytes(cell: CellKind, s: SweepShape): number {
  return kernelMemoryBytes(gateBlocks(cell), s.batch, s.steps, SWEEP_EMBED, s.units);
}

/** `9.2 GB`, `310 MB`: decimal units, as a reader compares them with free memory. */
export function formatBytes(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.max(1, Math.round(bytes / 1e6))} MB`;
}

/** y at x from measured (x, y): the line through the two largest x (never below the last y), or y ∝ x from one point. */
export function extrapolate(points: ReadonlyArray<{ readonly x: number; readonly y: number }>, x: number): number | undefined {
  const sorted = [...points].sort((a, b) => a.x - b.x);
  const last = sorted.at(-1);
  if (last === undefined) return undefined;
  const before = sorted.at(-2);
  if (before === undefined || before.x === last.x) return (last.y * x) / last.x;
  const slope = (last.y - before.y) / (last.x - before.x);
  return Math.max(last.y, last.y + slope * (x - last.x));
}

export interface Prediction {
  readonly memoryBytes: number;
  readonly secondsPerStep: number;
  /** `extrapolated from T=200, 1000` or `estimated before any measurement`. */
  readonly basis: string;
}

/** A contender's predicted peak memory and step time at `shape` from its measured shapes of the same series. */
export function predict(cell: CellKind, shape: SweepShape, series: ReadonlyArray<{ readonly steps: number; readonly measured: Measured }>): Prediction {
  const below = series.filter((p) => p.steps < shape.steps);
  if (below.length === 0) {
    return {
      memoryBytes: kernelBytes(cell, shape),
      secondsPerStep: stepFlops(sweepCase(cell, shape)) / ASSUMED_FLOPS_PER_SECOND,
      basis: 'estimated before any measurement (kernel layout bound, 10 GFLOP/s)',
    };
  }
  const memory = extrapolate(below.map((p) => ({ x: p.steps, y: p.measured.memoryMiB * 2 ** 20 })), shape.steps)!;
  const seconds = extrapolate(below.map((p) => ({ x: p.steps, y: p.measured.secondsPerStep })), shape.steps)!;
  const used = below.map((p) => p.steps).sort((a, b) => a - b).slice(-2);
  return { memoryBytes: memory, secondsPerStep: seconds, basis: `extrapolated from T=${used.join(', ')}` };
}

export interface Limits {
  readonly maxMemoryMiB: number;
  readonly maxStepSeconds: number;
}

/** Why `contender` should not run `shape`, or undefined to run it. */
export function skipReason(contender: 'rnnkit' | 'PyTorch', cell: CellKind, shape: SweepShape, prediction: Prediction, limits: Limits): string | undefined {
  if (contender === 'rnnkit') {
    const bytes = kernelBytes(cell, shape);
    if (bytes > KERNEL_MEMORY_LIMIT) return `kernel needs ${formatBytes(bytes)} > its 2 GiB; scan would leave the kernel`;
  }
  if (prediction.memoryBytes > limits.maxMemoryMiB * 2 ** 20) {
    return `needs ~${formatBytes(prediction.memoryBytes)} > --max-memory ${limits.maxMemoryMiB} MiB (${prediction.basis})`;
  }
  if (prediction.secondsPerStep > limits.maxStepSeconds) {
    return `a step takes ~${prediction.secondsPerStep.toFixed(0)} s > --max-step ${limits.maxStepSeconds} s (${prediction.basis})`;
  }
  return undefined;
}
