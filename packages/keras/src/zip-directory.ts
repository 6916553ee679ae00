/**
 * The CRC-32 and size of every member of a zip archive, from its central directory (APPNOTE 4.3.12),
 * so that a `.keras` file's members can be checked after fflate (which does not check them) has
 * unpacked them — as Python's zipfile, Keras' own reader, checks them.
 *
 * (`@rnnkit/datasets` checks `.npz` archives the same way; the two packages share no dependency
 * that could hold one copy.)
 */

/** What the central directory records of one member. */
export interface ZipEntry {
  readonly crc: number;
  /** Uncompressed size in bytes. */
  readonly size: number;
}

/** Member name → CRC and size. Throws a plain Error (the caller names the file) when the directory is missing or damaged. */
export function zipDirectory(bytes: Uint8Array): Map<string, ZipEntry> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u16 = (at: number): number => view.getUint16(at, true);
  const u32 = (at: number): number => view.getUint32(at, true);
  const fits = (at: number, n: number): boolean => at >= 0 && at + n <= bytes.length;
  // the end record sits in the last 22 bytes plus at most a 65,535-byte comment
  let end = bytes.length - 22;
  while (end >= 0 && bytes.length - end <= 65_557 && u32(end) !== 0x06054b50) end--;
  if (end < 0 || u32(end) !== 0x06054b50) throw new Error('no end-of-central-directory record');
  const count = u16(end + 10);
  let offset = u32(end + 16);
  if (count === 0xffff || offset === 0xffffffff) throw new Error('zip64 archives (over 4 GB or 65,535 members) are not supported');
  const entries = new Map<string, ZipEntry>();
  for (let i = 0; i < count; i++) {
    if (!fits(offset, 46) || u32(offset) !== 0x02014b50) throw new Error(`central directory entry ${i + 1} of ${count} is missing or damaged`);
    const nameLength = u16(offset + 28);
    const next = offset + 46 + nameLength + u16(offset + 30) + u16(offset + 32);
    if (!fits(offset, next - offset)) throw new Error(`central directory entry ${i + 1} of ${count} runs past the end of the archive`);
    // fflate reads names as UTF-8 when flagged, else one character per byte
    const raw = bytes.subarray(offset + 46, offset + 46 + nameLength);
    const name = (u16(offset + 8) & 0x800) !== 0 ? new TextDecoder().decode(raw) : String.fromCharCode(...raw);
    if (entries.has(name)) throw new Error(`member '${name}' appears twice in the central directory`);
    entries.set(name, { crc: u32(offset + 16), size: u32(offset + 24) });
    offset = next;
  }
  return entries;
}
