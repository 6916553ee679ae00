/**
 * Images for the video demo without dependencies: grayscale PNG (zlib with stored deflate blocks),
 * and an SVG page that shows frame strips with captions.
 */

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function adler32(bytes: Uint8Array): number {
  let a = 1;
  let b = 0;
  for (const v of bytes) {
    a = (a + v) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** zlib stream of `data` in stored (uncompressed) deflate blocks of ≤ 65,535 bytes. */
function zlibStored(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + data.length + 5 * blocks + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let at = 2;
  for (let i = 0; i < blocks; i++) {
    const chunk = data.subarray(i * 65535, Math.min(data.length, (i + 1) * 65535));
    out[at++] = i === blocks - 1 ? 1 : 0;
    out[at++] = chunk.length & 0xff;
    out[at++] = chunk.length >>> 8;
    out[at++] = ~chunk.length & 0xff;
    out[at++] = (~chunk.length >>> 8) & 0xff;
    out.set(chunk, at);
    at += chunk.length;
  }
  new DataView(out.buffer).setUint32(at, adler32(data), false);
  return out;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length, false);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)), false);
  return out;
}

/** An 8-bit grayscale PNG of `pixels` (row-major, values in [0, 1]). */
export function grayscalePng(pixels: ArrayLike<number>, width: number, height: number): Uint8Array {
  if (pixels.length !== width * height) throw new Error(`grayscalePng: expected ${width}×${height} = ${width * height} pixels, got ${pixels.length}`);
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width, false);
  view.setUint32(4, height, false);
  header[8] = 8; // bit depth
  header[9] = 0; // grayscale
  const raw = new Uint8Array(height * (width + 1)); // each row: filter byte 0, then the pixels
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) raw[y * (width + 1) + 1 + x] = Math.round(255 * Math.min(1, Math.max(0, pixels[y * width + x]!)));
  }
  const parts = [Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', zlibStored(raw)), chunk('IEND', new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** T frames of S×S side by side: a [S, T·S] image. */
export function frameStrip(frames: Float32Array, T: number, S: number): Float32Array {
  const strip = new Float32Array(S * T * S);
  for (let t = 0; t < T; t++) for (let r = 0; r < S; r++) strip.set(frames.subarray(t * S * S + r * S, t * S * S + (r + 1) * S), r * T * S + t * S);
  return strip;
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An SVG page of strips (PNG data URIs) with a caption above each, coloured green when right, red when wrong. */
export function stripsSvg(rows: readonly { readonly png: Uint8Array; readonly width: number; readonly height: number; readonly caption: string; readonly correct: boolean }[], title: string): string {
  const captionHeight = 22;
  const width = Math.max(...rows.map((r) => r.width)) + 20;
  let y = 40;
  const parts: string[] = [];
  for (const row of rows) {
    parts.push(`<text x="10" y="${y + 15}" font-family="sans-serif" font-size="14" fill="${row.correct ? '#2ca02c' : '#d62728'}">${escape(row.caption)}</text>`);
    parts.push(`<image x="10" y="${y + captionHeight}" width="${row.width}" height="${row.height}" href="data:image/png;base64,${Buffer.from(row.png).toString('base64')}"/>`);
    y += captionHeight + row.height + 12;
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}">` +
    `<rect width="100%" height="100%" fill="white"/><text x="10" y="24" font-family="sans-serif" font-size="16">${escape(title)}</text>` +
    parts.join('') +
    '</svg>\n'
  );
}
