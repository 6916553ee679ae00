/**
 * A one-line progress bar for training epochs, Keras style:
 * `epoch 2/5 [=========>..........] 96/157  loss 0.4312  acc 0.8021  1830 samples/s  ETA 4s`
 */

export interface ProgressLine {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
  readonly metrics: Readonly<Record<string, number>>;
  readonly samplesPerSecond: number;
  readonly etaSeconds: number;
  /** What a sample is, for the throughput (default 'samples': `1830 samples/s`). */
  readonly unit?: string;
}

const WIDTH = 24;

export function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatProgress(line: ProgressLine): string {
  const done = line.batches === 0 ? 1 : line.batch / line.batches;
  const filled = Math.min(WIDTH, Math.floor(done * WIDTH));
  const bar = '='.repeat(Math.max(0, filled - 1)) + (filled > 0 ? (filled === WIDTH ? '=' : '>') : '') + '.'.repeat(WIDTH - filled);
  const metrics = Object.entries(line.metrics)
    .map(([name, value]) => `${name} ${value.toFixed(4)}`)
    .join('  ');
  const pad = String(line.batches).length;
  return (
    `epoch ${line.epoch}/${line.epochs} [${bar}] ${String(line.batch).padStart(pad)}/${line.batches}  ${metrics}  ` +
    `${Math.round(line.samplesPerSecond)} ${line.unit ?? 'samples'}/s  ${done >= 1 ? 'done' : `ETA ${formatSeconds(line.etaSeconds)}`}`
  );
}

/** Writes progress lines in place on a terminal, or one line per call elsewhere (CI logs). */
export function createProgressWriter(stream: NodeJS.WriteStream = process.stdout): { update(line: ProgressLine): void; end(text?: string): void } {
  let lastLength = 0;
  let lastPrinted = 0;
  return {
    update(line) {
      const text = formatProgress(line);
      if (stream.isTTY) {
        stream.write(`\r${text.padEnd(lastLength)}`);
        lastLength = text.length;
      } else if (line.batch === line.batches || Date.now() - lastPrinted > 10_000) {
        stream.write(`${text}\n`);
        lastPrinted = Date.now();
      }
    },
    end(text) {
      if (stream.isTTY && lastLength > 0) stream.write('\n');
      lastLength = 0;
      if (text !== undefined) stream.write(`${text}\n`);
    },
  };
}
