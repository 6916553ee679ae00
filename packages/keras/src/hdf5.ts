/**
 * HDF5 files in memory, through h5wasm (the HDF5 C library compiled to WebAssembly, its binary
 * inlined in its JavaScript): bytes in, bytes out, in Node and in browsers alike. h5wasm works on
 * an in-memory file system; each file is written there under a fresh name, opened, read or written,
 * closed and removed, so nothing outlives the call. h5wasm is imported on first use, so code that
 * never touches a Keras file never loads it.
 *
 * HDF5's own error stack is turned into one thrown Error whose message is the innermost reason HDF5
 * gives ("truncated file: eof = 300, … stored_eof = 6172").
 *
 * Reading a damaged file must not cost memory that outlives the call. h5wasm's throwing error
 * handler throws a JavaScript Error from inside HDF5's C frames: the frames' clean-up never runs and
 * the WebAssembly stack pointer is never restored, so each error leaks about 7.6 KB of h5wasm's heap
 * and 0.9 KB of its 2 MiB stack; after about 2,250 errors the stack runs into h5wasm's static data
 * and the process aborts. So reads call into HDF5 with its default handler, which lets the failing
 * call return (cleaned up) and prints the error stack on fd 2: that text is captured here and
 * becomes the Error. Attribute metadata and writes keep the throwing handler (h5wasm's attribute
 * metadata sizes a vector with the rank of a dataspace it failed to open, which aborts), so each
 * attribute's value is first read once with errors returned; and a few h5wasm wrappers throw by
 * themselves when HDF5 cannot open an object (0.2 KB of stack each). What those throws lose is
 * measured ({@link stackLost}) and bounded ({@link STACK_LOSS_LIMIT}).
 */
import type { Dataset as H5Dataset, File as H5File, Group as H5Group } from 'h5wasm';
import { globalHeapProblem } from './hdf5-global-heap';

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

/**
 * The current WebAssembly stack pointer of h5wasm: `ccall` copies an `'array'` argument onto that
 * stack and `memcpy` returns its destination, so the address returned is the stack's top (less 16).
 */
function stackPointer(module: H5Module): number {
  return module.ccall('memcpy', 'number', ['array', 'number', 'number'], [new Uint8Array(1), 0, 0]) as number;
}

/** h5wasm's stack pointer when it was loaded, before any call could lose stack. */
let stackAtLoad = 0;

/**
 * Stack (bytes) that errors thrown through h5wasm's C frames may lose before HDF5 is refused: a
 * quarter of h5wasm's 2 MiB stack, leaving three quarters for HDF5's deepest reads. Each such error
 * loses about 0.2–2 KB, so this is hundreds of files that open but are damaged inside.
 */
export const STACK_LOSS_LIMIT = 512 * 1024;

/** Bytes of h5wasm's stack lost so far to errors thrown through its C frames (0 before h5wasm loads). */
export async function stackLost(): Promise<number> {
  const { module } = await h5wasm();
  return stackAtLoad - stackPointer(module);
}

let loading: Promise<{ h5: H5wasm; module: H5Module }> | null = null;

/** h5wasm, ready (its wasm instantiated once per process or page). */
function h5wasm(): Promise<{ h5: H5wasm; module: H5Module }> {
  loading ??= import('h5wasm').then(async (m) => {
    const h5 = m.default;
    const module = await h5.ready;
    stackAtLoad = stackPointer(module);
    return { h5, module };
  });
  return loading;
}

/** h5wasm, unless errors thrown through it have lost more of its stack than {@link STACK_LOSS_LIMIT}. */
async function h5wasmWithStack(who: string): Promise<{ h5: H5wasm; module: H5Module }> {
  const ready = await h5wasm();
  const lost = stackAtLoad - stackPointer(ready.module);
  if (lost > STACK_LOSS_LIMIT) {
    throw new Error(
      `${who}: HDF5 is refused for the rest of this process: HDF5 errors thrown through h5wasm's C code (damaged files, failed writes) have lost ${Math.round(lost / 1024)} KB of its 2 MiB stack (limit ${STACK_LOSS_LIMIT / 1024} KB), which h5wasm cannot give back, and more would corrupt its memory; restart the process to read or write HDF5 files again`,
    );
  }
  return ready;
}

let counter = 0;

/** HDF5's error-stack text → its innermost reason (the last `in FUNC(): reason` line). */
function hdf5Reason(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const reasons = [...text.matchAll(/ in [\w:]+\(\): ([^\n]+)/g)].map((m) => m[1]!.trim());
  return reasons.at(-1) ?? text.split('\n')[0] ?? text;
}

