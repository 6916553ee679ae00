/**
 * Reading a Keras 3 weights store whose groups tf.keras 2.13–2.15 wrote on Windows: the part of each
 * path before `/vars` joined by backslashes into one group name (`layers\lstm\cell/vars`), as in the
 * real file of fixtures/real-models/gait-cnn-lstm-keras215 (which is git-ignored, so this builds one).
 * Both layouts give the same weights, in the same order, named the same.
 */
import { readHdf5, writeHdf5 } from './hdf5';
import type { Hdf5Writer } from './hdf5';
import type { KerasLayerJson } from './keras-json';
import { keras3StoreWeights } from './read-weights';

const LAYERS: KerasLayerJson[] = [
  { class_name: 'InputLayer', config: { name: 'x' } },
  { class_name: 'LSTM', config: { name: 'lstm_1', units: 2 } },
  { class_name: 'Dense', config: { name: 'head', units: 1 } },
];

/** [group path, datasets [shape, first value]] of the LSTM's cell and the Dense, with `/` between the parts. */
const STORE: [string, [number[], number][]][] = [
  ['layers/lstm/cell/vars', [[[3, 8], 1], [[2, 8], 100], [[8], 200]]],
  ['layers/dense/vars', [[[2, 1], 300], [[1], 400]]],
];

/** Writes the store, each group path before `/vars` joined by `separator`. */
function write(separator: '/' | '\\'): (file: Hdf5Writer) => void {
  return (file) => {
    const made = new Set<string>();
    const group = (path: string): void => {
      if (made.has(path)) return;
      made.add(path);
      file.group(path);
    };
    group('vars');
    for (const [path, datasets] of STORE) {
      const parts = path.split('/').slice(0, -1);
      // Keras 3: layers, layers/lstm, layers/lstm/cell; Windows tf.keras: layers\lstm, layers\lstm\cell
      if (separator === '/') parts.forEach((_, i) => group(parts.slice(0, i + 1).join('/')));
      else parts.slice(1).forEach((_, i) => group(parts.slice(0, i + 2).join('\\')));
      const vars = `${parts.join(separator)}/vars`;
      group(vars);
      datasets.forEach(([shape, first], k) => {
        const n = shape.reduce((a, b) => a * b, 1);
        file.float32(`${vars}/${k}`, shape, Float32Array.from({ length: n }, (_, j) => first + j));
      });
    }
  };
}

async function read(bytes: Uint8Array): Promise<{ name: string; path: string; shape: readonly number[]; values: number[] }[]> {
  return readHdf5(bytes, 'test store', (file) =>
    keras3StoreWeights(file, LAYERS, LAYERS.map((l) => String(l.config['name'])), 'test store').map((w) => ({
      name: w.name,
      path: w.path,
      shape: w.data.shape,
      values: Array.from(new Float32Array(w.data.bytes.slice().buffer)),
    })),
  );
}

test('a store written by tf.keras 2.15 on Windows (backslash-joined groups) reads as the Keras 3 one does', async () => {
  const keras3 = await read(await writeHdf5('keras 3 store', write('/')));
  const windows = await read(await writeHdf5('windows store', write('\\')));
  expect(keras3.map((w) => w.name)).toEqual([
    'lstm_1/cell/vars/0',
    'lstm_1/cell/vars/1',
    'lstm_1/cell/vars/2',
    'head/vars/0',
    'head/vars/1',
  ]);
  expect(windows.map((w) => w.path)).toEqual([
    'layers\\lstm\\cell/vars/0',
    'layers\\lstm\\cell/vars/1',
    'layers\\lstm\\cell/vars/2',
    'layers\\dense/vars/0',
    'layers\\dense/vars/1',
  ]);
  expect(windows.map(({ name, shape, values }) => ({ name, shape, values }))).toEqual(keras3.map(({ name, shape, values }) => ({ name, shape, values })));
  expect(windows[1]!.values.slice(0, 2)).toEqual([100, 101]);
});
