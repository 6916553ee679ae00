import { mkdtempSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeEachBackend, expectClose } from '@rnnkit/testkit';
import { add, createRng, dispose, matMul, mul, numTensors, sigmoid, tensor, tensor2d, variable } from '@rnnkit/tensor';
import type { Variable } from '@rnnkit/tensor';
import {
  adam,
  binaryAccuracy,
  binaryCrossentropy,
  decodeCheckpoint,
  earlyStopping,
  evaluate,
  fileCheckpointStore,
  fit,
  memoryCheckpointStore,
  predict,
  progressLogger,
  reduceLearningRateOnPlateau,
  sgd,
} from './index';
import type { Forward, Optimizer } from './index';

/** N points in the plane, labelled by the sign of x0 + x1 (linearly separable). */
function dataset(n: number, seed = 1): { x: Float32Array; y: Float32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(2 * n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[2 * i] = rng.normal();
    x[2 * i + 1] = rng.normal();
    y[i] = x[2 * i]! + x[2 * i + 1]! > 0 ? 1 : 0;
  }
  return { x, y };
}

/** Logistic regression with a seeded "dropout" on its inputs during training (exercises context.seed). */
function model(init = 0.1): { params: Record<string, Variable>; forward: Forward; dispose(): void } {
  const params = { w: variable(tensor2d([init, init / 2], [2, 1])), b: variable(tensor([0], [1])) };
  const forward: Forward = (x, training, context) => {
    let input = x;
    if (training) {
      const rng = createRng(context.seed);
      const keepMask = Array.from({ length: x.size }, () => (rng.uniform() < 0.9 ? 1 / 0.9 : 0));
      input = mul(x, tensor(keepMask, x.shape));
    }
    return sigmoid(add(matMul(input, params.w), params.b));
  };
  return { params, forward, dispose: () => dispose(Object.values(params)) };
}

function weights(params: Record<string, Variable>): number[] {
  return [...params['w']!.dataSync(), ...params['b']!.dataSync()];
}

