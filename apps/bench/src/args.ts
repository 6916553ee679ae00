/**
 * `pnpm bench` options, parsed and checked: every wrong value is an error naming the option and the value.
 */
import { parseArgs } from 'node:util';

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
}

/** Every configuration `--torch` tries unless `--torch-configs` narrows them: 1 and 2 threads, flushing on and off. */
export const DEFAULT_TORCH_CONFIGS = '1,2,1+ftz,2+ftz';

export const USAGE = `pnpm bench [--quick] [--backend wasm|cpu] [--threads auto|N] [--runs N] [--seconds S] [--cases a,b] [--json FILE]
           [--torch [--torch-configs ${DEFAULT_TORCH_CONFIGS}] [--python /usr/bin/python3]]`;

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
    },
    strict: true,
  });
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
    secondsPerRun: positive('seconds', values.seconds, quick ? 1 : 2, false),
    cases: values.cases?.split(',').map((name) => name.trim()),
    json: values.json,
    torch: torch ? parseTorchConfigs(values['torch-configs'] ?? DEFAULT_TORCH_CONFIGS) : [],
    python: values.python ?? '/usr/bin/python3',
  };
}
