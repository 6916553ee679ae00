/**
 * gunzip with the integrity checks fflate leaves out. Each member's trailer (RFC 1952 §2.3.1: CRC-32
 * and length mod 2^32 of the uncompressed data) is compared with what was inflated, so a damaged or
 * truncated file is an error instead of wrong data; concatenated members (`cat a.gz b.gz`) are all
 * read, as gzip(1) reads them, and bytes after the last member are refused.
 */
import { Gunzip } from 'fflate';
import { crc32, formatCrc } from './crc32';
import { DataFileError } from './errors';

/** Where one gzip member starts in the file, and where its data starts in the output. */
interface Member {
  readonly start: number;
  readonly out: number;
}

/** The uncompressed bytes of gzip file `bytes`; `file` names it in errors. */
export function gunzipChecked(bytes: Uint8Array, file: string): Uint8Array {
  if (bytes[0] !== 0x1f || bytes[1] !== 0x8b) throw new DataFileError(file, 'not a readable gzip file (it does not start with the gzip magic 1f 8b)');
  const chunks: Uint8Array[] = [];
  let total = 0;
  const members: Member[] = [{ start: 0, out: 0 }];
  const stream = new Gunzip((chunk) => {
    chunks.push(chunk);
    total += chunk.length;
  });
  stream.onmember = (start) => members.push({ start, out: total });
  try {
    stream.push(bytes, true);
  } catch (e) {
    throw new DataFileError(file, `not a readable gzip file (corrupt or truncated?): ${(e as Error).message}`);
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.length;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  members.forEach((member, k) => {
    const next = members[k + 1];
    const end = next?.start ?? bytes.length;
    const which = members.length === 1 ? 'the gzip data' : `gzip member ${k + 1} of ${members.length}`;
    // 10-byte header, at least 2 bytes of deflate data, 8-byte trailer
    if (end - member.start < 20) throw new DataFileError(file, `${which} is cut short (${end - member.start} bytes; truncated?)`);
    const data = out.subarray(member.out, next?.out ?? total);
    const storedCrc = view.getUint32(end - 8, true);
    const storedSize = view.getUint32(end - 4, true);
    if (storedSize !== data.length % 2 ** 32) {
      throw new DataFileError(file, `${which} unpacks to ${data.length} bytes but its trailer records ${storedSize} (truncated, damaged, or followed by other data)`);
    }
    const actual = crc32(data);
    if (actual !== storedCrc) {
      throw new DataFileError(file, `${which} is damaged: its CRC-32 is ${formatCrc(actual)}, the trailer records ${formatCrc(storedCrc)}`);
    }
  });
  return out;
}
