/**
 * `evaluate` and `predict`, in batches, without gradients.
 *
 * Shapes: N samples, B batch; x is [N, ...], predictions [N, ...] (whatever `forward` returns per batch).
 */
import { Tensor as TensorClass, concat, dispose, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { checkBatch, iterate, releaseBatch } from './batch-stream';
import type { BatchStream } from './batch-stream';
import { range, rowsOf } from './data';
import type { Data, Rows } from './data';
import type { Loss } from './losses/reduce';
import type { Metric } from './metrics';

/** Context handed to `forward`: where training is, and a per-step seed for dropout and the like. */
export interface ForwardContext {
  readonly epoch: number;
  readonly step: number;
  /** Derived from the run's seed and the global step, so a resumed run draws the same masks. */
  readonly seed: number;
}

/**
 * The model as training sees it: a batch [B, ...] in, predictions out. `training` is true during
 * updates (dropout on). Models may ignore `context`.
 */
export type Forward = (x: Tensor, training: boolean, context: ForwardContext) => Tensor;

/** A per-step (or per-sample) mask from a batch, e.g. `x ≠ 0` for padded tokens; [B] or [B, T]. */
export type MaskFn = (x: Tensor, y: Tensor) => Tensor;

/** Options of {@link evaluate}: the forward pass, loss, data, batch size and metrics. */
export interface EvaluateOptions {
  readonly forward: Forward;
  readonly loss: Loss;
  readonly x: Data;
  readonly y: Data;
  readonly sampleWeight?: Data;
  readonly mask?: MaskFn;
  /** Default 32. */
  readonly batchSize?: number;
  readonly metrics?: readonly Metric[];
}

export function checkBatchSize(batchSize: number, fn: string): void {
  if (!(Number.isInteger(batchSize) && batchSize > 0)) throw new Error(`${fn}: batchSize must be a positive integer, got ${batchSize}`);
}

/** The rows of evaluation: x, y and optional weights of equal length. */
export interface LabelledRows {
  readonly x: Rows;
  readonly y: Rows;
  readonly sampleWeight?: Rows;
}

const EVAL_CONTEXT: ForwardContext = { epoch: -1, step: -1, seed: 0 };

/**
 * Mean loss and metrics over `rows`, batch by batch. The loss is the mean of batch losses weighted
 * by batch size (Keras); metrics are running means over real samples.
 */
export function evaluateRows(
  rows: LabelledRows,
  forward: Forward,
  loss: Loss,
  options: { readonly batchSize: number; readonly metrics: readonly Metric[]; readonly mask?: MaskFn },
): Record<string, number> {
  const sums = evaluationSums(forward, loss, options);
  for (let start = 0; start < rows.x.length; start += options.batchSize) {
    const indices = range(start, Math.min(start + options.batchSize, rows.x.length));
    tidy(() => {
      const sampleWeight = rows.sampleWeight?.take(indices);
      sums.add(rows.x.take(indices), rows.y.take(indices), sampleWeight);
    });
  }
  return sums.logs();
}

/** Running sums of the loss (weighted by batch size, as Keras) and the metrics over batches. */
function evaluationSums(forward: Forward, loss: Loss, options: { readonly metrics: readonly Metric[]; readonly mask?: MaskFn }) {
  const accumulators = options.metrics.map((m) => m.create());
  let lossSum = 0;
  let count = 0;
  return {
    /** Adds one batch (call inside a `tidy`). */
    add(x: Tensor, y: Tensor, sampleWeight: Tensor | undefined): void {
      const yPred = forward(x, false, EVAL_CONTEXT);
      const mask = options.mask?.(x, y);
      const value = loss(y, yPred, { ...(mask && { mask }), ...(sampleWeight && { sampleWeight }) });
      lossSum += value.dataSync()[0]! * x.shape[0]!;
      count += x.shape[0]!;
      for (const a of accumulators) a.update(y, yPred, mask);
    },
    logs(): Record<string, number> {
      const logs: Record<string, number> = { loss: lossSum / count };
      options.metrics.forEach((m, i) => (logs[m.name] = accumulators[i]!.result()));
      return logs;
    },
  };
}

/** {@link evaluateRows} over `steps` batches of a stream (all of it when null), each freed after use; errors name `who`. */
export async function evaluateStreamBatches(
  stream: BatchStream,
  steps: number | null,
  forward: Forward,
  loss: Loss,
  options: { readonly metrics: readonly Metric[]; readonly mask?: MaskFn },
  who: string,
): Promise<Record<string, number>> {
  const sums = evaluationSums(forward, loss, options);
  const batches = iterate(stream, who);
  let step = 0;
  for (; steps === null || step < steps; step++) {
    const next = await batches.next();
    if (next.done === true) break;
    const batch = checkBatch(next.value, `${who}: batch ${step + 1}`, true);
    try {
      tidy(() => sums.add(batch.x, batch.y, batch.sampleWeight));
    } finally {
      releaseBatch(batch);
    }
  }
  if (step === 0) throw new Error(`${who}: the stream has no batches`);
  if (steps !== null && step < steps) throw new Error(`${who}: the stream ran out after ${step} of ${steps} batches`);
  return sums.logs();
}

/** Loss and metrics of `forward` over a stream of batches (Keras `model.evaluate` on a dataset); each batch is freed after use. */
export function evaluateStream(options: {
  readonly forward: Forward;
  readonly loss: Loss;
  readonly data: BatchStream;
  /** Batches to read. Default: the whole stream. */
  readonly steps?: number;
  readonly metrics?: readonly Metric[];
  readonly mask?: MaskFn;
}): Promise<Record<string, number>> {
  const steps = options.steps ?? null;
  if (steps !== null && !(Number.isInteger(steps) && steps > 0)) throw new Error(`evaluateStream: steps must be a positive integer, got ${steps}`);
  return evaluateStreamBatches(options.data, steps, options.forward, options.loss, { metrics: options.metrics ?? [], ...(options.mask && { mask: options.mask }) }, 'evaluateStream: data');
}

/** Predictions of `forward` for every batch of a stream of inputs (x tensors), concatenated (caller owns the tensor); each batch is freed after use. */
export async function predictStream(options: { readonly forward: Forward; readonly data: BatchStream<Tensor>; readonly steps?: number }): Promise<Tensor> {
  const batches = iterate(options.data, 'predictStream: data');
  const parts: Tensor[] = [];
  try {
    for (let step = 0; options.steps === undefined || step < options.steps; step++) {
      const next = await batches.next();
      if (next.done === true) break;
      const x: unknown = next.value;
      if (!(x instanceof TensorClass)) throw new Error(`predictStream: data: batch ${step + 1} must be an input tensor, got ${typeof x}`);
      try {
        parts.push(tidy(() => options.forward(x, false, EVAL_CONTEXT)));
      } finally {
        x.dispose();
      }
    }
    if (parts.length === 0) throw new Error('predictStream: data: the stream has no batches');
  } catch (e) {
    dispose(parts);
    throw e;
  }
  if (parts.length === 1) return parts[0]!;
  const out = concat(parts, 0);
  dispose(parts);
  return out;
}

function lengthsMatch(x: Rows, y: Rows, fn: string): void {
  if (x.length === 0) throw new Error(`${fn}: the dataset is empty (x has 0 samples)`);
  if (x.length !== y.length) throw new Error(`${fn}: x has ${x.length} samples but y has ${y.length}`);
}

/** Loss and metrics of `forward` on (x, y): `{ loss, ...metrics }` (Keras `model.evaluate`). */
export function evaluate(options: EvaluateOptions): Record<string, number> {
  const batchSize = options.batchSize ?? 32;
  checkBatchSize(batchSize, 'evaluate');
  const x = rowsOf(options.x, 'x');
  const y = rowsOf(options.y, 'y');
  lengthsMatch(x, y, 'evaluate');
  const sampleWeight = options.sampleWeight === undefined ? undefined : rowsOf(options.sampleWeight, 'sampleWeight');
  return evaluateRows({ x, y, ...(sampleWeight && { sampleWeight }) }, options.forward, options.loss, {
    batchSize,
    metrics: options.metrics ?? [],
    ...(options.mask && { mask: options.mask }),
  });
}

/** Predictions of `forward` for every row of x, computed in batches and concatenated (caller owns the tensor). */
export function predict(options: { readonly forward: Forward; readonly x: Data; readonly batchSize?: number }): Tensor {
  const batchSize = options.batchSize ?? 32;
  checkBatchSize(batchSize, 'predict');
  const x = rowsOf(options.x, 'x');
  if (x.length === 0) throw new Error('predict: the dataset is empty (x has 0 samples)');
  const parts: Tensor[] = [];
  for (let start = 0; start < x.length; start += batchSize) {
    const indices = range(start, Math.min(start + batchSize, x.length));
    parts.push(tidy(() => options.forward(x.take(indices), false, EVAL_CONTEXT)));
  }
  const out = parts.length === 1 ? parts[0]! : concat(parts, 0);
  if (parts.length > 1) dispose(parts);
  return out;
}

export { lengthsMatch };
