import { crc32 as zlibCrc32 } from 'node:zlib';
import { crc32 } from './crc32';

describe('crc32', () => {
  it('gives the standard check value and agrees with zlib on random bytes of many lengths', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    let state = 1;
    for (let length = 1; length < 3000; length += 97) {
      const bytes = Uint8Array.from({ length }, () => (state = (state * 1103515245 + 12345) >>> 0) >>> 24);
      expect(crc32(bytes)).toBe(zlibCrc32(bytes));
    }
  });
});
