/**
 * Fuzzing of the Keras readers (see @rnnkit/testkit `fuzz`) on files made here from an rnnkit model:
 * a `.keras` archive (kerasModelBytes), its `model.weights.h5` as a Keras 3 `.weights.h5`, and a
 * Keras 2 `.h5` full model written with h5wasm in the layout `model.save` gives (root `model_config`,
 * `model_weights/<layer>/<layer>/<weight>` with `layer_names` and `weight_names`). Bytes flipped, cut,
 * overwritten, inserted, deleted or repeated, and config.json / metadata.json fields edited. Every read
 * gives a model or one clear Error naming the loader and the file, and no tensor stays behind. A read of
 * damaged `.keras` bytes that succeeds must give the original model and weights: zip members carry a
 * CRC-32 (Keras' own loader, through Python's zipfile, refuses a damaged member), so a changed weight
 * that loads is a silent wrong answer. HDF5 keeps no checksum of dataset values, so edits inside an
 * `.h5` may load with other weights; there only the outcome is checked.
 *
 * Memory: each read is bounded by expectCleanOutcomeAsync; over each whole run (hundreds of reads,
 * most refused), what stays behind is bounded by the largest single input L, not by how many were
 * read: h5wasm's stack may lose at most L/2 bytes, its heap top and linear memory may grow by at most
 * 128 L (HDF5's free lists keep freed blocks for reuse, up to their limits), and the process heap
 * (after full collections) by at most 64 L + 16 MiB: V8's heap moves by up to 12 MB between runs of
 * the same inputs (code and feedback compiled concurrently, caches that age over collections; seen in
 * runs on a loaded machine), so this part catches only what keeps more than about 4 L per read. Before hdf5.ts stopped throwing through
 * h5wasm's C frames, each refusal kept 0.9 KB of h5wasm's stack and 7.6 KB of its heap (about
 * 160 KB and 1.1–2.0 MB over a run of 200); the few errors that still throw (see hdf5.ts: about 0.2 KB
 * of stack each, for files whose object headers are damaged) are bounded for the whole process by
 * STACK_LOSS_LIMIT.
 */
import fc from 'fast-check';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { bidirectional, dense, embedding, gru, lstm, sequential, toLayersArtifacts } from '@rnnkit/models';
import type { KerasFileModel, LayersWeightSpec, Sequential } from '@rnnkit/models';
import { initBackend, numTensors } from '@rnnkit/tensor';
import { applyByteEdits, applyJsonEdits, byteEdits, expectCleanOutcomeAsync, fuzzAsync, fuzzRuns, jsonEdits } from '@rnnkit/testkit';
import type { FuzzOutcome } from '@rnnkit/testkit';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { kerasModelBytes, loadKerasModel, loadKerasWeights } from './index';
import { h5wasmGrowth, h5wasmUse } from './test-h5wasm';
import type { H5wasmUse } from './test-h5wasm';

// a full collection before each reading of the process heap, so that garbage is not counted as kept
setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** What the process and h5wasm hold. */
interface MemoryUse {
  readonly h5wasm: H5wasmUse;
  /** V8 heap and array buffers, after a full collection. */
  readonly process: number;
}

