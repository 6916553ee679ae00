/**
 * Checkpoint integrity (issue 18, item 5): a checkpoint carries a CRC-32 and its length, so flipped
 * bytes and truncation are refused before anything is read, and every error names the file.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachBackend } from '@rnnkit/testkit';
import { createRng, numTensors, tensor, tensor2d, tidy, variable } from '@rnnkit/tensor';
import { decodeCheckpoint, disposeCheckpoint, encodeCheckpoint, fileCheckpointStore, fit, meanSquaredError, sgd } from './index';
import type { Checkpoint } from './index';

/** A checkpoint with 16 K float32 weights (64 KB of tensor data), like a small model's. */
function sample(): Checkpoint {
  const rng = createRng(5);
  const w = Float32Array.from({ length: 128 * 128 }, () => rng.normal());
  return {
    epoch: 2,
    globalStep: 20,
    seed: 1,
    rngState: [1, 2, 3, 4],
    history: { epochs: [0, 1], history: { loss: [0.5, 0.25] } },
    params: { w: tensor(w, [128, 128]) },
    optimizer: { name: 'sgd', iterations: 20, learningRateScale: 1, slots: {} },
    callbacks: {},
  };
}

/** `bytes` with `count` distinct bytes at seeded positions in [from, bytes.length) XOR-ed with a non-zero value. */
function flipped(bytes: Uint8Array, count: number, from: number, seed: number): Uint8Array {
  const out = bytes.slice();
  const rng = createRng(seed);
  const positions = new Set<number>();
  while (positions.size < count) positions.add(from + Math.floor(rng.uniform() * (bytes.length - from)));
  for (const p of positions) out[p] = out[p]! ^ (1 + Math.floor(rng.uniform() * 255));
  return out;
}

