/**
 * A small SVG line chart for live training curves: per-step values (a faint line), their running
 * mean (a bold line) and per-epoch test values (markers). Redrawn whole on every update — a few
 * hundred points — at most once per animation frame.
 */

export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  readonly style: 'faint' | 'bold' | 'markers';
  readonly points: readonly (readonly [number, number])[];
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  /** Fixed y range (e.g. [0, 1] for accuracy); otherwise it follows the data. */
  readonly yRange?: readonly [number, number];
  /** The x axis spans at least this much (the planned number of steps). */
  readonly xMax?: number;
  /** The width the chart is drawn at, in CSS pixels (its text stays at its font size). Default 460. */
  readonly width?: number;
}

const SVG = 'http://www.w3.org/2000/svg';
const DEFAULT_WIDTH = 460;
const MIN_WIDTH = 260;
const HEIGHT = 250;
const PAD = { left: 46, right: 14, top: 50, bottom: 34 };

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number, count: number): number[] {
  const span = hi - lo || 1;
  const raw = span / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => span / s <= count) ?? 10 * magnitude;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step) out.push(Number(v.toFixed(10)));
  return out;
}

function format(v: number): string {
  if (Math.abs(v) >= 1000) return `${Math.round(v / 100) / 10}k`;
  return String(Number(v.toPrecision(3)));
}

export function drawChart(svg: SVGSVGElement, options: ChartOptions, series: readonly ChartSeries[]): void {
  const WIDTH = Math.max(MIN_WIDTH, Math.round(options.width ?? DEFAULT_WIDTH));
  svg.setAttribute('viewBox', `0 0 ${WIDTH} ${HEIGHT}`);
  svg.replaceChildren();
  const all = series.flatMap((s) => s.points).filter(([, y]) => Number.isFinite(y));
  const xHi = Math.max(options.xMax ?? 1, ...all.map(([x]) => x), 1);
  let [yLo, yHi] = options.yRange ?? [Math.min(...all.map(([, y]) => y)), Math.max(...all.map(([, y]) => y))];
  if (!Number.isFinite(yLo) || !Number.isFinite(yHi)) [yLo, yHi] = [0, 1];
  if (options.yRange === undefined) {
    const margin = (yHi - yLo) * 0.08 || 0.1;
    yLo = Math.max(0, yLo - margin);
    yHi += margin;
  }
  const plotW = WIDTH - PAD.left - PAD.right;
  const plotH = HEIGHT - PAD.top - PAD.bottom;
  const sx = (x: number): number => PAD.left + (x / xHi) * plotW;
  const sy = (y: number): number => PAD.top + (1 - (y - yLo) / (yHi - yLo || 1)) * plotH;

  svg.append(el('text', { x: PAD.left - 40, y: 16, class: 'chart-title' }, options.title));
  for (const t of ticks(yLo, yHi, 5)) {
    svg.append(el('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: sy(t), y2: sy(t), class: 'grid' }));
    svg.append(el('text', { x: PAD.left - 6, y: sy(t) + 4, class: 'tick', 'text-anchor': 'end' }, format(t)));
  }
  if (all.length === 0) {
    svg.append(el('text', { x: PAD.left + plotW / 2, y: PAD.top + plotH / 2, class: 'placeholder', 'text-anchor': 'middle' }, 'the curve appears here as the network trains'));
  }
  for (const t of all.length === 0 ? [] : ticks(0, xHi, 6)) {
    svg.append(el('line', { x1: sx(t), x2: sx(t), y1: PAD.top + plotH, y2: PAD.top + plotH + 4, class: 'axis' }));
    svg.append(el('text', { x: sx(t), y: PAD.top + plotH + 16, class: 'tick', 'text-anchor': 'middle' }, format(t)));
  }
  svg.append(el('line', { x1: PAD.left, x2: WIDTH - PAD.right, y1: PAD.top + plotH, y2: PAD.top + plotH, class: 'axis' }));
  svg.append(el('text', { x: WIDTH - PAD.right, y: HEIGHT - 4, class: 'axis-label', 'text-anchor': 'end' }, options.xLabel));

  for (const s of series) {
    const pts = s.points.filter(([, y]) => Number.isFinite(y));
    if (pts.length === 0) continue;
    const d = pts.map(([x, y], i) => `${i === 0 ? 'M' : 'L'}${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join('');
    if (s.style === 'markers') {
      svg.append(el('path', { d, class: 'series-markers-line', stroke: s.color }));
      for (const [x, y] of pts) svg.append(el('circle', { cx: sx(x), cy: sy(y), r: 4, fill: s.color, class: 'marker' }));
    } else {
      svg.append(el('path', { d, class: s.style === 'bold' ? 'series-bold' : 'series-faint', stroke: s.color }));
    }
  }

  // legend: a row under the title (from the title's left edge on a narrow chart)
  let x = WIDTH < 400 ? PAD.left - 40 : PAD.left;
  for (const s of series) {
    const swatch =
      s.style === 'markers'
        ? el('circle', { cx: x + 5, cy: 32, r: 4, fill: s.color })
        : el('rect', { x, y: s.style === 'bold' ? 30.5 : 31, width: 14, height: s.style === 'bold' ? 3 : 2, fill: s.color, opacity: s.style === 'faint' ? 0.45 : 1 });
    svg.append(swatch, el('text', { x: x + 19, y: 36, class: 'legend' }, s.label));
    x += 19 + s.label.length * 6 + 14;
  }
}
