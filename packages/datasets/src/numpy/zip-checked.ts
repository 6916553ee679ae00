/**
 * unzip with the integrity checks fflate leaves out: each member's CRC-32 and size, as the zip's
 * central directory records them (APPNOTE 4.3.12), are compared with what was inflated, and each
 * member's name there must equal the name in its local header (the CRC does not cover names); a
 * member that claims more bytes than deflate can produce from its compressed size is refused
 * before anything is allocated for it. Archives that need zip64 (over 4 GB or 65,535 members) are refused.
 */
import { unzipSync } from 'fflate';
import { crc32, formatCrc } from '../crc32';

/** What the central directory says about one member. */
interface DirectoryEntry {
  readonly crc: number;
  /** Uncompressed size. */
  readonly size: number;
}

/** Deflate's largest expansion: 258 bytes from 2 bits, so under 1032 bytes per compressed byte. */
const MAX_DEFLATE_RATIO = 1032;

/** The members of zip archive `bytes` by name, each checked against its CRC-32 and size. Throws plain errors; the caller names the file. */
export function unzipChecked(bytes: Uint8Array): Record<string, Uint8Array> {
  const directory = readDirectory(bytes);
  const members = unzipSync(bytes, {
    filter: (info) => {
      if (info.compression === 8 && info.originalSize > MAX_DEFLATE_RATIO * info.size + 1024) {
        throw new Error(`member ${info.name} claims ${info.originalSize} bytes from ${info.size} compressed bytes, more than deflate can produce`);
      }
      return true;
    },
  });
  for (const [name, data] of Object.entries(members)) {
    const entry = directory.get(name);
    if (entry === undefined) throw new Error(`member ${name} is missing from the central directory`);
    if (entry.size !== data.length) {
      throw new Error(`member ${name} unpacks to ${data.length} bytes, the zip records ${entry.size} (truncated or damaged)`);
    }
    const actual = crc32(data);
    if (actual !== entry.crc) throw new Error(`member ${name} is damaged: its CRC-32 is ${formatCrc(actual)}, the zip records ${formatCrc(entry.crc)}`);
  }
  return members;
}

/** Name → CRC and size of every central-directory entry, read the way fflate reads them. */
function readDirectory(bytes: Uint8Array): Map<string, DirectoryEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  const fits = (at: number, n: number): boolean => at >= 0 && at + n <= bytes.length;
  let end = bytes.length - 22;
  while (end >= 0 && u32(end) !== 0x06054b50) {
    if (bytes.length - end > 65_558) break;
    end--;
  }
  if (end < 0 || u32(end) !== 0x06054b50) throw new Error('not a zip archive (no end-of-central-directory record)');
  const count = u16(end + 8);
  let offset = u32(end + 16);
  if (count === 0xffff || offset === 0xffffffff) throw new Error('zip64 archives (over 4 GB or 65,535 members) are not supported');
  const entries = new Map<string, DirectoryEntry>();
  for (let i = 0; i < count; i++) {
    if (!fits(offset, 46) || u32(offset) !== 0x02014b50) throw new Error(`central directory entry ${i + 1} of ${count} is missing or damaged (at byte ${offset})`);
    const nameLength = u16(offset + 28);
    const extraLength = u16(offset + 30);
    const next = offset + 46 + nameLength + extraLength + u16(offset + 32);
    if (!fits(offset, next - offset)) throw new Error(`central directory entry ${i + 1} of ${count} runs past the end of the archive`);
    const rawName = bytes.subarray(offset + 46, offset + 46 + nameLength);
    // the name is stored twice, here and in the member's local header: a mismatch is damage the CRC cannot see
    const local = u32(offset + 42);
    const localName = fits(local, 30) && u32(local) === 0x04034b50 ? bytes.subarray(local + 30, local + 30 + u16(local + 26)) : undefined;
    if (localName === undefined || localName.length !== rawName.length || localName.some((b, k) => b !== rawName[k])) {
      throw new Error(`central directory entry ${i + 1} of ${count} does not match the local header it points to (damaged name or offset)`);
    }
    const name = (u16(offset + 8) & 0x800) !== 0 ? new TextDecoder().decode(rawName) : latin1(rawName);
    if (entries.has(name)) throw new Error(`member ${name} appears twice in the central directory`);
    const size = u32(offset + 24);
    if (size === 0xffffffff) throw new Error(`member ${name} needs zip64 (over 4 GB), which is not supported`);
    entries.set(name, { crc: u32(offset + 16), size });
    offset = next;
  }
  return entries;
}

/** One character per byte, as zip names without the UTF-8 flag are read (and as fflate reads them). */
function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}
