/**
 * `fit`: epochs of shuffled mini-batches, each a full-BPTT update (forward, loss, gradients through
 * every timestep, clipping, optimiser step), with validation, metrics, callbacks, checkpoints
 * that resume bit-exactly, and a guard that stops on a non-finite loss.
 *
 * The data is in memory (x and y, batched and shuffled here) or a stream of ready batches (`data`),
 * for corpora that do not fit in memory; both run the same loop.
 *
 * Shapes: N samples, B batch; x is [N, ...], y is [N, ...]; `forward` maps [B, ...] to predictions.
 */
import { createRng, dispose, tidy } from '@rnnkit/tensor';
import type { Rng, Tensor } from '@rnnkit/tensor';
import type { Callback, TrainingContext } from './callbacks/callback';
import { decodeCheckpoint, disposeCheckpoint, encodeCheckpoint } from './checkpoint';
import type { Checkpoint, CheckpointStore, History } from './checkpoint';
import { fileCheckpointStore } from './checkpoint-file';
import { fullBpttStep } from './bptt';
import { checkBatch, iterate, releaseBatch } from './batch-stream';
import type { Batch, BatchStream } from './batch-stream';
import type { GradientClipping } from './clipping';
import { range, rowsOf } from './data';
import type { Data } from './data';
import { checkBatchSize, evaluateRows, evaluateStreamBatches, lengthsMatch } from './evaluate';
import type { Forward, LabelledRows, MaskFn } from './evaluate';
import type { Loss } from './losses/reduce';
import type { Metric } from './metrics';
import type { Optimizer, Params } from './optimizers/optimizer';

/** What every {@link fit} takes: the model (params and forward), loss, optimiser, and Keras' training settings. */
export interface FitCommonOptions {
  /**
   * The model's variables by name (`model.params`): the trainable ones are differentiated and updated by
   * the optimiser; all of them, non-trainable state such as moving statistics included, are checkpointed.
   */
  readonly params: Params;
  readonly forward: Forward;
  readonly loss: Loss;
  readonly optimizer: Optimizer;
  /** Per-step mask for loss and metrics, from each batch (e.g. non-padding tokens). */
  readonly mask?: MaskFn;
  /** The epoch to train up to (exclusive, as in Keras: `epochs − initialEpoch` epochs run). Default 1. */
  readonly epochs?: number;
  /** The index of the first epoch (Keras `initial_epoch`); a checkpoint's epoch takes precedence. Default 0. */
  readonly initialEpoch?: number;
  /** Seeds the shuffling and the per-step seeds handed to `forward`. Default 0. */
  readonly seed?: number;
  readonly metrics?: readonly Metric[];
  readonly callbacks?: readonly Callback[];
  readonly clipping?: GradientClipping;
  /** Save a checkpoint every `every` epochs (default 1) to a directory (Node) or a store. */
  readonly checkpoint?: { readonly dir: string; readonly every?: number } | { readonly store: CheckpointStore; readonly every?: number };
  /** Continue from a checkpoint: a directory (Node), a store, or a decoded checkpoint. */
  readonly resumeFrom?: string | CheckpointStore | Checkpoint;
}

/** In-memory validation data. */
export interface ValidationRows {
  readonly x: Data;
  readonly y: Data;
  readonly sampleWeight?: Data;
}

/** Options of {@link fit} on data in memory. */
export interface FitOptions extends FitCommonOptions {
  readonly x: Data;
  readonly y: Data;
  readonly sampleWeight?: Data;
  /** Default 32. The last batch of an epoch may be smaller. */
  readonly batchSize?: number;
  /** Hold out the LAST fraction of x/y (taken before shuffling, as Keras does). In (0, 1). */
  readonly validationSplit?: number;
  readonly validationData?: ValidationRows;
  /** Shuffle the training rows every epoch. Default true. */
  readonly shuffle?: boolean;
}

/**
 * Options of {@link fit} on a stream of batches (tfjs' `fitDataset`). Without `stepsPerEpoch` each
 * epoch reads the stream to its end (the source must start over for each epoch: a generator object
 * cannot); with it, each epoch takes the next `stepsPerEpoch` batches of one pass. A stream that runs
 * out ends training there with a warning, keeping the epochs done (Keras, tfjs-layers). A resumed run
 * starts the stream from its beginning (the weights, optimiser and epoch come from the checkpoint).
 */
