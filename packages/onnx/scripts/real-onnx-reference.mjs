// Writes fixtures/real-onnx/reference.json: ONNX Runtime's outputs (onnxruntime-node, independent of rnnkit)
// for each published file of fixtures/real-onnx/corpus.json on its seeded input, with the file's sha256 and
// producer. Run from packages/onnx: `node scripts/real-onnx-reference.mjs`. The files are looked for in
// fixtures/real-onnx/<slug>/model.onnx, then in the project's shared/data/real-models/onnx/<slug>/model.onnx.
//
// Inputs (the test draws the same): seed = FNV-1a 32-bit hash of the slug; mulberry32 draws u in [0, 1),
// row-major over [B, ...shape] with B = input.batch, or 2; int32 ids lo + floor(u·(hi − lo + 1)), float32 fround(lo + u·(hi − lo)).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';

const here = dirname(fileURLToPath(import.meta.url));
const fixtures = join(here, '..', 'fixtures', 'real-onnx');
const shared = process.env.RNNKIT_SHARED_DATA ?? join(here, '..', '..', '..', '..', 'shared', 'data');
const BATCH = 2;

function fnv1a(text) {
  let h = 0x811c9dc5;
  for (const c of Buffer.from(text, 'utf8')) h = Math.imul(h ^ c, 0x01000193) >>> 0;
  return h;
}

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function seededInput(entry) {
  const draw = mulberry32(fnv1a(entry.slug));
  const dims = [entry.input.batch ?? BATCH, ...entry.input.shape];
  const n = dims.reduce((a, d) => a * d, 1);
  const [lo, hi] = entry.input.range;
  const data = entry.input.dtype === 'int32' ? Int32Array.from({ length: n }, () => lo + Math.floor(draw() * (hi - lo + 1))) : Float32Array.from({ length: n }, () => Math.fround(lo + draw() * (hi - lo)));
  return { data, dims };
}

const corpus = JSON.parse(readFileSync(join(fixtures, 'corpus.json'), 'utf8'));
const entries = {};
for (const entry of corpus.entries) {
  const file = [join(fixtures, entry.slug, 'model.onnx'), join(shared, 'real-models', 'onnx', entry.slug, 'model.onnx')].find((p) => existsSync(p));
  if (file === undefined) throw new Error(`${entry.slug}: model.onnx is in neither fixtures/real-onnx nor shared/data/real-models/onnx`);
  const bytes = readFileSync(file);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (!entry.imports) {
    // fromOnnx refuses it: the test checks the error, and the sha256 that it is the file SOURCE.md names
    entries[entry.slug] = { sha256 };
    continue;
  }
  const session = await ort.InferenceSession.create(bytes);
  const input = seededInput(entry);
  const feed = new ort.Tensor(entry.input.dtype, input.data, input.dims);
  const result = await session.run({ [session.inputNames[0]]: feed });
  const out = result[session.outputNames[0]];
  entries[entry.slug] = { sha256, inputShape: input.dims, outputShape: [...out.dims], output: [...out.data] };
  await session.release();
}
writeFileSync(join(fixtures, 'reference.json'), `${JSON.stringify({ writer: `onnxruntime-node ${ort.env.versions?.node ?? ''}`.trim(), batch: BATCH, entries }, null, 1)}\n`);
console.log(`wrote reference.json for ${Object.keys(entries).length} files`);
