/**
 * Damaged global heap collections are refused before HDF5 loops on them. A free-space object whose
 * size HDF5 reads as 0 (0 itself, or a size whose low 32 bits are 0, as h5wasm's 32-bit HDF5 reads
 * it) made HDF5 decode that object forever: loadKerasModel never returned (found by
 * keras-files.fuzz.test.ts; native HDF5 1.10.8 through h5py loops the same on a size of 0). Before
 * the fix these reads did not fail, they never finished. Good files, ours and h5py's, pass the
 * check (and the real models, in real-files.test.ts).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { initBackend } from '@rnnkit/tensor';
import { globalHeapProblem } from './hdf5-global-heap';
import { writeHdf5 } from './hdf5';
import { loadKerasModel } from './index';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** A small HDF5 file of ours with variable-length string attributes (so with a global heap collection). */
const withStrings = (): Promise<Uint8Array> =>
  writeHdf5('test', (file) => {
    file.group('model_weights', { layer_names: 'dense', note: 'strings live in the global heap' });
    file.float32('model_weights/x', [2], Float32Array.from([1, 2]));
  });

/** The byte offset of the free-space object (index 0) of the file's one collection, found by the format's layout (8-byte lengths). */
function freeSpaceObject(bytes: Uint8Array): number {
  const start = Buffer.from(bytes).indexOf('GCOL');
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const size = Number(view.getBigUint64(start + 8, true));
  for (let at = start + 16; at < start + size; ) {
    if (view.getUint16(at, true) === 0) return at;
    at += 16 + Math.ceil(Number(view.getBigUint64(at + 8, true)) / 8) * 8;
  }
  throw new Error('the collection has no free-space object');
}

/** `bytes` with the free-space object's size set to `size`. */
function withFreeSpaceSize(bytes: Uint8Array, size: bigint): Uint8Array {
  const out = bytes.slice();
  new DataView(out.buffer).setBigUint64(freeSpaceObject(out) + 8, size, true);
  return out;
}

test('a good file of ours passes the check and has a collection to damage', async () => {
  const bytes = await withStrings();
  expect(globalHeapProblem(bytes)).toBeNull();
  expect(freeSpaceObject(bytes)).toBeGreaterThan(0);
});

test.each([
  ['0', 0n],
  ['2^43 (low 32 bits 0, as the fuzzed file had it)', 2n ** 43n],
  ['0x8b8_0000_0000 (the fuzzed file)', 0x8b8_0000_0000n],
])('a free-space size of %s is refused with a clear Error (before the check, the read never returned)', async (_, size) => {
  const bytes = withFreeSpaceSize(await withStrings(), size);
  await expect(loadKerasModel(bytes)).rejects.toThrow(
    /^loadKerasModel: a Uint8Array of \d+ bytes: the global heap collection at byte \d+ is damaged: object 0 at byte \d+ has a size HDF5 reads as 0 \(it would decode that object forever\)$/,
  );
}, 10_000);

test('a free-space size past the collection end is refused', async () => {
  const bytes = withFreeSpaceSize(await withStrings(), 1n << 20n);
  expect(globalHeapProblem(bytes)).toMatch(/^the global heap collection at byte \d+ is damaged: object 0 at byte \d+ runs \d+ bytes past the collection's end at byte \d+$/);
});

// a check quadratic in the file's size would walk about 8.6e9 objects here, far past the test's 10 s
test('a file of nested fake collections is checked in time linear in its size', () => {
  // 32-byte cells: an object header (index 1, 16 bytes of data), then as its data "GCOL", version 1
  // and a size reaching the end of the file: each fake collection walks the cells after it
  const bytes = new Uint8Array(2 ** 22);
  const view = new DataView(bytes.buffer);
  bytes.set([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0, 0, 8, 8]);
  for (let at = 512; at + 32 <= bytes.length; at += 32) {
    view.setUint16(at, 1, true);
    view.setUint32(at + 8, 16, true);
    bytes.set([0x47, 0x43, 0x4f, 0x4c, 1], at + 16);
    view.setUint32(at + 24, bytes.length - (at + 16), true);
  }
  expect(globalHeapProblem(bytes)).toMatch(/is damaged: has more global heap objects than a file of 4194304 bytes can hold$/);
}, 10_000);

test('files written by h5py (the native HDF5 library) pass the check', () => {
  // fixtures/float16, written by scripts/float16-files.py; the real models of fixtures/real-models
  // are checked in real-files.test.ts, where they are present
  const root = join(__dirname, '..', 'fixtures', 'float16');
  const files = readdirSync(root).filter((f) => /\.(h5|keras)$/.test(f));
  expect(files.sort()).toEqual(['mixed-float16.h5', 'mixed-float16.keras']);
  for (const file of files) {
    const bytes = new Uint8Array(readFileSync(join(root, file)));
    const store = file.endsWith('.keras') ? unzipSync(bytes)['model.weights.h5']! : bytes;
    expect(Buffer.from(store).indexOf('GCOL')).toBeGreaterThan(0);
    expect([file, globalHeapProblem(store)]).toEqual([file, null]);
  }
});
