/**
 * HDF5 files in memory, through h5wasm (the HDF5 C library compiled to WebAssembly, its binary
 * inlined in its JavaScript): bytes in, bytes out, in Node and in browsers alike. h5wasm works on
 * an in-memory file system; each file is written there under a fresh name, opened, read or written,
 * closed and removed, so nothing outlives the call. h5wasm is imported on first use, so code that
 * never touches a Keras file never loads it.
 *
 * HDF5's own error stack (which h5wasm prints by default) is turned into one thrown Error whose
 * message is the innermost reason HDF5 gives ("truncated file: eof = 300, … stored_eof = 6172").
 */
import type { Dataset as H5Dataset, File as H5File, Group as H5Group } from 'h5wasm';

type H5wasm = (typeof import('h5wasm'))['default'];
type H5Module = Awaited<H5wasm['ready']>;

/** The first bytes of every HDF5 file (at offset 0, or 512, 1024, … after a user block). */
const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** Whether `bytes` carry HDF5's signature where the format allows it (offset 0 or a power of two from 512). */
export function isHdf5(bytes: Uint8Array): boolean {
  for (let offset = 0; offset + HDF5_SIGNATURE.length <= bytes.length; offset = offset === 0 ? 512 : offset * 2) {
    if (HDF5_SIGNATURE.every((b, i) => bytes[offset + i] === b)) return true;
  }
  return false;
}

let loading: Promise<{ h5: H5wasm; module: H5Module }> | null = null;

/** h5wasm, ready (its wasm instantiated once per process or page). */
function h5wasm(): Promise<{ h5: H5wasm; module: H5Module }> {
  loading ??= import('h5wasm').then(async (m) => {
    const h5 = m.default;
    return { h5, module: await h5.ready };
  });
  return loading;
}

let counter = 0;

/** HDF5's error-stack text → its innermost reason (the last `in FUNC(): reason` line). */
function hdf5Reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const reasons = [...text.matchAll(/ in [\w:]+\(\): ([^\n]+)/g)].map((m) => m[1]!.trim());
  return reasons.at(-1) ?? text.split('\n')[0] ?? text;
}

/** An open file of h5wasm's in-memory file system (Emscripten's FS keeps them in `FS.streams`, by descriptor). */
interface FsStream {
  readonly path?: string;
}

/** The in-memory file system's open files; h5wasm's types leave `streams` out. */
function openStreams(module: H5Module): readonly (FsStream | null | undefined)[] {
  return (module.FS as unknown as { readonly streams: readonly (FsStream | null | undefined)[] }).streams;
}

/**
 * h5wasm's throwing error handler prints HDF5's error stack into a `tmpfile()` and throws from inside
 * the handler, before its `fclose`: every HDF5 error leaves one file (and the printed text) open, of
 * the file system's 4,096 descriptors. So the temporary files an error left open are closed here (our
 * own HDF5 file, which may be open during the call, is not a `/tmp/tmpfile_…`). The throw also skips
 * h5wasm's own clean-up (about 7.6 KB of its heap per error), which only h5wasm can fix.
 */
function closeLeakedTempFiles(module: H5Module, before: ReadonlySet<FsStream>): void {
  for (const stream of openStreams(module)) {
    if (stream && !before.has(stream) && (stream.path ?? '').startsWith('/tmp/tmpfile')) module.FS.close(stream as Parameters<H5Module['FS']['close']>[0]);
  }
}

/** Runs `body` with HDF5 errors thrown (not printed), as one Error naming `who` and HDF5's reason. */
function throwingErrors<T>(module: H5Module, who: string, body: () => T): T {
  const before = new Set(openStreams(module).filter((s): s is FsStream => Boolean(s)));
  module.activate_throwing_error_handler();
  try {
    return body();
  } catch (e) {
    if (e instanceof KerasFileError) throw e;
    throw new KerasFileError(`${who}: ${hdf5Reason(e)}`);
  } finally {
    module.deactivate_throwing_error_handler();
    closeLeakedTempFiles(module, before);
  }
}

/** An error about a file's content, whose message already names the file and the part. */
export class KerasFileError extends Error {
  override name = 'KerasFileError';
}

/** A dataset's stored element type, as far as model weights need it. */
export type StoredDtype = 'float16' | 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'uint64';

/** One dataset of an open file: its shape, stored type and raw little-endian bytes. */
export interface RawDataset {
  readonly shape: readonly number[];
  readonly dtype: StoredDtype;
  /** Attributes of the dataset (Keras 3 marks bfloat16 weights with `dtype: 'bfloat16'`). */
  readonly attrs: Readonly<Record<string, unknown>>;
  readonly bytes: Uint8Array;
}

/** What a reader callback sees of an open HDF5 file: paths from its root, `''` for the root. */
export interface Hdf5Reader {
  /** Whether a group exists at `path`. */
  isGroup(path: string): boolean;
  /** Whether a dataset exists at `path`. */
  isDataset(path: string): boolean;
  /** The names of a group's members (its groups and datasets), in the file's order. */
  keys(path: string): string[];
  /** The attributes of the group or dataset at `path`; strings decoded, lists as arrays. */
  attrs(path: string): Readonly<Record<string, unknown>>;
  /** A dataset's shape, type and bytes. */
  dataset(path: string): RawDataset;
}

