import { readFileSync } from 'node:fs';
import { unzipSync, zipSync } from 'fflate';
import { fixture } from '../test-fixtures';
import { readNpy } from './npy';
import { readNpz } from './npz';
import { readPickle } from './pickle';

const lengths = (n: number, offset: number): number[] => Array.from({ length: n }, (_, j) => 4 + ((j * 7 + offset) % 37));

describe('readNpz on archives written by numpy 1.24 (fixtures/make_fixtures.py)', () => {
  const files = ['imdb.npz', 'imdb-protocol2.npz', 'imdb-protocol4.npz'];
  const read = (f: string) => readNpz(readFileSync(fixture(f)), f);

  test.each(files)('%s: object arrays of int sequences and int64 labels', (f) => {
    const a = read(f);
    expect(Object.keys(a).sort()).toEqual(['x_test', 'x_train', 'y_test', 'y_train']);
    expect(a['x_train']?.dtype).toBe('|O');
    expect(a['x_train']?.shape).toEqual([24]);
    expect(a['y_train']?.dtype).toBe('<i8');
    expect(Array.from(a['y_train']?.data as Float64Array)).toEqual([...new Array(12).fill(1), ...new Array(12).fill(0)]);
    const seqLengths = (a['x_train']?.data as unknown[]).map((s) => (Array.isArray(s) ? s.length : (s as { data: ArrayLike<number> }).data.length));
    expect(seqLengths).toEqual(lengths(24, 0));
    expect((a['x_test']?.data as unknown[]).length).toBe(16);
  });

  test('lists (protocol 3 and 2) and int32 ndarrays (protocol 4) hold the same numbers', () => {
    const flat = (f: string) => (read(f)['x_train']?.data as unknown[]).map((s) => Array.from(Array.isArray(s) ? s : (s as { data: ArrayLike<number> }).data));
    const reference = flat('imdb.npz');
    expect(flat('imdb-protocol2.npz')).toEqual(reference);
    expect(flat('imdb-protocol4.npz')).toEqual(reference);
    expect((read('imdb-protocol4.npz')['x_train']?.data[0] as { dtype: string }).dtype).toBe('<i4');
  });

  test('a truncated archive is an error naming the file', () => {
    const bytes = readFileSync(fixture('imdb.npz'));
    expect(() => readNpz(bytes.subarray(0, bytes.length - 100), 'cut.npz')).toThrow(/^cut\.npz: /);
  });

  test('a truncated pickle inside a member is an error naming file and member', () => {
    const raw = unzipSync(new Uint8Array(readFileSync(fixture('imdb.npz'))));
    const xTrain = raw['x_train.npy'] as Uint8Array;
    const broken = zipSync({ ...raw, 'x_train.npy': xTrain.subarray(0, xTrain.length - 50) });
    expect(() => readNpz(broken, 'broken.npz')).toThrow(/^broken\.npz: member x_train\.npy: truncated pickle/);
  });
});

describe('readNpy and readPickle edge cases', () => {
  test('bad magic', () => {
    expect(() => readNpy(new Uint8Array(20))).toThrow('not a .npy file');
  });

  test('a forbidden global is refused, not executed', () => {
    // protocol 2: PROTO 2, GLOBAL 'os\nsystem\n', SHORT_BINUNICODE 'ls', TUPLE1, REDUCE, STOP
    const bytes = Uint8Array.from([0x80, 2, 0x63, ...Buffer.from('os\nsystem\n'), 0x8c, 2, 0x6c, 0x73, 0x85, 0x52, 0x2e]);
    expect(() => readPickle(bytes)).toThrow('refusing to unpickle the global os.system');
  });

  test('LONG1, negative BININT, BINFLOAT, tuples and memo', () => {
    // [ -5, 2**70, 1.5, (True, None) ] with a BINPUT/BINGET round trip
    const big = [0, 0, 0, 0, 0, 0, 0, 0, 0x40]; // 2**70 little-endian two's complement
    const bytes = Uint8Array.from([
      0x80, 2, 0x5d, 0x71, 0, 0x28,
      0x4a, 0xfb, 0xff, 0xff, 0xff,
      0x8a, big.length, ...big,
      0x47, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0,
      0x88, 0x4e, 0x86,
      0x65, 0x68, 0, 0x86, 0x2e,
    ]);
    const v = readPickle(bytes) as unknown[];
    const list = v[0] as unknown[];
    expect(list).toEqual([-5, 2n ** 70n, 1.5, [true, null]]);
    expect(v[1]).toBe(list);
  });

  test('an unknown opcode names itself and its position', () => {
    expect(() => readPickle(Uint8Array.from([0x80, 2, 0x7d, 0x2e]))).toThrow('unsupported pickle opcode 0x7d at byte 2');
  });
});
