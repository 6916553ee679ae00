/**
 * A minimal, restricted reader of Python pickles: the opcodes numpy uses (protocols 2–4) to
 * store object arrays — ragged lists of ints, or arrays of int arrays, as in Keras' `imdb.npz`.
 *
 * Only five globals may be referenced: `numpy.ndarray`, `numpy.dtype`,
 * `numpy.core.multiarray._reconstruct` (also spelled `numpy._core.multiarray`) and
 * `_codecs.encode` (how Python 3 writes bytes at protocol 2). Anything else is refused, so a
 * tampered file cannot make the reader do more than build arrays.
 *
 * Values: None → null, bool, int → number (bigint beyond 2^53), float → number, bytes and
 * Python-2 str → Uint8Array, str → string, list and tuple → array, ndarray → NdArray.
 *
 * Bounds, so that a small hostile file cannot take unbounded time or memory: a reference to a
 * memoised object (BINGET) shares it — nothing is copied, here or in {@link resolvePickled} —
 * and the value must stay small when walked as a tree: at most {@link MAX_PICKLE_DEPTH} levels
 * of lists, tuples and object arrays, no list inside itself, and at most
 * {@link MAX_PICKLE_ITEMS_PER_BYTE} items per byte of pickle counting each shared reference
 * every time it is reached (numpy loads `l = [l, l]` 26 times over in 437 bytes, 2^27 items).
 * Integers decode in time linear in their length.
 */
import { decodeNumeric, type NdArray, type NumericArray } from './ndarray';

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | PickleGlobal
  | PickleDtype
  | NdArrayBuilder;

interface PickleGlobal { readonly kind: 'global'; readonly name: string }
interface PickleDtype { readonly kind: 'dtype'; readonly name: string; byteorder: string }
interface NdArrayBuilder { readonly kind: 'ndarray-builder'; array: NdArray | undefined }

const ALLOWED_GLOBALS = new Set([
  'numpy.ndarray',
  'numpy.dtype',
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray._reconstruct',
  '_codecs.encode',
]);

/** Deepest nesting of lists, tuples and object arrays a pickle may hold (Keras' `imdb.npz` needs 3). */
export const MAX_PICKLE_DEPTH = 100;
/** Items (values of any kind, counted as a tree) a pickle may expand to, per byte of it. */
export const MAX_PICKLE_ITEMS_PER_BYTE = 8;

const MARK = Symbol('mark');
type StackItem = PickleValue | typeof MARK;

