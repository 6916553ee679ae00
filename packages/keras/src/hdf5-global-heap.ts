/**
 * A check of an HDF5 file's global heap collections before HDF5 reads them: a damaged collection can
 * make HDF5 loop forever.
 *
 * Variable-length strings (every Keras attribute: `model_config`, `layer_names`, `weight_names`) live
 * in global heap collections: "GCOL", version 1, three reserved bytes, the collection's size, then
 * objects, each a 2-byte index, 2-byte reference count, 4 reserved bytes, a size and its data padded
 * to 8 bytes; the free space (index 0) is one object whose size counts its own header. HDF5 decodes a
 * collection by stepping from object to object by those sizes, and never checks that a step moves
 * forward: a free-space size of 0 leaves it decoding the same object forever (HDF5 1.10.8 natively
 * and h5wasm's HDF5 alike). In h5wasm sizes are 32-bit (`size_t` in wasm32), so a size whose low 32
 * bits are 0 does the same: four bytes inserted into a collection's free-space header made
 * loadKerasModel spin for good (keras-files.fuzz.test.ts). Collections carry no checksum, so HDF5
 * has nothing else that would refuse them. Here every collection is walked first, as HDF5 will walk
 * it, and one whose objects do not step forward to exactly its end is refused.
 *
 * Collections are found by their signature; bytes that only look like one (inside a dataset's values,
 * say) are checked too, which can refuse a good file only if its data holds "GCOL", version 1 and a
 * size that fits the file, followed by objects that do not tile it.
 */

/** The first bytes of every HDF5 file (at offset 0, or 512, 1024, … after a user block). */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** "GCOL": the signature of a global heap collection. */
const COLLECTION_SIGNATURE = [0x47, 0x43, 0x4f, 0x4c];

/** Sizes the way h5wasm's HDF5 holds them: in a 32-bit `size_t`. */
const SIZE_T = 2 ** 32;

/**
 * The byte width of lengths ("size of lengths") in the file's superblock, or null when the bytes
 * have no superblock this check can read (HDF5 then refuses the file by itself).
 */
function lengthBytes(bytes: Uint8Array): number | null {
  for (let at = 0; at + 16 <= bytes.length; at = at === 0 ? 512 : at * 2) {
    if (!HDF5_SIGNATURE.every((b, i) => bytes[at + i] === b)) continue;
    const version = bytes[at + 8]!;
    const width = version <= 1 ? bytes[at + 14]! : bytes[at + 10]!;
    return [2, 4, 8, 16].includes(width) ? width : null;
  }
  return null;
}

/** The little-endian length of `width` bytes at `at`, reduced as a 32-bit `size_t` keeps it (its low 4 bytes). */
function sizeAt(bytes: Uint8Array, at: number, width: number): number {
  const low = bytes[at]! | (bytes[at + 1]! << 8);
  return width === 2 ? low : (low | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

/**
 * What is wrong with the collection at byte `start`, or null when HDF5's walk over its objects ends
 * at its end (or HDF5 will not walk it: a size past the end of the file is refused by HDF5 itself).
 * `budget.steps` counts object steps over the whole file, so a file of many fake collections costs
 * time linear in its size.
 */
function collectionProblem(bytes: Uint8Array, start: number, width: number, budget: { steps: number }): string | null {
  if (bytes[start + 4] !== 1) return null;
  const size = sizeAt(bytes, start + 8, width);
  if (start + size > bytes.length) return null;
  const header = 8 + width;
  for (let at = 8 + width; at < size; ) {
    // the last bytes, too few for an object's header, are free space
    if (at + header > size) return null;
    if (--budget.steps < 0) return `has more global heap objects than a file of ${bytes.length} bytes can hold`;
    const index = bytes[start + at]! | (bytes[start + at + 1]! << 8);
    const stored = sizeAt(bytes, start + at + 8, width);
    // a stored object is padded to 8 bytes; the free space's size counts its own header
    const step = index === 0 ? stored : (header + Math.ceil(stored / 8) * 8) % SIZE_T;
    if (step === 0) return `object ${index} at byte ${start + at} has a size HDF5 reads as 0 (it would decode that object forever)`;
    if (at + step > size) return `object ${index} at byte ${start + at} runs ${at + step - size} bytes past the collection's end at byte ${start + size}`;
    at += step;
  }
  return null;
}

/**
 * Why HDF5 must not read `bytes` (a global heap collection it would loop on or run past), or null.
 * Time linear in the size of the file.
 */
export function globalHeapProblem(bytes: Uint8Array): string | null {
  const width = lengthBytes(bytes);
  if (width === null) return null;
  // a real object takes at least a header's 10 bytes (16 with 8-byte lengths), and real collections
  // do not overlap: a good file needs less than half of this
  const budget = { steps: Math.ceil(bytes.length / 4) + 1024 };
  const [g, c, o, l] = COLLECTION_SIGNATURE as [number, number, number, number];
  for (let at = bytes.indexOf(g); at >= 0 && at + 16 <= bytes.length; at = bytes.indexOf(g, at + 1)) {
    if (bytes[at + 1] !== c || bytes[at + 2] !== o || bytes[at + 3] !== l) continue;
    const problem = collectionProblem(bytes, at, width, budget);
    if (problem !== null) return `the global heap collection at byte ${at} is damaged: ${problem}`;
  }
  return null;
}
