/**
 * Checkpoints that lose nothing: weights, optimiser state (slots, step count, learning-rate scale),
 * callback state (early stopping's best weights, reduce-on-plateau's counters), the epoch, the
 * shuffling RNG's position and the history — bit for bit.
 *
 * Encoding (one file, so it can be replaced atomically), format 2:
 *
 *   bytes 0–7    magic "RNNKITC2"
 *   bytes 8–11   uint32 LE: CRC-32 of bytes 12 to the end (everything below)
 *   bytes 12–15  uint32 LE: length L of the JSON header (UTF-8)
 *   bytes 16–23  uint64 LE: length of the whole file
 *   bytes 24…    header, then zero padding to a multiple of 8
 *   then         raw little-endian tensor data (float32 / int32), each entry at header.tensors[i].offset
 *
 * Format 1 (magic "RNNKITCK", then L at bytes 8–11 and the header at 12; no checksum, no length)
 * is still read, with a warning that its bytes cannot be verified: a run checkpointed before the
 * checksum existed resumes instead of being thrown away, and its next checkpoint is format 2.
 *
 * Non-finite numbers in the header (an early-stopping best of ∞) are written as {"$number": "Infinity"}.
 */
import { crc32, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { CallbackState } from './callbacks/callback';
import type { OptimizerState } from './optimizers/optimizer';

/** Keras-style history: the epochs run and one array per log name. */
export interface History {
  readonly epochs: number[];
  readonly history: Record<string, number[]>;
}

/** Everything a run needs to continue exactly: weights, optimiser state, callback state, epoch, step, RNG state and history. */
export interface Checkpoint {
  /** Epochs completed (training resumes with epoch index `epoch`). */
  readonly epoch: number;
  /** Updates applied so far. */
  readonly globalStep: number;
  /** The run's seed and the shuffling RNG's state after `epoch` epochs. */
  readonly seed: number;
  readonly rngState: readonly number[];
  readonly history: History;
  readonly params: Readonly<Record<string, Tensor>>;
  readonly optimizer: OptimizerState;
  readonly callbacks: Readonly<Record<string, CallbackState>>;
}

const MAGIC = 'RNNKITC2';
const VERSION = 2;
/** Format 1: no checksum, no recorded length. */
const MAGIC_V1 = 'RNNKITCK';
const VERSION_V1 = 1;
/** Bytes before the JSON header: magic, CRC-32, header length, file length (format 2). */
const PREFIX = 24;
const PREFIX_V1 = 12;

interface TensorEntry {
  readonly key: string;
  readonly shape: number[];
  readonly dtype: 'float32' | 'int32';
  readonly offset: number;
  readonly length: number;
}

interface Header {
  readonly version: number;
  readonly epoch: number;
  readonly globalStep: number;
  readonly seed: number;
  readonly rngState: readonly number[];
  readonly history: History;
  readonly optimizer: { readonly name: string; readonly iterations: number; readonly learningRateScale: number; readonly slots: Record<string, string[]> };
  readonly callbacks: Record<string, { readonly values: CallbackState['values']; readonly tensors: string[] }>;
  readonly tensors: TensorEntry[];
}

const replacer = (_key: string, value: unknown): unknown =>
  typeof value === 'number' && !Number.isFinite(value) ? { $number: String(value) } : value;
const reviver = (_key: string, value: unknown): unknown =>
  value !== null && typeof value === 'object' && '$number' in value ? Number((value as { $number: string }).$number) : value;

/** Serialises a checkpoint (reads the tensors back; disposes nothing). */
export function encodeCheckpoint(checkpoint: Checkpoint): Uint8Array {
  const entries: TensorEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const add = (key: string, t: Tensor): string => {
    if (t.dtype !== 'float32' && t.dtype !== 'int32') throw new Error(`encodeCheckpoint: ${key} has dtype ${t.dtype}; float32 and int32 are supported`);
    const data = t.dataSync();
    const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
    entries.push({ key, shape: [...t.shape], dtype: t.dtype, offset, length: bytes.byteLength });
    chunks.push(bytes);
    offset += bytes.byteLength;
    return key;
  };
  for (const [name, t] of Object.entries(checkpoint.params)) add(`params/${name}`, t);
  const slots: Record<string, string[]> = {};
  for (const [param, own] of Object.entries(checkpoint.optimizer.slots)) {
    slots[param] = Object.entries(own).map(([slot, t]) => (add(`optimizer/${param}/${slot}`, t), slot));
  }
  const callbacks: Header['callbacks'] = {};
  for (const [name, state] of Object.entries(checkpoint.callbacks)) {
    callbacks[name] = { values: state.values, tensors: Object.entries(state.tensors).map(([k, t]) => (add(`callbacks/${name}/${k}`, t), k)) };
  }
  const header: Header = {
    version: VERSION,
    epoch: checkpoint.epoch,
    globalStep: checkpoint.globalStep,
    seed: checkpoint.seed,
    rngState: checkpoint.rngState,
    history: checkpoint.history,
    optimizer: {
      name: checkpoint.optimizer.name,
      iterations: checkpoint.optimizer.iterations,
      learningRateScale: checkpoint.optimizer.learningRateScale,
      slots,
    },
    callbacks,
    tensors: entries,
  };
  const json = new TextEncoder().encode(JSON.stringify(header, replacer));
  const dataStart = Math.ceil((PREFIX + json.byteLength) / 8) * 8;
  const out = new Uint8Array(dataStart + offset);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(12, json.byteLength, true);
  view.setBigUint64(16, BigInt(out.byteLength), true);
  out.set(json, PREFIX);
  let at = dataStart;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  view.setUint32(8, crc32(out.subarray(12)), true);
  return out;
}

/** Options of {@link decodeCheckpoint}: what to call the bytes in errors, and where warnings go. */
export interface DecodeCheckpointOptions {
  /** The file (or other source) the bytes came from; every error and warning names it. */
  readonly source?: string;
  /** Receives the warning about a format-1 checkpoint (no checksum). Default `console.warn`. */
  readonly onWarning?: (message: string) => void;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNumber = (v: unknown): v is number => typeof v === 'number';
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const shown = (v: unknown): string => {
  const text = JSON.stringify(v);
  return text === undefined ? String(v) : text.length > 60 ? `${text.slice(0, 60)}…` : text;
};

/** Throws `<who>: header field '<field>' must be <expected>, got <value>` unless `ok`. */
function need(who: string, ok: boolean, field: string, expected: string, value: unknown): void {
  if (!ok) throw new Error(`${who}: header field '${field}' must be ${expected}, got ${shown(value)}`);
}

/**
 * The header, validated field by field, and every tensor entry checked against the data: a known
 * dtype, a shape of integers ≥ 0 whose size matches `length`, bytes inside the data, keys unique.
 */
function checkHeader(who: string, header: unknown, version: number, dataLength: number): Header {
  need(who, isRecord(header), 'header', 'an object', header);
  const h = header as Record<string, unknown>;
  if (h['version'] !== version) throw new Error(`${who}: header version ${shown(h['version'])} does not match its format ${version}`);
  for (const field of ['epoch', 'globalStep'] as const) need(who, isCount(h[field]), field, 'an integer ≥ 0', h[field]);
  need(who, isNumber(h['seed']) && Number.isFinite(h['seed']), 'seed', 'a finite number', h['seed']);
  const rng = h['rngState'];
  const word = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= -(2 ** 31) && (v as number) < 2 ** 32;
  need(who, Array.isArray(rng) && rng.length === 4 && rng.every(word), 'rngState', 'the 4 32-bit integers of the shuffling RNG', rng);
  const history = h['history'];
  const series = isRecord(history) ? history['history'] : undefined;
  const historyOk =
    isRecord(history) && Array.isArray(history['epochs']) && history['epochs'].every(isCount) && isRecord(series) && Object.values(series).every((v) => Array.isArray(v) && v.every(isNumber));
  need(who, historyOk, 'history', '{ epochs: integers, history: { name: numbers } }', history);
  const optimizer = h['optimizer'];
  need(who, isRecord(optimizer), 'optimizer', 'an object', optimizer);
  const o = optimizer as Record<string, unknown>;
  need(who, typeof o['name'] === 'string', 'optimizer.name', 'a string', o['name']);
  need(who, isCount(o['iterations']), 'optimizer.iterations', 'an integer ≥ 0', o['iterations']);
  need(who, isNumber(o['learningRateScale']), 'optimizer.learningRateScale', 'a number', o['learningRateScale']);
  const slots = o['slots'];
  need(who, isRecord(slots) && Object.values(slots).every((v) => Array.isArray(v) && v.every((k) => typeof k === 'string')), 'optimizer.slots', '{ param: [slot names] }', slots);
  const callbacks = h['callbacks'];
  const callbacksOk =
    isRecord(callbacks) &&
    Object.values(callbacks).every(
      (c) =>
        isRecord(c) &&
        isRecord(c['values']) &&
        Object.values(c['values']).every((v) => v === null || typeof v === 'number' || typeof v === 'boolean') &&
        Array.isArray(c['tensors']) &&
        c['tensors'].every((k) => typeof k === 'string'),
    );
  need(who, callbacksOk, 'callbacks', '{ name: { values: { key: number | boolean | null }, tensors: [names] } }', callbacks);
  const tensors = h['tensors'];
  need(who, Array.isArray(tensors), 'tensors', 'an array', tensors);
  const keys = new Set<string>();
  (tensors as unknown[]).forEach((e, i) => {
    const field = `tensors[${i}]`;
    need(who, isRecord(e), field, 'an object { key, shape, dtype, offset, length }', e);
    const { key, shape, dtype, offset, length } = e as Record<string, unknown>;
    need(who, typeof key === 'string' && !keys.has(key), `${field}.key`, 'a string not used by another tensor', key);
    keys.add(key as string);
    need(who, dtype === 'float32' || dtype === 'int32', `${field}.dtype`, "'float32' or 'int32'", dtype);
    need(who, Array.isArray(shape) && shape.every(isCount), `${field}.shape`, 'an array of integers ≥ 0', shape);
    need(who, isCount(offset) && isCount(length) && (offset as number) + (length as number) <= dataLength, `${field}.offset/length`, `bytes inside the ${dataLength} bytes of tensor data`, [offset, length]);
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (size * 4 !== length) throw new Error(`${who}: tensor ${String(key)} has shape [${(shape as number[]).join(', ')}] (${size * 4} bytes) but ${String(length)} bytes of data`);
  });
  return header as Header;
}

/**
 * Reads a checkpoint; its tensors are new and belong to the caller (see {@link disposeCheckpoint}).
 * The file's CRC-32 and length are checked first, then the whole header (every field, every tensor
 * entry against the data, every tensor the optimiser slots and callbacks name), before any tensor
 * is made; a damaged or truncated checkpoint is one clear Error naming `options.source`, and
 * nothing is left allocated. A format-1 checkpoint (no checksum) is read with a warning.
 *
 * @example
 * const checkpoint = decodeCheckpoint(bytes, { source: 'runs/imdb/checkpoint.rnnkit' });
 */
export function decodeCheckpoint(bytes: Uint8Array, options: DecodeCheckpointOptions = {}): Checkpoint {
  const who = options.source === undefined ? 'decodeCheckpoint' : `decodeCheckpoint: ${options.source}`;
  const magic = bytes.byteLength < 8 ? '' : new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MAGIC && magic !== MAGIC_V1) throw new Error(`${who}: not an rnnkit checkpoint (magic "${MAGIC}" missing)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let [prefix, version, lengthAt] = [PREFIX, VERSION, 12];
  if (magic === MAGIC) {
    if (bytes.byteLength < PREFIX) throw new Error(`${who}: ${bytes.byteLength} bytes, fewer than the ${PREFIX} of a checkpoint's fixed header (truncated)`);
    const recorded = view.getUint32(8, true);
    const fileLength = view.getBigUint64(16, true);
    if (crc32(bytes.subarray(12)) !== recorded) {
      const sizes = BigInt(bytes.byteLength) === fileLength ? '' : ` and has ${bytes.byteLength} bytes where it records ${fileLength}`;
      throw new Error(`${who}: the checkpoint is damaged or truncated (its CRC-32 does not match${sizes})`);
    }
  } else {
    (options.onWarning ?? console.warn)(`${who}: a format-1 checkpoint, written before checkpoints had a checksum; its bytes cannot be verified (the next checkpoint saved has one)`);
    if (bytes.byteLength < PREFIX_V1) throw new Error(`${who}: ${bytes.byteLength} bytes, fewer than the ${PREFIX_V1} of a checkpoint's fixed header (truncated)`);
    [prefix, version, lengthAt] = [PREFIX_V1, VERSION_V1, 8];
  }
  const length = view.getUint32(lengthAt, true);
  const dataStart = Math.ceil((prefix + length) / 8) * 8;
  if (dataStart > bytes.byteLength) throw new Error(`${who}: the header says ${length} bytes, the checkpoint has ${bytes.byteLength - prefix} after the fixed header (truncated)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(prefix, prefix + length)), reviver);
  } catch (e) {
    throw new Error(`${who}: the header is not valid UTF-8 JSON (damaged or truncated): ${(e as Error).message}`);
  }
  const header = checkHeader(who, parsed, version, bytes.byteLength - dataStart);
  const entries = new Map(header.tensors.map((e) => [e.key, e] as const));
  const entry = (key: string): TensorEntry => {
    const e = entries.get(key);
    if (e === undefined) throw new Error(`${who}: tensor ${key} is missing`);
    return e;
  };
  // every tensor the slots and callbacks name must exist, and every tensor must be used, before any is made
  const used = new Set(header.tensors.filter((e) => e.key.startsWith('params/')).map((e) => e.key));
  for (const [param, names] of Object.entries(header.optimizer.slots)) for (const slot of names) used.add(entry(`optimizer/${param}/${slot}`).key);
  for (const [name, state] of Object.entries(header.callbacks)) for (const k of state.tensors) used.add(entry(`callbacks/${name}/${k}`).key);
  const unused = header.tensors.find((e) => !used.has(e.key));
  if (unused !== undefined) throw new Error(`${who}: tensor ${unused.key} belongs to no parameter, optimiser slot or callback`);
  const tensors = new Map<string, Tensor>();
  for (const e of header.tensors) {
    // a copy, aligned for the typed array (a Node Buffer's slice would be a view into its pool)
    const raw = new Uint8Array(bytes.subarray(dataStart + e.offset, dataStart + e.offset + e.length));
    const values = e.dtype === 'int32' ? new Int32Array(raw.buffer) : new Float32Array(raw.buffer);
    tensors.set(e.key, tensor(values, e.shape, e.dtype));
  }
  const get = (key: string): Tensor => tensors.get(key)!;
  // fromEntries defines own properties: a parameter named '__proto__' stays a parameter
  const params = Object.fromEntries(header.tensors.filter((e) => e.key.startsWith('params/')).map((e) => [e.key.slice('params/'.length), get(e.key)] as const));
  const slots = Object.fromEntries(
    Object.entries(header.optimizer.slots).map(([param, names]) => [param, Object.fromEntries(names.map((slot) => [slot, get(`optimizer/${param}/${slot}`)] as const))] as const),
  );
  const callbacks = Object.fromEntries(
    Object.entries(header.callbacks).map(([name, state]) => [name, { values: state.values, tensors: Object.fromEntries(state.tensors.map((k) => [k, get(`callbacks/${name}/${k}`)] as const)) }] as const),
  );
  return {
    epoch: header.epoch,
    globalStep: header.globalStep,
    seed: header.seed,
    rngState: header.rngState,
    history: header.history,
    params,
    optimizer: { name: header.optimizer.name, iterations: header.optimizer.iterations, learningRateScale: header.optimizer.learningRateScale, slots },
    callbacks,
  };
}

/** Frees every tensor a checkpoint holds. */
export function disposeCheckpoint(checkpoint: Checkpoint): void {
  for (const t of Object.values(checkpoint.params)) t.dispose();
  for (const own of Object.values(checkpoint.optimizer.slots)) for (const t of Object.values(own)) t.dispose();
  for (const state of Object.values(checkpoint.callbacks)) for (const t of Object.values(state.tensors)) t.dispose();
}

/** Where checkpoints live: a directory on disk (Node, {@link fileCheckpointStore}) or anything else. */
export interface CheckpointStore {
  /** What errors call the stored checkpoint: its file for {@link fileCheckpointStore}. */
  readonly name?: string;
  /** Replaces the stored checkpoint atomically: after a crash, either the old or the new one is there. */
  save(bytes: Uint8Array): Promise<void>;
  /** The stored checkpoint, or null when there is none. */
  load(): Promise<Uint8Array | null>;
}

/** A store in memory (tests, browsers without storage). */
export function memoryCheckpointStore(): CheckpointStore & { readonly bytes: Uint8Array | null } {
  let stored: Uint8Array | null = null;
  return {
    get bytes() {
      return stored;
    },
    save: async (bytes) => {
      stored = bytes.slice();
    },
    load: async () => (stored === null ? null : stored.slice()),
  };
}
