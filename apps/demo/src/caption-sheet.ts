/**
 * The picture sheet of `pnpm demo caption`: held-out scenes (64×64, drawn as PNG data URIs at twice the
 * size) beside their generated captions, green when a caption is one of the scene's phrasings, red when
 * not, with one reference phrasing below.
 */
import { escapeXml } from './plot-svg';
import { grayscalePng } from './video-image';

export interface SheetRow {
  /** [S, S] pixels in [0, 1]. */
  readonly pixels: Float32Array;
  readonly size: number;
  readonly greedy: string;
  readonly beam: string;
  readonly reference: string;
  readonly greedyExact: boolean;
  readonly beamExact: boolean;
}

const SCALE = 2;
const ROW_GAP = 14;
const TEXT_X = 20 + 64 * SCALE + 16;

/** An SVG page of scenes and captions (one row per scene). */
export function captionSheetSvg(rows: readonly SheetRow[], title: string, beamWidth: number): string {
  const side = Math.max(64, ...rows.map((r) => r.size)) * SCALE;
  const width = TEXT_X + 640;
  let y = 44;
  const parts: string[] = [];
  const colour = (ok: boolean): string => (ok ? '#2ca02c' : '#d62728');
  for (const row of rows) {
    const png = Buffer.from(grayscalePng(row.pixels, row.size, row.size)).toString('base64');
    parts.push(`<image x="20" y="${y}" width="${row.size * SCALE}" height="${row.size * SCALE}" style="image-rendering:pixelated" href="data:image/png;base64,${png}"/>`);
    parts.push(`<rect x="20" y="${y}" width="${row.size * SCALE}" height="${row.size * SCALE}" fill="none" stroke="#999"/>`);
    const lines: [string, string, string][] = [
      ['greedy', row.greedy, colour(row.greedyExact)],
      [`beam ${beamWidth}`, row.beam, colour(row.beamExact)],
      ['e.g.', row.reference, '#666'],
    ];
    lines.forEach(([label, text, fill], k) => {
      const ty = y + 28 + 30 * k;
      parts.push(`<text x="${TEXT_X}" y="${ty}" font-family="sans-serif" font-size="12" fill="#666">${escapeXml(label)}</text>`);
      parts.push(`<text x="${TEXT_X + 56}" y="${ty}" font-family="sans-serif" font-size="14" fill="${fill}">${escapeXml(text === '' ? '(empty)' : text)}</text>`);
    });
    y += side + ROW_GAP;
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}">` +
    `<rect width="100%" height="100%" fill="white"/><text x="20" y="26" font-family="sans-serif" font-size="16">${escapeXml(title)}</text>` +
    parts.join('') +
    '</svg>\n'
  );
}
