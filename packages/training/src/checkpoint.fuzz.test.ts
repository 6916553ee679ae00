/**
 * Fuzzing of `decodeCheckpoint` (see @rnnkit/testkit `fuzz`): corrupted bytes of an encoded
 * checkpoint, and random edits of its JSON header written back with the same tensor data. Every
 * decode gives a checkpoint or one clear Error, and leaks no tensor.
 */
import { applyByteEdits, applyJsonEdits, byteEdits, describeEachBackend, expectCleanOutcome, fuzz, fuzzRuns, jsonEdits } from '@rnnkit/testkit';
import { crc32, numTensors, tensor, tensor1d } from '@rnnkit/tensor';
import { decodeCheckpoint, disposeCheckpoint, encodeCheckpoint } from './checkpoint';
import type { Checkpoint } from './checkpoint';

function sample(): Checkpoint {
  return {
    epoch: 3,
    globalStep: 42,
    seed: 7,
    rngState: [1, 2, 3, 4294967295],
    history: { epochs: [0, 1, 2], history: { loss: [0.9, 0.5, 0.25], val_loss: [1, NaN, 0.3] } },
    params: { 'dense/kernel': tensor([0.1, -2.5, 3.4, -0], [2, 2]), ids: tensor([1, -2, 3], [3], 'int32') },
    optimizer: { name: 'adam', iterations: 42, learningRateScale: 0.25, slots: { 'dense/kernel': { m: tensor1d([1, 2, 3, 4]), v: tensor1d([5, 6, 7, 8]) } } },
    callbacks: { earlyStopping: { values: { best: Infinity, wait: 2, bestEpoch: null }, tensors: { 'dense/kernel': tensor1d([9, 8, 7, 6]) } } },
  };
}

/** The file's parts: the JSON header and the tensor data after its padding (format 2). */
function split(bytes: Uint8Array): { header: unknown; data: Uint8Array } {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(24, 24 + length))) as unknown;
  return { header, data: bytes.subarray(Math.ceil((24 + length) / 8) * 8) };
}

/** A format-2 checkpoint file from a header and tensor data, laid out (and checksummed) as `encodeCheckpoint` does. */
function join(header: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const start = Math.ceil((24 + json.length) / 8) * 8;
  const out = new Uint8Array(start + data.length);
  const view = new DataView(out.buffer);
  out.set(new TextEncoder().encode('RNNKITC2'), 0);
  view.setUint32(12, json.length, true);
  view.setBigUint64(16, BigInt(out.length), true);
  out.set(json, 24);
  out.set(data, start);
  view.setUint32(8, crc32(out.subarray(12)), true);
  return out;
}

/** The same checkpoint in format 1 (no checksum): magic "RNNKITCK", header length at 8, header at 12. */
function joinFormat1(header: unknown, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify({ ...(header as object), version: 1 }));
  const start = Math.ceil((12 + json.length) / 8) * 8;
  const out = new Uint8Array(start + data.length);
  out.set(new TextEncoder().encode('RNNKITCK'), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  out.set(data, start);
  return out;
}

const quiet = { onWarning: (): void => undefined };

describeEachBackend(['cpu'], 'fuzz: checkpoints decode or fail with one clear Error', () => {
  let valid: Uint8Array;
  beforeAll(() => {
    const checkpoint = sample();
    valid = encodeCheckpoint(checkpoint);
    disposeCheckpoint(checkpoint);
  });

  test('found by the fuzzer: a cut header, an odd tensor length, a slot without its tensor are clear Errors and leak nothing', () => {
    const before = numTensors();
    expect(() => decodeCheckpoint(valid.subarray(0, 40))).toThrow(/^decodeCheckpoint: the checkpoint is damaged or truncated \(its CRC-32 does not match and has 40 bytes where it records \d+\)$/);
    const { header: h1, data: d1 } = split(valid);
    expect(() => decodeCheckpoint(joinFormat1(h1, d1).subarray(0, 40), quiet)).toThrow(/^decodeCheckpoint: the header says \d+ bytes, the checkpoint has 28 after the fixed header \(truncated\)$/);
    const { header, data } = split(valid);
    const h = header as { tensors: { length: number }[]; optimizer: { slots: Record<string, string[]> } };
    const odd = structuredClone(h);
    odd.tensors[0]!.length = 6; // was a RangeError from new Float32Array
    expect(() => decodeCheckpoint(join(odd, data))).toThrow('decodeCheckpoint: tensor params/dense/kernel has shape [2, 2] (16 bytes) but 6 bytes of data');
    const slot = structuredClone(h);
    slot.optimizer.slots['dense/kernel'] = ['m', 'v', 'w']; // made 6 tensors, then threw and leaked them
    expect(() => decodeCheckpoint(join(slot, data))).toThrow('decodeCheckpoint: tensor optimizer/dense/kernel/w is missing');
    expect(numTensors()).toBe(before);
  });

  test('corrupted bytes', () => {
    const before = numTensors();
    fuzz('decodeCheckpoint (bytes)', { seed: 1871, runs: fuzzRuns(400) }, byteEdits, (edits) => {
      const bytes = applyByteEdits(valid, edits);
      return expectCleanOutcome(() => decodeCheckpoint(bytes), bytes.length, {}, disposeCheckpoint);
    });
    expect(numTensors()).toBe(before);
  });

  test('corrupted bytes of a format-1 checkpoint (no checksum: the validation alone)', () => {
    const { header, data } = split(valid);
    const format1 = joinFormat1(header, data);
    const before = numTensors();
    fuzz('decodeCheckpoint (format-1 bytes)', { seed: 1873, runs: fuzzRuns(400) }, byteEdits, (edits) => {
      const bytes = applyByteEdits(format1, edits);
      return expectCleanOutcome(() => decodeCheckpoint(bytes, quiet), bytes.length, {}, disposeCheckpoint);
    });
    expect(numTensors()).toBe(before);
  });

  test('random edits of the header', () => {
    const { header, data } = split(valid);
    const before = numTensors();
    fuzz('decodeCheckpoint (header edits)', { seed: 1872, runs: fuzzRuns(400) }, jsonEdits, (edits) => {
      const bytes = join(applyJsonEdits(header, edits), data);
      return expectCleanOutcome(() => decodeCheckpoint(bytes), bytes.length, {}, disposeCheckpoint);
    });
    expect(numTensors()).toBe(before);
  });
});