export interface FitStreamOptions extends FitCommonOptions {
  readonly data: BatchStream;
  /** Batches per epoch (Keras `steps_per_epoch`, tfjs `batchesPerEpoch`). Default: the whole stream. */
  readonly stepsPerEpoch?: number;
  /** Validation batches (a stream, read from its start each epoch) or in-memory data. */
  readonly validationData?: BatchStream | ValidationRows;
  /** Validation batches per epoch. Default: the whole validation stream. */
  readonly validationSteps?: number;
  /** Batch size for in-memory validation data. Default 32. */
  readonly validationBatchSize?: number;
}

/** Where `fit` says that a stream ended early (its only warning). */
function warn(message: string): void {
  console.warn(message);
}

/** Fisher–Yates permutation of 0…n−1 drawn from `rng`. */
function permutation(n: number, rng: Rng): number[] {
  const order = range(0, n);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

/** A 32-bit seed for step `globalStep` of a run seeded with `seed`. */
function stepSeed(seed: number, globalStep: number): number {
  return (Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(globalStep + 1, 0xc2b2ae35)) >>> 0;
}

interface Split {
  readonly train: LabelledRows;
  readonly validation: LabelledRows | null;
}

function split(options: FitOptions): Split {
  const x = rowsOf(options.x, 'x');
  const y = rowsOf(options.y, 'y');
  lengthsMatch(x, y, 'fit');
  const n = x.length;
  if (options.sampleWeight !== undefined && rowsOf(options.sampleWeight, 'sampleWeight').length !== n) {
    throw new Error(`fit: sampleWeight has ${rowsOf(options.sampleWeight, 'sampleWeight').length} samples but x has ${n}`);
  }
  const rows = (start: number, end: number): LabelledRows => {
    const sampleWeight = options.sampleWeight === undefined ? undefined : rowsOf(options.sampleWeight, 'sampleWeight', start, end);
    return { x: rowsOf(options.x, 'x', start, end), y: rowsOf(options.y, 'y', start, end), ...(sampleWeight && { sampleWeight }) };
  };
  if (options.validationData !== undefined) {
    const v = options.validationData;
    const vx = rowsOf(v.x, 'validationData.x');
    lengthsMatch(vx, rowsOf(v.y, 'validationData.y'), 'fit (validationData)');
    const sampleWeight = v.sampleWeight === undefined ? undefined : rowsOf(v.sampleWeight, 'validationData.sampleWeight');
    return { train: rows(0, n), validation: { x: vx, y: rowsOf(v.y, 'validationData.y'), ...(sampleWeight && { sampleWeight }) } };
  }
  if (options.validationSplit === undefined) return { train: rows(0, n), validation: null };
  const fraction = options.validationSplit;
  if (!(fraction > 0 && fraction < 1)) throw new Error(`fit: validationSplit must be in (0, 1), got ${fraction}`);
  // Keras: split_at = int(N · (1 − fraction)); the validation rows are the last ones, unshuffled
  const splitAt = Math.floor(n * (1 - fraction));
  if (splitAt === 0 || splitAt === n) {
    throw new Error(`fit: validationSplit ${fraction} of ${n} samples leaves ${splitAt} for training and ${n - splitAt} for validation`);
  }
  return { train: rows(0, splitAt), validation: rows(splitAt, n) };
}

/** Where an epoch's batches come from: in-memory rows (shuffled here) or a stream. */
interface TrainingBatches {
  readonly stepsPerEpoch: number | null;
  readonly samples: number | null;
  /** The batches of one epoch; in-memory rows are ordered by `rng` (drawn once per epoch). */
  open(rng: Rng): AsyncIterator<Batch>;
  /** Validation logs after an epoch, or null without validation data. */
  validate(forward: Forward, loss: Loss, metrics: readonly Metric[], mask: MaskFn | undefined): Promise<Record<string, number> | null>;
  /** Ends the stream iterators still open (a stop or an error mid-epoch), so their sources can clean up. */
  close(): Promise<void>;
}

function rowBatches(options: FitOptions, batchSize: number): TrainingBatches {
  const { train, validation } = split(options);
  const n = train.x.length;
  const stepsPerEpoch = Math.ceil(n / batchSize);
  return {
    stepsPerEpoch,
    samples: n,
    open(rng) {
      const order = options.shuffle === false ? range(0, n) : permutation(n, rng);
      let step = 0;
      return {
        next: async () => {
          if (step >= stepsPerEpoch) return { done: true, value: undefined };
          const indices = order.slice(step * batchSize, ++step * batchSize);
          const sampleWeight = train.sampleWeight?.take(indices);
          return { done: false, value: { x: train.x.take(indices), y: train.y.take(indices), ...(sampleWeight && { sampleWeight }) } };
        },
      };
    },
    validate: async (forward, loss, metrics, mask) => (validation === null ? null : evaluateRows(validation, forward, loss, { batchSize, metrics, ...(mask && { mask }) })),
    close: async () => undefined,
  };
}

function positiveSteps(value: number | undefined, name: string): number | null {
  if (value === undefined) return null;
  if (!(Number.isInteger(value) && value > 0)) throw new Error(`fit: ${name} must be a positive integer, got ${value}`);
  return value;
}

function streamBatches(options: FitStreamOptions): TrainingBatches {
  const stepsPerEpoch = positiveSteps(options.stepsPerEpoch, 'stepsPerEpoch');
  const validationSteps = positiveSteps(options.validationSteps, 'validationSteps');
  // with stepsPerEpoch the epochs share one iterator (each takes the next batches); without, each starts over
  let shared: AsyncIterator<Batch> | null = null;
  const opened: AsyncIterator<Batch>[] = [];
  const open = (): AsyncIterator<Batch> => {
    const it = iterate(options.data, 'fit: data');
    opened.push(it);
    return it;
  };
  const v = options.validationData;
  const inMemory = v !== undefined && 'x' in v ? v : null;
  if (inMemory !== null) lengthsMatch(rowsOf(inMemory.x, 'validationData.x'), rowsOf(inMemory.y, 'validationData.y'), 'fit (validationData)');
  return {
    stepsPerEpoch,
    samples: null,
    open: () => (stepsPerEpoch === null ? open() : (shared ??= open())),
    async close() {
      for (const it of opened.splice(0)) await it.return?.();
    },
    async validate(forward, loss, metrics, mask) {
      if (v === undefined) return null;
      if (inMemory !== null) {
        const sampleWeight = inMemory.sampleWeight === undefined ? undefined : rowsOf(inMemory.sampleWeight, 'validationData.sampleWeight');
        const rows = { x: rowsOf(inMemory.x, 'validationData.x'), y: rowsOf(inMemory.y, 'validationData.y'), ...(sampleWeight && { sampleWeight }) };
        return evaluateRows(rows, forward, loss, { batchSize: options.validationBatchSize ?? 32, metrics, ...(mask && { mask }) });
      }
      return evaluateStreamBatches(v as BatchStream, validationSteps, forward, loss, { metrics, ...(mask && { mask }) }, 'fit: validationData');
    },
  };
}

async function loadCheckpoint(from: FitOptions['resumeFrom']): Promise<{ checkpoint: Checkpoint; owned: boolean; source: string } | null> {
  if (from === undefined) return null;
  if (typeof from !== 'string' && !('load' in from)) return { checkpoint: from, owned: false, source: 'the checkpoint passed as resumeFrom' };
  const store = typeof from === 'string' ? fileCheckpointStore(from) : from;
  const source = store.name ?? 'the checkpoint store';
  const bytes = await store.load();
  if (bytes === null) throw new Error(`fit: resumeFrom has no checkpoint${typeof from === 'string' ? ` in ${from}` : ''}`);
  return { checkpoint: decodeCheckpoint(bytes, { source }), owned: true, source };
}

function restoreParams(params: Params, saved: Readonly<Record<string, Tensor>>): void {
  for (const [name, variable] of Object.entries(params)) {
    const value = saved[name];
    if (value === undefined) throw new Error(`the checkpoint has no weights for param "${name}"`);
    if (value.shape.join(',') !== variable.shape.join(',')) {
      throw new Error(`checkpoint weights of "${name}" have shape [${value.shape.join(', ')}], the param has [${variable.shape.join(', ')}]`);
    }
    variable.assign(value);
  }
}

/**
 * Trains `params` by mini-batch gradient descent (Keras `model.fit` semantics) and returns the
 * history. See {@link FitOptions}.
 *
 * @example
 * const history = await fit({
 *   params: model.params, forward: (x, training) => model.apply(x, { training }),
 *   loss: binaryCrossentropy(), optimizer: adam(), x, y, epochs: 5, batchSize: 128,
 *   validationSplit: 0.2, metrics: [binaryAccuracy()], callbacks: [progressLogger()],
 *   checkpoint: { dir: 'runs/imdb' },
 * });
 */
export async function fit(options: FitOptions | FitStreamOptions): Promise<History> {
  const epochs = options.epochs ?? 1;
  const seed = options.seed ?? 0;
  const metrics = options.metrics ?? [];
  const callbacks = options.callbacks ?? [];
  if ('data' in options && 'x' in options) throw new Error('fit: give data (a stream of batches) or x and y, not both');
  const streamed = 'data' in options;
  const batchSize = streamed ? 0 : (options.batchSize ?? 32);
  if (!streamed) checkBatchSize(batchSize, 'fit');
  if (!(Number.isInteger(epochs) && epochs >= 0)) throw new Error(`fit: epochs must be a non-negative integer, got ${epochs}`);
  const initialEpoch = options.initialEpoch ?? 0;
  if (!(Number.isInteger(initialEpoch) && initialEpoch >= 0)) throw new Error(`fit: initialEpoch must be a non-negative integer, got ${initialEpoch}`);
  if (Object.keys(options.params).length === 0) throw new Error('fit: params is empty; there is nothing to train');
  const names = new Set<string>();
  for (const c of callbacks) {
    if (c.getState === undefined) continue;
    if (c.name === undefined) throw new Error('fit: a callback with state (getState) needs a name, which keys its state in checkpoints');
    if (names.has(c.name)) throw new Error(`fit: two callbacks with state are both named "${c.name}"`);
    names.add(c.name);
  }
  const batches = streamed ? streamBatches(options) : rowBatches(options, batchSize);
  const store = options.checkpoint === undefined ? null : 'store' in options.checkpoint ? options.checkpoint.store : fileCheckpointStore(options.checkpoint.dir);
  const every = options.checkpoint?.every ?? 1;

  let rng = createRng(seed);
  let startEpoch = initialEpoch;
  let globalStep = 0;
  const history: History = { epochs: [], history: {} };
  const resumed = await loadCheckpoint(options.resumeFrom);
  if (resumed !== null) {
    const c = resumed.checkpoint;
    try {
      restoreParams(options.params, c.params);
      options.optimizer.setState(c.optimizer);
      for (const callback of callbacks) {
        const state = callback.name === undefined ? undefined : c.callbacks[callback.name];
        if (state !== undefined) callback.setState?.(state);
      }
    } catch (e) {
      if (resumed.owned) disposeCheckpoint(c);
      throw new Error(`fit: resuming from ${resumed.source}: ${(e as Error).message}`, { cause: e });
    }
    rng = createRng(c.rngState);
    startEpoch = c.epoch;
    globalStep = c.globalStep;
    history.epochs.push(...c.history.epochs);
    for (const [k, v] of Object.entries(c.history.history)) history.history[k] = [...v];
    if (resumed.owned) disposeCheckpoint(c);
  }

  let stopRequested = false;
  const { stepsPerEpoch } = batches;
  const context: TrainingContext = {
    params: options.params,
    optimizer: options.optimizer,
    epochs,
    stepsPerEpoch,
    samples: batches.samples,
    stop: () => {
      stopRequested = true;
    },
  };

  let lastLogs: Record<string, number> = {};
  try {
    return await trainEpochs();
  } finally {
    await batches.close();
  }

  async function trainEpochs(): Promise<History> {
    for (const c of callbacks) await c.onTrainBegin?.({}, context);
    for (let epoch = startEpoch; epoch < epochs && !stopRequested; epoch++) {
      for (const c of callbacks) await c.onEpochBegin?.(epoch, {}, context);
      if (stopRequested) break;
      const epochBatches = batches.open(rng);
      const accumulators = metrics.map((m) => m.create());
      let lossSum = 0;
      let seen = 0;
      // a stop asked for during the epoch ends it after the current batch (Keras, tfjs-layers)
      for (let step = 0; (stepsPerEpoch === null || step < stepsPerEpoch) && !stopRequested; step++) {
        const next = await epochBatches.next();
        if (next.done === true) {
          if (step > 0 && stepsPerEpoch === null) break;
          if (epoch === startEpoch && step === 0) throw new Error('fit: data has no batches');
          // as Keras and tfjs-layers: the data ran out, so training ends here (the epochs done are kept)
          warn(
            stepsPerEpoch === null
              ? `fit: data has no batches for epoch ${epoch + 1}: a generator cannot start over — give a source whose [Symbol.asyncIterator]() or [Symbol.iterator]() begins anew, or stepsPerEpoch; training stopped after ${epoch} epoch(s)`
              : `fit: data ran out after ${step} of the ${stepsPerEpoch} batches of epoch ${epoch + 1} (stepsPerEpoch takes the batches of one pass over the stream); training stopped there`,
          );
          stopRequested = true;
          break;
        }
        const batch = streamed ? checkBatch(next.value, `fit: batch ${step + 1} of epoch ${epoch + 1}`, true) : next.value;
        const size = batch.x.shape[0]!;
        let result: { loss: number; gradientNorm: number; learningRate: number };
        try {
          for (const c of callbacks) await c.onBatchBegin?.(step, { epoch, step, size }, context);
          // the whole step lives in one tidy: predictions, gradients; only the weights persist (the batch is freed after)
          result = tidy(() => {
            const mask = options.mask?.(batch.x, batch.y);
            const r = fullBpttStep({
              params: options.params,
              predict: () => options.forward(batch.x, true, { epoch, step, seed: stepSeed(seed, globalStep) }),
              loss: options.loss,
              y: batch.y,
              weights: { ...(mask && { mask }), ...(batch.sampleWeight && { sampleWeight: batch.sampleWeight }) },
              optimizer: options.optimizer,
              clipping: options.clipping ?? {},
              where: `fit: at epoch ${epoch + 1}, step ${step + 1}`,
            });
            for (const a of accumulators) a.update(batch.y, r.yPred, mask);
            r.yPred.dispose();
            return { loss: r.loss, gradientNorm: r.gradientNorm, learningRate: r.learningRate };
          });
        } finally {
          releaseBatch(batch);
        }
        globalStep++;
        lossSum += result.loss * size;
        seen += size;
        const running: Record<string, number> = { loss: lossSum / seen };
        metrics.forEach((m, i) => (running[m.name] = accumulators[i]!.result()));
        for (const c of callbacks) {
          await c.onBatchEnd?.(step, { epoch, step, size, loss: result.loss, gradientNorm: result.gradientNorm, learningRate: result.learningRate, running }, context);
        }
      }

      if (seen === 0) break;
      const logs: Record<string, number> = { loss: lossSum / seen };
      metrics.forEach((m, i) => (logs[m.name] = accumulators[i]!.result()));
      const v = await batches.validate(options.forward, options.loss, metrics, options.mask);
      if (v !== null) for (const [k, value] of Object.entries(v)) logs[`val_${k}`] = value;
      history.epochs.push(epoch);
      for (const [k, value] of Object.entries(logs)) (history.history[k] ??= []).push(value);
      for (const c of callbacks) await c.onEpochEnd?.(epoch, logs, context);
      lastLogs = logs;

      if (store !== null && ((epoch + 1) % every === 0 || epoch === epochs - 1 || stopRequested)) {
        await saveCheckpoint(store, options, callbacks, { epoch: epoch + 1, globalStep, seed, rng, history });
      }
    }
    for (const c of callbacks) await c.onTrainEnd?.(lastLogs, context);
    return history;
  }
}

async function saveCheckpoint(
  store: CheckpointStore,
  options: FitCommonOptions,
  callbacks: readonly Callback[],
  at: { readonly epoch: number; readonly globalStep: number; readonly seed: number; readonly rng: Rng; readonly history: History },
): Promise<void> {
  const checkpoint: Checkpoint = {
    epoch: at.epoch,
    globalStep: at.globalStep,
    seed: at.seed,
    rngState: at.rng.state(),
    history: at.history,
    params: options.params,
    optimizer: options.optimizer.getState(),
    callbacks: Object.fromEntries(callbacks.flatMap((c) => (c.getState === undefined || c.name === undefined ? [] : [[c.name, c.getState()]]))),
  };
  let bytes: Uint8Array;
  try {
    bytes = encodeCheckpoint(checkpoint);
  } finally {
    for (const own of Object.values(checkpoint.optimizer.slots)) dispose(Object.values(own));
    for (const state of Object.values(checkpoint.callbacks)) dispose(Object.values(state.tensors));
  }
  await store.save(bytes);
}

