/**
 * `pnpm bench` options, parsed and checked: every wrong value is an error naming the option and the value.
 */
import { parseArgs } from 'node:util';
import type { CellKind } from './cases';

/** One PyTorch configuration tried per case: intra-op (and OpenBLAS) threads, and `torch.set_flush_denormal`. */
export interface TorchConfig {
  readonly threads: number;
  readonly flushDenormal: boolean;
}

export interface BenchOptions {
  readonly quick: boolean;
  readonly backend: 'wasm' | 'cpu';
  /** rnnkit's recurrence-kernel threads. */
  readonly threads: 'auto' | number;
  readonly runs: number;
  readonly secondsPerRun: number;
  /** Case names; undefined = every case (or the quick ones with `--quick`). */
  readonly cases: readonly string[] | undefined;
  readonly json: string | undefined;
  /** PyTorch configurations to try, or none without `--torch`. */
  readonly torch: readonly TorchConfig[];
  /** The Python that runs the PyTorch side. */
  readonly python: string;
  /** `--sweep`: the grid over T, H, B instead of the cases; undefined without it. */
  readonly sweep: SweepOptions | undefined;
  /** `--roofline`: the kernel's GFLOP/s on the seed cases against its measured GEMM peak. */
  readonly roofline: boolean;
}

/** What `--sweep` runs: every (mode, H, B, T) of the lists, one cell, each shape in fresh processes. */
export interface SweepOptions {
  readonly cell: CellKind;
  readonly steps: readonly number[];
  readonly units: readonly number[];
  readonly batches: readonly number[];
  /** Shapes whose predicted peak memory (MiB, above the process's start-up) exceeds this are skipped. */
  readonly maxMemoryMiB: number;
  /** Shapes whose predicted seconds per step exceed this are skipped. */
  readonly maxStepSeconds: number;
}

/** The grid of issue 21: T ∈ {50, 200, 1000, 4000}, H ∈ {32, 128, 512}, B ∈ {1, 16, 128}. */
export const SWEEP_DEFAULTS = { steps: [50, 200, 1000, 4000], units: [32, 128, 512], batches: [1, 16, 128], maxMemoryMiB: 4096, maxStepSeconds: 30 } as const;

const CELL_NAMES: Readonly<Record<string, CellKind>> = { lstm: 'lstm', gru: 'gru', simplernn: 'simpleRnn', 'simple-rnn': 'simpleRnn' };

/** Every configuration `--torch` tries unless `--torch-configs` narrows them: 1 and 2 threads, flushing on and off. */
export const DEFAULT_TORCH_CONFIGS = '1,2,1+ftz,2+ftz';

/**
 * What `--sweep --torch` tries per shape unless `--torch-configs` says otherwise: 1 and 2 threads (on a loaded
 * 2-core machine two threads can be 5x slower than one; flush-denormal is left to `--torch-configs`).
 */
export const SWEEP_TORCH_CONFIGS = '1,2';

export const USAGE = `pnpm bench [--quick] [--backend wasm|cpu] [--threads auto|N] [--runs N] [--seconds S] [--cases a,b] [--json FILE]
           [--torch [--torch-configs ${DEFAULT_TORCH_CONFIGS}] [--python /usr/bin/python3]]
       pnpm bench --sweep [--cell lstm|gru|simpleRnn] [--sweep-t 50,200,1000,4000] [--sweep-h 32,128,512] [--sweep-b 1,16,128]
           [--seconds S (timed window per shape, default 1)] [--max-memory MiB (default 4096)] [--max-step S (default 30)]
           [--threads auto|N] [--json FILE] [--torch [--torch-configs ${SWEEP_TORCH_CONFIGS}] [--python PATH]]
       pnpm bench --roofline [--threads auto|N] [--seconds S]`;

/** `2` = 2 threads; `2+ftz` = 2 threads with `torch.set_flush_denormal(True)`. */
export function parseTorchConfigs(text: string): TorchConfig[] {
  return text.split(',').map((item) => {
    const match = /^([1-9][0-9]*)(\+ftz)?$/.exec(item.trim());
    if (match === null) throw new Error(`--torch-configs: "${item}" is not THREADS or THREADS+ftz (e.g. ${DEFAULT_TORCH_CONFIGS})`);
    return { threads: Number(match[1]), flushDenormal: match[2] !== undefined };
  });
}

/** How a configuration reads in the table: `2 thr, FTZ`. */
export function torchConfigLabel(config: TorchConfig): string {
  return `${config.threads} thr${config.flushDenormal ? ', FTZ' : ''}`;
}

function positive(name: string, text: string | undefined, fallback: number, integer: boolean): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new Error(`--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${text}"`);
  }
  return value;
}

