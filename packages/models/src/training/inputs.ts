/**
 * The data `fit`, `evaluate` and `predict` take on a model, as Keras and tfjs-layers users pass it:
 * tensors, typed arrays with a shape (`{ values, shape }`, or `{ data, shape }` as @rnnkit/datasets'
 * `padSequences` returns it), bare typed arrays (one value per sample) or nested arrays.
 * Everything becomes training's `Data` without copying tensors or arrays.
 *
 * Shapes: N samples; every input is [N, ...].
 */
import { Tensor } from '@rnnkit/tensor';
import type { ArrayData, Data } from '@rnnkit/training';

/** Nested arrays of numbers, rectangular: `[[1, 2], [3, 4]]` is [2, 2]. */
export type NestedArray = readonly (number | NestedArray)[];

/** Row-major values with their shape [N, ...], as @rnnkit/datasets emits them (`padSequences(…)` is one). */
export interface ShapedArray {
  readonly data: Float32Array | Int32Array | Uint8Array;
  readonly shape: readonly number[];
}

/** Input or target data of a model's `fit`, `evaluate` and `predict`. */
export type TensorLike = Tensor | ArrayData | ShapedArray | Float32Array | Int32Array | Uint8Array | NestedArray;

/** True for a {@link ShapedArray}: a typed array `data` beside an array `shape` (a tensor is not one). */
export function isShapedArray(data: unknown): data is ShapedArray {
  if (data instanceof Tensor || data === null || typeof data !== 'object' || !('data' in data) || !('shape' in data)) return false;
  const values = data.data;
  return (values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array) && Array.isArray(data.shape);
}

/** The shape of a rectangular nested array, checking every row (errors name `who`, `name` and the index path). */
function nestedShape(values: NestedArray, name: string, who: string): number[] {
  const shape: number[] = [];
  let level: NestedArray | number = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = (level as NestedArray)[0] ?? Number.NaN;
  }
  const check = (node: number | NestedArray, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number') throw new Error(`${who}: ${name}${path} must be a number (the array has rank ${shape.length}), got ${Array.isArray(node) ? 'an array' : typeof node}`);
      return;
    }
    if (!Array.isArray(node)) throw new Error(`${who}: ${name}${path} must be an array of length ${shape[depth]}, got ${typeof node}`);
    if (node.length !== shape[depth]) throw new Error(`${who}: nested arrays must be rectangular; ${name}${path} has length ${node.length}, expected ${shape[depth]}`);
    (node as NestedArray).forEach((child, i) => check(child, depth + 1, `${path}[${i}]`));
  };
  check(values, 0, '');
  return shape;
}

/** Row-major values of a rectangular nested array. */
function flatten(values: NestedArray, size: number): Float32Array {
  const out = new Float32Array(size);
  let k = 0;
  const walk = (node: number | NestedArray): void => {
    if (typeof node === 'number') out[k++] = node;
    else node.forEach(walk);
  };
  walk(values);
  return out;
}

/**
 * `data` (argument `name` of `who`, in errors) as training's {@link Data}: tensors and `{ values, shape }`
 * pass through, `{ data, shape }` is read as `{ values: data, shape }`, a bare typed array is one value
 * per sample ([N]), nested arrays become float32 [N, ...].
 */
export function toData(data: TensorLike, name: string, who: string): Data {
  if (data instanceof Tensor) return data;
  if (data instanceof Float32Array || data instanceof Int32Array || data instanceof Uint8Array) return { values: data, shape: [data.length] };
  if (Array.isArray(data)) {
    const nested = data as NestedArray;
    if (nested.length === 0) throw new Error(`${who}: ${name} is empty; expected at least one sample`);
    const shape = nestedShape(nested, name, who);
    return { values: flatten(nested, shape.reduce((a, b) => a * b, 1)), shape };
  }
  if (isShapedArray(data)) return { values: data.data, shape: data.shape };
  if (data !== null && typeof data === 'object' && 'values' in data && 'shape' in data) return data as ArrayData;
  throw new Error(`${who}: ${name} must be a Tensor, { values, shape }, { data, shape }, a typed array or nested arrays of numbers, got ${data === null ? 'null' : typeof data}`);
}

/** The shape of `data` ([N, ...]). */
export function shapeOf(data: Data): readonly number[] {
  return data instanceof Tensor ? data.shape : data.shape;
}