async function memoryUse(): Promise<MemoryUse> {
  // a few collections, with the event loop turned between them, so that finalizers and concurrent work settle
  for (let i = 0; i < 3; i++) {
    collectGarbage();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { h5wasm: await h5wasmUse(), process: heapUsed + arrayBuffers };
}

/** The largest input of the current run. */
let largest = 0;

/** `bytes`, counted as fed to a reader. */
function fed(bytes: Uint8Array): Uint8Array {
  largest = Math.max(largest, bytes.length);
  return bytes;
}


/**
 * Runs the fuzz property, after a warm-up of the same plan (another seed, half as many inputs) so
 * that code compiled on first use is not counted, and checks the memory property of the run (see the
 * file's comment): what stayed behind since its start. Without the warm-up, or with one of 40 inputs
 * that all happened to be refused, a first run counted up to 8.7 MB of code and feedback that later
 * runs never added to.
 */
async function fuzzWithinMemoryBound<P>(name: string, seed: number, runs: number, plan: fc.Arbitrary<P>, check: (p: P) => Promise<FuzzOutcome>): Promise<void> {
  const before = numTensors();
  await fuzzAsync(`${name}, warm-up`, { seed: seed + 10_000, runs: Math.max(40, Math.ceil(runs / 2)) }, plan, check);
  largest = 0;
  const memory = await memoryUse();
  await fuzzAsync(name, { seed, runs }, plan, check);
  expect(numTensors()).toBe(before);
  await expectMemoryBoundedByLargestInput(name, memory);
}

/** The memory property of a whole run: what stayed behind since `before`. */
async function expectMemoryBoundedByLargestInput(name: string, before: MemoryUse): Promise<void> {
  const after = await memoryUse();
  const h5wasm = h5wasmGrowth(before.h5wasm, after.h5wasm);
  const kept = after.process - before.process;
  console.info(`memory after fuzz ${name}: largest input ${largest} B; h5wasm stack lost ${h5wasm.stack} B, heap top +${h5wasm.heap} B, linear memory +${h5wasm.memory} B; process heap ${kept >= 0 ? '+' : ''}${kept} B`);
  expect(h5wasm.stack).toBeLessThanOrEqual(largest / 2);
  expect(h5wasm.heap).toBeLessThanOrEqual(128 * largest);
  expect(h5wasm.memory).toBeLessThanOrEqual(128 * largest);
  expect(kept).toBeLessThanOrEqual(64 * largest + 16 * 2 ** 20);
}

const quiet = { onWarning: (): void => undefined };
const build = (): Sequential =>
  sequential([embedding({ inputDim: 12, outputDim: 3 }), bidirectional(lstm({ units: 2, returnSequences: true })), gru({ units: 2 }), dense({ units: 2, activation: 'softmax' })], {
    inputShape: [5],
    seed: 7,
  });

let model: Sequential;
let keras: Uint8Array;
let original: Record<string, Float32Array>;
let topology: string;

/** The loaded model must be the saved one: same layers, same weights, bit for bit. */
function sameAsSaved(loaded: KerasFileModel | Sequential): void {
  try {
    const params = Object.fromEntries(Object.entries(loaded.params).map(([k, v]) => [k, Array.from(v.dataSync() as Float32Array)]));
    const want = Object.fromEntries(Object.entries(original).map(([k, v]) => [k, Array.from(v)]));
    const changed = Object.keys(want).filter((k) => JSON.stringify(params[k]) !== JSON.stringify(want[k]));
    if (changed.length > 0 || Object.keys(params).length !== Object.keys(want).length) throw new Error(`a damaged file loaded with other weights (${changed.join(', ') || 'other names'})`);
  } finally {
    loaded.dispose();
  }
}

/** Like {@link sameAsSaved}, and the architecture too (for reads of a whole model). */
function sameModelAsSaved(loaded: KerasFileModel): void {
  const seen = loaded.kind === 'sequential' ? JSON.stringify(toLayersArtifacts(loaded).modelTopology) : loaded.kind;
  if (seen !== topology) {
    loaded.dispose();
    throw new Error(`a damaged file loaded as another model: ${seen.slice(0, 300)}`);
  }
  sameAsSaved(loaded);
}

/** A Keras 2 `model.save` `.h5` of the same model, from its tfjs-layers artifacts (Keras 2's JSON), written with h5wasm. */
async function keras2H5(): Promise<Uint8Array> {
  const artifacts = toLayersArtifacts(model);
  const h5 = (await import('h5wasm')).default;
  const module = await h5.ready;
  const path = '/fuzz-keras2.h5';
  const file = new h5.File(path, 'w');
  file.create_attribute('model_config', JSON.stringify(artifacts.modelTopology));
  file.create_attribute('keras_version', '2.2.4');
  file.create_attribute('backend', 'tensorflow');
  const root = file.create_group('model_weights');
  const byLayer = new Map<string, LayersWeightSpec[]>();
  for (const spec of artifacts.weightSpecs) {
    const layer = spec.name.split('/')[0]!;
    byLayer.set(layer, [...(byLayer.get(layer) ?? []), spec]);
  }
  const layers = model.layers.map((l) => l.name);
  root.create_attribute('layer_names', layers);
  let at = 0;
  const data = new Float32Array(artifacts.weightData);
  for (const layer of layers) {
    const group = root.create_group(layer);
    const specs = byLayer.get(layer) ?? [];
    group.create_attribute('weight_names', specs.length > 0 ? specs.map((s) => `${s.name}:0`) : new Float32Array(0));
    for (const spec of specs) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const parts = spec.name.split('/');
      let g = group;
      for (const part of parts.slice(0, -1)) g = (g.get(part) as typeof group | null) ?? g.create_group(part);
      g.create_dataset({ name: `${parts.at(-1)}:0`, data: data.slice(at, at + size), shape: [...spec.shape], dtype: '<f' });
      at += size;
    }
  }
  file.close();
  const bytes = module.FS.readFile(path);
  module.FS.unlink(path);
  return bytes;
}

let h5: Uint8Array;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  model = build();
  keras = await kerasModelBytes(model);
  original = Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, Float32Array.from(v.dataSync() as Float32Array)]));
  topology = JSON.stringify(toLayersArtifacts(model).modelTopology);
  h5 = await keras2H5();
  // the files are good before they are damaged
  sameModelAsSaved(await loadKerasModel(keras, quiet));
  sameModelAsSaved(await loadKerasModel(h5, quiet));
});

