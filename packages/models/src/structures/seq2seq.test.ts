import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { dispose, logSoftmax, mean, reshape, slice, sum, tensor1d, tensor2d, tidy, variableGrads } from '@rnnkit/tensor';
import type { Scalar, Tensor } from '@rnnkit/tensor';
import { beamSearch, greedyDecode, loadModelFromArtifacts, packSeq2seqInput, saveModelToArtifacts, seq2seq } from '../index';
import type { AttentionKind, CellKind, Seq2seq } from '../index';

const source = (): Tensor => tensor2d([[3, 4, 5, 0, 0], [6, 7, 3, 4, 5]], [2, 5], 'int32');
const decoderInput = (): Tensor => tensor2d([[1, 5, 4, 3], [1, 5, 4, 3]], [2, 4], 'int32');

const variants: { cell: CellKind; attention: AttentionKind | 'none'; bidirectionalEncoder: boolean }[] = [
  { cell: 'lstm', attention: 'none', bidirectionalEncoder: false },
  { cell: 'gru', attention: 'dot', bidirectionalEncoder: false },
  { cell: 'lstm', attention: 'general', bidirectionalEncoder: true },
  { cell: 'gru', attention: 'bahdanau', bidirectionalEncoder: true },
  { cell: 'simpleRnn', attention: 'bahdanau', bidirectionalEncoder: false },
];

function build(v: (typeof variants)[number]): Seq2seq {
  return seq2seq({ sourceVocab: 8, targetVocab: 9, embeddingDim: 6, units: 5, sourceLength: 5, seed: 3, ...v });
}

describeEachBackend(['cpu', 'wasm'], 'seq2seq', () => {
  for (const v of variants) {
    const label = `${v.cell}, attention ${v.attention}${v.bidirectionalEncoder ? ', bidirectional encoder' : ''}`;
    it(`teacher forcing equals the step-by-step decoder: ${label}`, () => {
      const model = build(v);
      const src = source();
      const dec = decoderInput();
      const { logits, attention } = model.forward(src, dec, { training: false });
      expect(logits.shape).toEqual([2, 4, 9]);
      let state = model.encode(src);
      for (let t = 0; t < 4; t++) {
        const token = tidy(() => reshape(slice(dec, [0, t], [2, 1]), [2]));
        const step = model.stepper.step(state, token);
        const expected = tidy(() => reshape(slice(logits, [0, t, 0], [2, 1, 9]), [2, 9]));
        expectClose(step.logits, expected, { rtol: 1e-4, atol: 1e-5 }, `${label} step ${t}`);
        if (attention !== null) {
          const weights = tidy(() => reshape(slice(attention, [0, t, 0], [2, 1, 5]), [2, 5]));
          expectClose(step.attention!, weights, { rtol: 1e-4, atol: 1e-6 }, `${label} attention ${t}`);
          dispose(weights);
        }
        dispose([token, expected, step.logits, ...(step.attention ? [step.attention] : []), ...Object.values(state)]);
        state = step.state;
      }
      if (attention !== null) {
        expect(attention.shape).toEqual([2, 4, 5]);
        expectClose(tidy(() => sum(attention, -1)), new Array(8).fill(1), { rtol: 1e-5, atol: 1e-6 }, 'weights sum to 1');
        const padded = tidy(() => slice(attention, [0, 0, 3], [1, 4, 2]));
        expect(Math.max(...padded.dataSync())).toBeLessThan(1e-6);
        dispose(padded);
      }
      const packed = packSeq2seqInput(src, dec);
      const viaApply = model.apply(packed, { training: false });
      expectClose(viaApply, logits, { rtol: 0, atol: 0 }, 'apply on the packed input');
      dispose([src, dec, logits, packed, viaApply, ...(attention ? [attention] : []), ...Object.values(state)]);
      model.dispose();
    });
  }

  it('gradients reach every parameter, and save/load round-trips exactly', () => {
    const model = build(variants[3]!);
    const packed = packSeq2seqInput(source(), decoderInput());
    const { grads, value } = variableGrads(() => tidy(() => mean(logSoftmax(model.apply(packed, { training: true }))) as Scalar), Object.values(model.params));
    for (const v of Object.values(model.params)) {
      const g = grads[v.name];
      expect(g).toBeDefined();
      expect(Math.max(...Array.from(g!.dataSync()).map(Math.abs))).toBeGreaterThan(0);
    }
    dispose([value, ...Object.values(grads)]);
    const copy = loadModelFromArtifacts(saveModelToArtifacts(model));
    const a = model.apply(packed, { training: false });
    const b = copy.apply(packed, { training: false });
    expectClose(b, a, { rtol: 0, atol: 0 }, 'loaded');
    expect(copy.summary()).toContain('Attention(bahdanau)');
    dispose([packed, a, b]);
    copy.dispose();
    model.dispose();
  });

  it('decodes: beam width 1 equals greedy, attention is readable, and loops do not leak', async () => {
    const model = build(variants[2]!);
    const src = source();
    const state = model.encode(src);
    const options = { startToken: 1, endToken: 2, maxLength: 7 };
    const greedy = greedyDecode(model.stepper, state, options);
    expect(greedy.attention).toHaveLength(2);
    expect(greedy.attention![0]![0]).toHaveLength(5);
    const beam = beamSearch(model.stepper, state, { ...options, beamWidth: 1 });
    expect(beam.tokens).toEqual(greedy.tokens);
    await expectNoLeaks(() => greedyDecode(model.stepper, state, options), 2, 'seq2seq greedy');
    await expectNoLeaks(() => beamSearch(model.stepper, state, { ...options, beamWidth: 3, lengthPenalty: 0.6 }), 2, 'seq2seq beam');
    const packed = tidy(() => packSeq2seqInput(src, reshape(tensor1d([1, 1], 'int32'), [2, 1])));
    await expectNoLeaks(() => dispose(model.apply(packed, { training: true })), 2, 'seq2seq apply');
    packed.dispose();
    dispose([src, ...Object.values(state)]);
    model.dispose();
  });
});
