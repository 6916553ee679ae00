/**
 * Inputs of `fit`, `evaluate` and `predict`: batch-major tensors, or typed arrays with a shape
 * (what @rnnkit/datasets emits). Rows are taken by index, so shuffling never copies the dataset.
 *
 * Shapes: N samples; every array is [N, ...] and a batch of indices I gives [|I|, ...].
 */
import { Tensor, gather, tensor, tensor1d, tidy } from '@rnnkit/tensor';

/** Plain data: values in row-major order with their shape ([N, ...]). */
export interface ArrayData {
  readonly values: Float32Array | Int32Array | Uint8Array | readonly number[];
  readonly shape: readonly number[];
  /** Default: 'int32' for Int32Array and Uint8Array, else 'float32'. */
  readonly dtype?: 'float32' | 'int32';
}

/** A dataset column: a batch-major tensor (not disposed by training) or plain arrays. */
export type Data = Tensor | ArrayData;

/** Rows of one column, taken by index. */
export interface Rows {
  readonly length: number;
  /** The rows `indices` as a new tensor [|indices|, ...] owned by the caller. */
  take(indices: ArrayLike<number>): Tensor;
}

/** Wraps `data` (named `name` in errors) as {@link Rows}, optionally restricted to rows [start, end). */
export function rowsOf(data: Data, name: string, start = 0, end?: number): Rows {
  if (data instanceof Tensor) {
    if (data.rank === 0) throw new Error(`${name} must have a batch axis, got a scalar`);
    const stop = end ?? data.shape[0]!;
    return {
      length: stop - start,
      take: (indices) =>
        tidy(() => gather(data, tensor1d(Array.from(indices, (i) => i + start), 'int32'))),
    };
  }
  if (data === null || typeof data !== 'object' || !('values' in data) || !('shape' in data)) {
    throw new Error(`${name} must be a Tensor or { values, shape }, got ${data === null ? 'null' : typeof data}`);
  }
  const [n, ...rest] = data.shape;
  if (n === undefined) throw new Error(`${name}.shape must have a batch axis, got []`);
  const rowSize = rest.reduce((a, b) => a * b, 1);
  if (n * rowSize !== data.values.length) {
    throw new Error(`${name}: shape [${data.shape.join(', ')}] needs ${n * rowSize} values, got ${data.values.length}`);
  }
  const dtype = data.dtype ?? (data.values instanceof Int32Array || data.values instanceof Uint8Array ? 'int32' : 'float32');
  const stop = end ?? n;
  return {
    length: stop - start,
    take(indices) {
      const out = dtype === 'int32' ? new Int32Array(indices.length * rowSize) : new Float32Array(indices.length * rowSize);
      for (let k = 0; k < indices.length; k++) {
        const from = (indices[k]! + start) * rowSize;
        for (let j = 0; j < rowSize; j++) out[k * rowSize + j] = data.values[from + j]!;
      }
      return tensor(out, [indices.length, ...rest], dtype);
    },
  };
}

/** Number of rows of a column. */
export function lengthOf(data: Data, name: string): number {
  return rowsOf(data, name).length;
}

/** Indices [from, to) as an array. */
export function range(from: number, to: number): number[] {
  return Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
}
