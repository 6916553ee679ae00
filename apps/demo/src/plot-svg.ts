/**
 * Line charts as standalone SVG: one panel per metric (e.g. loss and accuracy), each with its
 * training and validation curves over epochs. No dependencies; opens in any browser.
 */

export interface Series {
  readonly label: string;
  readonly values: readonly number[];
  readonly color: string;
}

export interface Panel {
  readonly title: string;
  readonly series: readonly Series[];
}

const PANEL_WIDTH = 420;
const PANEL_HEIGHT = 280;
const MARGIN = { left: 56, right: 16, top: 32, bottom: 40 };

/** Text made safe to place in SVG/XML. */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function niceTicks(min: number, max: number, count = 5): number[] {
  if (min === max) return [min];
  const step = 10 ** Math.floor(Math.log10((max - min) / count));
  const err = (max - min) / count / step;
  const nice = step * (err >= 5 ? 10 : err >= 2 ? 5 : err >= 1.5 ? 2 : 1);
  const ticks: number[] = [];
  for (let t = Math.ceil(min / nice) * nice; t <= max + nice * 1e-9; t += nice) ticks.push(Number(t.toFixed(10)));
  return ticks;
}

function renderPanel(panel: Panel, offsetX: number): string {
  const values = panel.series.flatMap((s) => s.values.filter(Number.isFinite));
  const epochs = Math.max(1, ...panel.series.map((s) => s.values.length));
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (!Number.isFinite(lo)) [lo, hi] = [0, 1];
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * 0.08;
  lo -= pad;
  hi += pad;
  const w = PANEL_WIDTH - MARGIN.left - MARGIN.right;
  const h = PANEL_HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (i: number): number => offsetX + MARGIN.left + (epochs === 1 ? w / 2 : (i / (epochs - 1)) * w);
  const y = (v: number): number => MARGIN.top + (1 - (v - lo) / (hi - lo)) * h;
  const parts: string[] = [];
  parts.push(`<text x="${offsetX + PANEL_WIDTH / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${escapeXml(panel.title)}</text>`);
  parts.push(`<rect x="${offsetX + MARGIN.left}" y="${MARGIN.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`);
  for (const t of niceTicks(lo, hi)) {
    parts.push(`<line x1="${offsetX + MARGIN.left}" x2="${offsetX + MARGIN.left + w}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/>`);
    parts.push(`<text x="${offsetX + MARGIN.left - 6}" y="${y(t) + 4}" text-anchor="end" font-size="11">${t}</text>`);
  }
  for (let i = 0; i < epochs; i++) {
    parts.push(`<text x="${x(i)}" y="${MARGIN.top + h + 16}" text-anchor="middle" font-size="11">${i + 1}</text>`);
  }
  parts.push(`<text x="${offsetX + MARGIN.left + w / 2}" y="${PANEL_HEIGHT - 6}" text-anchor="middle" font-size="12">epoch</text>`);
  panel.series.forEach((s, k) => {
    const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
    parts.push(`<polyline points="${points}" fill="none" stroke="${s.color}" stroke-width="2"/>`);
    for (const [i, v] of s.values.entries()) parts.push(`<circle cx="${x(i).toFixed(1)}" cy="${y(v).toFixed(1)}" r="3" fill="${s.color}"/>`);
    const ly = MARGIN.top + 14 + k * 16;
    parts.push(`<line x1="${offsetX + MARGIN.left + 10}" x2="${offsetX + MARGIN.left + 30}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"/>`);
    parts.push(`<text x="${offsetX + MARGIN.left + 36}" y="${ly}" font-size="11">${escapeXml(s.label)}</text>`);
  });
  return parts.join('\n');
}

