/**
 * Fuzzing of `parseSafetensors` (see @rnnkit/testkit `fuzz`): corrupted bytes of a real PyTorch
 * file (fixtures/torch-lstm.safetensors), and random edits of its JSON header written back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { applyByteEdits, applyJsonEdits, byteEdits, describeEachBackend, expectCleanOutcome, fuzz, fuzzRuns, jsonEdits } from '@rnnkit/testkit';
import { dispose, numTensors } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { parseSafetensors } from '../index';

const valid = new Uint8Array(readFileSync(join(__dirname, '../../fixtures/torch-lstm.safetensors')));
const headerSize = Number(new DataView(valid.buffer, valid.byteOffset).getBigUint64(0, true));
const header = JSON.parse(new TextDecoder().decode(valid.subarray(8, 8 + headerSize))) as object;
const data = valid.subarray(8 + headerSize);

/** A safetensors file with header `json` and the fixture's data. */
function withHeader(json: unknown): Uint8Array {
  const text = new TextEncoder().encode(JSON.stringify(json));
  const out = new Uint8Array(8 + text.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(text.length), true);
  out.set(text, 8);
  out.set(data, 8 + text.length);
  return out;
}

describeEachBackend(['cpu'], 'fuzz: safetensors files give tensors or one clear Error', () => {
  const free = (out: Record<string, Tensor>): void => dispose(Object.values(out));

  test('corrupted bytes', () => {
    const before = numTensors();
    fuzz('parseSafetensors (bytes)', { seed: 1851, runs: fuzzRuns(400) }, byteEdits, (edits) => {
      const bytes = applyByteEdits(valid, edits);
      return expectCleanOutcome(() => parseSafetensors(bytes), bytes.length, {}, free);
    });
    expect(numTensors()).toBe(before);
  });

  test('random edits of the header', () => {
    const before = numTensors();
    fuzz('parseSafetensors (header edits)', { seed: 1852, runs: fuzzRuns(400) }, jsonEdits, (edits) => {
      const bytes = withHeader(applyJsonEdits(header, edits));
      return expectCleanOutcome(() => parseSafetensors(bytes), bytes.length, {}, free);
    });
    expect(numTensors()).toBe(before);
  });
});
