/**
 * float16 weights (fixtures/float16/, written without Keras by scripts/float16-files.py): a Keras 3
 * `.keras` and a tf.keras 2 `.h5` of Embedding → LSTM → Dense whose layers declare `mixed_float16`
 * (the Dense layer `float16`) and whose every variable is stored as `<f2`, subnormals and values up
 * to 65504 included. Each loads with `loadKerasModel`: every weight equals its float16 value exactly
 * (expected.json, from NumPy), the predictions are within 1e-5 (|a − e| ≤ 1e-5 + 1e-5·|e|) of the
 * Keras equations in float64 NumPy on the upcast weights, the dtype policies are reported as computed
 * in float32, and a file with one float16 weight's sign bit flipped predicts differently. The same
 * weights load into a fresh model with `loadKerasWeights`, and a loaded model saved with
 * `kerasModelBytes` (float32) reads back bit-exactly.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { unzipSync, zipSync } from 'fflate';
import { dense, embedding, lstm, sequential } from '@rnnkit/models';
import type { KerasFileModel } from '@rnnkit/models';
import { dispose, initBackend, numTensors, tensor } from '@rnnkit/tensor';
import { kerasModelBytes, loadKerasModel, loadKerasWeights } from './index';

const FIXTURES = resolve(__dirname, '..', 'fixtures', 'float16');
const FILES = ['mixed-float16.keras', 'mixed-float16.h5'] as const;
type FileName = (typeof FILES)[number];

const expected = JSON.parse(readFileSync(join(FIXTURES, 'expected.json'), 'utf8')) as {
  readonly input: readonly (readonly number[])[];
  readonly weights: Record<string, { readonly shape: readonly number[]; readonly values: readonly number[]; readonly bits: readonly number[] }>;
  readonly predictions: Record<FileName, readonly (readonly number[])[]>;
};

/** rnnkit's names of the LSTM's Keras weights (same layout: [in, 4·units], gates i, f, c, o). */
const RNNKIT_NAME: Readonly<Record<string, string>> = { 'lstm/kernel': 'lstm/wxh', 'lstm/recurrent_kernel': 'lstm/whh', 'lstm/bias': 'lstm/bh' };

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

function predict(model: KerasFileModel): Float32Array {
  const x = tensor(Int32Array.from(expected.input.flat()), [expected.input.length, expected.input[0]!.length], 'int32');
  const y = model.apply(x, { training: false });
  const out = y.dataSync() as Float32Array;
  dispose([x, y]);
  return out;
}

/** How far the worst value is past the tolerance (≤ 0: all within). */
function maxViolation(actual: Float32Array, reference: readonly (readonly number[])[]): number {
  const flat = reference.flat();
  expect(actual.length).toBe(flat.length);
  return Math.max(...flat.map((e, i) => Math.abs(actual[i]! - e) - (1e-5 + 1e-5 * Math.abs(e))));
}

async function load(bytes: Uint8Array): Promise<{ model: KerasFileModel; warnings: string[] }> {
  const warnings: string[] = [];
  const model = await loadKerasModel(bytes, { onWarning: (m) => warnings.push(m) });
  return { model, warnings };
}

/** `bytes` with the sign bit of the dense kernel's first float16 value flipped (found by its first four values' bytes). */
function flipDenseSign(bytes: Uint8Array<ArrayBuffer>): Uint8Array<ArrayBuffer> {
  const pattern = Buffer.from(Uint16Array.from(expected.weights['dense/kernel']!.bits.slice(0, 4)).buffer);
  const out = bytes.slice();
  const at = Buffer.from(out).indexOf(pattern);
  expect(at).toBeGreaterThan(0);
  expect(Buffer.from(out).indexOf(pattern, at + 1)).toBe(-1);
  out[at + 1] = out[at + 1]! ^ 0x80;
  return out;
}

