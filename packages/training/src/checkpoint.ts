/**
 * Checkpoints that lose nothing: weights, optimiser state (slots, step count, learning-rate scale),
 * callback state (early stopping's best weights, reduce-on-plateau's counters), the epoch, the
 * shuffling RNG's position and the history — bit for bit.
 *
 * Encoding (one file, so it can be replaced atomically):
 *
 *   bytes 0–7    magic "RNNKITCK"
 *   bytes 8–11   uint32 LE: length L of the JSON header (UTF-8)
 *   bytes 12…    header, then zero padding to a multiple of 8
 *   then         raw little-endian tensor data (float32 / int32), each entry at header.tensors[i].offset
 *
 * Non-finite numbers in the header (an early-stopping best of ∞) are written as {"$number": "Infinity"}.
 */
import { tensor } from '@rnnkit/tensor';
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

const MAGIC = 'RNNKITCK';
const VERSION = 1;

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
  const dataStart = Math.ceil((12 + json.byteLength) / 8) * 8;
  const out = new Uint8Array(dataStart + offset);
  out.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.byteLength, true);
  out.set(json, 12);
  let at = dataStart;
  for (const chunk of chunks) {
    out.set(chunk, at);
    at += chunk.byteLength;
  }
  return out;
}

/** Reads a checkpoint; its tensors are new and belong to the caller (see {@link disposeCheckpoint}). */
export function decodeCheckpoint(bytes: Uint8Array): Checkpoint {
  if (bytes.byteLength < 12 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw new Error('decodeCheckpoint: not an rnnkit checkpoint (magic "RNNKITCK" missing)');
  }
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(8, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + length)), reviver) as Header;
  if (header.version !== VERSION) throw new Error(`decodeCheckpoint: version ${header.version} is not supported (expected ${VERSION})`);
  const dataStart = Math.ceil((12 + length) / 8) * 8;
  const tensors = new Map<string, Tensor>();
  for (const e of header.tensors) {
    const raw = bytes.slice(dataStart + e.offset, dataStart + e.offset + e.length);
    const values = e.dtype === 'int32' ? new Int32Array(raw.buffer) : new Float32Array(raw.buffer);
    tensors.set(e.key, tensor(values, e.shape, e.dtype));
  }
  const get = (key: string): Tensor => {
    const t = tensors.get(key);
    if (t === undefined) throw new Error(`decodeCheckpoint: tensor ${key} is missing`);
    return t;
  };
  const params: Record<string, Tensor> = {};
  for (const e of header.tensors) if (e.key.startsWith('params/')) params[e.key.slice('params/'.length)] = get(e.key);
  const slots: Record<string, Record<string, Tensor>> = {};
  for (const [param, names] of Object.entries(header.optimizer.slots)) {
    slots[param] = Object.fromEntries(names.map((slot) => [slot, get(`optimizer/${param}/${slot}`)]));
  }
  const callbacks: Record<string, CallbackState> = {};
  for (const [name, state] of Object.entries(header.callbacks)) {
    callbacks[name] = { values: state.values, tensors: Object.fromEntries(state.tensors.map((k) => [k, get(`callbacks/${name}/${k}`)])) };
  }
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
