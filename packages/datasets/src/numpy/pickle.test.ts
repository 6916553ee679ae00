/**
 * Hostile pickles, written opcode by opcode (the byte layout was checked against CPython 3.11's
 * `pickle.dumps(…, protocol=2)`): shared references must stay shared, nesting and expansion are
 * bounded, and big integers decode in linear time.
 */
import { readNpy } from './npy';
import { readPickle } from './pickle';

const PROTO2 = [0x80, 2];
const STOP = 0x2e;
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

/**
 * `l = [1]; for _ in range(depth): l = [l, l]` as CPython pickles it: the outer lists are opened
 * first (EMPTY_LIST, BINPUT i, MARK), the innermost [1] last, then each level appends a BINGET of
 * the list just closed (its second, shared, element).
 */
function sharedNestedLists(depth: number): number[] {
  const ops: number[] = [];
  for (let i = 0; i < depth; i++) ops.push(0x5d, 0x71, i, 0x28);
  ops.push(0x5d, 0x71, depth, 0x4b, 1, 0x61); // [1]
  for (let i = depth - 1; i >= 0; i--) ops.push(0x68, i + 1, 0x65); // BINGET the inner list, APPENDS
  return ops;
}

/** A `.npy` (version 1.0) holding a one-element object array whose element the `element` opcodes push. */
function objectNpy(element: readonly number[]): Uint8Array {
  const header = "{'descr': '|O', 'fortran_order': False, 'shape': (1,), }";
  const padded = header + ' '.repeat(63 - ((10 + header.length) % 64)) + '\n';
  const pickle = [
    ...PROTO2,
    0x63, ...ascii('numpy.core.multiarray\n_reconstruct\n'),
    0x63, ...ascii('numpy\nndarray\n'),
    0x4b, 0, 0x85, 0x43, 1, 0x62, 0x87, 0x52, // _reconstruct(ndarray, (0,), b'b')
    0x28, 0x4b, 1, 0x4b, 1, 0x85, // BUILD state: (1, (1,), …
    0x63, ...ascii('numpy\ndtype\n'), 0x8c, 2, ...ascii('O8'), 0x89, 0x88, 0x87, 0x52, // dtype('O8', False, True)
    0x28, 0x4b, 3, 0x8c, 1, ...ascii('|'), 0x4e, 0x4e, 0x4e, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4a, 0xff, 0xff, 0xff, 0xff, 0x4b, 0x3f, 0x74, 0x62,
    0x89, 0x5d, ...element, 0x61, 0x74, 0x62, // … False, [element])
    STOP,
  ];
  return Uint8Array.from([0x93, ...ascii('NUMPY'), 1, 0, padded.length, 0, ...ascii(padded), ...pickle]);
}

/** The error `fn` throws (undefined when it returns). Time bounds are not asserted here: tests carry no timing. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e;
  }
}

describe('readPickle on hostile input', () => {
  test('the hand-written layout is CPython’s: 191 bytes for 26 levels', () => {
    expect(sharedNestedLists(26).length + PROTO2.length + 1).toBe(191);
  });

  test('the billion-laughs list (2^27 items as a tree, 26 levels of [l, l]) is refused by the size limit (measured: ~3 ms; tests carry no timing)', () => {
    const npy = objectNpy(sharedNestedLists(26));
    expect(npy.length).toBeLessThan(500);
    const error = thrown(() => readNpy(npy));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/expands to more than \d+ items .*shared references/);
  });

  test('shared references stay shared: [a, a] decodes to one array seen twice, not a copy', () => {
    // [a, a] with a = [1, 2, 3]: EMPTY_LIST, MARK, EMPTY_LIST, MEMOIZE, MARK, 1, 2, 3, APPENDS, BINGET 0, APPENDS
    const bytes = Uint8Array.from([...PROTO2, 0x5d, 0x28, 0x5d, 0x94, 0x28, 0x4b, 1, 0x4b, 2, 0x4b, 3, 0x65, 0x68, 0, 0x65, STOP]);
    const v = readPickle(bytes) as unknown[][];
    expect(v).toEqual([[1, 2, 3], [1, 2, 3]]);
    expect(v[0]).toBe(v[1]);
    // the same through readNpy (which resolves the arrays): an object array whose element is [b, b], b = [7, 8]
    const element = [0x5d, 0x28, 0x5d, 0x94, 0x28, 0x4b, 7, 0x4b, 8, 0x65, 0x68, 0, 0x65];
    const [pair] = readNpy(objectNpy(element)).data as unknown[][][];
    expect(pair).toEqual([[7, 8], [7, 8]]);
    expect(pair?.[0]).toBe(pair?.[1]);
  });

  test('a list that contains itself is refused, not walked forever', () => {
    const bytes = Uint8Array.from([...PROTO2, 0x5d, 0x94, 0x68, 0, 0x61, STOP]); // l = []; l.append(l)
    expect(() => readPickle(bytes)).toThrow(/malformed pickle: a list or tuple contains itself/);
    expect(() => readNpy(objectNpy([0x5d, 0x94, 0x68, 0, 0x61]))).toThrow(/contains itself/);
  });

  test('nesting deeper than the limit is refused with a clear error, not a stack overflow', () => {
    const depth = 200_000; // [[[…]]]: EMPTY_LIST × depth, then APPEND × (depth − 1)
    const bytes = Uint8Array.from([...PROTO2, ...new Array<number>(depth).fill(0x5d), ...new Array<number>(depth - 1).fill(0x61), STOP]);
    const error = thrown(() => readPickle(bytes));
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/^malformed pickle: lists nested deeper than 100 levels/);
  });

  test('a 205 KB pickled integer (LONG4) decodes in linear time, exactly', () => {
    const n = 205_000;
    const payload = new Uint8Array(n);
    for (let i = 0; i < n; i++) payload[i] = (i * 31 + 7) & 0x7f; // top byte < 0x80: positive
    const bytes = new Uint8Array(2 + 5 + n + 1);
    bytes.set([...PROTO2, 0x8b, n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, 0]);
    bytes.set(payload, 7);
    bytes[bytes.length - 1] = STOP;
    const v = readPickle(bytes) as bigint;
    expect(typeof v).toBe('bigint');
    expect(v & 0xffffn).toBe(BigInt(payload[0]! | (payload[1]! << 8)));
    expect(v >> BigInt(8 * (n - 1))).toBe(BigInt(payload[n - 1]!));
  });

  test('negative and small LONG1 values keep their two’s-complement meaning', () => {
    const long1 = (...b: number[]) => readPickle(Uint8Array.from([...PROTO2, 0x8a, b.length, ...b, STOP]));
    expect(long1()).toBe(0);
    expect(long1(0xff)).toBe(-1);
    expect(long1(0x00, 0x80)).toBe(-32768);
    expect(long1(0, 0, 0, 0, 0, 0, 0, 0x80)).toBe(-(2n ** 63n));
    expect(long1(0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x1f)).toBe(Number.MAX_SAFE_INTEGER);
  });

  test('invalid UTF-8 and non-numeric text arguments are clear errors naming the byte', () => {
    expect(() => readPickle(Uint8Array.from([...PROTO2, 0x8c, 2, 0xc3, 0x28, STOP]))).toThrow('malformed pickle: invalid UTF-8 text at byte 2');
    expect(() => readPickle(Uint8Array.from([...PROTO2, 0x49, ...ascii('12x\n'), STOP]))).toThrow("malformed pickle: INT argument '12x' is not an integer at byte 2");
  });
});
