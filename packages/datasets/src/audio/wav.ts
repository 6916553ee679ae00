/**
 * RIFF/WAVE files with 16-bit PCM samples: parse to float samples in [-1, 1), and encode back.
 *
 * Layout: 'RIFF' size 'WAVE', then chunks (id, little-endian u32 size, data, a pad byte when the
 * size is odd). 'fmt ' gives format 1 (PCM), channels, sample rate, bits; 'data' holds the samples.
 */

export interface Wav {
  readonly sampleRate: number;
  /** Mono samples s/32768 (multi-channel files are averaged over channels). */
  readonly samples: Float32Array;
  readonly channels: number;
}

function ascii(view: DataView, offset: number): string {
  return String.fromCharCode(view.getUint8(offset), view.getUint8(offset + 1), view.getUint8(offset + 2), view.getUint8(offset + 3));
}

/**
 * Parses a 16-bit PCM WAV. Throws an error naming `label` (the file) and the problem — not RIFF/WAVE,
 * a compressed or non-16-bit format, a chunk running past the end, no fmt or data chunk.
 */
export function parseWav(bytes: Uint8Array, label = 'WAV'): Wav {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 12 || ascii(view, 0) !== 'RIFF' || ascii(view, 8) !== 'WAVE') {
    throw new Error(`${label}: not a WAV file (expected 'RIFF'…'WAVE' at the start, got ${bytes.length} bytes starting '${bytes.length >= 4 ? ascii(view, 0) : ''}')`);
  }
  let format: { channels: number; sampleRate: number; bits: number; code: number } | undefined;
  for (let p = 12; p + 8 <= bytes.length; ) {
    const id = ascii(view, p);
    const size = view.getUint32(p + 4, true);
    const start = p + 8;
    if (id === 'fmt ') {
      if (size < 16 || start + 16 > bytes.length) throw new Error(`${label}: 'fmt ' chunk is ${size} bytes, expected at least 16`);
      format = {
        code: view.getUint16(start, true),
        channels: view.getUint16(start + 2, true),
        sampleRate: view.getUint32(start + 4, true),
        bits: view.getUint16(start + 14, true),
      };
      // WAVE_FORMAT_EXTENSIBLE keeps the real format in its sub-format GUID
      if (format.code === 0xfffe && size >= 26 && start + 26 <= bytes.length) format.code = view.getUint16(start + 24, true);
    } else if (id === 'data') {
      if (format === undefined) throw new Error(`${label}: 'data' chunk comes before any 'fmt ' chunk`);
      if (format.code !== 1) throw new Error(`${label}: only PCM (format 1) is supported, got format ${format.code}`);
      if (format.bits !== 16) throw new Error(`${label}: only 16-bit samples are supported, got ${format.bits}-bit`);
      if (format.channels < 1) throw new Error(`${label}: channel count must be ≥ 1, got ${format.channels}`);
      if (start + size > bytes.length) {
        throw new Error(`${label}: 'data' chunk claims ${size} bytes but only ${bytes.length - start} follow (truncated file?)`);
      }
      const frames = Math.floor(size / (2 * format.channels));
      const samples = new Float32Array(frames);
      for (let i = 0; i < frames; i++) {
        let s = 0;
        for (let c = 0; c < format.channels; c++) s += view.getInt16(start + 2 * (i * format.channels + c), true);
        samples[i] = s / (32768 * format.channels);
      }
      return { sampleRate: format.sampleRate, samples, channels: format.channels };
    }
    p = start + size + (size & 1);
  }
  throw new Error(`${label}: no 'data' chunk found${format === undefined ? " (and no 'fmt ' chunk)" : ''}`);
}

/** A mono 16-bit PCM WAV of `samples` (clipped to [-1, 1), rounded to the nearest step). */
export function encodeWav(samples: ArrayLike<number>, sampleRate: number): Uint8Array {
  if (!(Number.isInteger(sampleRate) && sampleRate > 0)) throw new Error(`encodeWav: sampleRate must be a positive integer, got ${sampleRate}`);
  const bytes = new Uint8Array(44 + 2 * samples.length);
  const view = new DataView(bytes.buffer);
  const text = (offset: number, s: string): void => {
    for (let i = 0; i < 4; i++) view.setUint8(offset + i, s.charCodeAt(i));
  };
  text(0, 'RIFF');
  view.setUint32(4, 36 + 2 * samples.length, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, 2 * sampleRate, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  text(36, 'data');
  view.setUint32(40, 2 * samples.length, true);
  for (let i = 0; i < samples.length; i++) {
    const v = Math.round(samples[i]! * 32768);
    view.setInt16(44 + 2 * i, Math.max(-32768, Math.min(32767, v)), true);
  }
  return bytes;
}
