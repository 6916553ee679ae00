/**
 * fromOnnx on ONNX files that other people published (fixtures/real-onnx/corpus.json; each <slug>/SOURCE.md
 * names the repository, commit, path, licence, sha256 and the converter that wrote the file).
 *
 * The reference is ONNX Runtime (onnxruntime-node), independent of rnnkit, running the same file on a seeded
 * input: `reference.json`, written by scripts/real-onnx-reference.mjs, and re-run here. For each file that
 * `imports` is true of:
 * - the file is the one SOURCE.md names (sha256), and ONNX Runtime still gives reference.json's outputs;
 * - the graph after `rewriteTf2onnx` gives the same outputs in ONNX Runtime (the rewrites are identities);
 * - the imported rnnkit model predicts them within 1e-5 (|a − e| ≤ 1e-5 + 1e-5·|e|), trains a step
 *   (finite loss, every weight moves), and `toOnnx` of it predicts them in ONNX Runtime again;
 * - nothing is left behind (tf.memory().numTensors).
 * Every other entry must be refused with the error corpus.json records, naming the first op it cannot map.
 *
 * The files are data fetched from public repositories and stay out of commits; they are looked for in
 * fixtures/real-onnx/<slug>/model.onnx, then in the project's shared/data/real-models/onnx/<slug>/model.onnx.
 * Without them an entry says where it looked and is skipped.
 *
 * Inputs (as the script): seed = FNV-1a 32-bit hash of the slug; mulberry32 draws u in [0, 1), row-major over
 * [B, ...shape] with B = input.batch, or 2; int32 ids lo + floor(u·(hi − lo + 1)), float32 fround(lo + u·(hi − lo)).
 * Shapes: B batch, T time, F features.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { SHARED_DATA, corpusInput, expectClose } from '@rnnkit/testkit';
import { initBackend, numTensors, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { fromOnnx, toOnnx } from './index';
import { decodeModel, encodeModel } from './onnx-schema';
import { rewriteTf2onnx } from './tf2onnx-rewrites';

interface Entry {
  readonly slug: string;
  readonly producer: string;
  readonly layers: string;
  readonly input: { readonly shape: readonly number[]; readonly dtype: 'int32' | 'float32'; readonly range: readonly [number, number]; readonly batch?: number };
  readonly imports: boolean;
  /** For a refused file: the start of fromOnnx's error. */
  readonly error?: string;
}

interface Reference {
  readonly batch: number;
  readonly entries: Readonly<Record<string, { readonly sha256: string; readonly inputShape?: number[]; readonly outputShape?: number[]; readonly output?: number[] }>>;
}

const FIXTURES = join(__dirname, '..', 'fixtures', 'real-onnx');
const SHARED = join(SHARED_DATA, 'real-models', 'onnx');
const corpus = JSON.parse(readFileSync(join(FIXTURES, 'corpus.json'), 'utf8')) as { entries: Entry[] };
const reference = JSON.parse(readFileSync(join(FIXTURES, 'reference.json'), 'utf8')) as Reference;
const TOLERANCE = { atol: 1e-5, rtol: 1e-5 };
/** Max |rnnkit − ONNX Runtime| per slug, for the table the last test prints. */
const maxErrors = new Map<string, number>();


function seededInput(entry: Entry): { data: Float32Array | Int32Array; dims: number[] } {
  const dims = [entry.input.batch ?? reference.batch, ...entry.input.shape];
  return { data: corpusInput(entry.slug, dims, entry.input.dtype, entry.input.range), dims };
}

function modelFile(slug: string): string | null {
  return [join(FIXTURES, slug, 'model.onnx'), join(SHARED, slug, 'model.onnx')].find((p) => existsSync(p)) ?? null;
}

async function runOrt(bytes: Uint8Array, input: { data: Float32Array | Int32Array; dims: number[] }): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes);
  const feed = new ort.Tensor(input.data instanceof Int32Array ? 'int32' : 'float32', input.data, input.dims);
  const result = await session.run({ [session.inputNames[0]!]: feed });
  const out = result[session.outputNames[0]!]!.data as Float32Array;
  await session.release();
  return out;
}

