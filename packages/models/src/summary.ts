/**
 * `summary()`: the table Keras 3 prints — layer (type), output shape, parameter count, and for a
 * functional model the "Connected to" column (`layer[call][output]`) — and the totals.
 */
import { formatShape } from './shape';
import type { Shape } from './shape';

/** One row of the table. */
export interface SummaryRow {
  readonly name: string;
  readonly className: string;
  readonly outputShape: Shape | string;
  readonly params: number;
  /** How many of `params` are non-trainable (moving statistics). Default 0. */
  readonly nonTrainableParams?: number;
  /** A functional model's: the outputs this layer reads, `lstm[0][0]`; `[]` for an input. */
  readonly connectedTo?: readonly string[];
}

/** `1,288,452` → with thousands separators. */
export function formatCount(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** Bytes in Keras' units (powers of 1024, two decimals): `1.23 MB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let size = bytes;
  let unit = 0;
  while (size >= 1024 && unit < units.length - 1) {
    size /= 1024;
    unit++;
  }
  return `${size.toFixed(2)} ${units[unit]}`;
}

/** The summary text of a model called `modelName` (float32 weights: 4 bytes per parameter). */
export function formatSummary(modelName: string, rows: readonly SummaryRow[]): string {
  const functional = rows.some((r) => r.connectedTo !== undefined);
  const cells = rows.map((r) => [
    `${r.name} (${r.className})`,
    typeof r.outputShape === 'string' ? r.outputShape : formatShape(r.outputShape),
    formatCount(r.params),
    ...(functional ? [r.connectedTo?.join(', ') || '-'] : []),
  ]);
  const header = ['Layer (type)', 'Output Shape', 'Param #', ...(functional ? ['Connected to'] : [])];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)) + 2);
  const line = (l: string, fill: string, mid: string, r: string): string => l + widths.map((w) => fill.repeat(w)).join(mid) + r;
  const row = (c: readonly string[], edge: string): string =>
    edge + c.map((text, i) => (i === 2 ? ` ${text.padStart(widths[i]! - 2)} ` : ` ${text.padEnd(widths[i]! - 2)} `)).join(edge) + edge;
  const total = rows.reduce((a, r) => a + r.params, 0);
  const frozen = rows.reduce((a, r) => a + (r.nonTrainableParams ?? 0), 0);
  const out = [`Model: "${modelName}"`, line('┏', '━', '┳', '┓'), row(header, '┃'), line('┡', '━', '╇', '┩')];
  cells.forEach((c, i) => {
    if (i > 0) out.push(line('├', '─', '┼', '┤'));
    out.push(row(c, '│'));
  });
  out.push(line('└', '─', '┴', '┘'));
  out.push(` Total params: ${formatCount(total)} (${formatBytes(total * 4)})`);
  out.push(` Trainable params: ${formatCount(total - frozen)} (${formatBytes((total - frozen) * 4)})`);
  out.push(` Non-trainable params: ${formatCount(frozen)} (${formatBytes(frozen * 4)})`);
  return out.join('\n');
}
