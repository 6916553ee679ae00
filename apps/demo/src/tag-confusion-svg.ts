/**
 * A confusion matrix as a standalone SVG: rows are gold tags, columns predicted tags, each cell shaded by
 * its share of the row (the diagonal is the tag's recall) and labelled with its count; a tooltip gives both.
 *
 * Shapes: K tags; matrix [K, K] of counts, matrix[gold][predicted].
 */
import { escapeXml } from './plot-svg';

const CELL = 34;

/** The SVG document of `matrix` with tag names `names`. */
export function renderConfusionSvg(matrix: readonly (readonly number[])[], names: readonly string[], title: string, caption: string): string {
  const K = names.length;
  const label = 8 * Math.max(4, ...names.map((n) => n.length));
  const left = 40 + label;
  const top = 56 + label;
  const width = Math.max(left + K * CELL + 24, 16 + 6 * caption.length);
  const height = top + K * CELL + 40;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="${left + (K * CELL) / 2}" y="40" text-anchor="middle" font-size="12" fill="#555">predicted</text>`,
    `<text x="14" y="${top + (K * CELL) / 2}" font-size="12" fill="#555" transform="rotate(-90 14 ${top + (K * CELL) / 2})" text-anchor="middle">gold</text>`,
  ];
  names.forEach((name, j) => {
    const x = left + j * CELL + CELL / 2 + 4;
    parts.push(`<text x="${x}" y="${top - 6}" font-size="11" transform="rotate(-60 ${x} ${top - 6})">${escapeXml(name)}</text>`);
  });
  matrix.forEach((row, i) => {
    const total = row.reduce((a, b) => a + b, 0);
    parts.push(`<text x="${left - 6}" y="${top + i * CELL + CELL / 2 + 4}" text-anchor="end" font-size="11">${escapeXml(names[i]!)}</text>`);
    row.forEach((count, j) => {
      const share = total === 0 ? 0 : count / total;
      // diagonal in blue (right), elsewhere in red (confusions); the shade is the share of the row
      const shade = Math.round(255 * (1 - Math.sqrt(share)));
      const fill = i === j ? `rgb(${shade},${shade},255)` : `rgb(255,${shade},${shade})`;
      const x = left + j * CELL;
      const y = top + i * CELL;
      parts.push(
        `<rect x="${x}" y="${y}" width="${CELL}" height="${CELL}" fill="${fill}" stroke="#ddd">` +
          `<title>${escapeXml(`gold ${names[i]} → predicted ${names[j]}: ${count} (${(100 * share).toFixed(1)} % of ${names[i]})`)}</title></rect>`,
      );
      if (count > 0) {
        const ink = share > 0.5 ? 'white' : '#222';
        parts.push(`<text x="${x + CELL / 2}" y="${y + CELL / 2 + 3}" text-anchor="middle" font-size="${count >= 1000 ? 8 : 9}" fill="${ink}">${count}</text>`);
      }
    });
  });
  parts.push(`<text x="8" y="${height - 10}" font-size="11" fill="#555">${escapeXml(caption)}</text>`, '</svg>', '');
  return parts.join('\n');
}
