/**
 * A model's stream of batches as @rnnkit/training's: each element `{ x, y, sampleWeight? }` (also tfjs'
 * `{ xs, ys }` and Keras' `[x, y]` / `[x, y, sampleWeight]`), with x and y as the model takes them — a
 * tensor-like for one input or output, a list or an object by name for several — converted as it is
 * read, so only one batch is in memory. Training frees each batch after its step; the tensors of an
 * element given to a model with several inputs or outputs are freed when the next one is read.
 *
 * Shapes: B batch (may vary); x [B, ...] per input, y [B, ...] per output.
 */
import { Tensor as TensorClass } from '@rnnkit/tensor';
import { isBatchStream } from '@rnnkit/training';
import type { Batch, BatchStream } from '@rnnkit/training';
import type { ModelData } from './columns';
import type { TensorLike } from './inputs';

/** One element of a model's stream. */
export type ModelBatch<X = ModelData> =
  | { readonly x: X; readonly y: X; readonly sampleWeight?: TensorLike }
  | { readonly xs: X; readonly ys: X }
  | readonly [X, X]
  | readonly [X, X, TensorLike];

/** A model's stream of batches: an iterable or async iterable (not an array, which is data). */
export type ModelBatchStream<X = ModelData> = AsyncIterable<ModelBatch<X>> | Iterable<ModelBatch<X>>;

/** An element's parts, whichever way it is written. */
export function batchParts(element: unknown, where: string): { x: ModelData; y: ModelData; sampleWeight?: TensorLike } {
  if (Array.isArray(element) && (element.length === 2 || element.length === 3)) {
    const [x, y, sampleWeight] = element as [ModelData, ModelData, TensorLike?];
    return sampleWeight === undefined ? { x, y } : { x, y, sampleWeight };
  }
  if (typeof element === 'object' && element !== null) {
    const e = element as Partial<{ x: ModelData; y: ModelData; xs: ModelData; ys: ModelData; sampleWeight: TensorLike }>;
    const x = e.x ?? e.xs;
    const y = e.y ?? e.ys;
    if (x !== undefined && y !== undefined) return e.sampleWeight === undefined ? { x, y } : { x, y, sampleWeight: e.sampleWeight };
  }
  throw new Error(`${where} must be { x, y, sampleWeight? }, { xs, ys } or [x, y], got ${Array.isArray(element) ? `an array of ${element.length}` : typeof element}`);
}

/** Frees the tensors an element holds (its parts, or the tensors in their lists and objects). */
export function freeElement(parts: { readonly x: ModelData; readonly y?: ModelData; readonly sampleWeight?: TensorLike }): void {
  const free = (v: unknown): void => {
    if (v instanceof TensorClass) v.dispose();
    else if (Array.isArray(v)) v.forEach(free);
    else if (typeof v === 'object' && v !== null && !ArrayBuffer.isView(v) && !('values' in v)) Object.values(v).forEach(free);
  };
  free(parts.x);
  free(parts.y);
  free(parts.sampleWeight);
}

/**
 * `stream`'s elements converted by `convert` (a batch for training, and what to free once training is
 * done with it); re-iterable when `stream` is, and ending the source when training ends early.
 */
export function convertedStream<B = Batch>(stream: BatchStream<unknown>, convert: (element: unknown, where: string) => { readonly batch: B; readonly release: () => void }, who: string): AsyncIterable<B> {
  if (!isBatchStream(stream)) throw new Error(`${who}: the data must be an iterable or async iterable of batches`);
  return {
    [Symbol.asyncIterator]() {
      const source: AsyncIterator<unknown> =
        Symbol.asyncIterator in stream ? (stream as AsyncIterable<unknown>)[Symbol.asyncIterator]() : toAsync((stream as Iterable<unknown>)[Symbol.iterator]());
      let pending: (() => void) | null = null;
      let step = 0;
      const finish = (): void => {
        pending?.();
        pending = null;
      };
      return {
        async next() {
          finish();
          const n = await source.next();
          if (n.done === true) return { done: true, value: undefined };
          const converted = convert(n.value, `${who}: batch ${++step}`);
          pending = converted.release;
          return { done: false, value: converted.batch };
        },
        async return() {
          finish();
          await source.return?.();
          return { done: true, value: undefined };
        },
      };
    },
  };
}

function toAsync<T>(it: Iterator<T>): AsyncIterator<T> {
  return { next: async () => it.next(), return: async () => it.return?.() ?? { done: true, value: undefined } };
}

/** The x tensor of a prediction stream's element (an x alone, or `{ x }` / `{ xs }`). */
export function predictionInput(element: unknown): ModelData {
  if (typeof element === 'object' && element !== null && !(element instanceof TensorClass) && !Array.isArray(element) && ('x' in element || 'xs' in element)) {
    return ((element as { x?: ModelData }).x ?? (element as { xs: ModelData }).xs) as ModelData;
  }
  return element as ModelData;
}