describeEachBackend(['cpu', 'wasm'], 'fit', () => {
  const { x, y } = dataset(200);
  const xs = { values: x, shape: [200, 2] };
  const ys = { values: y, shape: [200, 1] };

  it('learns, and reports loss, metrics and validation values per epoch (Keras names)', async () => {
    const m = model();
    const history = await fit({
      params: m.params,
      forward: m.forward,
      loss: binaryCrossentropy(),
      optimizer: adam({ learningRate: 0.05 }),
      x: xs,
      y: ys,
      epochs: 8,
      batchSize: 16,
      validationSplit: 0.25,
      metrics: [binaryAccuracy()],
    });
    expect(history.epochs).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Object.keys(history.history).sort()).toEqual(['binary_accuracy', 'loss', 'val_binary_accuracy', 'val_loss']);
    const loss = history.history['loss']!;
    expect(loss[loss.length - 1]!).toBeLessThan(loss[0]!);
    expect(history.history['val_binary_accuracy']!.at(-1)!).toBeGreaterThan(0.9);
    m.dispose();
  });

  it('validationSplit holds out the LAST fraction, before shuffling (Keras)', async () => {
    const m = model();
    const ids = new Float32Array(40).map((_, i) => i);
    const seenTraining = new Set<number>();
    const seenValidation: number[] = [];
    const forward: Forward = (xb, training, context) => {
      const rows = Array.from(xb.dataSync()).filter((_, i) => i % 2 === 0);
      if (training) rows.forEach((r) => seenTraining.add(r));
      else seenValidation.push(...rows);
      return m.forward(mul(xb, 0.01), training, context);
    };
    const xIds = { values: Float32Array.from(Array.from(ids).flatMap((i) => [i, i])), shape: [40, 2] };
    await fit({ params: m.params, forward, loss: binaryCrossentropy(), optimizer: sgd(), x: xIds, y: { values: new Float32Array(40), shape: [40, 1] }, validationSplit: 0.2, batchSize: 7, epochs: 2 });
    expect(seenValidation).toEqual([32, 33, 34, 35, 36, 37, 38, 39, 32, 33, 34, 35, 36, 37, 38, 39]);
    expect([...seenTraining].sort((a, b) => a - b)).toEqual(Array.from({ length: 32 }, (_, i) => i));
    m.dispose();
  });

  it('is deterministic for a seed, from tensors or typed arrays alike', async () => {
    const run = async (seed: number, asTensors: boolean): Promise<number[]> => {
      const m = model();
      const xt = tensor(x, [200, 2]);
      const yt = tensor(y, [200, 1]);
      await fit({ params: m.params, forward: m.forward, loss: binaryCrossentropy(), optimizer: adam(), x: asTensors ? xt : xs, y: asTensors ? yt : ys, epochs: 2, batchSize: 32, seed });
      const w = weights(m.params);
      dispose([xt, yt]);
      m.dispose();
      return w;
    };
    const a = await run(7, false);
    expect(await run(7, false)).toEqual(a);
    expect(await run(7, true)).toEqual(a);
    expect(await run(8, false)).not.toEqual(a);
  });

  it('reports every step (loss, global gradient norm, learning rate) and progress with samples/s and ETA', async () => {
    const m = model();
    const lines: string[] = [];
    const norms: number[] = [];
    let clock = 0;
    await fit({
      params: m.params,
      forward: m.forward,
      loss: binaryCrossentropy(),
      optimizer: sgd({ learningRate: 0.1 }),
      x: xs,
      y: ys,
      epochs: 2,
      batchSize: 50,
      metrics: [binaryAccuracy({ name: 'acc' })],
      clipping: { globalNorm: 0.01 },
      callbacks: [
        progressLogger({ print: (l) => lines.push(l), every: 2, now: () => (clock += 100) }),
        { name: 'spy', onBatchEnd: (_batch, logs) => void norms.push(logs.gradientNorm) },
      ],
    });
    expect(norms).toHaveLength(8);
    norms.forEach((n) => expect(n).toBeGreaterThan(0));
    expect(lines).toHaveLength(2 * 2 + 2);
    expect(lines[0]).toMatch(/^epoch 1\/2 · step 2\/4 · loss [\d.]+ · acc [\d.]+ · ‖g‖ [\d.]+ · \d+ samples\/s · ETA [\d.]+s$/);
    expect(lines[2]).toMatch(/^epoch 1\/2 · loss [\d.]+ · acc [\d.]+ · \d+ samples\/s · [\d.]+s$/);
    m.dispose();
  });

  it('early stopping stops on a plateau and restores the best weights', async () => {
    const m = model();
    const stopper = earlyStopping({ monitor: 'loss', patience: 1, restoreBestWeights: true });
    const snapshots: number[][] = [];
    // a learning rate far too high makes the loss bounce; the best epoch is then not the last
    const history = await fit({
      params: m.params,
      forward: m.forward,
      loss: binaryCrossentropy(),
      optimizer: sgd({ learningRate: 30 }),
      x: xs,
      y: ys,
      epochs: 30,
      batchSize: 200,
      shuffle: false,
      callbacks: [stopper, { name: 'snap', onEpochEnd: (_e, _l, c) => void snapshots.push([...c.params['w']!.dataSync(), ...c.params['b']!.dataSync()]) }],
    });
    const losses = history.history['loss']!;
    expect(stopper.stoppedEpoch).not.toBeNull();
    expect(losses.length).toBeLessThan(30);
    const best = losses.indexOf(Math.min(...losses));
    expect(stopper.bestEpoch).toBe(best);
    expect(weights(m.params)).toEqual(snapshots[best]);
    stopper.dispose?.();
    m.dispose();
  });

  it('evaluate and predict work in batches', async () => {
    const m = model(0.7);
    const xt = tensor(x, [200, 2]);
    const yt = tensor(y, [200, 1]);
    const all = m.forward(xt, false, { epoch: 0, step: 0, seed: 0 });
    const predicted = predict({ forward: m.forward, x: xs, batchSize: 33 });
    expectClose(predicted, all, {}, 'predict');
    const full = binaryCrossentropy()(yt, all);
    const result = evaluate({ forward: m.forward, loss: binaryCrossentropy(), x: xs, y: ys, batchSize: 40, metrics: [binaryAccuracy()] });
    expectClose(result['loss']!, full.dataSync()[0]!, { rtol: 1e-6 }, 'evaluate loss');
    expect(result['binary_accuracy']).toBeGreaterThan(0.8);
    dispose([xt, yt, all, predicted, full]);
    m.dispose();
  });

  it('rejects bad input with clear errors', async () => {
    const m = model();
    const base = { params: m.params, forward: m.forward, loss: binaryCrossentropy(), optimizer: sgd(), x: xs, y: ys };
    await expect(fit({ ...base, x: { values: new Float32Array(0), shape: [0, 2] }, y: { values: new Float32Array(0), shape: [0, 1] } })).rejects.toThrow(
      /fit: the dataset is empty/,
    );
    await expect(fit({ ...base, batchSize: 0 })).rejects.toThrow(/fit: batchSize must be a positive integer, got 0/);
    await expect(fit({ ...base, batchSize: -3 })).rejects.toThrow(/got -3/);
    await expect(fit({ ...base, validationSplit: 1.2 })).rejects.toThrow(/fit: validationSplit must be in \(0, 1\), got 1.2/);
    await expect(fit({ ...base, validationSplit: 0 })).rejects.toThrow(/got 0/);
    await expect(fit({ ...base, y: { values: new Float32Array(10), shape: [10, 1] } })).rejects.toThrow(/fit: x has 200 samples but y has 10/);
    await expect(fit({ ...base, x: { values: new Float32Array(10), shape: [200, 2] } })).rejects.toThrow(/x: shape \[200, 2\] needs 400 values, got 10/);
    const badLabels = { values: new Float32Array(200).fill(3), shape: [200, 1] };
    await expect(fit({ ...base, y: badLabels })).rejects.toThrow(/yTrue must lie in \[0, 1\], got 3/);
    m.dispose();
  });

  it('stops on a non-finite loss, naming epoch and step, and keeps the last good checkpoint', async () => {
    const m = model();
    let calls = 0;
    const forward: Forward = (xb, training, context) => {
      if (training) calls++;
      const out = m.forward(xb, training, context);
      // the 7th training batch (epoch 2, step 3 with 4 steps per epoch) produces NaN
      return training && calls === 7 ? mul(out, NaN) : out;
    };
    const store = memoryCheckpointStore();
    await fit({ params: m.params, forward: m.forward, loss: binaryCrossentropy(), optimizer: sgd(), x: xs, y: ys, epochs: 1 });
    const before = numTensors();
    await expect(
      fit({ params: m.params, forward, loss: binaryCrossentropy({ fromLogits: true }), optimizer: adam(), x: xs, y: ys, batchSize: 50, epochs: 3, checkpoint: { store } }),
    ).rejects.toThrow(/fit: the loss is NaN at epoch 2, step 3; training stopped before this update/);
    expect(numTensors()).toBe(before + 4); // adam's m and v for w and b
    expect(weights(m.params).every(Number.isFinite)).toBe(true);
    const saved = decodeCheckpoint(store.bytes!);
    expect(saved.epoch).toBe(1);
    m.dispose();
  });

  it('leaks no tensors over several epochs (with validation, metrics, clipping and checkpoints)', async () => {
    const m = model();
    const optimizer = adam();
    const run = (): Promise<unknown> =>
      fit({
        params: m.params,
        forward: m.forward,
        loss: binaryCrossentropy(),
        optimizer,
        x: xs,
        y: ys,
        epochs: 3,
        batchSize: 32,
        validationSplit: 0.2,
        metrics: [binaryAccuracy()],
        clipping: { norm: 1, globalNorm: 1 },
        callbacks: [stopper],
        checkpoint: { store: memoryCheckpointStore() },
      });
    const stopper = earlyStopping({ monitor: 'val_loss', patience: 10, restoreBestWeights: true });
    await run();
    const before = numTensors();
    await run();
    await run();
    expect(numTensors()).toBe(before);
    stopper.dispose?.();
    optimizer.dispose();
    m.dispose();
  });
});

