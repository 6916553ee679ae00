/**
 * Callbacks through `model.fit`: tfjs-layers' and Keras' signatures receive (epoch, logs) and
 * (batch, logs) without a `name`; `model.stopTraining = true` stops after the batch or the epoch;
 * rnnkit's own callbacks (early stopping, progress), checkpoints and the NaN guard keep working.
 */
import { describeEachBackend } from '@rnnkit/testkit';
import { createRng, numTensors } from '@rnnkit/tensor';
import { earlyStopping, memoryCheckpointStore, progressLogger, sgd } from '@rnnkit/training';
import type { Callback, EpochLogs } from '@rnnkit/training';
import { dense, sequential } from '../index';
import type { FitParams, Sequential } from '../index';

/** N points in the plane labelled by the sign of x0 + x1, as nested arrays. */
function points(n: number, seed: number): { x: number[][]; y: number[] } {
  const rng = createRng(seed);
  const x = Array.from({ length: n }, () => [rng.normal(), rng.normal()]);
  return { x, y: x.map(([a, b]) => (a! + b! > 0 ? 1 : 0)) };
}

const classifier = (seed = 1): Sequential => sequential([dense({ units: 1, activation: 'sigmoid' })], { inputShape: [2], seed, name: 'clf' });
const weightsOf = (model: Sequential): number[] => Object.values(model.params).flatMap((v) => Array.from(v.dataSync()));

