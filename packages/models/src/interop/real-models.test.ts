/**
 * The corpus of real, published tfjs-layers model files with recurrent layers (issue 14): each file
 * in `fixtures/real-models/corpus.json` (SOURCE.md beside each names its repository, commit, path and
 * licence) is loaded with `loadLayersModelFiles` and run on a deterministic input.
 *
 * References, both independent of rnnkit:
 * - tfjs-layers 4.22 loading the same files, where it can (`tfjsLayersLoads` in the corpus);
 * - otherwise `numpy-reference.json`, written by `scripts/real-models-reference.py` (the Keras
 *   equations in float64 NumPy, run with Debian's /usr/bin/python3). Where both exist the test also
 *   checks that they agree, which validates the script.
 *
 * Entries in EXPECTED_TO_LOAD must load and match their reference within 1e-5 (|a − e| ≤ 1e-5 +
 * 1e-5·|e|); every other entry must be refused with an Error (not a crash or a hang), whose message
 * the table records. An entry that starts to load fails the test until it is added to
 * EXPECTED_TO_LOAD, so the set only grows as the loader does. Each entry also checks that rnnkit
 * leaves no tensor behind and that tfjs-layers still loads (or refuses) it as corpus.json records.
 * The last test prints the corpus table and "rnnkit loads N of M, tfjs-layers loads K of M".
 *
 * Inputs (identical in the Python script): seed = FNV-1a 32-bit hash of the slug; mulberry32 draws
 * u in [0, 1), row-major over [B, ...shape]; int32 ids lo + floor(u·(hi − lo + 1)), float32 values
 * fround(lo + u·(hi − lo)); B = input.batch when the file fixes it, else 2.
 *
 * The model files are looked for in `fixtures/real-models/<slug>/`, then in the project's
 * `shared/data/real-models/<slug>/`; without them the suite is skipped and says where it looked.
 *
 * Shapes: B batch, T time, F features.
 */
import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { corpusInput, describeEachBackend } from '@rnnkit/testkit';
import { dispose, numTensors, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { fromLayersArtifacts, loadLayersModelFiles, toLayersArtifacts } from '../index';
import { REAL_MODELS, REAL_MODELS_SHARED, realModelFile } from '../test-utils';

interface CorpusEntry {
  readonly slug: string;
  readonly task: string;
  readonly modelJson: string;
  readonly layers: readonly string[];
  readonly input: { readonly shape: readonly number[]; readonly dtype: 'int32' | 'float32'; readonly range: readonly [number, number]; readonly batch?: number };
  readonly variants: readonly string[];
  readonly tfjsLayersLoads: boolean;
  readonly tfjsLayersError?: string;
}

interface NumpyReference {
  readonly entries: Readonly<Record<string, { readonly inputShape: readonly number[]; readonly outputShape: readonly number[]; readonly output: readonly number[] }>>;
}

interface ModelJsonFile {
  readonly modelTopology: object;
  readonly weightsManifest: readonly { readonly paths: readonly string[]; readonly weights: readonly tfc.io.WeightsManifestEntry[] }[];
}

/** What one entry gave on one backend, for the table. */
interface Outcome {
  readonly slug: string;
  readonly layers: string;
  readonly rnnkitLoads: boolean;
  readonly tfjsLoads: boolean;
  readonly reference: 'tfjs-layers' | 'numpy' | 'none';
  readonly maxError: number | null;
  /** Where `toLayersArtifacts` of the loaded model was read back: by tfjs-layers, or (when it cannot run the model) by rnnkit. */
  readonly roundTrip: 'tfjs-layers' | 'rnnkit' | '—';
  readonly note: string;
}

/** The slugs rnnkit loads today; each must match its reference within TOLERANCE. */
const EXPECTED_TO_LOAD: ReadonlySet<string> = new Set([
  'reiinakano-textgen-lstm',
  'jessvb-nietzsche-tfjs074',
  'jessvb-harrypotter-keras222',
  'jessvb-narnia-wordlstm',
  'ihearu-sign-lstm',
  'quant-stock-lstm-tfjs152',
  'textclassifier-news-bilstm',
  'chargex-battery-lstm-keras3',
  'pancakeswap-price-lstm-tfjs422',
  'chemhover-smiles-gru',
  'dainas-textgen-lstm-tfjs132',
  'nextword-lstm-keras224',
  'naima-music-gru-functional',
  'hpssjellis-sentiment-gru',
  'molecule-dream-stateful-gru',
]);

const TOLERANCE = { rtol: 1e-5, atol: 1e-5 } as const;
const FIXTURES = REAL_MODELS;
const SHARED_COPY = REAL_MODELS_SHARED;
const corpus = JSON.parse(readFileSync(join(FIXTURES, 'corpus.json'), 'utf8')) as readonly CorpusEntry[];
const numpy = JSON.parse(readFileSync(join(FIXTURES, 'numpy-reference.json'), 'utf8')) as NumpyReference;

function modelPath(entry: CorpusEntry): string | null {
  return realModelFile(entry.modelJson);
}


/** The entry's deterministic input [B, ...shape] (the generator in this file's header). */
function makeInput(entry: CorpusEntry): Tensor {
  const shape = [entry.input.batch ?? 2, ...entry.input.shape];
  return tensor(corpusInput(entry.slug, shape, entry.input.dtype, entry.input.range), shape, entry.input.dtype);
}

/** tfjs-layers' own loading of the files: model.json plus its shards concatenated in manifest order. */
async function loadWithTfjs(path: string): Promise<tfl.LayersModel> {
  const json = JSON.parse(readFileSync(path, 'utf8')) as ModelJsonFile;
  const shards = json.weightsManifest.flatMap((g) => g.paths.map((p) => readFileSync(join(dirname(path), p))));
  const all = Buffer.concat(shards);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  return tfl.loadLayersModel(tfc.io.fromMemory({ modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g) => [...g.weights]), weightData }));
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** NumPy's rule, |a − e| ≤ atol + rtol·|e|, for every element. */
function withinTolerance(actual: ArrayLike<number>, expected: ArrayLike<number>): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) {
    if (!(Math.abs(actual[i]! - expected[i]!) <= TOLERANCE.atol + TOLERANCE.rtol * Math.abs(expected[i]!))) return false;
  }
  return true;
}