describeEachBackend(['cpu', 'wasm'], 'checkpoints', () => {
  const { x, y } = dataset(120, 3);
  const xs = { values: x, shape: [120, 2] };
  const ys = { values: y, shape: [120, 1] };

  function setup(): { m: ReturnType<typeof model>; optimizer: Optimizer } {
    return { m: model(), optimizer: adam({ learningRate: 0.02 }) };
  }

  const common = (m: ReturnType<typeof model>, optimizer: Optimizer) => ({
    params: m.params,
    forward: m.forward,
    loss: binaryCrossentropy(),
    optimizer,
    x: xs,
    y: ys,
    batchSize: 16,
    validationSplit: 0.25,
    seed: 11,
    metrics: [binaryAccuracy()],
    callbacks: [reduceLearningRateOnPlateau({ monitor: 'loss', patience: 1, factor: 0.5, minDelta: 10 }), earlyStopping({ monitor: 'val_loss', patience: 50 })],
  });

  it('a run stopped after epoch 2 and resumed from its checkpoint ends with the same weights, bit for bit', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-ckpt-'));
    try {
      const a = setup();
      const straight = await fit({ ...common(a.m, a.optimizer), epochs: 5 });
      const expected = weights(a.m.params);

      const b = setup();
      await fit({ ...common(b.m, b.optimizer), epochs: 2, checkpoint: { dir } });
      expect(existsSync(fileCheckpointStore(dir).file)).toBe(true);
      expect(readdirSync(dir)).toEqual(['checkpoint.rnnkit']);

      // a fresh process: new (differently initialised) weights and a new optimiser
      const c = { m: model(0.9), optimizer: adam({ learningRate: 0.02 }) };
      const resumed = await fit({ ...common(c.m, c.optimizer), epochs: 5, resumeFrom: dir, checkpoint: { dir } });
      expect(weights(c.m.params)).toEqual(expected);
      expect(resumed).toEqual(straight);
      expect(c.optimizer.iterations).toBe(a.optimizer.iterations);
      expect(c.optimizer.learningRate()).toBe(a.optimizer.learningRate());
      expect(a.optimizer.learningRate()).toBeLessThan(0.02);
      for (const s of [a, b, c]) {
        s.m.dispose();
        s.optimizer.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('resumeFrom an empty directory says so', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-ckpt-'));
    const { m, optimizer } = setup();
    await expect(fit({ ...common(m, optimizer), epochs: 1, resumeFrom: dir })).rejects.toThrow(/fit: resumeFrom has no checkpoint in/);
    rmSync(dir, { recursive: true, force: true });
    m.dispose();
  });
});
