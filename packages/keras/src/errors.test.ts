/**
 * Errors: a file that is not Keras', a truncated HDF5 or zip, a layer rnnkit lacks, a missing weight,
 * a shape mismatch — each one Error naming the file and the part; no tensor is left behind.
 */
import { strToU8, unzipSync, zipSync } from 'fflate';
import { dense, lstm, sequential } from '@rnnkit/models';
import { initBackend, numTensors } from '@rnnkit/tensor';
import { kerasModelBytes, loadKerasModel, loadKerasWeights } from './index';

let saved: Uint8Array;
let denseValue: number;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  const model = sequential([lstm({ units: 3 }), dense({ units: 2 })], { inputShape: [4, 5], seed: 1 });
  saved = await kerasModelBytes(model);
  denseValue = (model.params['dense/kernel']!.dataSync() as Float32Array)[0]!;
  model.dispose();
});

function rezip(change: (members: Record<string, Uint8Array>) => void): Uint8Array {
  const members = unzipSync(saved);
  change(members);
  return zipSync(members, { level: 0 });
}

/** `saved` with one bit flipped in a weight: the dense kernel's first value, found by its four bytes (stored uncompressed). */
function flipWeightByte(): Uint8Array {
  const bytes = saved.slice();
  const at = Buffer.from(bytes).indexOf(Buffer.from(new Float32Array([denseValue]).buffer));
  expect(at).toBeGreaterThan(0);
  bytes[at] = bytes[at]! ^ 0x01;
  return bytes;
}

function configWith(edit: (config: { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }) => void): Uint8Array {
  return rezip((m) => {
    const config = JSON.parse(new TextDecoder().decode(m['config.json']));
    edit(config);
    m['config.json'] = strToU8(JSON.stringify(config));
  });
}

test.each([
  ['not a Keras file', () => strToU8('hello, world'), /an ArrayBuffer|Uint8Array of 12 bytes: not a Keras file/],
  ['a truncated zip', () => saved.slice(0, 200), /not a readable zip archive/],
  ['a truncated HDF5 inside', () => rezip((m) => (m['model.weights.h5'] = m['model.weights.h5']!.slice(0, 1000))), /model\.weights\.h5: .*truncated/],
  ['no config.json', () => rezip((m) => delete m['config.json']), /no 'config\.json'/],
  // before: fflate does not check CRCs, so the flipped weight byte loaded silently
  ['a damaged member (one bit of a weight flipped)', () => flipWeightByte(), /member 'model\.weights\.h5' is damaged: its CRC-32 is [0-9a-f]{8}, the zip records [0-9a-f]{8}/],
  ['a damaged config.json (a byte changed)', () => {
    const bytes = saved.slice();
    const at = Buffer.from(bytes).indexOf('"units"');
    bytes[at + 1] = 0x55; // "Units"
    return bytes;
  }, /member 'config\.json' is damaged/],
  ['a layer rnnkit lacks', () => configWith((c) => (c.config.layers[1]!.class_name = 'ConvLSTM1D')), /layer 'lstm' \(ConvLSTM1D\): unsupported layer class/],
  ['a missing weight', () => rezip((m) => {
    const config = JSON.parse(new TextDecoder().decode(m['config.json']));
    config.config.layers.splice(2, 0, { ...config.config.layers[2], config: { ...config.config.layers[2].config, name: 'extra' } });
    m['config.json'] = strToU8(JSON.stringify(config));
  }), /layer 'dense' needs 2 weights \(kernel, bias\), the file has 0/],
  ['a shape mismatch', () => configWith((c) => (c.config.layers[2]!.config['units'] = 7)), /weight .*has shape \[3, 2\], expected \[3, 7\]/],
])('%s', async (_what, make, message) => {
  const before = numTensors();
  await expect(loadKerasModel(make())).rejects.toThrow(message);
  expect(numTensors()).toBe(before);
});

test('a path that does not exist names the path', async () => {
  await expect(loadKerasModel('/nonexistent/model.keras')).rejects.toThrow(/cannot read '\/nonexistent\/model\.keras'/);
});

test('weights of another architecture are refused naming the layer', async () => {
  const other = sequential([lstm({ units: 4 }), dense({ units: 2 })], { inputShape: [4, 5], seed: 2 });
  const before = numTensors();
  await expect(loadKerasWeights(other, saved)).rejects.toThrow(/shape/);
  expect(numTensors()).toBe(before);
  const same = sequential([lstm({ units: 3 }), dense({ units: 2 })], { inputShape: [4, 5], seed: 3 });
  const loaded = await loadKerasWeights(same, saved);
  const original = await loadKerasModel(saved);
  for (const [name, v] of Object.entries(original.params)) expect(Array.from(loaded.params[name]!.dataSync())).toEqual(Array.from(v.dataSync()));
  [other, same, loaded, original].forEach((m) => m.dispose());
});
