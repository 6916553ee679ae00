import * as tfl from '@tensorflow/tfjs-layers';
import * as tfc from '@tensorflow/tfjs-core';
import { describeEachBackend, expectClose } from '@rnnkit/testkit';
import { concat, dispose, numTensors, slice, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { applyLayer, dense, gru, input, lstm, model, sequential } from '../index';
import type { Sequential, SymbolicTensor } from '../index';
import { seeded } from '../test-utils';

const B = 2;
const CHUNK = 3;
const F = 3;

function values(shape: number[], seed: number): Tensor {
  return tensor(Array.from(seeded(shape.reduce((a, b) => a * b, 1), seed)), shape);
}

function copyWeights(from: tfl.LayersModel, to: Sequential): void {
  to.layers.forEach((layer, i) => {
    from.layers[i]!.getWeights().forEach((w, k) => {
      const v = tensor(Array.from(w.dataSync()), w.shape);
      to.params[layer.weightNames[k]!]!.assign(v);
      v.dispose();
    });
  });
}

/** A stateful recurrent layer (returning every step) and a dense head, in tfjs-layers and in rnnkit with the same weights. */
function pair(kind: 'lstm' | 'gru'): { theirs: tfl.LayersModel; ours: Sequential; stateless: Sequential } {
  const options = { units: 4, returnSequences: true, recurrentActivation: 'sigmoid' as const };
  const theirs = tfl.sequential({
    layers: [
      kind === 'lstm' ? tfl.layers.lstm({ ...options, stateful: true, batchInputShape: [B, CHUNK, F] }) : tfl.layers.gru({ ...options, stateful: true, batchInputShape: [B, CHUNK, F] }),
      tfl.layers.dense({ units: 2 }),
    ],
  });
  const layer = (stateful: boolean) => (kind === 'lstm' ? lstm({ units: 4, returnSequences: true, stateful }) : gru({ units: 4, returnSequences: true, resetAfter: false, stateful }));
  const ours = sequential([layer(true), dense({ units: 2 })], { inputShape: [null, F] });
  const stateless = sequential([layer(false), dense({ units: 2 })], { inputShape: [null, F] });
  copyWeights(theirs, ours);
  copyWeights(theirs, stateless);
  return { theirs, ours, stateless };
}

describeEachBackend(['cpu', 'wasm'], 'stateful recurrent layers', () => {
  for (const kind of ['lstm', 'gru'] as const) {
    it(`${kind}: chunk after chunk equals tfjs-layers' stateful layer and one pass over the whole sequence; resetStates restores zeros`, () => {
      const { theirs, ours, stateless } = pair(kind);
      const whole = values([B, 3 * CHUNK, F], 61);
      const chunks = [0, 1, 2].map((k) => slice(whole, [0, k * CHUNK, 0], [B, CHUNK, F]));
      const mine = chunks.map((c) => ours.apply(c, { training: false }));
      const reference = chunks.map((c) => theirs.predict(c, { batchSize: B }) as tfc.Tensor);
      mine.forEach((m, k) => expectClose(m, reference[k]!, { atol: 1e-5 }, `chunk ${k}`));
      const onePass = stateless.apply(whole, { training: false });
      const streamed = concat(mine, 1);
      expectClose(streamed, onePass, { atol: 1e-6 }, 'chunks vs one pass');

      // after a reset the next chunk starts from zeros, as a fresh model's first chunk
      ours.resetStates();
      const again = ours.apply(chunks[0]!, { training: false });
      expect(Array.from(again.dataSync())).toEqual(Array.from(mine[0]!.dataSync()));
      dispose([whole, ...chunks, ...mine, ...reference, onePass, streamed, again]);
      theirs.dispose();
      ours.dispose();
      stateless.dispose();
    });
  }

  it('a batch of another size is refused, naming the layer; memory stays flat over many chunks; a disposed model frees its states', () => {
    const { theirs, ours, stateless } = pair('lstm');
    theirs.dispose();
    stateless.dispose();
    const chunk = values([B, CHUNK, F], 62);
    dispose(ours.apply(chunk, { training: false }));
    const three = values([3, CHUNK, F], 63);
    expect(() => ours.apply(three, { training: false })).toThrow("layer 'lstm' is stateful and carries the state of a batch of 2, but this batch has 3");
    // the carried state, and the one it replaced until the next call: a fixed number of tensors
    dispose(ours.apply(chunk, { training: false }));
    const before = numTensors();
    for (let i = 0; i < 20; i++) dispose(ours.apply(chunk, { training: false }));
    expect(numTensors()).toBe(before);
    ours.resetStates();
    dispose(ours.apply(three, { training: false }));
    const held = numTensors();
    ours.dispose();
    expect(numTensors()).toBeLessThan(held);
    dispose([chunk, three]);
  });

  it('trains with fit (states carried from batch to batch, gradients truncated at each batch) and in a functional model', async () => {
    const x = input({ shape: [CHUNK, F] });
    const h = applyLayer(lstm({ units: 4, returnSequences: true, stateful: true, name: 'stateful_lstm' }), x) as SymbolicTensor;
    const m = model({ inputs: x, outputs: applyLayer(dense({ units: 1 }), h), seed: 3 });
    const xs = values([8, CHUNK, F], 64);
    const ys = values([8, CHUNK, 1], 65);
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const history = await m.fit(xs, ys, { epochs: 3, batchSize: B, shuffle: false });
    expect(history.history['loss']!.every(Number.isFinite)).toBe(true);
    const before = numTensors();
    await m.fit(xs, ys, { epochs: 1, batchSize: B, shuffle: false });
    expect(numTensors()).toBe(before);
    await expect(m.fit(xs, ys, { epochs: 1, batchSize: 3, shuffle: false })).rejects.toThrow("layer 'stateful_lstm' is stateful and carries the state of a batch of 2, but this batch has 3");
    m.resetStates();
    expect(() => applyLayer(lstm({ units: 4, stateful: true }), x, { initialState: [h, h] })).toThrow('is stateful: it starts from the state it carries, not from an initialState');
    dispose([xs, ys]);
    m.dispose();
  });
});
