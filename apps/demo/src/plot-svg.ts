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

function escapeXml(text: string): string {
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