function table(outcomes: readonly Outcome[]): string {
  const rows = outcomes.map((o) => [
    o.slug,
    o.layers,
    o.rnnkitLoads ? 'yes' : 'no',
    o.tfjsLoads ? 'yes' : 'no',
    o.reference,
    o.maxError === null ? '—' : o.maxError.toExponential(1),
    o.roundTrip,
    o.note.length > 90 ? `${o.note.slice(0, 87)}...` : o.note,
  ]);
  const head = ['slug', 'layers', 'rnnkit loads', 'tfjs-layers loads', 'reference', 'max |error|', 'round trip read by', 'rnnkit error'];
  const lines = [head, head.map(() => '---'), ...rows].map((r) => `| ${r.join(' | ')} |`);
  const n = outcomes.filter((o) => o.rnnkitLoads).length;
  const k = outcomes.filter((o) => o.tfjsLoads).length;
  return `${lines.join('\n')}\n\nrnnkit loads ${n} of ${outcomes.length}, tfjs-layers loads ${k} of ${outcomes.length}`;
}

const missing = corpus.filter((e) => modelPath(e) === null).map((e) => e.slug);
const suite: typeof describeEachBackend = missing.length === 0 ? describeEachBackend : () => undefined;
if (missing.length > 0) {
  // skipped for a reason the run shows: which files are missing and where they were looked for
  describe.skip(`real published tfjs-layers models (skipped: ${missing.length} model files not found under ${FIXTURES} or ${SHARED_COPY})`, () => {
    it('needs the corpus files', () => undefined);
  });
  console.warn(`real-models: model files of ${missing.join(', ')} not found under ${FIXTURES} or ${SHARED_COPY}; suite skipped`);
}