afterAll(() => model.dispose());

const rezip = (members: Record<string, Uint8Array>): Uint8Array => zipSync(members, { level: 0 });

describe('fuzz: the Keras readers give a model or one clear Error', () => {
  it('.keras bytes (loadKerasModel)', async () => {
    await fuzzWithinMemoryBound('loadKerasModel (.keras, bytes)', 1501, fuzzRuns(200), byteEdits, (edits) => {
      const bytes = fed(applyByteEdits(keras, edits));
      return expectCleanOutcomeAsync(() => loadKerasModel(bytes, quiet), bytes.length, { names: 'loadKerasModel' }, sameModelAsSaved);
    });
  }, 60_000);

  it('model.weights.h5 bytes inside a .keras (loadKerasModel)', async () => {
    const members = unzipSync(keras);
    await fuzzWithinMemoryBound('loadKerasModel (.keras, model.weights.h5 bytes)', 1502, fuzzRuns(200), byteEdits, (edits) => {
      const bytes = fed(rezip({ ...members, 'model.weights.h5': applyByteEdits(members['model.weights.h5']!, edits) }));
      // re-zipped with a fresh CRC, and HDF5 keeps no checksum of a dataset's values: a changed weight may load
      return expectCleanOutcomeAsync(() => loadKerasModel(bytes, quiet), bytes.length, { names: 'loadKerasModel' }, (m) => m.dispose());
    });
  }, 60_000);

  it('config.json and metadata.json fields (loadKerasModel)', async () => {
    const members = unzipSync(keras);
    const parsed = {
      'config.json': JSON.parse(new TextDecoder().decode(members['config.json'])) as unknown,
      'metadata.json': JSON.parse(new TextDecoder().decode(members['metadata.json'])) as unknown,
    };
    const plan = fc.record({ member: fc.constantFrom('config.json' as const, 'config.json' as const, 'metadata.json' as const), edits: jsonEdits });
    await fuzzWithinMemoryBound('loadKerasModel (.keras, JSON edits)', 1503, fuzzRuns(250), plan, ({ member, edits }) => {
      const bytes = fed(rezip({ ...members, [member]: strToU8(JSON.stringify(applyJsonEdits(parsed[member], edits))) }));
      // an edited config is another model: a valid result is freed, not compared
      return expectCleanOutcomeAsync(() => loadKerasModel(bytes, quiet), bytes.length, { names: 'loadKerasModel' }, (m) => m.dispose());
    });
  }, 60_000);

  it('a Keras 3 .weights.h5 (loadKerasWeights)', async () => {
    const weights = unzipSync(keras)['model.weights.h5']!;
    await fuzzWithinMemoryBound('loadKerasWeights (.weights.h5, bytes)', 1504, fuzzRuns(200), byteEdits, (edits) => {
      const bytes = fed(applyByteEdits(weights, edits));
      return expectCleanOutcomeAsync(() => loadKerasWeights(model, bytes, quiet), bytes.length, { names: 'loadKerasWeights' }, (m) => m.dispose());
    });
  }, 60_000);

  it('a Keras 2 .h5 (loadKerasModel and loadKerasWeights)', async () => {
    // found here (seed 77, sample 1734): 4 bytes inserted into the free-space header of the global
    // heap; HDF5 read its size as 0 and decoded it forever (see hdf5-global-heap.ts)
    const looped = applyByteEdits(h5, [
      { kind: 'repeat', at: 594375615, length: 92 },
      { kind: 'repeat', at: 1727214014, length: 248 },
      { kind: 'insert', at: 1364603905, bytes: [187, 0, 166, 255] },
    ]);
    await expect(loadKerasModel(looped, quiet)).rejects.toThrow(/: the global heap collection at byte 2048 is damaged: object 0 at byte 3912 has a size HDF5 reads as 0 /);
    await fuzzWithinMemoryBound('loadKerasModel (Keras 2 .h5, bytes)', 1505, fuzzRuns(200), fc.tuple(byteEdits, fc.boolean()), ([edits, weightsOnly]) => {
      const bytes = fed(applyByteEdits(h5, edits));
      return weightsOnly
        ? expectCleanOutcomeAsync(() => loadKerasWeights(model, bytes, quiet), bytes.length, { names: 'loadKerasWeights' }, (m) => m.dispose())
        : expectCleanOutcomeAsync(() => loadKerasModel(bytes, quiet), bytes.length, { names: 'loadKerasModel' }, (m) => m.dispose());
    });
  }, 60_000);
});
