import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { clone, dispose, gather, log, slice, tensor1d, tensor2d, tidy, zerosTensor } from '@rnnkit/tensor';
import { beamSearch, dense, embedding, greedyDecode, lstm, sampleDecode, sequential, sequentialStepper, timeDistributed } from '../index';
import type { Stepper } from '../index';

// tokens: 0 end, 1 start, 2 A, 3 B. The next-token distribution depends only on the input token.
const END = 0;
const TABLE = [
  [0.25, 0.25, 0.25, 0.25],
  [0.1, 1e-9, 0.5, 0.4], // after start
  [0.4, 1e-9, 0.3, 0.3], // after A
  [0.9, 1e-9, 0.05, 0.05], // after B
];

const markov: Stepper = {
  step: (state, tokens) =>
    tidy(() => ({
      logits: log(gather(tensor2d(TABLE), tokens)),
      state: { s: clone(state['s']!) },
    })),
};

function languageModel() {
  return sequential(
    [embedding({ inputDim: 7, outputDim: 5 }), lstm({ units: 6, returnSequences: true }), timeDistributed(dense({ units: 7, activation: 'softmax' }))],
    { seed: 4 },
  );
}

describeEachBackend(['cpu', 'wasm'], 'decoding', () => {
  it('beam search finds the hand-checked best sequence that greedy misses', () => {
    const state = { s: zerosTensor([1, 1]) };
    const greedy = greedyDecode(markov, state, { startToken: 1, endToken: END, maxLength: 5 });
    expect(greedy.tokens).toEqual([[2]]); // A then end: p = 0.5 · 0.4 = 0.20
    expect(greedy.finished).toEqual([true]);
    const beam = beamSearch(markov, state, { startToken: 1, endToken: END, maxLength: 5, beamWidth: 2 });
    expect(beam.tokens).toEqual([[3]]); // B then end: p = 0.4 · 0.9 = 0.36
    expect(beam.scores[0]).toBeCloseTo(Math.log(0.36), 5);
    const normalised = beamSearch(markov, state, { startToken: 1, endToken: END, maxLength: 5, beamWidth: 2, lengthPenalty: 1 });
    expect(normalised.scores[0]).toBeCloseTo(Math.log(0.36) / 2, 5);
    const one = beamSearch(markov, state, { startToken: 1, endToken: END, maxLength: 5, beamWidth: 1 });
    expect(one.tokens).toEqual(greedy.tokens);
    expect(one.scores[0]).toBeCloseTo(Math.log(0.2), 5);
    state.s.dispose();
  });

  it('beam width 1 equals greedy on a real model, row by row', () => {
    const model = languageModel();
    const { stepper, initialState } = sequentialStepper(model);
    const state = initialState(3);
    const options = { startToken: [1, 2, 3], endToken: 0, maxLength: 12 };
    const greedy = greedyDecode(stepper, state, options);
    const beam = beamSearch(stepper, state, { ...options, beamWidth: 1, lengthPenalty: 0.7 });
    expect(beam.tokens).toEqual(greedy.tokens);
    expect(beam.finished).toEqual(greedy.finished);
    const wide = beamSearch(stepper, state, { ...options, beamWidth: 4 });
    expect(wide.tokens).toHaveLength(3);
    dispose(Object.values(state));
    model.dispose();
  });

  it('streams one step at a time with the same logits as the full sequence', () => {
    const model = languageModel();
    const { stepper, initialState } = sequentialStepper(model);
    const ids = tensor2d([[1, 4, 2, 6, 3]], [1, 5], 'int32');
    const probs = model.apply(ids, { training: false });
    let state = initialState(1);
    for (let t = 0; t < 5; t++) {
      const token = tidy(() => slice(ids, [0, t], [1, 1]).reshape([1]));
      const out = stepper.step(state, token);
      const expected = tidy(() => log(slice(probs, [0, t, 0], [1, 1, 7]).reshape([1, 7])));
      const got = tidy(() => out.logits.sub(out.logits.logSumExp(-1, true)));
      expectClose(got, expected, { rtol: 1e-4, atol: 1e-5 }, `step ${t}`);
      dispose([token, expected, got, out.logits, ...Object.values(state)]);
      state = out.state;
    }
    dispose([ids, probs, ...Object.values(state)]);
    model.dispose();
  });

  it('samples reproducibly from a seed; top-k 1 is greedy; arguments are checked', () => {
    const model = languageModel();
    const { stepper, initialState } = sequentialStepper(model);
    const state = initialState(2);
    const options = { startToken: 1, endToken: 0, maxLength: 15 };
    const a = sampleDecode(stepper, state, { ...options, seed: 7, temperature: 1.5 });
    const b = sampleDecode(stepper, state, { ...options, seed: 7, temperature: 1.5 });
    expect(a.tokens).toEqual(b.tokens);
    const draws = new Set(Array.from({ length: 6 }, (_, s) => JSON.stringify(sampleDecode(stepper, state, { ...options, seed: s, temperature: 2 }).tokens)));
    expect(draws.size).toBeGreaterThan(1);
    expect(sampleDecode(stepper, state, { ...options, seed: 3, topK: 1 }).tokens).toEqual(greedyDecode(stepper, state, options).tokens);
    expect(() => sampleDecode(stepper, state, { ...options, seed: 1, temperature: 0 })).toThrow(/temperature must be positive, got 0/);
    expect(() => beamSearch(stepper, state, { ...options, beamWidth: 0 })).toThrow(/beamWidth must be a positive integer, got 0/);
    expect(() => greedyDecode(stepper, state, { ...options, startToken: [1, 2, 3] })).toThrow(/one per row \(2\), got 3/);
    dispose(Object.values(state));
    model.dispose();
  });

  it('one row decodes on the plain-array path (stepRow) with the tokens of the tensor path', async () => {
    const model = languageModel();
    const { stepper, initialState } = sequentialStepper(model);
    expect(stepper.stepRow).toBeDefined(); // embedding → lstm → dense: the kernel path
    const tensorsOnly: Stepper = { step: (state, tokens) => stepper.step(state, tokens) };
    const state = initialState(1);
    // no end token, so every draw runs the full length
    const options = { startToken: 1, maxLength: 40 };
    for (const seed of [1, 2, 3]) {
      const sample = { ...options, seed, temperature: 1.3 };
      expect(sampleDecode(stepper, state, sample)).toEqual(sampleDecode(tensorsOnly, state, sample));
    }
    expect(greedyDecode(stepper, state, { ...options, endToken: 0 })).toEqual(greedyDecode(tensorsOnly, state, { ...options, endToken: 0 }));
    // a state other than zeros is uploaded first
    const three = tensor1d([3], 'int32');
    const two = tensor1d([2], 'int32');
    const warm = stepper.step(state, three);
    expect(sampleDecode(stepper, warm.state, { ...options, seed: 9 })).toEqual(sampleDecode(tensorsOnly, warm.state, { ...options, seed: 9 }));
    // the logits of a step are the tensor step's
    const row = Float32Array.from(stepper.stepRow!(state, 2)!);
    const viaTensors = stepper.step(state, two);
    expect(Array.from(row)).toEqual(Array.from(viaTensors.logits.dataSync()));
    expect(() => stepper.stepRow!(state, 7)).toThrow('sequentialStepper: token id 7 is outside the vocabulary: ids must lie in [0, 7)');
    await expectNoLeaks(() => sampleDecode(stepper, state, { ...options, seed: 1 }), 2, 'one-row sample');
    dispose([three, two, warm.logits, ...Object.values(warm.state), viaTensors.logits, ...Object.values(viaTensors.state), ...Object.values(state)]);
    model.dispose();
  });

  it('decode loops do not leak', async () => {
    const model = languageModel();
    const { stepper, initialState } = sequentialStepper(model);
    const state = initialState(2);
    const options = { startToken: 1, endToken: 0, maxLength: 6 };
    await expectNoLeaks(() => greedyDecode(stepper, state, options), 2, 'greedy');
    await expectNoLeaks(() => sampleDecode(stepper, state, { ...options, seed: 1, topK: 3 }), 2, 'sample');
    await expectNoLeaks(() => beamSearch(stepper, state, { ...options, beamWidth: 3, lengthPenalty: 1 }), 2, 'beam');
    dispose(Object.values(state));
    model.dispose();
  });
});
