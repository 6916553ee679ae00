import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32 } from './crc32';

test('crc32 equals zlib’s on every length 0–64 and on 1 MB of varied bytes', () => {
  const bytes = Uint8Array.from({ length: 1 << 20 }, (_, i) => (i * 2654435761) >>> 24);
  for (let n = 0; n <= 64; n++) expect(crc32(bytes.subarray(3, 3 + n))).toBe(zlibCrc32(bytes.subarray(3, 3 + n)));
  expect(crc32(bytes)).toBe(zlibCrc32(bytes));
  expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926); // the CRC-32 check value
});
