/**
 * Real Keras files from public repositories (fixtures/real-models/corpus.json; each <slug>/SOURCE.md
 * names the repository, commit, path and licence): each loads with `loadKerasModel`, and its
 * predictions equal `keras-reference.json` — the Keras equations in float64 NumPy reading the same
 * file with h5py (scripts/keras-files-reference.py), not rnnkit — within 1e-5 (|a − e| ≤ 1e-5 + 1e-5·|e|).
 * `.keras` files also go through `kerasModelBytes` → `loadKerasModel` bit-exactly, and their
 * re-saved weights file has the real file's groups, attributes, dataset names, dtypes and shapes
 * (Keras 3 Functional files kept functional and written as Functional models, InputLayer groups included).
 * Where a model exists as tfjs-layers files too, both routes give the same predictions.
 *
 * Inputs: the generator of packages/models/src/interop/real-models.test.ts (FNV-1a of the slug →
 * mulberry32; int32 lo + floor(u·(hi − lo + 1)), float32 fround(lo + u·(hi − lo)); batch 2; an entry's
 * `maskedTail` [k, v] then sets the second sequence's last k steps to v, as the reference script does).
 * The files are looked for in fixtures/real-models/<slug>/, then in shared/data/real-models/<slug>/;
 * a missing file skips its test with the reason printed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { unzipSync } from 'fflate';
import { loadLayersModelFiles } from '@rnnkit/models';
import type { KerasFileModel } from '@rnnkit/models';
import { dispose, initBackend, numTensors, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { SHARED_DATA, corpusInput } from '@rnnkit/testkit';
import { readHdf5 } from './hdf5';
import { globalHeapProblem } from './hdf5-global-heap';
import { kerasModelBytes, loadKerasModel } from './index';

interface Entry {
  readonly slug: string;
  readonly file: string;
  readonly kind: string;
  readonly input: {
    readonly shape: readonly number[];
    readonly dtype: 'int32' | 'float32';
    readonly range: readonly [number, number];
    /** [steps, value]: the second sequence's last `steps` time steps set to `value` (what a Masking layer masks) */
    readonly maskedTail?: readonly [number, number];
  };
  readonly tfjsTwin?: string;
  /** The reference keeps every `outputStride`-th output value (a large output); 1 when absent. */
  readonly outputStride?: number;
  /** Why the file's weights layout is not Keras 3's (the round trip is still checked, the layout comparison not). */
  readonly layoutDiffers?: string;
}

const FIXTURES = resolve(__dirname, '..', 'fixtures', 'real-models');
const corpus = JSON.parse(readFileSync(join(FIXTURES, 'corpus.json'), 'utf8')) as readonly Entry[];
const reference = JSON.parse(readFileSync(join(FIXTURES, 'keras-reference.json'), 'utf8')) as {
  entries: Record<string, { outputShape: number[]; outputStride?: number; output: number[] }>;
};

function find(relative: string, bases: readonly string[]): string | null {
  return bases.map((b) => join(b, relative)).find((p) => existsSync(p)) ?? null;
}


function makeInput(entry: Entry): Tensor {
  const shape = [2, ...entry.input.shape];
  const values = corpusInput(entry.slug, shape, entry.input.dtype, entry.input.range);
  if (entry.input.dtype === 'int32') return tensor(values, shape, 'int32');
  if (entry.input.maskedTail !== undefined) {
    const [steps, value] = entry.input.maskedTail;
    const [, time, features] = shape as [number, number, number];
    values.fill(value, (2 * time - steps) * features, 2 * time * features);
  }
  return tensor(values, shape, 'float32');
}

function predict(model: KerasFileModel, entry: Entry): Float32Array {
  const x = makeInput(entry);
  const y = model.apply(x, { training: false });
  const out = y.dataSync() as Float32Array;
  dispose([x, y]);
  return out;
}

/** How far the worst value is past the tolerance (≤ 0: all within); the reference may hold every `stride`-th value. */
function maxViolation(actual: Float32Array, expected: { readonly output: readonly number[]; readonly outputStride?: number }): number {
  const stride = expected.outputStride ?? 1;
  expect(expected.output.length).toBe(Math.ceil(actual.length / stride));
  return Math.max(...expected.output.map((e, i) => Math.abs(actual[i * stride]! - e) - (1e-5 + 1e-5 * Math.abs(e))));
}