function maxError(a: Float32Array, b: readonly number[]): number {
  return a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i]!)), 0);
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('fromOnnx on published ONNX files (reference: ONNX Runtime)', () => {
  for (const entry of corpus.entries) {
    const file = modelFile(entry.slug);
    const want = reference.entries[entry.slug];
    if (file === null) {
      // the published files stay out of commits (a fresh clone has only their SOURCE.md): skipped, and its name says where it looked
      it.skip(`${entry.slug}: model.onnx is absent (looked in ${join(FIXTURES, entry.slug)} and ${join(SHARED, entry.slug)})`, () => undefined);
      console.log(`from-onnx-real: skipping ${entry.slug}: no model.onnx in ${join(FIXTURES, entry.slug)} or ${join(SHARED, entry.slug)}`);
      continue;
    }
    if (!entry.imports) {
      it(`${entry.slug} (${entry.producer}): is refused with an error naming what it cannot map`, () => {
        const bytes = new Uint8Array(readFileSync(file));
        expect(createHash('sha256').update(bytes).digest('hex')).toBe(want!.sha256);
        const before = numTensors();
        expect(() => fromOnnx(bytes)).toThrow(entry.error!);
        expect(numTensors()).toBe(before);
      });
      continue;
    }

    it(`${entry.slug} (${entry.producer}): predicts as ONNX Runtime within 1e-5, trains a step and exports back`, async () => {
      if (want?.output === undefined || want.outputShape === undefined) throw new Error(`${entry.slug}: reference.json has no outputs for it; run scripts/real-onnx-reference.mjs`);
      const expected = Float32Array.from(want.output);
      const bytes = new Uint8Array(readFileSync(file));
      expect(createHash('sha256').update(bytes).digest('hex')).toBe(want.sha256);
      const input = seededInput(entry);
      expectClose(await runOrt(bytes, input), expected, { atol: 1e-6, rtol: 1e-6 });
      // the rewrites are identities of the graph: ONNX Runtime gives the same outputs after them
      const decoded = decodeModel(bytes);
      expectClose(await runOrt(encodeModel({ ...decoded, graph: rewriteTf2onnx(decoded.graph) }), input), expected, TOLERANCE);

      const before = numTensors();
      const model = fromOnnx(bytes);
      const x: Tensor = tensor(input.data, input.dims, entry.input.dtype);
      const y = model.apply(x, { training: false });
      expect(y.shape).toEqual(want.outputShape);
      const predicted = y.dataSync() as Float32Array;
      maxErrors.set(entry.slug, maxError(predicted, want.output));
      expectClose(predicted, expected, TOLERANCE);
      expectClose(await runOrt(toOnnx(model), input), expected, TOLERANCE);

      const weights = Object.fromEntries(Object.entries(model.params).map(([name, v]) => [name, Float32Array.from(v.dataSync() as Float32Array)]));
      const target = tensor(Float32Array.from(predicted, (v) => 1 - v), y.shape);
      model.compile({ optimizer: 'adam', loss: 'meanSquaredError' });
      const loss = await model.trainOnBatch(x, target);
      expect(Number.isFinite(loss as number)).toBe(true);
      for (const [name, v] of Object.entries(model.params)) {
        const moved = maxError(v.dataSync() as Float32Array, [...weights[name]!]);
        if (!(moved > 0)) throw new Error(`${entry.slug}: weight '${name}' did not change in a training step`);
      }
      for (const t of [x, y, target]) t.dispose();
      model.dispose();
      expect(numTensors()).toBe(before);
    }, 120_000);
  }

  afterAll(() => {
    const rows = corpus.entries.map((e) => `| ${e.slug} | ${e.producer} | ${e.imports ? 'imports' : 'refused'} | ${maxErrors.has(e.slug) ? maxErrors.get(e.slug)!.toExponential(1) : '—'} |`);
    console.log(['| file | producer | fromOnnx | max |rnnkit − ORT| |', '| --- | --- | --- | --- |', ...rows].join('\n'));
  });
});
