/**
 * Runtime checks for public entry points. Errors name the argument, what was expected and what
 * was given, e.g. `lstm: inputs must have shape [B, T, 8], got [4, 10, 16]`.
 */
import type { DataType, Tensor } from '@tensorflow/tfjs-core';

/** One expected dimension: a size, `null` for any size, or a name like `'B'` for any size shown by name. */
export type Dim = number | string | null;

function describeShape(shape: readonly Dim[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

function isTensor(value: unknown): value is Tensor {
  return typeof value === 'object' && value !== null && 'shape' in value && 'dtype' in value && 'dataId' in value;
}

/** Throws unless `value` is a tensor; the message names `name`. */
export function assertTensor(value: unknown, name: string): asserts value is Tensor {
  if (!isTensor(value)) {
    throw new Error(`${name} must be a Tensor, got ${value === null ? 'null' : typeof value}`);
  }
}

/** Throws unless `tensor` has `expected` shape; number entries must match, string/null entries match anything. */
export function assertShape(tensor: Tensor, expected: readonly Dim[], name: string): void {
  assertTensor(tensor, name);
  const ok = tensor.shape.length === expected.length && expected.every((d, i) => typeof d !== 'number' || d === tensor.shape[i]);
  if (!ok) throw new Error(`${name} must have shape ${describeShape(expected)}, got ${describeShape(tensor.shape)}`);
}

/** Throws unless `tensor` has rank `rank`. */
export function assertRank(tensor: Tensor, rank: number, name: string): void {
  assertTensor(tensor, name);
  if (tensor.rank !== rank) {
    throw new Error(`${name} must have rank ${rank}, got rank ${tensor.rank} (shape ${describeShape(tensor.shape)})`);
  }
}

/** Throws unless `tensor` has one of the `allowed` dtypes. */
export function assertDtype(tensor: Tensor, allowed: DataType | readonly DataType[], name: string): void {
  assertTensor(tensor, name);
  const list: readonly DataType[] = typeof allowed === 'string' ? [allowed] : allowed;
  if (!list.includes(tensor.dtype)) {
    throw new Error(`${name} must have dtype ${list.join(' or ')}, got ${tensor.dtype}`);
  }
}

/** Throws unless every value of an int32 tensor lies in [0, upper). Reads the data (synchronously). */
export function assertIndicesInRange(tensor: Tensor, upper: number, name: string): void {
  assertDtype(tensor, 'int32', name);
  const values = tensor.dataSync();
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || v >= upper) {
      throw new Error(`${name} must hold ids in [0, ${upper}), got ${v} at flat index ${i}`);
    }
  }
}