/** Groups (with attributes) and datasets (dtype, shape) of a .keras file's weights, the optimizer's and compiled metrics' state left out. */
async function weightsLayout(keras: Uint8Array): Promise<Record<string, string>> {
  const h5 = unzipSync(keras)['model.weights.h5']!;
  return readHdf5(h5, 'layout', (file) => {
    const out: Record<string, string> = {};
    const walk = (path: string): void => {
      for (const key of file.keys(path)) {
        const at = path === '' ? key : `${path}/${key}`;
        if (at === 'optimizer' || at === 'metrics') continue;
        if (file.isDataset(at)) {
          const d = file.dataset(at);
          out[at] = `dataset ${d.dtype} [${d.shape.join(', ')}]`;
        } else {
          out[at] = `group ${JSON.stringify(file.attrs(at))}`;
          walk(at);
        }
      }
    };
    walk('');
    return out;
  });
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe.each(corpus.map((e) => [e.slug, e] as const))('%s', (_slug, entry) => {
  const path = find(entry.file, [FIXTURES, join(SHARED_DATA, 'real-models')]);
  // skipped only where the published file is absent (it stays out of commits; a fresh clone has only its SOURCE.md):
  // the log line below names the file and where it was looked for
  const run = path === null ? test.skip : test;
  if (path === null) console.log(`${entry.slug}: skipped, ${entry.file} is in neither ${FIXTURES} nor ${join(SHARED_DATA, 'real-models')} (see its SOURCE.md)`);

  run(`loads (${entry.kind}) and matches the float64 NumPy reference within 1e-5`, async () => {
    const before = numTensors();
    const model = await loadKerasModel(path!, { onWarning: () => {} });
    const expected = reference.entries[entry.slug]!;
    expect([...model.outputShape.slice(1)]).toEqual(expected.outputShape.slice(1));
    expect(maxViolation(predict(model, entry), expected)).toBeLessThanOrEqual(0);
    model.dispose();
    expect(numTensors()).toBe(before);
  });

  run('passes the global heap check that guards HDF5 against looping (hdf5-global-heap.ts)', () => {
    const bytes = new Uint8Array(readFileSync(path!));
    const store = entry.file.endsWith('.keras') ? unzipSync(bytes)['model.weights.h5']! : bytes;
    expect(globalHeapProblem(store)).toBeNull();
  });

  if (entry.kind.includes('.keras')) {
    const layout = entry.layoutDiffers === undefined ? ', in the real file\'s weights layout' : ` (layout not compared: ${entry.layoutDiffers})`;
    // a Keras 3 Functional file is kept functional (keepFunctional) and written back as a Functional
    const functional = /^Keras 3\..*\(functional/.test(entry.kind);
    run(`round-trips through kerasModelBytes bit-exactly${functional ? ' as a functional model' : ''}${layout}`, async () => {
      const before = numTensors();
      const model = await loadKerasModel(path!, { onWarning: () => {}, keepFunctional: functional });
      expect(model.kind).toBe(functional ? 'functional' : 'sequential');
      if (functional) expect(maxViolation(predict(model, entry), reference.entries[entry.slug]!)).toBeLessThanOrEqual(0);
      const saved = await kerasModelBytes(model);
      const again = await loadKerasModel(saved, { keepFunctional: functional });
      expect(again.kind).toBe(model.kind);
      for (const [name, v] of Object.entries(model.params)) {
        expect(Buffer.from((again.params[name]!.dataSync() as Float32Array).buffer).equals(Buffer.from((v.dataSync() as Float32Array).buffer))).toBe(true);
      }
      expect(Array.from(predict(again, entry))).toEqual(Array.from(predict(model, entry)));
      model.dispose();
      again.dispose();
      expect(numTensors()).toBe(before);
      if (entry.layoutDiffers !== undefined) return;
      const real = await weightsLayout(new Uint8Array(readFileSync(path!)));
      const ours = await weightsLayout(saved);
      // Keras before 3.9 (and tf.keras 2.15) wrote no `name` attribute on vars groups: compared for Keras 3.10 and later
      const withNames = /^Keras 3\.1\d/.test(entry.kind);
      const comparable = withNames ? real : Object.fromEntries(Object.entries(real).map(([k, v]) => [k, v.replace(/^group \{.*\}$/, 'group {}')]));
      const oursComparable = withNames ? ours : Object.fromEntries(Object.entries(ours).map(([k, v]) => [k, v.replace(/^group \{.*\}$/, 'group {}')]));
      expect(oursComparable).toEqual(comparable);
    });
  }

  if (entry.tfjsTwin !== undefined) {
    const twin = find(entry.tfjsTwin, [resolve(__dirname, '..', '..', 'models', 'fixtures', 'real-models'), join(SHARED_DATA, 'real-models')]);
    if (twin === null) console.log(`${entry.slug}: tfjs-layers twin ${entry.tfjsTwin} not found, route comparison skipped`);
    // skipped only where this file or its tfjs-layers twin is absent (both stay out of commits), as logged above
    (twin === null || path === null ? test.skip : test)('gives the same predictions as its tfjs-layers files through loadLayersModelFiles', async () => {
      const viaKeras = await loadKerasModel(path!, { onWarning: () => {} });
      const viaTfjs = await loadLayersModelFiles(twin!, { onWarning: () => {} });
      expect(Array.from(predict(viaKeras, entry))).toEqual(Array.from(predict(viaTfjs, entry)));
      viaKeras.dispose();
      viaTfjs.dispose();
    });
  }
});