suite(['cpu', 'wasm'], 'real published tfjs-layers models', (backend) => {
  const outcomes: Outcome[] = [];

  for (const entry of corpus) {
    it(`${entry.slug}: ${EXPECTED_TO_LOAD.has(entry.slug) ? 'loads and matches its reference' : 'is refused with a clear Error'}`, async () => {
      const path = modelPath(entry)!;
      const x = makeInput(entry);

      // the reference: tfjs-layers where it loads the file (as corpus.json records), else NumPy
      let tfjsValues: Float32Array | null = null;
      let tfjsError = '';
      try {
        const theirs = await loadWithTfjs(path);
        const y = theirs.predict(x as unknown as tfc.Tensor) as tfc.Tensor;
        tfjsValues = y.dataSync() as Float32Array;
        y.dispose();
        theirs.dispose();
      } catch (error) {
        tfjsError = error instanceof Error ? error.message : String(error);
      }
      const fromNumpy = numpy.entries[entry.slug];
      const reference = tfjsValues ?? (fromNumpy === undefined ? null : Float64Array.from(fromNumpy.output));

      // rnnkit's side must leave no tensor behind (tfjs-layers' stateful GRU keeps its state tensors, even
      // after dispose: what its round-trip model leaves is counted apart)
      const before = numTensors();
      let leftByTfjs = 0;
      let loaded: Awaited<ReturnType<typeof loadLayersModelFiles>> | null = null;
      let refusal: unknown = null;
      try {
        loaded = await loadLayersModelFiles(path);
      } catch (error) {
        refusal = error;
      }
      let maxError: number | null = null;
      let matches = false;
      let applyError = '';
      let roundTrip: Outcome['roundTrip'] = '—';
      let roundTripMatches = false;
      if (loaded !== null) {
        try {
          const y = loaded.apply(x, { training: false });
          const values = y.dataSync();
          dispose(y);
          if (reference !== null) {
            maxError = maxAbsDiff(values, reference);
            matches = withinTolerance(values, reference);
          }
          // round trip: our export of the loaded model, read by tfjs-layers where it can run the model
          // (it cannot run Keras 3's reset-after GRU), else by our own reader, predicts the same
          // tfjs-layers builds a stateful layer only for the batch size the file fixes
          const artifacts = toLayersArtifacts(loaded, entry.input.batch === undefined ? {} : { batchSize: entry.input.batch });
          const resetAfterGru = JSON.stringify(artifacts.modelTopology).includes('"reset_after":true');
          let back: Float32Array | Int32Array | Uint8Array;
          if (resetAfterGru) {
            const again = fromLayersArtifacts(artifacts);
            const z = again.apply(x, { training: false });
            back = z.dataSync();
            dispose(z);
            again.dispose();
            roundTrip = 'rnnkit';
          } else {
            const beforeTfjs = numTensors();
            const again = await tfl.loadLayersModel(tfc.io.fromMemory(artifacts as unknown as tfc.io.ModelArtifacts));
            const z = again.predict(x as unknown as tfc.Tensor) as tfc.Tensor;
            back = z.dataSync() as Float32Array;
            z.dispose();
            again.dispose();
            leftByTfjs = numTensors() - beforeTfjs;
            roundTrip = 'tfjs-layers';
          }
          roundTripMatches = withinTolerance(back, values);
        } catch (error) {
          applyError = `loads, but predicting fails: ${error instanceof Error ? error.message : String(error)}`;
        } finally {
          loaded.dispose();
        }
      }
      const leaked = numTensors() - before - leftByTfjs;
      dispose(x);
      const message = refusal instanceof Error ? refusal.message.replace(`${path}: `, '') : String(refusal ?? '');
      outcomes.push({
        slug: entry.slug,
        layers: entry.layers.join(', '),
        rnnkitLoads: loaded !== null,
        tfjsLoads: tfjsValues !== null,
        reference: tfjsValues !== null ? 'tfjs-layers' : fromNumpy !== undefined ? 'numpy' : 'none',
        maxError,
        roundTrip,
        note: loaded === null ? message : applyError !== '' ? applyError : matches ? '' : 'predictions differ from the reference',
      });
      expect({ slug: entry.slug, leaked }).toEqual({ slug: entry.slug, leaked: 0 });
      expect({ slug: entry.slug, tfjsLayersLoads: tfjsValues !== null, tfjsError: tfjsValues === null ? tfjsError : undefined }).toEqual({
        slug: entry.slug,
        tfjsLayersLoads: entry.tfjsLayersLoads,
        tfjsError: entry.tfjsLayersError,
      });
      if (tfjsValues !== null && fromNumpy !== undefined) {
        // the NumPy script agrees with tfjs-layers, so it can stand in where tfjs-layers cannot load
        expect({ slug: entry.slug, numpyMatchesTfjs: withinTolerance(tfjsValues, fromNumpy.output) }).toEqual({ slug: entry.slug, numpyMatchesTfjs: true });
      }

      if (EXPECTED_TO_LOAD.has(entry.slug)) {
        expect({ slug: entry.slug, refusal: message, applyError }).toEqual({ slug: entry.slug, refusal: '', applyError: '' });
        expect(reference).not.toBeNull();
        expect({ slug: entry.slug, maxError, matches }).toEqual({ slug: entry.slug, maxError, matches: true });
        expect({ slug: entry.slug, roundTrip, roundTripMatches }).toEqual({ slug: entry.slug, roundTrip, roundTripMatches: true });
      } else {
        // an entry that loads now belongs in EXPECTED_TO_LOAD (with its error against the reference shown here)
        expect({ slug: entry.slug, loads: loaded !== null, maxError }).toEqual({ slug: entry.slug, loads: false, maxError: null });
        expect(refusal).toBeInstanceOf(Error);
        expect(message.length).toBeGreaterThan(20);
      }
    }, 30_000);
  }

  it('the comparison catches a prediction off by 1e-4 (negative control)', () => {
    const expected = numpy.entries['chargex-battery-lstm-keras3']!.output;
    const off = expected.map((v, i) => (i === 0 ? v + 1e-4 : v));
    expect([withinTolerance(expected, expected), withinTolerance(off, expected)]).toEqual([true, false]);
  });

  it('prints the corpus table', () => {
    console.log(`real published tfjs-layers models [${backend}]\n\n${table(outcomes)}`);
    expect(outcomes.map((o) => o.slug)).toEqual(corpus.map((e) => e.slug));
  });
});
