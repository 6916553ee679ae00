import { describeEachBackend, expectClose, expectNoLeaks } from '@rnnkit/testkit';
import { dispose, reshape, tensor1d, tensor2d, tensor3d, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { LayerContext } from '../layer';
import { dense, denseLayer } from './dense';
import { dropout, dropoutLayer } from './dropout';
import { embedding, embeddingLayer } from './embedding';
import { masking, maskingLayer } from './masking';
import { timeDistributed, timeDistributedLayer } from './time-distributed';

const inference: LayerContext = { training: false, mask: null, seed: 0 };

function values(t: Tensor): number[] {
  return Array.from(t.dataSync());
}

describeEachBackend(['cpu', 'wasm'], 'layers', () => {
  describe('embedding', () => {
    it('looks rows up, initialises within ±0.05, and masks id 0 when maskZero', () => {
      const spec = embedding({ inputDim: 5, outputDim: 3, maskZero: true });
      const params = embeddingLayer.init(spec, [null, null], 7);
      const table = params['embeddings']!;
      expect(table.shape).toEqual([5, 3]);
      expect(Math.max(...values(table).map(Math.abs))).toBeLessThanOrEqual(0.05);
      const ids = tensor2d([[0, 2, 4], [1, 0, 3]], [2, 3], 'int32');
      const out = embeddingLayer.apply(spec, params, ids, inference);
      const rows = table.arraySync() as number[][];
      expectClose(out.y, [0, 2, 4, 1, 0, 3].flatMap((i) => rows[i]!), { rtol: 0, atol: 0 }, 'rows');
      expect(out.y.shape).toEqual([2, 3, 3]);
      expect(values(out.mask!)).toEqual([0, 1, 1, 1, 0, 1]);
      dispose([table, ids, out.y, out.mask!]);
    });

    it('accepts float ids and names an out-of-range id and the vocabulary size', () => {
      const spec = embedding({ inputDim: 4, outputDim: 2 });
      const params = embeddingLayer.init(spec, [null, null], 1);
      const ok = tensor2d([[3, 1]]);
      const out = embeddingLayer.apply(spec, params, ok, inference);
      expect(out.mask).toBeNull();
      const bad = tensor2d([[1, 4]], [1, 2], 'int32');
      expect(() => embeddingLayer.apply(spec, params, bad, inference)).toThrow(/token id 4 .*\[0, 4\) for inputDim 4/);
      expect(() => embedding({ inputDim: 0, outputDim: 2 })).toThrow(/inputDim must be a positive integer, got 0/);
      dispose([params['embeddings']!, ok, bad, out.y]);
    });
  });

  describe('dense', () => {
    it('computes act(x·W + b) on [B, F] and on [B, T, F], passing the mask on', () => {
      const spec = dense({ units: 2, activation: 'tanh' });
      const kernel = tensor2d([[0.1, -0.2], [0.3, 0.4], [-0.5, 0.6]]);
      const bias = tensor1d([0.05, -0.05]);
      const x = tensor2d([[1, 2, 3], [-1, 0, 0.5]]);
      const expected = [
        [Math.tanh(0.1 + 0.6 - 1.5 + 0.05), Math.tanh(-0.2 + 0.8 + 1.8 - 0.05)],
        [Math.tanh(-0.1 - 0.25 + 0.05), Math.tanh(0.2 + 0.3 - 0.05)],
      ].flat();
      const out2 = denseLayer.apply(spec, { kernel, bias }, x, inference);
      expectClose(out2.y, expected, {}, 'rank 2');
      const x3 = reshape(x, [1, 2, 3]);
      const mask = tensor2d([[1, 0]]);
      const out3 = denseLayer.apply(spec, { kernel, bias }, x3, { ...inference, mask });
      expect(out3.y.shape).toEqual([1, 2, 2]);
      expectClose(out3.y, expected, {}, 'rank 3');
      expect(out3.mask).toBe(mask);
      expect(denseLayer.weights(spec, [null, 3])).toEqual([
        { name: 'kernel', shape: [3, 2] },
        { name: 'bias', shape: [2] },
      ]);
      expect(() => denseLayer.apply(spec, { kernel, bias }, tensor2d([[1, 2]]), inference)).toThrow(/3 features on its last axis, got shape \[1, 2\]/);
      expect(() => dense({ units: 2, activation: 'swish' as 'relu' })).toThrow(/activation must be one of .* got "swish"/);
      dispose([kernel, bias, x, x3, mask, out2.y, out3.y]);
    });

    it('initialises the kernel glorot-uniform and the bias to zeros', () => {
      const params = denseLayer.init(dense({ units: 4 }), [null, 6], 3);
      const limit = Math.sqrt(6 / 10);
      expect(Math.max(...values(params['kernel']!).map(Math.abs))).toBeLessThanOrEqual(limit);
      expect(values(params['bias']!)).toEqual([0, 0, 0, 0]);
      dispose(Object.values(params));
    });
  });

  describe('dropout', () => {
    it('is the identity at inference, seeded and inverted-scaled while training', () => {
      const spec = dropout(0.25);
      const x = tensor2d(new Array(4000).fill(1), [40, 100]);
      const inf = dropoutLayer.apply(spec, {}, x, inference);
      expectClose(inf.y, x, { rtol: 0, atol: 0 }, 'inference');
      const a = dropoutLayer.apply(spec, {}, x, { training: true, mask: null, seed: 5 });
      const b = dropoutLayer.apply(spec, {}, x, { training: true, mask: null, seed: 5 });
      const c = dropoutLayer.apply(spec, {}, x, { training: true, mask: null, seed: 6 });
      expect(values(a.y)).toEqual(values(b.y));
      expect(values(a.y)).not.toEqual(values(c.y));
      const kept = values(a.y).filter((v) => v !== 0);
      expect(new Set(kept)).toEqual(new Set([Math.fround(1 / 0.75)]));
      expect(Math.abs(kept.length / 4000 - 0.75)).toBeLessThan(0.03);
      expect(() => dropout(1)).toThrow(/rate must be a number in \[0, 1\), got 1/);
      dispose([x, inf.y, a.y, b.y, c.y]);
    });
  });

  describe('masking', () => {
    it('masks steps whose features all equal maskValue and zeroes them', () => {
      const x = tensor3d([[[1, 2], [0, 0], [0, 3]]]);
      const out = maskingLayer.apply(masking(), {}, x, inference);
      expect(values(out.mask!)).toEqual([1, 0, 1]);
      expect(values(out.y)).toEqual([1, 2, 0, 0, 0, 3]);
      const minus = tensor3d([[[-1, -1], [5, -1]]]);
      const out2 = maskingLayer.apply(masking({ maskValue: -1 }), {}, minus, inference);
      expect(values(out2.mask!)).toEqual([0, 1]);
      expect(values(out2.y)).toEqual([-0, -0, 5, -1]);
      dispose([x, minus, out.y, out.mask!, out2.y, out2.mask!]);
    });
  });

  describe('timeDistributed', () => {
    it('applies the inner layer to every step with shared weights', () => {
      const inner = dense({ units: 3, activation: 'softmax' });
      const spec = timeDistributed(inner);
      expect(timeDistributedLayer.outputShape(spec, [null, 7, 4])).toEqual([null, 7, 3]);
      const params = timeDistributedLayer.init(spec, [null, 7, 4], 9);
      const x = tidy(() => tensor3d(Array.from({ length: 2 * 7 * 4 }, (_, i) => Math.sin(i)), [2, 7, 4]));
      const out = timeDistributedLayer.apply(spec, params, x, inference);
      const direct = denseLayer.apply(inner, params, x, inference);
      expectClose(out.y, direct.y, { rtol: 1e-6, atol: 1e-7 }, 'time distributed');
      expect(() => timeDistributedLayer.outputShape(spec, [null, 4])).toThrow(/rank ≥ 3/);
      dispose([...Object.values(params), x, out.y, direct.y]);
    });
  });

  it('layers do not leak', async () => {
    const spec = embedding({ inputDim: 10, outputDim: 4, maskZero: true });
    const params = embeddingLayer.init(spec, [null, null], 1);
    const ids = tensor2d([[0, 1, 2]], [1, 3], 'int32');
    await expectNoLeaks(() => {
      const out = embeddingLayer.apply(spec, params, ids, inference);
      const d = dropoutLayer.apply(dropout(0.5), {}, out.y, { training: true, mask: out.mask, seed: 1 });
      dispose([out.y, out.mask!, d.y]);
    }, 3, 'embedding + dropout');
    dispose([params['embeddings']!, ids]);
  });
});
