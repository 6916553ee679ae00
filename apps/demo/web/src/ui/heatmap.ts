/**
 * A heat-map of a recurrent layer's activations: one column per token, one row per unit, drawn on a
 * canvas; hovering a cell shows its token, unit and value.
 *
 * Colours: a diverging scale (blue − · white 0 · red +) for tanh-range values, a sequential one
 * (white → teal) for gates in [0, 1].
 */

import type { Readout } from '../protocol';

const NEG: readonly [number, number, number] = [37, 99, 235];
const POS: readonly [number, number, number] = [220, 38, 38];
const GATE: readonly [number, number, number] = [13, 116, 110];
const WHITE: readonly [number, number, number] = [248, 250, 252];

function mix(a: readonly number[], b: readonly number[], t: number): string {
  const c = a.map((v, i) => Math.round(v + (b[i]! - v) * Math.min(1, Math.max(0, t))));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

/** The colour of `value` on the scale of `range`. */
export function heatColor(value: number, range: readonly [number, number]): string {
  const [lo, hi] = range;
  if (lo >= 0) return mix(WHITE, GATE, (value - lo) / (hi - lo || 1));
  const top = Math.max(Math.abs(lo), Math.abs(hi)) || 1;
  return value >= 0 ? mix(WHITE, POS, value / top) : mix(WHITE, NEG, -value / top);
}

export interface HeatmapInput {
  readonly tokens: readonly string[];
  /** An extra strip above the grid: the model's output after each token. */
  readonly readout?: Readout;
  /** values[t][unit] */
  readonly values: readonly (readonly number[])[];
  readonly range: readonly [number, number];
}

const STRIP = 16;
const STRIP_GAP = 10;
const GREEN: readonly [number, number, number] = [22, 163, 74];
const INDIGO: readonly [number, number, number] = [79, 70, 229];

/** The colour of a readout value: red · white (0.5) · green for sentiment, white → indigo for a probability. */
export function readoutColor(value: number, kind: Readout['kind']): string {
  if (!Number.isFinite(value)) return '#f1f5f9';
  if (kind === 'probability') return mix(WHITE, INDIGO, Math.sqrt(value));
  return value >= 0.5 ? mix(WHITE, GREEN, (value - 0.5) * 2) : mix(WHITE, POS, (0.5 - value) * 2);
}
const UNIT_LABEL_WIDTH = 48;

export function drawHeatmap(canvas: HTMLCanvasElement, tooltip: HTMLElement, input: HeatmapInput, availableWidth: number): void {
  const T = input.tokens.length;
  const H = input.values[0]?.length ?? 0;
  const cellW = Math.max(7, Math.min(30, Math.floor((availableWidth - UNIT_LABEL_WIDTH - 8) / Math.max(T, 1))));
  const cellH = Math.max(3, Math.min(10, Math.floor(300 / Math.max(H, 1))));
  const longest = Math.max(1, ...input.tokens.map((t) => shown(t).length));
  const upright = longest <= 2; // characters stand upright under their column; words are slanted
  const tokenFont = `${cellW >= 12 ? 12 : 10}px system-ui, sans-serif`;
  const g = canvas.getContext('2d');
  if (g === null) return;
  // slanted labels need the height of the widest one, measured in the font they are drawn in
  g.font = tokenFont;
  const widest = Math.max(0, ...input.tokens.map((t) => g.measureText(shown(t)).width));
  const labelHeight = upright ? 22 : Math.min(120, 16 + widest * Math.sin(Math.PI / 3));
  const width = UNIT_LABEL_WIDTH + T * cellW + 8;
  const TOP = input.readout === undefined ? 6 : 6 + STRIP + STRIP_GAP;
  const height = TOP + H * cellH + labelHeight;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.ceil(width * ratio);
  canvas.height = Math.ceil(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  // resizing the canvas reset the context: scale and fonts are set again below
  g.scale(ratio, ratio);
  g.clearRect(0, 0, width, height);

  for (let t = 0; t < T; t++) {
    const column = input.values[t]!;
    for (let u = 0; u < H; u++) {
      g.fillStyle = heatColor(column[u]!, input.range);
      g.fillRect(UNIT_LABEL_WIDTH + t * cellW, TOP + u * cellH, cellW - (cellW > 10 ? 1 : 0), cellH);
    }
  }
  if (input.readout !== undefined) {
    const readout = input.readout;
    readout.values.forEach((v, t) => {
      g.fillStyle = readoutColor(v, readout.kind);
      g.fillRect(UNIT_LABEL_WIDTH + t * cellW, 4, cellW - (cellW > 10 ? 1 : 0), STRIP);
    });
    g.fillStyle = '#0f172a';
    g.font = '600 10px system-ui, sans-serif';
    g.textAlign = 'right';
    g.textBaseline = 'middle';
    g.fillText(readout.label, UNIT_LABEL_WIDTH - 4, 4 + STRIP / 2);
    g.textBaseline = 'alphabetic';
  }
  g.fillStyle = '#64748b';
  g.font = '10px system-ui, sans-serif';
  g.textAlign = 'right';
  g.textBaseline = 'middle';
  const unitStep = [1, 2, 4, 8, 16].find((s) => s * cellH >= 12) ?? 32;
  for (let u = 0; u < H; u += unitStep) g.fillText(String(u), UNIT_LABEL_WIDTH - 5, TOP + u * cellH + cellH / 2);
  g.textBaseline = 'alphabetic';

  g.fillStyle = '#334155';
  g.font = tokenFont;
  const labelEvery = Math.max(1, Math.ceil((upright ? 8 : 12) / cellW));
  for (let t = 0; t < T; t += labelEvery) {
    const x = UNIT_LABEL_WIDTH + t * cellW + cellW / 2;
    if (upright) {
      g.textAlign = 'center';
      g.fillText(shown(input.tokens[t]!), x, TOP + H * cellH + 15);
      continue;
    }
    g.save();
    g.translate(x + 4, TOP + H * cellH + 10);
    g.rotate(-Math.PI / 3);
    g.textAlign = 'right';
    g.fillText(shown(input.tokens[t]!), 0, 0);
    g.restore();
  }

  canvas.onmousemove = (event) => {
    const box = canvas.getBoundingClientRect();
    const t = Math.floor((event.clientX - box.left - UNIT_LABEL_WIDTH) / cellW);
    const y = event.clientY - box.top;
    const readout = input.readout;
    if (readout !== undefined && t >= 0 && t < T && y >= 4 && y < 4 + STRIP) {
      const v = readout.values[t]!;
      tooltip.textContent = `token ${t} “${shown(input.tokens[t]!)}” · ${readout.description}: ${Number.isFinite(v) ? v.toFixed(3) : '—'}`;
      return;
    }
    const u = Math.floor((y - TOP) / cellH);
    if (t < 0 || t >= T || u < 0 || u >= H) {
      tooltip.textContent = '';
      return;
    }
    tooltip.textContent = `token ${t} “${shown(input.tokens[t]!)}” · unit ${u} · ${input.values[t]![u]!.toFixed(3)}`;
  };
  canvas.onmouseleave = () => {
    tooltip.textContent = '';
  };
}

/** Whitespace tokens made visible. */
function shown(token: string): string {
  return token === '\n' ? '↵' : token === ' ' ? '·' : token;
}

/**
 * The heat-map in words, for a screen reader (the canvas' text alternative): its size, the
 * strongest value and where it is, and the readout after the last token.
 */
export function describeHeatmap(name: string, input: HeatmapInput): string {
  const T = input.tokens.length;
  const H = input.values[0]?.length ?? 0;
  let best = { t: 0, u: 0, v: 0 };
  input.values.forEach((column, t) =>
    column.forEach((v, u) => {
      if (Math.abs(v) > Math.abs(best.v)) best = { t, u, v };
    }),
  );
  const parts = [`Heat map of ${name}: ${H} units by ${T} tokens, values from ${input.range[0]} to ${input.range[1]}`];
  if (T > 0 && H > 0) parts.push(`strongest: unit ${best.u} at token ${best.t} “${shown(input.tokens[best.t]!)}”, ${best.v.toFixed(3)}`);
  const finite = input.readout?.values.filter((v) => Number.isFinite(v)) ?? [];
  if (input.readout !== undefined && finite.length > 0) parts.push(`${input.readout.label} at the last token with a value: ${finite.at(-1)!.toFixed(3)}`);
  return `${parts.join('; ')}.`;
}