function positiveList(name: string, text: string | undefined, fallback: readonly number[]): number[] {
  if (text === undefined) return [...fallback];
  return text.split(',').map((item) => {
    if (!/^[1-9][0-9]*$/.test(item.trim())) throw new Error(`--${name} must be a comma-separated list of positive integers, got "${text}"`);
    return Number(item);
  });
}

function parseCell(text: string | undefined): CellKind {
  if (text === undefined) return 'lstm';
  const cell = CELL_NAMES[text.toLowerCase()];
  if (cell === undefined) throw new Error(`--cell must be lstm, gru or simpleRnn, got "${text}"`);
  return cell;
}

type Values = Readonly<Record<string, string | boolean | undefined>>;

const SWEEP_ONLY = ['cell', 'sweep-t', 'sweep-h', 'sweep-b', 'max-memory', 'max-step'] as const;
const CASES_ONLY = ['quick', 'runs', 'cases'] as const;

function parseSweep(values: Values): SweepOptions | undefined {
  const given = (names: readonly string[]): string[] => names.filter((n) => values[n] !== undefined).map((n) => `--${n}`);
  if (values['sweep'] !== true) {
    const stray = given(SWEEP_ONLY);
    if (stray.length > 0) throw new Error(`${stray.join(', ')} ${stray.length === 1 ? 'applies' : 'apply'} only with --sweep`);
    return undefined;
  }
  const clash = [...given(CASES_ONLY), ...given(['roofline'])];
  if (clash.length > 0) {
    throw new Error(`${clash.join(', ')} ${clash.length === 1 ? 'does' : 'do'} not apply with --sweep (it runs its own grid; narrow it with --sweep-t/--sweep-h/--sweep-b)`);
  }
  const text = (name: string): string | undefined => values[name] as string | undefined;
  return {
    cell: parseCell(text('cell')),
    steps: positiveList('sweep-t', text('sweep-t'), SWEEP_DEFAULTS.steps),
    units: positiveList('sweep-h', text('sweep-h'), SWEEP_DEFAULTS.units),
    batches: positiveList('sweep-b', text('sweep-b'), SWEEP_DEFAULTS.batches),
    maxMemoryMiB: positive('max-memory', text('max-memory'), SWEEP_DEFAULTS.maxMemoryMiB, false),
    maxStepSeconds: positive('max-step', text('max-step'), SWEEP_DEFAULTS.maxStepSeconds, false),
  };
}

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean' },
      backend: { type: 'string' },
      runs: { type: 'string' },
      seconds: { type: 'string' },
      cases: { type: 'string' },
      json: { type: 'string' },
      threads: { type: 'string' },
      torch: { type: 'boolean' },
      'torch-configs': { type: 'string' },
      python: { type: 'string' },
      sweep: { type: 'boolean' },
      cell: { type: 'string' },
      'sweep-t': { type: 'string' },
      'sweep-h': { type: 'string' },
      'sweep-b': { type: 'string' },
      'max-memory': { type: 'string' },
      'max-step': { type: 'string' },
      roofline: { type: 'boolean' },
    },
    strict: true,
  });
  const sweep = parseSweep(values);
  const roofline = values.roofline === true;
  if (roofline && (values.quick === true || values.cases !== undefined || values.torch === true)) {
    throw new Error('--quick, --cases and --torch do not apply with --roofline (it times the seed cases on rnnkit only)');
  }
  const backend = values.backend ?? 'wasm';
  if (backend !== 'wasm' && backend !== 'cpu') throw new Error(`--backend must be wasm or cpu, got "${backend}"`);
  const threads = values.threads ?? 'auto';
  if (threads !== 'auto' && !/^[1-9][0-9]*$/.test(threads)) throw new Error(`--threads must be auto or a positive integer, got "${threads}"`);
  const torch = values.torch === true;
  if (!torch && (values['torch-configs'] !== undefined || values.python !== undefined)) {
    throw new Error('--torch-configs and --python only apply with --torch');
  }
  const quick = values.quick === true;
  return {
    quick,
    backend,
    threads: threads === 'auto' ? 'auto' : Number(threads),
    runs: positive('runs', values.runs, quick ? 3 : 5, true),
    secondsPerRun: positive('seconds', values.seconds, quick || sweep !== undefined || roofline ? 1 : 2, false),
    cases: values.cases?.split(',').map((name) => name.trim()),
    json: values.json,
    torch: torch ? parseTorchConfigs(values['torch-configs'] ?? (sweep === undefined ? DEFAULT_TORCH_CONFIGS : SWEEP_TORCH_CONFIGS)) : [],
    python: values.python ?? '/usr/bin/python3',
    sweep,
    roofline,
  };
}
