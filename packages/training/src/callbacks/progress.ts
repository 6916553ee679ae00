/**
 * A progress reporter: one line per `every` batches and one per epoch, with the loss, metrics,
 * throughput (samples/s) and an estimate of the time left in the epoch.
 */
import type { BatchLogs, Callback, EpochLogs } from './callback';

/** Options of {@link progressLogger}: how often to print and where. */
export interface ProgressOptions {
  /** Where lines go. Default `console.log`. */
  readonly print?: (line: string) => void;
  /** Report every `every` batches (0: epochs only). Default 0. */
  readonly every?: number;
  /** Clock in milliseconds (tests inject one). Default `performance.now`. */
  readonly now?: () => number;
}

function format(logs: Readonly<Record<string, number>>): string {
  return Object.entries(logs)
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : v.toFixed(4)}`)
    .join(' · ');
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds.toFixed(1)}s`;
  const m = Math.floor(seconds / 60);
  return `${m}m${Math.round(seconds - 60 * m)
    .toString()
    .padStart(2, '0')}s`;
}

/** Reports progress; see {@link ProgressOptions}. */
export function progressLogger(options: ProgressOptions = {}): Callback {
  const print = options.print ?? ((line: string) => console.log(line));
  const every = options.every ?? 0;
  const now = options.now ?? (() => performance.now());
  let started = 0;
  let seen = 0;
  return {
    name: 'progress',
    onEpochBegin() {
      started = now();
      seen = 0;
    },
    onBatchEnd(_batch, logs: BatchLogs, context) {
      seen += logs.size;
      if (every <= 0 || (logs.step + 1) % every !== 0) return;
      const seconds = (now() - started) / 1000;
      const rate = seen / Math.max(seconds, 1e-9);
      // a stream read to its end has no known length: no total and no ETA
      const eta = context.samples === null ? '' : ` · ETA ${duration((context.samples - seen) / rate)}`;
      print(
        `epoch ${logs.epoch + 1}/${context.epochs} · step ${logs.step + 1}/${context.stepsPerEpoch ?? '?'} · ` +
          `${format(logs.running)} · ‖g‖ ${logs.gradientNorm.toFixed(3)} · ${Math.round(rate)} samples/s${eta}`,
      );
    },
    onEpochEnd(epoch: number, logs: EpochLogs, context) {
      const seconds = (now() - started) / 1000;
      print(
        `epoch ${epoch + 1}/${context.epochs} · ${format(logs)} · ${Math.round(seen / Math.max(seconds, 1e-9))} samples/s · ${duration(seconds)}`,
      );
    },
  };
}
