import { expectClose } from '@rnnkit/testkit';
import { expandDims, gather, initBackend, numTensors, tensor1d, tensor2d, tidy } from '@rnnkit/tensor';
import { runRecurrent } from '@rnnkit/models';
import type { Sequential } from '@rnnkit/models';
import { charModel, sentimentModel } from './models';
import { denseReadout, inspectRecurrent } from './inspect';
import type { CellChoice, StateSeries } from './protocol';

const ids = [1, 5, 7, 2, 9, 4];

function series(all: readonly StateSeries[], name: string): number[][] {
  const s = all.find((x) => x.name === name);
  if (s === undefined) throw new Error(`no series ${name} among ${all.map((x) => x.name).join(', ')}`);
  return s.values;
}

/** The model's own recurrent layer (the fused scan) over the whole input, every step: [T, H]. */
function layerOutputs(model: Sequential, input: readonly number[]): number[][] {
  const [embeddingLayer, recurrentLayer] = model.layers;
  if (recurrentLayer?.spec.kind !== 'rnn') throw new Error('expected a recurrent second layer');
  const spec = recurrentLayer.spec;
  const params = Object.fromEntries(recurrentLayer.weightNames.map((full) => [full.slice(recurrentLayer.name.length + 1), model.params[full]!]));
  return tidy(() => {
    const x = expandDims(gather(model.params[`${embeddingLayer!.name}/embeddings`]!, tensor1d([...input], 'int32')), 0);
    const { outputs } = runRecurrent({ ...spec, returnSequences: true }, params, x, { training: false });
    return (outputs.arraySync() as number[][][])[0]!;
  });
}

describe('inspectRecurrent', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it.each<CellChoice>(['simplernn', 'lstm', 'gru'])('%s: h_t equals the fused scan, and the last readout is the classifier\'s score', (cell) => {
    const maxlen = ids.length + 3;
    const padded = [0, 0, 0, ...ids];
    const model = sentimentModel({ cell, numWords: 12, embed: 5, units: 4, maxlen, seed: 7 });
    try {
      const before = numTensors();
      const all = inspectRecurrent(model, padded, 3);
      const h = series(all, 'h');
      const readout = denseReadout(model, h);
      expect(numTensors()).toBe(before);
      expect(h.length).toBe(ids.length);
      expect(all.every((s) => s.values.length === ids.length && s.values[0]!.length === 4)).toBe(true);
      expectClose(h.flat(), layerOutputs(model, padded).slice(3).flat(), { rtol: 1e-5, atol: 1e-6 }, `${cell} h`);
      const score = tidy(() => model.apply(tensor2d([padded], [1, maxlen], 'int32'), { training: false }).dataSync()[0]!);
      expectClose(readout.at(-1)![0]!, score, { rtol: 1e-5, atol: 1e-6 }, `${cell} readout at the last token`);
      expect(all.map((s) => s.name)).toEqual(cell === 'simplernn' ? ['h'] : cell === 'lstm' ? ['h', 'c', 'i', 'f', 'c̃', 'o'] : ['h', 'z', 'r', 'h̃']);
    } finally {
      model.dispose();
    }
  });

  it('LSTM gates put together give the state: c_t = f⊙c_{t−1} + i⊙c̃, h_t = o⊙tanh(c_t)', () => {
    const model = sentimentModel({ cell: 'lstm', numWords: 12, embed: 5, units: 4, maxlen: ids.length, seed: 11 });
    try {
      const all = inspectRecurrent(model, ids);
      const [h, c, i, f, g, o] = ['h', 'c', 'i', 'f', 'c̃', 'o'].map((name) => series(all, name));
      for (let t = 0; t < ids.length; t++) {
        const cPrev = t === 0 ? new Array<number>(4).fill(0) : c![t - 1]!;
        const cNow = cPrev.map((cp, u) => f![t]![u]! * cp + i![t]![u]! * g![t]![u]!);
        expectClose(c![t]!, cNow, { rtol: 1e-5, atol: 1e-6 }, `c at t=${t}`);
        expectClose(h![t]!, cNow.map((v, u) => o![t]![u]! * Math.tanh(v)), { rtol: 1e-5, atol: 1e-6 }, `h at t=${t}`);
      }
    } finally {
      model.dispose();
    }
  });

  it('GRU gates put together give the state: h_t = z⊙h_{t−1} + (1 − z)⊙h̃', () => {
    const model = charModel({ cell: 'gru', vocabulary: 12, embed: 5, units: 4, seed: 5 });
    try {
      const all = inspectRecurrent(model, ids);
      const [h, z, candidate] = ['h', 'z', 'h̃'].map((name) => series(all, name));
      for (let t = 0; t < ids.length; t++) {
        const hPrev = t === 0 ? new Array<number>(4).fill(0) : h![t - 1]!;
        expectClose(h![t]!, hPrev.map((hp, u) => z![t]![u]! * hp + (1 - z![t]![u]!) * candidate![t]![u]!), { rtol: 1e-5, atol: 1e-6 }, `h at t=${t}`);
      }
      // the character model's readout is a distribution over the next character
      const p = denseReadout(model, h!);
      for (const row of p) expectClose(row.reduce((a, b) => a + b, 0), 1, { atol: 1e-5 }, 'Σ p');
    } finally {
      model.dispose();
    }
  });
});
