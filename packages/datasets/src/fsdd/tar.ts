/**
 * A minimal reader of (gzipped) ustar archives: regular files at any depth, nothing else.
 *
 * Layout: a 512-byte header per entry (name at 0..100, octal size at 124..136, type flag at 156,
 * ustar prefix at 345..500), then the data padded to a multiple of 512; two zero blocks end it.
 */
import { gunzipChecked } from '../gzip';

/** One regular file of a tar archive: its path and its bytes. */
export interface TarEntry {
  /** Path inside the archive (ustar prefix joined with the name). */
  readonly name: string;
  /** The file's bytes (a view into the unpacked archive). */
  readonly data: Uint8Array;
}

const BLOCK = 512;
const latin1 = new TextDecoder('latin1');

function field(bytes: Uint8Array, start: number, length: number): string {
  const raw = latin1.decode(bytes.subarray(start, start + length));
  const end = raw.indexOf('\0');
  return end === -1 ? raw : raw.slice(0, end);
}

function checksumOk(header: Uint8Array, stored: number): boolean {
  // the checksum field itself counts as eight spaces
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
  return sum === stored;
}

/**
 * The regular files of an uncompressed tar archive, in archive order. Directories, links and
 * pax/GNU metadata entries are skipped. Throws, naming `label`, on a damaged or truncated archive.
 */
export function readTar(bytes: Uint8Array, label = 'tar archive'): TarEntry[] {
  const entries: TarEntry[] = [];
  let offset = 0;
  while (offset + BLOCK <= bytes.length) {
    const header = bytes.subarray(offset, offset + BLOCK);
    if (header.every((b) => b === 0)) return entries; // end-of-archive marker
    const name = field(header, 0, 100);
    const sizeText = field(header, 124, 12).trim();
    const size = parseInt(sizeText, 8);
    const checksum = parseInt(field(header, 148, 8).trim(), 8);
    if (!/^[0-7]+$/.test(sizeText) || !Number.isFinite(size)) {
      throw new Error(`${label}: entry at byte ${offset} ('${name}') has an invalid size field '${sizeText}'`);
    }
    if (!checksumOk(header, checksum)) throw new Error(`${label}: header checksum mismatch at byte ${offset} ('${name}')`);
    const dataStart = offset + BLOCK;
    if (dataStart + size > bytes.length) {
      throw new Error(`${label}: entry '${name}' needs ${size} bytes at byte ${dataStart}, but the archive ends at ${bytes.length} (truncated?)`);
    }
    const type = header[156]!;
    const isUstar = field(header, 257, 6) === 'ustar';
    const prefix = isUstar ? field(header, 345, 155) : '';
    // '0' or NUL = a regular file
    if (type === 48 || type === 0) entries.push({ name: prefix ? `${prefix}/${name}` : name, data: bytes.subarray(dataStart, dataStart + size) });
    offset = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  if (offset !== bytes.length) throw new Error(`${label}: ends inside a header at byte ${offset} of ${bytes.length} (truncated?)`);
  return entries;
}

/** `readTar(gunzip(bytes))`; a broken, damaged or truncated gzip stream (CRC-32 and length checked) throws naming `label`. */
export function readTarGz(bytes: Uint8Array, label = 'tar.gz archive'): TarEntry[] {
  return readTar(gunzipChecked(bytes, label), label);
}