function storedDtype(meta: { type: number; size: number; signed: boolean; littleEndian: boolean }, what: string): StoredDtype {
  if (!meta.littleEndian && meta.size > 1) throw new KerasFileError(`${what} is stored big-endian, which is not supported`);
  if (meta.type === 1 && (meta.size === 2 || meta.size === 4 || meta.size === 8)) return `float${meta.size * 8}` as StoredDtype;
  if (meta.type === 0 && [1, 2, 4, 8].includes(meta.size)) return `${meta.signed ? 'int' : 'uint'}${meta.size * 8}` as StoredDtype;
  throw new KerasFileError(`${what} has an HDF5 type (class ${meta.type}, ${meta.size} bytes) that is not a number type`);
}

function attrValue(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? Number(v) : v));
  return typeof value === 'bigint' ? Number(value) : value;
}

/**
 * Opens `bytes` as an HDF5 file and runs `read` on it; the file is closed and removed afterwards.
 * Throws a KerasFileError naming `who` when the bytes are not a readable HDF5 file or a path is missing.
 */
export async function readHdf5<T>(bytes: Uint8Array, who: string, read: (file: Hdf5Reader) => T): Promise<T> {
  const { h5, module } = await h5wasm();
  const name = `/rnnkit-read-${++counter}.h5`;
  module.FS.writeFile(name, bytes);
  let file: H5File | null = null;
  try {
    return throwingErrors(module, who, () => {
      file = new h5.File(name, 'r');
      const root = file;
      const entity = (path: string): ReturnType<H5Group['get']> => (path === '' ? root : root.get(path));
      const reader: Hdf5Reader = {
        isGroup: (path) => entity(path) instanceof h5.Group,
        isDataset: (path) => entity(path) instanceof h5.Dataset,
        keys: (path) => {
          const group = entity(path);
          if (!(group instanceof h5.Group)) throw new KerasFileError(`${who}: the file has no group '${path}'`);
          return group.keys();
        },
        attrs: (path) => {
          const node = entity(path);
          if (!(node instanceof h5.Group) && !(node instanceof h5.Dataset)) throw new KerasFileError(`${who}: the file has no group or dataset '${path}'`);
          return Object.fromEntries(Object.entries(node.attrs).map(([k, a]) => [k, attrValue(a.value)]));
        },
        dataset: (path) => {
          const node = entity(path);
          if (!(node instanceof h5.Dataset)) throw new KerasFileError(`${who}: the file has no dataset '${path}'`);
          return rawDataset(module, node as H5Dataset, `${who}: dataset '${path}'`);
        },
      };
      return read(reader);
    });
  } finally {
    if (file !== null) (file as H5File).close();
    module.FS.unlink(name);
  }
}

/** A dataset's bytes as HDF5 stores them in memory (h5wasm's `value` cannot read float16). */
function rawDataset(module: H5Module, node: H5Dataset, what: string): RawDataset {
  const meta = node.metadata;
  const dtype = storedDtype(meta, what);
  const shape = meta.shape ?? [];
  const nbytes = meta.size * meta.total_size;
  const pointer = module._malloc(Math.max(nbytes, 1));
  try {
    module.get_dataset_data(node.file_id, node.path, null, null, null, BigInt(pointer));
    const bytes = module.HEAPU8.slice(pointer, pointer + nbytes);
    const attrs = Object.fromEntries(Object.entries(node.attrs).map(([k, a]) => [k, attrValue(a.value)]));
    return { shape, dtype, attrs, bytes };
  } finally {
    module._free(pointer);
  }
}

/** A value to write: float32 data of a shape (`[]` a scalar), or an attribute. */
export interface Hdf5Writer {
  /** Creates a group (its parents must exist), with string attributes. */
  group(path: string, attrs?: Readonly<Record<string, string>>): void;
  /** Creates a float32 dataset of `shape` in an existing group. */
  float32(path: string, shape: readonly number[], values: Float32Array): void;
}

/** Builds an HDF5 file with `write` and returns its bytes. Throws a KerasFileError naming `who` on failure. */
export async function writeHdf5(who: string, write: (file: Hdf5Writer) => void): Promise<Uint8Array> {
  const { h5, module } = await h5wasm();
  const name = `/rnnkit-write-${++counter}.h5`;
  let file: H5File | null = null;
  try {
    throwingErrors(module, who, () => {
      file = new h5.File(name, 'w');
      const root = file;
      write({
        group: (path, attrs = {}) => {
          const group = root.create_group(path);
          for (const [key, value] of Object.entries(attrs)) group.create_attribute(key, value);
        },
        float32: (path, shape, values) => {
          root.create_dataset({ name: path, data: values, shape: [...shape], dtype: '<f' });
        },
      });
      root.close();
      file = null;
    });
    return module.FS.readFile(name);
  } finally {
    if (file !== null) (file as H5File).close();
    if (module.FS.analyzePath(name).exists) module.FS.unlink(name);
  }
}