describeEachBackend(['cpu'], 'checkpoint integrity', () => {
  let valid: Uint8Array;
  let dir: string;
  let file: string;
  beforeAll(() => {
    const checkpoint = sample();
    valid = encodeCheckpoint(checkpoint);
    disposeCheckpoint(checkpoint);
    dir = mkdtempSync(join(tmpdir(), 'rnnkit-integrity-'));
    file = fileCheckpointStore(dir).file;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses 400 flipped bytes in the weights, and each of 400 single flipped bytes anywhere, naming the file', () => {
    const before = numTensors();
    const dataStart = valid.length - 128 * 128 * 4;
    expect(() => decodeCheckpoint(flipped(valid, 400, dataStart, 1), { source: file })).toThrow(
      `decodeCheckpoint: ${file}: the checkpoint is damaged or truncated (its CRC-32 does not match)`,
    );
    let refused = 0;
    for (let i = 0; i < 400; i++) {
      const bytes = flipped(valid, 1, 0, 1000 + i);
      try {
        disposeCheckpoint(decodeCheckpoint(bytes, { source: file }));
      } catch (e) {
        if ((e as Error).message.startsWith(`decodeCheckpoint: ${file}: `)) refused++;
      }
    }
    expect(refused).toBe(400);
    expect(numTensors()).toBe(before);
  });

  it('refuses every truncation (400 lengths from 0 to the full length − 1), naming the file', () => {
    const rng = createRng(3);
    const messages = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const length = i < 40 ? i : Math.floor(rng.uniform() * valid.length);
      let message = 'decoded';
      try {
        disposeCheckpoint(decodeCheckpoint(valid.subarray(0, length), { source: file }));
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message.startsWith(`decodeCheckpoint: ${file}: `)).toBe(true);
      messages.add(message.slice(`decodeCheckpoint: ${file}: `.length).replace(/\d+ (bytes|of)/g, 'N $1').replace(/records \d+/, 'records N'));
    }
    expect([...messages].sort()).toEqual([
      "N bytes, fewer than the N of a checkpoint's fixed header (truncated)",
      'not an rnnkit checkpoint (magic "RNNKITC2" missing)',
      'the checkpoint is damaged or truncated (its CRC-32 does not match and has N bytes where it records N)',
    ]);
  });

  it('fit({ resumeFrom }) names the checkpoint file for damage, truncation and weights that do not fit the model', async () => {
    const fresh = (): { w: ReturnType<typeof variable> } => ({ w: tidy(() => variable(tensor2d(new Float32Array(128 * 128), [128, 128]))) });
    const run = async (bytes: Uint8Array): Promise<string> => {
      writeFileSync(file, bytes);
      const params = fresh();
      const optimizer = sgd();
      try {
        await fit({ params, forward: (x) => x, loss: meanSquaredError(), optimizer, x: { values: new Float32Array(2), shape: [2, 1] }, y: { values: new Float32Array(2), shape: [2, 1] }, epochs: 3, resumeFrom: dir });
        return 'resumed';
      } catch (e) {
        return (e as Error).message;
      } finally {
        params.w.dispose();
        optimizer.dispose();
      }
    };
    const before = numTensors();
    expect(await run(flipped(valid, 400, valid.length - 65536, 4))).toBe(`decodeCheckpoint: ${file}: the checkpoint is damaged or truncated (its CRC-32 does not match)`);
    expect(await run(valid.subarray(0, valid.length - 1000))).toMatch(`decodeCheckpoint: ${file}: the checkpoint is damaged or truncated (its CRC-32 does not match and has ${valid.length - 1000} bytes where it records ${valid.length})`);
    const small = sample();
    small.params['w']!.dispose();
    const w = tensor2d([1, 2], [1, 2]);
    const mismatched = encodeCheckpoint({ ...small, params: { w } });
    w.dispose();
    expect(await run(mismatched)).toBe(`fit: resuming from ${file}: checkpoint weights of "w" have shape [1, 2], the param has [128, 128]`);
    expect(numTensors()).toBe(before);
  });

  it('reads a checkpoint from a pooled Node Buffer (a small file from readFileSync: its slices are views)', () => {
    const w = tensor([1.5, -2, 3, 4.25], [2, 2]);
    const optimizer = { name: 'sgd', iterations: 0, learningRateScale: 1, slots: {} };
    const bytes = encodeCheckpoint({ epoch: 0, globalStep: 0, seed: 1, rngState: [1, 2, 3, 4], history: { epochs: [], history: {} }, params: { w }, optimizer, callbacks: {} });
    w.dispose();
    const pooled = Buffer.from(bytes); // < 4 KB: a view into Node's shared pool, at a non-zero offset
    const decoded = decodeCheckpoint(pooled, { source: file });
    expect(Array.from(decoded.params['w']!.dataSync())).toEqual([1.5, -2, 3, 4.25]);
    disposeCheckpoint(decoded);
  });

  it('reads a format-1 checkpoint (no checksum) with a warning naming the file', () => {
    const length = new DataView(valid.buffer, valid.byteOffset).getUint32(12, true);
    const header = JSON.parse(new TextDecoder().decode(valid.subarray(24, 24 + length))) as Record<string, unknown>;
    const data = valid.subarray(Math.ceil((24 + length) / 8) * 8);
    const json = new TextEncoder().encode(JSON.stringify({ ...header, version: 1 }));
    const start = Math.ceil((12 + json.length) / 8) * 8;
    const format1 = new Uint8Array(start + data.length);
    format1.set(new TextEncoder().encode('RNNKITCK'), 0);
    new DataView(format1.buffer).setUint32(8, json.length, true);
    format1.set(json, 12);
    format1.set(data, start);
    const warnings: string[] = [];
    const decoded = decodeCheckpoint(format1, { source: file, onWarning: (m) => warnings.push(m) });
    expect(Array.from(decoded.params['w']!.dataSync().slice(0, 3))).toEqual(Array.from(new Float32Array(data.buffer, data.byteOffset, 3)));
    disposeCheckpoint(decoded);
    expect(warnings).toEqual([
      `decodeCheckpoint: ${file}: a format-1 checkpoint, written before checkpoints had a checksum; its bytes cannot be verified (the next checkpoint saved has one)`,
    ]);
    // and a file written now is format 2, which round-trips
    writeFileSync(file, valid);
    expect(readFileSync(file).subarray(0, 8).toString()).toBe('RNNKITC2');
  });
});