/** Reads one pickle from `bytes` (starting at `offset`) and returns the unpickled value. */
export function readPickle(bytes: Uint8Array, offset = 0): PickleValue {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const stack: StackItem[] = [];
  const memo = new Map<number, PickleValue>();
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  let p = offset;

  const need = (n: number): number => {
    if (p + n > bytes.length) throw new Error(`truncated pickle: needed ${n} bytes at byte ${p}, only ${bytes.length - p} left`);
    const at = p;
    p += n;
    return at;
  };
  const u8 = (): number => bytes[need(1)] as number;
  const u16 = (): number => view.getUint16(need(2), true);
  const u32 = (): number => view.getUint32(need(4), true);
  const u64 = (): number => Number(view.getBigUint64(need(8), true));
  const line = (): string => {
    const end = bytes.indexOf(0x0a, p);
    if (end < 0) throw new Error(`truncated pickle: unterminated text argument at byte ${p}`);
    const s = latin1(bytes.subarray(p, end));
    p = end + 1;
    return s;
  };
  const take = (n: number): Uint8Array => bytes.slice(need(n), p);
  const text = (n: number, at: number): string => {
    const raw = bytes.subarray(need(n), p);
    try {
      return utf8.decode(raw);
    } catch {
      throw new Error(`malformed pickle: invalid UTF-8 text at byte ${at}`);
    }
  };
  const pop = (): PickleValue => {
    const v = stack.pop();
    if (v === undefined || v === MARK) throw new Error(`malformed pickle: stack underflow at byte ${p}`);
    return v;
  };
  const popMark = (): PickleValue[] => {
    const at = stack.lastIndexOf(MARK);
    if (at < 0) throw new Error(`malformed pickle: no MARK on the stack at byte ${p}`);
    const items = stack.splice(at) as PickleValue[];
    items.shift();
    return items;
  };
  const top = (): PickleValue => {
    const v = stack[stack.length - 1];
    if (v === undefined || v === MARK) throw new Error(`malformed pickle: stack underflow at byte ${p}`);
    return v;
  };
  const global = (module: string, name: string): PickleGlobal => {
    const full = `${module}.${name}`;
    if (!ALLOWED_GLOBALS.has(full)) throw new Error(`refusing to unpickle the global ${full}: only numpy arrays may be read`);
    return { kind: 'global', name: full.replace('numpy._core.', 'numpy.core.') };
  };

  for (;;) {
    const at = p;
    const op = u8();
    switch (op) {
      case 0x80: u8(); break; // PROTO
      case 0x95: u64(); break; // FRAME (framing is only a read-ahead hint)
      case 0x2e: { // STOP
        const result = pop();
        checkSize(result, p - offset);
        return result;
      }
      case 0x28: stack.push(MARK); break;
      case 0x4e: stack.push(null); break;
      case 0x88: stack.push(true); break;
      case 0x89: stack.push(false); break;
      case 0x4a: stack.push(view.getInt32(need(4), true)); break; // BININT
      case 0x4b: stack.push(u8()); break; // BININT1
      case 0x4d: stack.push(u16()); break; // BININT2
      case 0x8a: stack.push(readLong(take(u8()))); break; // LONG1
      case 0x8b: stack.push(readLong(take(u32()))); break; // LONG4
      case 0x49: { // INT (protocol 0 text; "01"/"00" are True/False)
        const s = line();
        if (!/^[+-]?[0-9]{1,15}$/.test(s)) throw new Error(`malformed pickle: INT argument '${s.slice(0, 40)}' is not an integer at byte ${at}`);
        stack.push(s === '01' ? true : s === '00' ? false : Number.parseInt(s, 10));
        break;
      }
      case 0x47: stack.push(view.getFloat64(need(8), false)); break; // BINFLOAT (big-endian)
      case 0x55: stack.push(take(u8())); break; // SHORT_BINSTRING (Python 2 str)
      case 0x54: stack.push(take(u32())); break; // BINSTRING
      case 0x43: stack.push(take(u8())); break; // SHORT_BINBYTES
      case 0x42: stack.push(take(u32())); break; // BINBYTES
      case 0x8e: stack.push(take(u64())); break; // BINBYTES8
      case 0x8c: stack.push(text(u8(), at)); break; // SHORT_BINUNICODE
      case 0x58: stack.push(text(u32(), at)); break; // BINUNICODE
      case 0x8d: stack.push(text(u64(), at)); break; // BINUNICODE8
      case 0x5d: stack.push([]); break; // EMPTY_LIST
      case 0x29: stack.push([]); break; // EMPTY_TUPLE
      case 0x74: stack.push(popMark()); break; // TUPLE
      case 0x85: stack.push([pop()]); break; // TUPLE1
      case 0x86: { const b = pop(); const a = pop(); stack.push([a, b]); break; } // TUPLE2
      case 0x87: { const c = pop(); const b = pop(); const a = pop(); stack.push([a, b, c]); break; } // TUPLE3
      case 0x61: { const v = pop(); asList(top(), at).push(v); break; } // APPEND
      case 0x65: { const items = popMark(); const list = asList(top(), at); for (const v of items) list.push(v); break; } // APPENDS
      case 0x63: { const module = line(); stack.push(global(module, line())); break; } // GLOBAL
      case 0x93: { const name = pop(); const module = pop(); stack.push(global(asText(module, at), asText(name, at))); break; } // STACK_GLOBAL
      case 0x71: memo.set(u8(), top()); break; // BINPUT
      case 0x72: memo.set(u32(), top()); break; // LONG_BINPUT
      case 0x94: memo.set(memo.size, top()); break; // MEMOIZE
      case 0x68: stack.push(memoGet(memo, u8(), at)); break; // BINGET
      case 0x6a: stack.push(memoGet(memo, u32(), at)); break; // LONG_BINGET
      case 0x52: { const args = pop(); const fn = pop(); stack.push(reduce(fn, args, at)); break; } // REDUCE
      case 0x62: { const state = pop(); build(top(), state, at); break; } // BUILD
      default:
        throw new Error(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${at}`);
    }
  }

  function reduce(fn: PickleValue, args: PickleValue, at: number): PickleValue {
    if (!isGlobal(fn) || !Array.isArray(args)) throw new Error(`malformed pickle: REDUCE without a callable at byte ${at}`);
    switch (fn.name) {
      case 'numpy.core.multiarray._reconstruct':
        return { kind: 'ndarray-builder', array: undefined };
      case 'numpy.dtype':
        return { kind: 'dtype', name: asText(args[0] ?? null, at), byteorder: '=' };
      case '_codecs.encode': {
        // protocol-2 bytes: encode(unicode_text, 'latin1') gives the original bytes back
        const latin = asText(args[0] ?? null, at);
        const out = new Uint8Array(latin.length);
        for (let k = 0; k < latin.length; k++) {
          const c = latin.charCodeAt(k);
          if (c > 0xff) throw new Error(`malformed pickle: _codecs.encode of text that is not latin-1 at byte ${at}`);
          out[k] = c;
        }
        return out;
      }
      default:
        throw new Error(`malformed pickle: ${fn.name} cannot be called at byte ${at}`);
    }
  }

  function build(target: PickleValue, state: PickleValue, at: number): void {
    if (isDtype(target) && Array.isArray(state)) {
      target.byteorder = asText(state[1] ?? null, at);
      return;
    }
    if (isBuilder(target) && Array.isArray(state)) {
      // ndarray.__setstate__((version, shape, dtype, is_fortran, data))
      const [, shapeValue, dtypeValue, fortran, payload] = state;
      if (!Array.isArray(shapeValue) || !isDtype(dtypeValue ?? null)) {
        throw new Error(`malformed pickle: bad ndarray state at byte ${at}`);
      }
      const shape = shapeValue.filter((d): d is number => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0);
      if (shape.length !== shapeValue.length) throw new Error(`malformed pickle: ndarray shape is not a tuple of non-negative integers at byte ${at}`);
      const count = shape.reduce((a, b) => a * b, 1);
      const dt = dtypeValue as PickleDtype;
      const kind = dt.name.replace(/[0-9]+$/, '');
      if (kind === 'O') {
        if (!Array.isArray(payload)) throw new Error(`malformed pickle: object array without a list at byte ${at}`);
        if (payload.length !== count) throw new Error(`malformed pickle: object array of shape (${shape.join(', ')}) holds ${payload.length} items at byte ${at}`);
        target.array = { dtype: '|O', shape, fortranOrder: fortran === true, data: payload };
        return;
      }
      const raw = typeof payload === 'string' ? Uint8Array.from(payload, (c) => c.charCodeAt(0)) : payload;
      if (!(raw instanceof Uint8Array)) throw new Error(`malformed pickle: numeric array without bytes at byte ${at}`);
      const order = dt.byteorder === '>' ? '>' : dt.byteorder === '|' ? '|' : '<';
      const descr = `${order}${dt.name}`;
      const data: NumericArray = decodeNumeric(descr, raw, count);
      target.array = { dtype: descr, shape, fortranOrder: fortran === true, data };
      return;
    }
    throw new Error(`malformed pickle: BUILD on an unsupported object at byte ${at}`);
  }
}

/**
 * Replaces the builders left by `_reconstruct` with the arrays they built. A list or array reached
 * twice (a shared reference) becomes one object reached twice, as in Python: nothing is copied.
 * Takes the output of {@link readPickle}, whose size and depth are already bounded.
 */
export function resolvePickled(value: PickleValue): unknown {
  const done = new Map<object, unknown>();
  const resolve = (v: PickleValue): unknown => {
    if (isBuilder(v)) {
      if (v.array === undefined) throw new Error('malformed pickle: ndarray was never given its state');
      const a = v.array;
      if (a.dtype !== '|O') return a;
      const known = done.get(v);
      if (known !== undefined) return known;
      const data: unknown[] = [];
      const out = { ...a, data };
      done.set(v, out);
      for (const item of a.data as PickleValue[]) data.push(resolve(item));
      return out;
    }
    if (!Array.isArray(v)) return v;
    const known = done.get(v);
    if (known !== undefined) return known;
    const out: unknown[] = [];
    done.set(v, out);
    for (const item of v) out.push(resolve(item));
    return out;
  };
  return resolve(value);
}

/**
 * Throws unless `root`, walked as a tree, is at most {@link MAX_PICKLE_DEPTH} deep, holds no list
 * inside itself and has at most {@link MAX_PICKLE_ITEMS_PER_BYTE} × `byteLength` items. Each shared
 * object is visited once (its size and height are remembered), so the walk is linear in the pickle.
 */
function checkSize(root: PickleValue, byteLength: number): void {
  const limit = MAX_PICKLE_ITEMS_PER_BYTE * byteLength;
  const known = new Map<object, { readonly items: number; readonly height: number }>();
  const open = new Set<object>();
  const tooDeep = (): Error => new Error(`malformed pickle: lists nested deeper than ${MAX_PICKLE_DEPTH} levels`);
  const visit = (v: PickleValue, depth: number): { readonly items: number; readonly height: number } => {
    const children = childrenOf(v);
    if (children === undefined) return LEAF;
    const seen = known.get(children);
    if (seen !== undefined) {
      if (depth + seen.height > MAX_PICKLE_DEPTH) throw tooDeep();
      return seen;
    }
    if (open.has(children)) throw new Error('malformed pickle: a list or tuple contains itself');
    if (depth >= MAX_PICKLE_DEPTH) throw tooDeep();
    open.add(children);
    let items = 1;
    let height = 0;
    for (const child of children) {
      const sub = typeof child === 'object' && child !== null ? visit(child, depth + 1) : LEAF;
      items = Math.min(items + sub.items, limit + 1); // saturates: the exact excess does not matter
      height = Math.max(height, sub.height + 1);
    }
    open.delete(children);
    const size = { items, height };
    known.set(children, size);
    return size;
  };
  if (visit(root, 0).items > limit) {
    throw new Error(
      `malformed pickle: the value expands to more than ${limit} items (${MAX_PICKLE_ITEMS_PER_BYTE} per byte of the ${byteLength}-byte pickle) through shared references`,
    );
  }
}

const LEAF = { items: 1, height: 0 } as const;

/** The items of a list, tuple or object array; undefined for every other value. */
function childrenOf(v: PickleValue): readonly PickleValue[] | undefined {
  if (Array.isArray(v)) return v;
  if (isBuilder(v) && v.array !== undefined && v.array.dtype === '|O') return v.array.data as PickleValue[];
  return undefined;
}

/** ISO-8859-1 bytes as text, one character per byte (TextDecoder's 'latin1' is windows-1252, which is not). */
function latin1(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
  return s;
}
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

/** A little-endian two's-complement integer (LONG1/LONG4), read through one hex string: linear in its length. */
function readLong(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  const digits = new Array<string>(b.length);
  for (let i = 0; i < b.length; i++) digits[i] = HEX[b[b.length - 1 - i] as number] as string;
  let v = BigInt(`0x${digits.join('')}`);
  if (((b[b.length - 1] as number) & 0x80) !== 0) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function memoGet(memo: Map<number, PickleValue>, key: number, at: number): PickleValue {
  const v = memo.get(key);
  if (v === undefined) throw new Error(`malformed pickle: memo key ${key} missing at byte ${at}`);
  return v;
}

function asList(v: PickleValue, at: number): PickleValue[] {
  if (!Array.isArray(v)) throw new Error(`malformed pickle: APPEND to a non-list at byte ${at}`);
  return v;
}

function asText(v: PickleValue, at: number): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return latin1(v);
  throw new Error(`malformed pickle: expected a string at byte ${at}`);
}

function isGlobal(v: PickleValue): v is PickleGlobal {
  return typeof v === 'object' && v !== null && 'kind' in v && v.kind === 'global';
}
function isDtype(v: PickleValue): v is PickleDtype {
  return typeof v === 'object' && v !== null && 'kind' in v && v.kind === 'dtype';
}
function isBuilder(v: PickleValue): v is NdArrayBuilder {
  return typeof v === 'object' && v !== null && 'kind' in v && v.kind === 'ndarray-builder';
}
