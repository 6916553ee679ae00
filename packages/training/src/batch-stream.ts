/**
 * Data that does not fit in memory: a stream of ready batches (tfjs' `fitDataset`, Keras' `fit` on a
 * dataset). Any iterable or async iterable of `{ x, y, sampleWeight? }` works — a generator reading
 * files, a tfjs-data `Dataset`'s iterator adapted, an array of batches. Training frees each batch's
 * tensors once its step is done, so memory stays bounded by one batch whatever the stream's length.
 *
 * Shapes: B batch (may vary between batches); x [B, ...], y [B, ...], sampleWeight [B] or [B, T].
 */
import { Tensor } from '@rnnkit/tensor';

/** One batch of a stream. Its tensors belong to training from the moment it is yielded. */
export interface Batch {
  readonly x: Tensor;
  readonly y: Tensor;
  readonly sampleWeight?: Tensor;
}

/** Batches for `fit`, `evaluateStream` and `predictStream`. Re-iterable sources start over each epoch. */
export type BatchStream<B = Batch> = AsyncIterable<B> | Iterable<B>;

/** An iterator over `stream`'s batches, async whatever the source. */
export function iterate<B>(stream: BatchStream<B>, name: string): AsyncIterator<B> {
  if (stream !== null && typeof stream === 'object') {
    if (Symbol.asyncIterator in stream) return (stream as AsyncIterable<B>)[Symbol.asyncIterator]();
    if (Symbol.iterator in stream) {
      const it = (stream as Iterable<B>)[Symbol.iterator]();
      return { next: async () => it.next(), return: async () => it.return?.() ?? { done: true, value: undefined } };
    }
  }
  throw new Error(`${name} must be an iterable or async iterable of batches, got ${stream === null ? 'null' : typeof stream}`);
}

/** `value` as a {@link Batch}, checked (errors name `where`); tensors of a refused batch are freed. */
export function checkBatch(value: unknown, where: string, withTargets: boolean): Batch {
  const free = (): void => {
    if (typeof value === 'object' && value !== null) for (const t of Object.values(value)) if (t instanceof Tensor) t.dispose();
  };
  const b = value as Partial<Batch> | null;
  const problem =
    typeof b !== 'object' || b === null
      ? `a batch must be { x, y, sampleWeight? } of tensors, got ${b === null ? 'null' : typeof b}`
      : !(b.x instanceof Tensor)
        ? 'batch.x must be a tensor'
        : withTargets && !(b.y instanceof Tensor)
          ? 'batch.y must be a tensor'
          : b.x.rank === 0
            ? 'batch.x must have a batch axis'
            : withTargets && b.y!.shape[0] !== b.x.shape[0]
              ? `batch.x has ${b.x.shape[0]} samples but batch.y has ${b.y!.shape[0]}`
              : b.sampleWeight !== undefined && (!(b.sampleWeight instanceof Tensor) || b.sampleWeight.shape[0] !== b.x.shape[0])
                ? `batch.sampleWeight must be a tensor of ${b.x.shape[0]} samples`
                : null;
  if (problem !== null) {
    free();
    throw new Error(`${where}: ${problem}`);
  }
  return b as Batch;
}

/** Frees a batch's tensors. */
export function releaseBatch(batch: Batch): void {
  batch.x.dispose();
  batch.y.dispose();
  batch.sampleWeight?.dispose();
}

/** Whether `data` is a stream of batches rather than in-memory data (a tensor or `{ values, shape }`). */
export function isBatchStream(data: unknown): data is BatchStream<unknown> {
  return typeof data === 'object' && data !== null && !(data instanceof Tensor) && !Array.isArray(data) && (Symbol.asyncIterator in data || Symbol.iterator in data) && !ArrayBuffer.isView(data);
}