/** The file with one weight's sign flipped: in the HDF5 bytes, for a .keras file inside its re-zipped weights member (so its CRC-32 is right). */
function withFlippedWeight(name: FileName, bytes: Uint8Array<ArrayBuffer>): Uint8Array {
  if (name.endsWith('.h5')) return flipDenseSign(bytes);
  const members = unzipSync(bytes);
  members['model.weights.h5'] = flipDenseSign(members['model.weights.h5']!);
  return zipSync(members, { level: 0 });
}

describe.each(FILES)('%s', (name) => {
  const bytes = new Uint8Array(readFileSync(join(FIXTURES, name)));

  test('every weight is its float16 value exactly, and the predictions are the float64 reference within 1e-5', async () => {
    const before = numTensors();
    const { model, warnings } = await load(bytes);
    for (const [weight, want] of Object.entries(expected.weights)) {
      const got = model.params[RNNKIT_NAME[weight] ?? weight];
      expect(got).toBeDefined();
      expect(got!.shape).toEqual(want.shape);
      // float16 → float32 is exact, so the float32 values equal the float64 ones NumPy wrote
      expect(Array.from(got!.dataSync())).toEqual(want.values);
    }
    expect(Object.keys(model.params).sort()).toEqual(Object.keys(expected.weights).map((w) => RNNKIT_NAME[w] ?? w).sort());
    expect(maxViolation(predict(model), expected.predictions[name])).toBeLessThanOrEqual(0);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^loadKerasModel: a Uint8Array of \d+ bytes: the file declares the dtype policy 'mixed_float16' \('embedding', 'lstm'\); 'float16' \('dense'\); rnnkit computes in float32/);
    model.dispose();
    expect(numTensors()).toBe(before);
  });

  test('loadKerasWeights puts the float16 weights into a model of the same architecture, predicting the same', async () => {
    const before = numTensors();
    const fresh = sequential([embedding({ inputDim: 12, outputDim: 4 }), lstm({ units: 5 }), dense({ units: 3 })], { inputShape: [6], seed: 3 });
    const warnings: string[] = [];
    const loaded = await loadKerasWeights(fresh, bytes, { onWarning: (m) => warnings.push(m) });
    for (const [weight, want] of Object.entries(expected.weights)) expect(Array.from(loaded.params[RNNKIT_NAME[weight] ?? weight]!.dataSync())).toEqual(want.values);
    expect(maxViolation(predict(loaded), expected.predictions[name])).toBeLessThanOrEqual(0);
    // the fresh model's own config declares no dtype policy
    expect(warnings).toEqual([]);
    fresh.dispose();
    loaded.dispose();
    expect(numTensors()).toBe(before);
  });

  test('a loaded float16 model saved with kerasModelBytes reads back bit-exactly', async () => {
    const before = numTensors();
    const { model } = await load(bytes);
    const again = (await load(await kerasModelBytes(model))).model;
    for (const [weight, v] of Object.entries(model.params)) {
      expect(Buffer.from((again.params[weight]!.dataSync() as Float32Array).buffer).equals(Buffer.from((v.dataSync() as Float32Array).buffer))).toBe(true);
    }
    expect(Array.from(predict(again))).toEqual(Array.from(predict(model)));
    model.dispose();
    again.dispose();
    expect(numTensors()).toBe(before);
  });

  test('negative control: one float16 weight with its sign flipped loads, and predicts differently', async () => {
    const before = numTensors();
    const { model } = await load(withFlippedWeight(name, bytes));
    const first = expected.weights['dense/kernel']!.values[0]!;
    expect((model.params['dense/kernel']!.dataSync() as Float32Array)[0]).toBe(-first);
    // the dense kernel's [0, 0] feeds output 0 only: output 0 moves by 2·|w|·|h₀|, the others stay
    const y = predict(model);
    const reference = expected.predictions[name].map((row) => row[0]!);
    const moved = reference.map((e, b) => Math.abs(y[b * 3]! - e));
    expect(Math.min(...moved)).toBeGreaterThan(1e-3);
    expect(maxViolation(y.filter((_, i) => i % 3 !== 0), expected.predictions[name].map((row) => row.slice(1)))).toBeLessThanOrEqual(0);
    model.dispose();
    expect(numTensors()).toBe(before);
  });
});