describeEachBackend(['cpu', 'wasm'], 'model.fit callbacks', () => {
  const { x, y } = points(40, 2);
  const validation = points(10, 9);

  it("gives each callback object the run's params and the model before training, as tfjs-layers' setParams/setModel", async () => {
    const model = classifier();
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['acc'] });
    const seen: unknown[] = [];
    const callback = {
      params: undefined as FitParams | undefined,
      model: undefined as unknown,
      onTrainBegin() {
        seen.push(this.params, this.model === model);
      },
    };
    await model.fit(x, y, { epochs: 2, batchSize: 16, validationSplit: 0.25, callbacks: [callback] });
    expect(seen).toEqual([
      { epochs: 2, initialEpoch: 0, samples: 30, steps: 2, batchSize: 16, verbose: 0, doValidation: true, metrics: ['loss', 'acc', 'val_loss', 'val_acc'] },
      true,
    ]);
    model.dispose();
  });

  it('calls tfjs-layers-style hooks (no name) with (epoch, logs) and (batch, logs), in order', async () => {
    const model = classifier();
    model.compile({ optimizer: 'sgd', loss: 'binaryCrossentropy', metrics: ['acc'] });
    const calls: string[] = [];
    const batchLoss: number[] = [];
    let epochLogs: EpochLogs = {};
    let endLogs: EpochLogs = {};
    const history = await model.fit(x, y, {
      epochs: 2,
      batchSize: 16,
      validationData: [validation.x, validation.y],
      callbacks: {
        onTrainBegin: (logs) => void calls.push(`trainBegin ${JSON.stringify(logs)}`),
        onEpochBegin: (epoch, logs) => void calls.push(`epochBegin ${epoch} ${JSON.stringify(logs)}`),
        onBatchBegin: (batch, logs) => void calls.push(`batchBegin ${batch} size ${logs.size}`),
        onBatchEnd: (batch, logs) => {
          calls.push(`batchEnd ${batch}`);
          batchLoss.push(logs.loss);
        },
        onEpochEnd: async (epoch, logs) => {
          calls.push(`epochEnd ${epoch}`);
          epochLogs = logs;
        },
        onTrainEnd: (logs) => {
          calls.push('trainEnd');
          endLogs = logs;
        },
      },
    });
    const epoch = (e: number): string[] => [
      `epochBegin ${e} {}`,
      ...[16, 16, 8].flatMap((size, b) => [`batchBegin ${b} size ${size}`, `batchEnd ${b}`]),
      `epochEnd ${e}`,
    ];
    expect(calls).toEqual(['trainBegin {}', ...epoch(0), ...epoch(1), 'trainEnd']);
    expect(batchLoss).toHaveLength(6);
    batchLoss.forEach((l) => expect(Number.isFinite(l)).toBe(true));
    expect(Object.keys(epochLogs)).toEqual(['loss', 'acc', 'val_loss', 'val_acc']);
    expect(endLogs).toBe(epochLogs);
    expect(history.history['val_acc']![1]).toBe(epochLogs['val_acc']);
    model.dispose();
  });

  it('model.stopTraining = true stops after the batch (onBatchEnd) or the epoch (onEpochEnd), and resets on the next fit', async () => {
    const model = classifier();
    model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
    const batches: string[] = [];
    const history = await model.fit(x, y, {
      epochs: 5,
      batchSize: 8,
      validationSplit: 0.25,
      callbacks: [
        {
          onBatchEnd(batch) {
            batches.push(`${batch}`);
            if (batch === 1) model.stopTraining = true;
          },
        },
      ],
    });
    expect(batches).toEqual(['0', '1']);
    // the cut epoch still ends as Keras 3 ends it: its logs and validation are reported
    expect(history.epoch).toEqual([0]);
    expect(Object.keys(history.history)).toEqual(['loss', 'val_loss']);

    const ended: number[] = [];
    const second = await model.fit(x, y, {
      epochs: 5,
      batchSize: 8,
      callbacks: [
        {
          onEpochEnd(epoch) {
            ended.push(epoch);
            if (epoch === 1) model.stopTraining = true;
          },
        },
      ],
    });
    expect(second.epoch).toEqual([0, 1]);
    expect(ended).toEqual([0, 1]);
    expect(model.stopTraining).toBe(true);
    const third = await model.fit(x, y, { epochs: 3, batchSize: 8 });
    expect(third.epoch).toEqual([0, 1, 2]);
    expect(model.stopTraining).toBe(false);
    model.dispose();
  });

  it('initialEpoch numbers the epochs from there, as Keras does', async () => {
    const model = classifier();
    model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
    const seen: number[] = [];
    const history = await model.fit(x, y, { epochs: 5, initialEpoch: 3, callbacks: [{ onEpochBegin: (e) => void seen.push(e) }] });
    expect(history.epoch).toEqual([3, 4]);
    expect(seen).toEqual([3, 4]);
    expect(history.params.initialEpoch).toBe(3);
    model.dispose();
  });

  it('early stopping with restored best weights and the progress logger work through model.fit', async () => {
    const model = classifier();
    // a learning rate far too high makes the loss rise after the first epoch (0.357 → 0.463), so the best epoch is not the last
    model.compile({ optimizer: sgd({ learningRate: 100 }), loss: 'binary_crossentropy' });
    const stopper = earlyStopping({ monitor: 'loss', patience: 1, restoreBestWeights: true });
    const snapshots: number[][] = [];
    const lines: string[] = [];
    const history = await model.fit(x, y, {
      epochs: 30,
      batchSize: 40,
      shuffle: false,
      callbacks: [stopper, progressLogger({ print: (l) => lines.push(l) }), { onEpochEnd: () => void snapshots.push(weightsOf(model)) }],
    });
    const losses = history.history['loss']!;
    expect(stopper.stoppedEpoch).toBe(1);
    expect(losses).toHaveLength(2);
    expect(losses[1]!).toBeGreaterThan(losses[0]!);
    expect(stopper.bestEpoch).toBe(0);
    expect(weightsOf(model)).toEqual(snapshots[0]);
    expect(weightsOf(model)).not.toEqual(snapshots[1]);
    expect(lines).toHaveLength(losses.length);
    expect(lines[0]).toMatch(/^epoch 1\/30 · loss [\d.]+ · \d+ samples\/s · [\d.]+s$/);
    stopper.dispose?.();
    model.dispose();
  });

  it('verbose 2 prints one line per epoch, verbose 1 batch lines too, verbose 0 nothing', async () => {
    const model = classifier();
    model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await model.fit(x, y, { epochs: 2, batchSize: 4 });
      expect(log).not.toHaveBeenCalled();
      await model.fit(x, y, { epochs: 2, batchSize: 4, verbose: 2 });
      expect(log).toHaveBeenCalledTimes(2);
      expect(log.mock.calls[0]![0]).toMatch(/^epoch 1\/2 · loss [\d.]+ · accuracy [\d.]+ · /);
      log.mockClear();
      await model.fit(x, y, { epochs: 1, batchSize: 4, verbose: 1 });
      // 10 batches, a line every batch (a tenth of the epoch), then the epoch's line
      expect(log).toHaveBeenCalledTimes(11);
      expect(log.mock.calls[0]![0]).toMatch(/^epoch 1\/1 · step 1\/10 · loss /);
    } finally {
      log.mockRestore();
    }
    await expect(model.fit(x, y, { verbose: 3 as never })).rejects.toThrow('clf.fit: verbose must be 0, 1 or 2, got 3');
    model.dispose();
  });

  it('a run checkpointed after 2 epochs and resumed into a fresh model ends with the weights of a straight run, bit for bit', async () => {
    const straight = classifier();
    straight.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const expected = await straight.fit(x, y, { epochs: 4, batchSize: 8, validationSplit: 0.2 });

    const store = memoryCheckpointStore();
    const first = classifier();
    first.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    await first.fit(x, y, { epochs: 2, batchSize: 8, validationSplit: 0.2, checkpoint: { store } });

    const resumed = classifier(99);
    resumed.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const history = await resumed.fit(x, y, { epochs: 4, batchSize: 8, validationSplit: 0.2, resumeFrom: store });
    expect(weightsOf(resumed)).toEqual(weightsOf(straight));
    expect(history.history).toEqual(expected.history);
    expect(history.epoch).toEqual([0, 1, 2, 3]);
    for (const m of [straight, first, resumed]) m.dispose();
  });

  it('the NaN guard stops fit with a clear error, and the model can train again', async () => {
    const model = classifier();
    model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
    const poisoned = x.map((row, i) => (i === 20 ? [Number.NaN, row[1]!] : row));
    await expect(model.fit(poisoned, y, { epochs: 2, batchSize: 8, shuffle: false })).rejects.toThrow(
      /^fit: the (loss|gradient norm) is NaN at epoch 1, step 3; training stopped before this update/,
    );
    expect(weightsOf(model).every(Number.isFinite)).toBe(true);
    const history = await model.fit(x, y, { epochs: 1 });
    expect(history.epoch).toEqual([0]);
    model.dispose();
  });

  it('a callback with state needs a name; two fits at once are refused', async () => {
    const model = classifier();
    model.compile({ optimizer: 'sgd', loss: 'binary_crossentropy' });
    const stateful: Callback = { getState: () => ({ values: {}, tensors: {} }), setState: () => undefined };
    await expect(model.fit(x, y, { callbacks: [stateful] })).rejects.toThrow('fit: a callback with state (getState) needs a name, which keys its state in checkpoints');
    const running = model.fit(x, y, { epochs: 2 });
    await expect(model.fit(x, y)).rejects.toThrow('clf.fit: another fit() or trainOnBatch() on this model is still running');
    await expect(model.trainOnBatch(x, y)).rejects.toThrow('clf.trainOnBatch: another fit() or trainOnBatch() on this model is still running');
    await running;
    model.dispose();
  });

  it('leaks no tensors over fits with callbacks, validation and checkpoints', async () => {
    const model = classifier();
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy', 'auc'] });
    const stopper = earlyStopping({ monitor: 'val_loss', patience: 10, restoreBestWeights: true });
    const run = (): Promise<unknown> =>
      model.fit(x, y, { epochs: 2, batchSize: 16, validationSplit: 0.2, callbacks: [stopper], checkpoint: { store: memoryCheckpointStore() } });
    await run();
    const before = numTensors();
    await run();
    await run();
    expect(numTensors()).toBe(before);
    stopper.dispose?.();
    model.dispose();
  });
});