/** Emscripten's terminal device behind fd 0–2: `put_char` receives every byte written. */
interface Tty {
  input: number[];
  output: number[];
  ops: { put_char(tty: Tty, value: number | null): void; fsync(tty: Tty): void };
}

/** An open file of h5wasm's in-memory file system (Emscripten's FS keeps them in `FS.streams`, by descriptor). */
interface FsStream {
  readonly path?: string;
  tty?: Tty;
}

/** The in-memory file system's open files; h5wasm's types leave `streams` out. */
function openStreams(module: H5Module): readonly (FsStream | null | undefined)[] {
  return (module.FS as unknown as { readonly streams: readonly (FsStream | null | undefined)[] }).streams;
}

/**
 * h5wasm's throwing error handler prints HDF5's error stack into a `tmpfile()` and throws from inside
 * the handler, before its `fclose`: every HDF5 error leaves one file (and the printed text) open, of
 * the file system's 4,096 descriptors. So the temporary files an error left open are closed here (our
 * own HDF5 file, which may be open during the call, is not a `/tmp/tmpfile_…`).
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

/**
 * Runs `body` (calls into h5wasm) with HDF5's default error handler, which returns from the failing
 * call and prints HDF5's error stack on fd 2; what is printed meanwhile is captured (not shown) and
 * returned with the result. Without a terminal on fd 2 (never the case in h5wasm), HDF5 errors throw.
 */
function capturingStderr<T>(module: H5Module, who: string, body: () => T): { readonly result: T; readonly printed: string } {
  const stderr = openStreams(module)[2];
  if (stderr?.tty === undefined) return { result: throwingErrors(module, who, body), printed: '' };
  const tty = stderr.tty;
  const printed: number[] = [];
  stderr.tty = { input: [], output: [], ops: { put_char: (_, value) => value !== null && printed.push(value), fsync: () => undefined } };
  const text = (): string => new TextDecoder().decode(new Uint8Array(printed));
  try {
    return { result: body(), printed: text() };
  } catch (e) {
    // h5wasm's wrappers throw by themselves when HDF5 failed to open an object; HDF5 said why
    if (e instanceof KerasFileError) throw e;
    throw new KerasFileError(`${who}: ${hdf5Reason(printed.length > 0 ? text() : e)}`);
  } finally {
    stderr.tty = tty;
  }
}

