/**
 * The bench's table: per case, medians of samples/s (min–max over the runs) for rnnkit and tfjs-layers,
 * their ratio, and with `--torch` the best PyTorch configuration (by median) and rnnkit / PyTorch.
 * A ratio reads `median ratio (worst-case–best-case pairing of the runs)`; rnnkit / PyTorch has two decimals.
 */
import type { CaseResult, ContenderResult } from './harness';
import { TORCH_PREFIX } from './peer-torch';
import type { Summary } from './stats';

/** Three significant-ish figures: 9691, 20.3. */
function fmt(x: number): string {
  return x >= 100 ? x.toFixed(0) : x.toFixed(1);
}

function cell(s: Summary): string {
  return `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
}

function ratio(ours: Summary, peer: Summary, digits: number): string {
  const r = (x: number): string => x.toFixed(digits);
  return `${r(ours.median / peer.median)}x (${r(ours.min / peer.max)}–${r(ours.max / peer.min)})`;
}

/** The PyTorch configuration with the highest median samples/s, or undefined when PyTorch did not run. */
export function bestTorch(results: readonly ContenderResult[]): ContenderResult | undefined {
  let best: ContenderResult | undefined;
  for (const r of results) {
    if (!r.contender.startsWith(TORCH_PREFIX)) continue;
    if (best === undefined || r.samplesPerSecond.median > best.samplesPerSecond.median) best = r;
  }
  return best;
}

const WIDTHS = { name: 22, rate: 24, ratio: 20, config: 11, rss: 9 } as const;

export function formatHeader(withTorch: boolean): string {
  const columns = [
    'case'.padEnd(WIDTHS.name),
    'rnnkit samples/s'.padStart(WIDTHS.rate),
    'tfjs-layers samples/s'.padStart(WIDTHS.rate),
    'rnnkit/tfjs-layers'.padStart(WIDTHS.ratio),
  ];
  if (withTorch) {
    columns.push('PyTorch best samples/s'.padStart(WIDTHS.rate), 'config'.padStart(WIDTHS.config), 'rnnkit/PyTorch'.padStart(WIDTHS.ratio));
  }
  columns.push('peak RSS'.padStart(WIDTHS.rss));
  return columns.join('  ');
}

/** One case's line; the contenders are found by name (rnnkit, tfjs-layers, `PyTorch …`). */
export function formatRow(r: CaseResult, withTorch: boolean): string {
  const ours = r.results.find((x) => x.contender === 'rnnkit');
  const peer = r.results.find((x) => x.contender === 'tfjs-layers');
  if (ours === undefined || peer === undefined) throw new Error(`formatRow: ${r.case.name} lacks an rnnkit or tfjs-layers result`);
  const columns = [
    r.case.name.padEnd(WIDTHS.name),
    cell(ours.samplesPerSecond).padStart(WIDTHS.rate),
    cell(peer.samplesPerSecond).padStart(WIDTHS.rate),
    ratio(ours.samplesPerSecond, peer.samplesPerSecond, 1).padStart(WIDTHS.ratio),
  ];
  if (withTorch) {
    const torch = bestTorch(r.results);
    if (torch === undefined) {
      columns.push('—'.padStart(WIDTHS.rate), '—'.padStart(WIDTHS.config), '—'.padStart(WIDTHS.ratio));
    } else {
      columns.push(
        cell(torch.samplesPerSecond).padStart(WIDTHS.rate),
        torch.contender.slice(TORCH_PREFIX.length).padStart(WIDTHS.config),
        ratio(ours.samplesPerSecond, torch.samplesPerSecond, 2).padStart(WIDTHS.ratio),
      );
    }
  }
  columns.push(`${r.peakRssMiB.toFixed(0)} MiB`.padStart(WIDTHS.rss));
  return columns.join('  ');
}

/** Every PyTorch configuration's median for one case, so the choice of the best can be checked: `1 thr 2210, 2 thr, FTZ 2480`. */
export function formatTorchConfigs(r: CaseResult): string {
  const torch = r.results.filter((x) => x.contender.startsWith(TORCH_PREFIX));
  return torch.map((x) => `${x.contender.slice(TORCH_PREFIX.length)}: ${fmt(x.samplesPerSecond.median)}`).join('; ');
}