/** An SVG document with the panels side by side. */
export function renderPanelsSvg(panels: readonly Panel[], title: string): string {
  const width = PANEL_WIDTH * Math.max(1, panels.length);
  const height = PANEL_HEIGHT + 24;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="${height - 6}" font-size="11" fill="#555">${escapeXml(title)}</text>`,
    ...panels.map((p, i) => renderPanel(p, i * PANEL_WIDTH)),
    '</svg>',
    '',
  ].join('\n');
}

/** A series over the chart's x labels; `null` where it has no value (e.g. forecasts before the origin). */
export interface LineSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly color: string;
  readonly dashed?: boolean;
}

export interface LineChart {
  readonly title: string;
  /** One label per x position (e.g. months); about ten are printed. */
  readonly xLabels: readonly string[];
  readonly series: readonly LineSeries[];
  /** A vertical line before x position `index` (e.g. the forecast origin). */
  readonly marker?: { readonly index: number; readonly label: string };
}

const CHART = { width: 900, height: 420, left: 60, right: 20, top: 40, bottom: 60 };

/** One wide line chart of several series over shared x labels, with a legend. */
export function renderLineChartSvg(chart: LineChart, caption: string): string {
  const n = Math.max(1, chart.xLabels.length, ...chart.series.map((s) => s.values.length));
  const values = chart.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  let lo = values.length === 0 ? 0 : Math.min(...values);
  let hi = values.length === 0 ? 1 : Math.max(...values);
  if (lo === hi) [lo, hi] = [lo - 0.5, hi + 0.5];
  const pad = (hi - lo) * 0.05;
  lo -= pad;
  hi += pad;
  const w = CHART.width - CHART.left - CHART.right;
  const h = CHART.height - CHART.top - CHART.bottom;
  const x = (i: number): number => CHART.left + (n === 1 ? w / 2 : (i / (n - 1)) * w);
  const y = (v: number): number => CHART.top + (1 - (v - lo) / (hi - lo)) * h;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART.width}" height="${CHART.height}" viewBox="0 0 ${CHART.width} ${CHART.height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${CHART.width / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(chart.title)}</text>`,
    `<rect x="${CHART.left}" y="${CHART.top}" width="${w}" height="${h}" fill="none" stroke="#999"/>`,
  ];
  for (const t of niceTicks(lo, hi)) {
    parts.push(`<line x1="${CHART.left}" x2="${CHART.left + w}" y1="${y(t).toFixed(1)}" y2="${y(t).toFixed(1)}" stroke="#eee"/>`);
    parts.push(`<text x="${CHART.left - 6}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end" font-size="11">${t}</text>`);
  }
  const every = Math.max(1, Math.ceil(n / 12));
  chart.xLabels.forEach((label, i) => {
    if (i % every !== 0) return;
    parts.push(`<line x1="${x(i).toFixed(1)}" x2="${x(i).toFixed(1)}" y1="${CHART.top + h}" y2="${CHART.top + h + 4}" stroke="#999"/>`);
    parts.push(`<text x="${x(i).toFixed(1)}" y="${CHART.top + h + 18}" text-anchor="middle" font-size="11">${escapeXml(label)}</text>`);
  });
  if (chart.marker !== undefined) {
    const mx = x(chart.marker.index - 0.5).toFixed(1);
    parts.push(`<line x1="${mx}" x2="${mx}" y1="${CHART.top}" y2="${CHART.top + h}" stroke="#888" stroke-dasharray="4 3"/>`);
    parts.push(`<text x="${mx}" y="${CHART.top - 4}" text-anchor="middle" font-size="11" fill="#555">${escapeXml(chart.marker.label)}</text>`);
  }
  chart.series.forEach((s, k) => {
    // one polyline per unbroken run of values
    let run: string[] = [];
    const flush = () => {
      if (run.length > 0) parts.push(`<polyline points="${run.join(' ')}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
      run = [];
    };
    s.values.forEach((v, i) => {
      if (v === null || !Number.isFinite(v)) flush();
      else run.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
    });
    flush();
    const ly = CHART.top + 16 + k * 16;
    parts.push(`<line x1="${CHART.left + 10}" x2="${CHART.left + 34}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
    parts.push(`<text x="${CHART.left + 40}" y="${ly}" font-size="12">${escapeXml(s.label)}</text>`);
  });
  parts.push(`<text x="8" y="${CHART.height - 8}" font-size="11" fill="#555">${escapeXml(caption)}</text>`, '</svg>', '');
  return parts.join('\n');
}

export interface Heatmap {
  readonly title: string;
  /** One label per row (e.g. output words). */
  readonly rowLabels: readonly string[];
  /** One label per column (e.g. input words). */
  readonly columnLabels: readonly string[];
  /** values[row][column], in [0, 1] (e.g. attention weights); darker is larger. */
  readonly values: readonly (readonly number[])[];
}

/** A grid of shaded cells with row labels on the left and column labels on top (an attention map). */
export function renderHeatmapSvg(map: Heatmap, caption: string): string {
  const cell = 40;
  const left = 16 + 8 * Math.max(4, ...map.rowLabels.map((l) => l.length));
  const top = 40 + 7 * Math.max(4, ...map.columnLabels.map((l) => l.length));
  const width = Math.max(left + cell * map.columnLabels.length + 20, 16 + 6 * caption.length, 16 + 9 * map.title.length);
  const height = top + cell * map.rowLabels.length + 30;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="20" font-size="14" font-weight="bold">${escapeXml(map.title)}</text>`,
  ];
  map.columnLabels.forEach((label, j) => {
    const cx = left + j * cell + cell / 2;
    parts.push(`<text x="${cx}" y="${top - 6}" font-size="12" transform="rotate(-60 ${cx} ${top - 6})">${escapeXml(label)}</text>`);
  });
  map.rowLabels.forEach((label, i) => {
    parts.push(`<text x="${left - 6}" y="${top + i * cell + cell / 2 + 4}" text-anchor="end" font-size="12">${escapeXml(label)}</text>`);
    map.columnLabels.forEach((_, j) => {
      const v = Math.min(1, Math.max(0, map.values[i]?.[j] ?? 0));
      const shade = Math.round(255 * (1 - v));
      parts.push(
        `<rect x="${left + j * cell}" y="${top + i * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)" stroke="#ddd">` +
          `<title>${escapeXml(`${label} ← ${map.columnLabels[j]}: ${v.toFixed(3)}`)}</title></rect>`,
      );
    });
  });
  parts.push(`<text x="8" y="${height - 8}" font-size="11" fill="#555">${escapeXml(caption)}</text>`, '</svg>', '');
  return parts.join('\n');
}
