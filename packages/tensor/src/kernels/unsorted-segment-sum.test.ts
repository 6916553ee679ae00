import { describeEachBackend, expectClose, expectNoLeaks, ALL_BACKENDS } from '@rnnkit/testkit';
import {
  createRng,
  gather,
  grad,
  memory,
  mean,
  mul,
  randomUniform,
  scatterAdd,
  sigmoid,
  sum,
  tensor1d,
  tensor2d,
  tensor,
  tidy,
  train,
  variable,
  variableGrads,
  matMul,
  log,
  sub,
  add,
  scalar,
  embeddingLookup,
} from '../index';
import type { Scalar, Tensor } from '../index';

describe('scatterAdd', () => {
  it('sums rows into their segments and drops out-of-range ids', () => {
    const values = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const out = scatterAdd(values, Int32Array.from([2, 0, 2, -1]), 3, 'float32');
    expect(Array.from(out)).toEqual([3, 4, 0, 0, 6, 8]);
  });
});

describeEachBackend(ALL_BACKENDS, 'embedding gradient (UnsortedSegmentSum)', () => {
  it('equals the hand-computed gradient with repeated ids', () => {
    // loss = Σ_i w_i · E[ids_i] (row-wise dot with weights W): dL/dE[v] = Σ_{i: ids_i = v} W_i
    const table = tensor2d([[0.1, 0.2], [0.3, 0.4], [0.5, 0.6], [0.7, 0.8]]);
    const ids = tensor1d([3, 1, 3, 3, 0], 'int32');
    const weights = tensor2d([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]);
    const dTable = grad((e: Tensor) => sum(mul(gather(e, ids), weights)))(table);
    expectClose(dTable, [9, 10, 3, 4, 0, 0, 13, 16], { rtol: 0, atol: 0 });
    expect(dTable.shape).toEqual([4, 2]);
    for (const t of [table, ids, weights, dTable]) t.dispose();
  });

  it('handles [B, T] id matrices like an Embedding layer does', () => {
    const table = tensor2d([[1, 1], [2, 2], [3, 3]]);
    const ids = tensor([[0, 2], [2, 2]], [2, 2], 'int32');
    const dTable = grad((e: Tensor) => sum(gather(e, ids)))(table);
    expectClose(dTable, [1, 1, 0, 0, 3, 3], { rtol: 0, atol: 0 });
    for (const t of [table, ids, dTable]) t.dispose();
  });

  it('keeps the backward of a 10,000 × 32 embedding small, and leaks nothing', async () => {
    const rng = createRng(7);
    const idValues = Int32Array.from({ length: 128 * 200 }, () => rng.int(10_000));
    const table = randomUniform()([10_000, 32], 1);
    const ids = tensor(idValues, [128, 200], 'int32');
    const step = (): void => {
      tidy(() => {
        const bytesBefore = memory().numBytes;
        const dTable = grad((e: Tensor) => sum(gather(e, ids)))(table);
        // the gradient (1.28 MB) plus the [128, 200, 32] upstream gradient (3.3 MB) and a few copies
        expect(memory().numBytes - bytesBefore).toBeLessThan(32 * 1024 * 1024);
        const counts = new Float32Array(10_000);
        for (const id of idValues) counts[id]! += 1;
        const column0 = gather(dTable, tensor1d([0], 'int32'), 1).dataSync();
        expectClose(column0, counts, { rtol: 0, atol: 0 }, 'row sums');
      });
    };
    const started = performance.now();
    await expectNoLeaks(step, 2, 'embedding backward');
    console.info(`10k×32 embedding backward: ${((performance.now() - started) / 3).toFixed(0)} ms per step`);
    table.dispose();
    ids.dispose();
  });
});