/** {@link capturingStderr}, and an HDF5 error printed meanwhile thrown as one Error naming `who` and HDF5's reason. */
function printedErrors<T>(module: H5Module, who: string, body: () => T): T {
  const { result, printed } = capturingStderr(module, who, body);
  if (printed !== '') throw new KerasFileError(`${who}: ${hdf5Reason(printed)}`);
  return result;
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
 * Most bytes a dataset may take in memory per byte of its file: deflate's largest ratio (1,032);
 * uncompressed data lies inside the file. A damaged dataspace cannot make a small file allocate more.
 */
const MAX_EXPANSION = 1032;

/** An HDF5 path from the root, as h5wasm writes it: one `/` between names, none at the end. */
function fullPath(path: string): string {
  return `/${path}`.replace(/\/{2,}/g, '/').replace(/(.)\/+$/, '$1');
}

/**
 * Opens `bytes` as an HDF5 file and runs `read` on it; the file is closed and removed afterwards.
 * Throws a KerasFileError naming `who` when the bytes are not a readable HDF5 file or a path is missing.
 */
export async function readHdf5<T>(bytes: Uint8Array, who: string, read: (file: Hdf5Reader) => T): Promise<T> {
  // HDF5 would loop forever on some damaged global heaps (see hdf5-global-heap.ts)
  const heapProblem = globalHeapProblem(bytes);
  if (heapProblem !== null) throw new KerasFileError(`${who}: ${heapProblem}`);
  const { h5, module } = await h5wasmWithStack(who);
  const name = `/rnnkit-read-${++counter}.h5`;
  module.FS.writeFile(name, bytes);
  let file: H5File | null = null;
  try {
    const opened = printedErrors(module, who, () => new h5.File(name, 'r'));
    if (opened.file_id < 0n) throw new KerasFileError(`${who}: not a readable HDF5 file`);
    file = opened;
    const root = opened;
    const entity = (path: string): H5Group | H5Dataset | null => {
      if (path === '') return root;
      const full = fullPath(path);
      const type = printedErrors(module, who, () => module.get_type(root.file_id, full));
      if (type === module.H5G_GROUP) return new h5.Group(root.file_id, full);
      return type === module.H5G_DATASET ? new h5.Dataset(root.file_id, full) : null;
    };
    const attrs = (node: H5Group | H5Dataset, what: string): Readonly<Record<string, unknown>> => {
      // the names and values first, with errors returned: a damaged attribute is refused at no cost
      const names = printedErrors(module, what, () => module.get_attribute_names(node.file_id, node.path)) as string[];
      for (const attribute of names) readAttributeOnce(module, node, attribute, what, bytes.length);
      return throwingErrors(module, what, () => Object.fromEntries(Object.entries(node.attrs).map(([k, a]) => [k, attrValue(a.value)])));
    };
    const reader: Hdf5Reader = {
      isGroup: (path) => entity(path) instanceof h5.Group,
      isDataset: (path) => entity(path) instanceof h5.Dataset,
      keys: (path) => {
        const group = entity(path);
        if (!(group instanceof h5.Group)) throw new KerasFileError(`${who}: the file has no group '${path}'`);
        return printedErrors(module, who, () => group.keys());
      },
      attrs: (path) => {
        const node = entity(path);
        if (!(node instanceof h5.Group) && !(node instanceof h5.Dataset)) throw new KerasFileError(`${who}: the file has no group or dataset '${path}'`);
        return attrs(node, who);
      },
      dataset: (path) => {
        const node = entity(path);
        if (!(node instanceof h5.Dataset)) throw new KerasFileError(`${who}: the file has no dataset '${path}'`);
        const what = `${who}: dataset '${path}'`;
        const data = printedErrors(module, what, () => datasetBytes(module, node, what, bytes.length));
        return { ...data, attrs: attrs(node, what) };
      },
    };
    try {
      return read(reader);
    } catch (e) {
      // what `read` finds wrong is said about the file
      if (e instanceof KerasFileError) throw e;
      throw new KerasFileError(`${who}: ${hdf5Reason(e)}`);
    }
  } finally {
    // closing a file opened read-only writes nothing; what HDF5 might print about it changes no answer
    if (file !== null) {
      const open = file;
      capturingStderr(module, who, () => open.close());
    }
    module.FS.unlink(name);
  }
}

/**
 * Reads attribute `name` of `node` once, with HDF5 errors returned, into zeroed memory that is freed
 * again: a value HDF5 cannot read (a damaged global heap under a string, say) is refused here, at no
 * cost, before h5wasm's own attribute reader, which throws, meets it. Values are stored uncompressed,
 * so one that would take more bytes than the whole file is refused before it is allocated.
 */
function readAttributeOnce(module: H5Module, node: H5Group | H5Dataset, name: string, what: string, fileBytes: number): void {
  const where = `${what}: attribute '${name}'`;
  const meta = throwingErrors(module, where, () => module.get_attribute_metadata(node.file_id, node.path, name));
  if (meta.shape === null) return;
  const nbytes = meta.size * meta.total_size;
  if (nbytes > fileBytes) throw new KerasFileError(`${where} claims ${nbytes} bytes, more than the file's ${fileBytes}`);
  const pointer = module._malloc(Math.max(nbytes, 1));
  if (pointer === 0) throw new KerasFileError(`${where} claims ${nbytes} bytes, more than h5wasm can allocate`);
  module.HEAPU8.fill(0, pointer, pointer + nbytes);
  try {
    printedErrors(module, where, () => module.get_attribute_data(node.file_id, node.path, name, BigInt(pointer)));
    // HDF5 fills the buffer only when the whole read succeeded; its strings are then freed
    if (meta.vlen) printedErrors(module, where, () => module.reclaim_vlen_memory(node.file_id, node.path, name, BigInt(pointer)));
  } finally {
    module._free(pointer);
  }
}

/** A dataset's shape, type and bytes as HDF5 stores them in memory (h5wasm's `value` cannot read float16). */
function datasetBytes(module: H5Module, node: H5Dataset, what: string, fileBytes: number): Omit<RawDataset, 'attrs'> {
  const meta = node.metadata;
  const dtype = storedDtype(meta, what);
  const shape = meta.shape ?? [];
  const nbytes = meta.size * meta.total_size;
  if (nbytes > MAX_EXPANSION * fileBytes) {
    throw new KerasFileError(`${what} claims ${nbytes} bytes of values, more than ${MAX_EXPANSION} times the file's ${fileBytes} bytes`);
  }
  const pointer = module._malloc(Math.max(nbytes, 1));
  if (pointer === 0) throw new KerasFileError(`${what} claims ${nbytes} bytes of values, more than h5wasm can allocate`);
  try {
    module.get_dataset_data(node.file_id, node.path, null, null, null, BigInt(pointer));
    return { shape, dtype, bytes: module.HEAPU8.slice(pointer, pointer + nbytes) };
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
  const { h5, module } = await h5wasmWithStack(who);
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
