import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { fixture } from '../test-fixtures';
import { readNpz } from './npz';

/** Byte offsets of every record with signature `sig` (e.g. 0x02014b50, a central directory entry). */
function records(zip: Uint8Array, sig: number): number[] {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const out: number[] = [];
  for (let i = 0; i + 4 <= zip.length; i++) if (view.getUint32(i, true) === sig) out.push(i);
  return out;
}

describe('readNpz checks each member against the CRC-32 and size of the central directory', () => {
  const members = unzipSync(new Uint8Array(readFileSync(fixture('imdb.npz'))));

  test('numpy’s own archives pass (stored and deflated members)', () => {
    for (const f of ['imdb.npz', 'imdb-protocol2.npz', 'imdb-protocol4.npz']) expect(Object.keys(readNpz(readFileSync(fixture(f)), f))).toHaveLength(4);
  });

  test('a damaged stored member is an error naming the archive and the member', () => {
    const zip = zipSync(members, { level: 0 });
    const damaged = zip.slice();
    const at = records(zip, 0x04034b50)[1]! + 30 + 'x_train.npy'.length + 200; // inside the 2nd member's data
    damaged[at] = damaged[at]! ^ 0x04;
    const name = new TextDecoder().decode(zip.subarray(records(zip, 0x04034b50)[1]! + 30, records(zip, 0x04034b50)[1]! + 30 + 11));
    expect(() => readNpz(damaged, 'imdb.npz')).toThrow(new RegExp(`^imdb\\.npz: not a readable \\.npz \\(zip\\) archive: member ${name.replace('.', '\\.')} is damaged: its CRC-32 is 0x[0-9a-f]{8}, the zip records 0x[0-9a-f]{8}$`));
  });

  test('a wrong CRC in the central directory is caught too', () => {
    const zip = zipSync(members);
    const entry = records(zip, 0x02014b50)[0]!;
    const damaged = zip.slice();
    damaged[entry + 16] = damaged[entry + 16]! ^ 0x01;
    expect(() => readNpz(damaged, 'a.npz')).toThrow(/^a\.npz: not a readable \.npz \(zip\) archive: member \S+ is damaged/);
  });

  test('a name damaged in the central directory (which no CRC covers) is caught against the local header', () => {
    // found by the fuzzer: 'x_train.npy' read as 'z_train', or 'y_test.npy' silently skipped as not a .npy
    const zip = zipSync(members);
    const entry = records(zip, 0x02014b50)[1]!;
    const damaged = zip.slice();
    damaged[entry + 46] = damaged[entry + 46]! ^ 0x02;
    expect(() => readNpz(damaged, 'c.npz')).toThrow('c.npz: not a readable .npz (zip) archive: central directory entry 2 of 4 does not match the local header it points to (damaged name or offset)');
  });

  test('a member claiming 4 GB from a few compressed bytes is refused before anything is allocated', () => {
    const zip = zipSync(members);
    const entry = records(zip, 0x02014b50)[0]!;
    const bomb = zip.slice();
    new DataView(bomb.buffer).setUint32(entry + 24, 0xfffffff0, true);
    expect(() => readNpz(bomb, 'b.npz')).toThrow(/^b\.npz: not a readable \.npz \(zip\) archive: member \S+ claims 4294967280 bytes from \d+ compressed bytes/);
  });
});