describeEachBackend(['wasm'], 'a tiny embedding model', () => {
  it('trains: Embedding → mean → Dense(1, sigmoid) learns which ids are positive', async () => {
    // ids 0..9; a sequence is positive when it contains more ids ≥ 5 than ids < 5
    const rng = createRng(3);
    const batch = 64;
    const steps = 8;
    const idValues = Int32Array.from({ length: batch * steps }, () => rng.int(10));
    const labelValues = Float32Array.from({ length: batch }, (_, b) => {
      const row = idValues.subarray(b * steps, (b + 1) * steps);
      return row.filter((v) => v >= 5).length > steps / 2 ? 1 : 0;
    });
    const ids = tensor(idValues, [batch, steps], 'int32');
    const labels = tensor(labelValues, [batch, 1]);
    const table = variable(randomUniform()([10, 4], 11));
    const w = variable(randomUniform(-0.5, 0.5)([4, 1], 12));
    const b = variable(tensor1d([0]));
    const optimizer = train.adam(0.05);
    const lossOf = (): Scalar => {
      const features = mean(gather(table, ids), 1); // [B, 4]
      const p = sigmoid(add(matMul(features, w), b));
      const eps = scalar(1e-7);
      return mean(mul(-1, add(mul(labels, log(add(p, eps))), mul(sub(1, labels), log(add(sub(1, p), eps)))))) as Scalar;
    };
    const first = tidy(() => lossOf().dataSync()[0]!);
    const before = memory().numTensors;
    for (let i = 0; i < 150; i++) {
      tidy(() => {
        const { grads } = variableGrads(lossOf);
        optimizer.applyGradients(grads as Parameters<typeof optimizer.applyGradients>[0]);
      });
    }
    const last = tidy(() => lossOf().dataSync()[0]!);
    expect(last).toBeLessThan(first * 0.5);
    expect(memory().numTensors).toBe(before + 6); // adam's two moments per variable, created on the first step
    optimizer.dispose();
    for (const t of [ids, labels, table, w, b]) t.dispose();
  });
});

describeEachBackend(ALL_BACKENDS, 'embeddingLookup', () => {
  it('looks rows up and scatter-adds its gradient, like gather', () => {
    const table = tensor2d([[1, 2], [3, 4], [5, 6]]);
    const ids = tensor([[2, 0, 2]], [1, 3], 'int32');
    const out = embeddingLookup(table, ids);
    expect(out.shape).toEqual([1, 3, 2]);
    expectClose(out, [5, 6, 1, 2, 5, 6], { rtol: 0, atol: 0 });
    const weights = tensor([[[1, 2], [3, 4], [5, 6]]], [1, 3, 2]);
    const ours = grad((e: Tensor) => sum(mul(embeddingLookup(e, ids), weights)))(table);
    const theirs = grad((e: Tensor) => sum(mul(gather(e, ids), weights)))(table);
    expectClose(ours, theirs, { rtol: 0, atol: 0 });
    expectClose(ours, [3, 4, 0, 0, 6, 8], { rtol: 0, atol: 0 });
    for (const t of [table, ids, out, weights, ours, theirs]) t.dispose();
  });

  it('runs a 10,000 × 32 embedding backward over [128, 200] ids without leaks', async () => {
    const rng = createRng(9);
    const ids = tensor(Int32Array.from({ length: 128 * 200 }, () => rng.int(10_000)), [128, 200], 'int32');
    const table = randomUniform()([10_000, 32], 1);
    const started = performance.now();
    await expectNoLeaks(() => tidy(() => grad((e: Tensor) => sum(embeddingLookup(e, ids)))(table).dataSync()), 2, 'embeddingLookup backward');
    console.info(`embeddingLookup 10k×32 forward+backward: ${((performance.now() - started) / 3).toFixed(0)} ms per step`);
    table.dispose();
    ids.dispose();
  });

  it('rejects float ids and a table that is not a matrix', () => {
    const table = tensor2d([[1, 2]]);
    expect(() => embeddingLookup(table, tensor1d([0]))).toThrow('embeddingLookup: ids must have dtype int32, got float32');
    expect(() => embeddingLookup(tensor1d([1, 2]), tensor1d([0], 'int32'))).toThrow('embeddingLookup: table must have rank 2, got rank 1');
    table.dispose();
  });
});
