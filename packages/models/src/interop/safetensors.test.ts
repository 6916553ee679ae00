import { describeEachBackend } from '@rnnkit/testkit';
import { dispose, numTensors } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { parseSafetensors } from '../index';

/** A safetensors file from a header (written as given, so it can repeat a name) and the raw data. */
function file(header: string, data: Uint8Array, declaredSize?: bigint): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredSize ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32 = (...v: number[]): Uint8Array => new Uint8Array(new Float32Array(v).buffer);
const tensorJson = (dtype: string, shape: number[], offsets: number[]): string => JSON.stringify({ dtype, shape, data_offsets: offsets });

describeEachBackend(['cpu'], 'parseSafetensors validates the whole header before reading a tensor', () => {
  let before: number;
  beforeEach(() => {
    before = numTensors();
  });
  afterEach(() => expect(numTensors()).toBe(before));

  const read = (bytes: Uint8Array): Record<string, number[]> => {
    const out = parseSafetensors(bytes);
    const values = Object.fromEntries(Object.entries(out).map(([k, t]: [string, Tensor]) => [k, Array.from(t.dataSync())]));
    dispose(Object.values(out));
    return values;
  };

  test('a valid file: F32 and F64 (converted), any order in the header, metadata, a tensor named __proto__', () => {
    const f64 = new Uint8Array(new Float64Array([0.5, -2]).buffer);
    const header = `{"__metadata__":{"format":"pt"},"b":${tensorJson('F64', [2], [8, 24])},"a":${tensorJson('F32', [2], [0, 8])},"__proto__":${tensorJson('F32', [0], [24, 24])}}`;
    const values = read(file(header, new Uint8Array([...f32(1, 2), ...f64])));
    expect(values).toEqual({ b: [0.5, -2], a: [1, 2], ['__proto__']: [] });
    expect(Object.getPrototypeOf(values)).toBe(Object.prototype);
  });

  test('negative or overlapping data_offsets are refused, naming the tensor (they used to read header bytes as weights)', () => {
    const negative = file(`{"w":${tensorJson('F32', [2], [-8, 0])}}`, new Uint8Array(0));
    expect(() => parseSafetensors(negative)).toThrow("parseSafetensors: tensor 'w' has invalid data_offsets [-8,0] (expected [start, end], integers ≥ 0)");
    const overlap = file(`{"a":${tensorJson('F32', [2], [0, 8])},"b":${tensorJson('F32', [2], [4, 12])}}`, f32(1, 2, 3));
    expect(() => parseSafetensors(overlap)).toThrow("parseSafetensors: tensor 'b' (data bytes [4, 12)) overlaps tensor 'a', which ends at 8");
    const same = file(`{"a":${tensorJson('F32', [2], [0, 8])},"b":${tensorJson('F32', [2], [0, 8])}}`, f32(1, 2));
    expect(() => parseSafetensors(same)).toThrow(/tensor '[ab]' \(data bytes \[0, 8\)\) overlaps tensor '[ab]'/);
  });

  test('a name given twice is refused (JSON.parse would keep only the last)', () => {
    const twice = file(`{"w":${tensorJson('F32', [1], [0, 4])},"w":${tensorJson('F32', [1], [4, 8])}}`, f32(1, 2));
    expect(() => parseSafetensors(twice)).toThrow("parseSafetensors: tensor 'w' is named twice in the header");
    const escaped = file(`{"w":${tensorJson('F32', [1], [0, 4])},"\\u0077":${tensorJson('F32', [1], [4, 8])}}`, f32(1, 2));
    expect(() => parseSafetensors(escaped)).toThrow("tensor 'w' is named twice");
  });

  test('gaps, trailing data, wrong byte counts, start after end and data past the end are each named', () => {
    const t = (dtype: string, shape: number[], offsets: number[]) => tensorJson(dtype, shape, offsets);
    const cases: [string, Uint8Array, string][] = [
      [`{"a":${t('F32', [1], [4, 8])}}`, f32(1, 2), "tensor 'a' starts at data byte 4, after a gap: the tensors before it end at 0"],
      [`{"a":${t('F32', [1], [0, 4])}}`, f32(1, 2), 'the tensors cover 4 bytes of data, the file has 8 after the header'],
      [`{"a":${t('F32', [3], [0, 8])}}`, f32(1, 2), "tensor 'a' has data_offsets [0, 8] (8 bytes) but F32 × shape [3] needs 12"],
      [`{"a":${t('F32', [0], [8, 4])}}`, f32(1, 2), "tensor 'a' has data_offsets [8, 4] that end before they start"],
      [`{"a":${t('F32', [4], [0, 16])}}`, f32(1, 2), "tensor 'a' needs bytes [0, 16) of the data, which has 8 (truncated)"],
      [`{"a":${t('F16', [4], [0, 8])}}`, f32(1, 2), "tensor 'a' has dtype F16; only F32 and F64 are supported"],
      [`{"a":${t('Q4', [2], [0, 8])}}`, f32(1, 2), `tensor 'a' has an unknown dtype "Q4"`],
      [`{"a":${t('F32', [2.5], [0, 8])}}`, f32(1, 2), "tensor 'a' has an invalid shape [2.5] (expected integers ≥ 0)"],
      [`{"a":[1, 2]}`, f32(1, 2), "tensor 'a' must be an object { dtype, shape, data_offsets }"],
      [`{"__metadata__":{"n":1}}`, new Uint8Array(0), '__metadata__ must be an object of strings'],
      [`[1, 2]`, new Uint8Array(0), 'the header must be a JSON object'],
      [`{"a":`, new Uint8Array(0), 'the header is not valid JSON'],
    ];
    for (const [header, data, message] of cases) expect(() => parseSafetensors(file(header, data))).toThrow(`parseSafetensors: ${message}`);
    const notUtf8 = file('{"a":1}', new Uint8Array(0));
    notUtf8[10] = 0xff;
    expect(() => parseSafetensors(notUtf8)).toThrow('parseSafetensors: the header is not valid UTF-8');
  });

  test('the header size is bounded and must fit in the file', () => {
    expect(() => parseSafetensors(file('{}', new Uint8Array(0), 2n ** 40n))).toThrow('parseSafetensors: the header size 1099511627776 exceeds the limit of 100000000 bytes');
    expect(() => parseSafetensors(file('{}', new Uint8Array(0), 1000n))).toThrow('parseSafetensors: header of 1000 bytes does not fit in 10 bytes (truncated)');
    expect(() => parseSafetensors(new Uint8Array(5))).toThrow('parseSafetensors: 5 bytes is too short for a safetensors file');
  });
});
