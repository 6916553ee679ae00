/**
 * The data of a model with several inputs or outputs, as Keras and tfjs-layers take it: one array
 * per input (or output) in the model's order, or an object keyed by the inputs' (outputs') names.
 * Each becomes a column of training's `Data`, checked against the model's shapes.
 *
 * Shapes: N samples; column k is [N, ...shape_k] and every column has the same N.
 */
import { Tensor } from '@rnnkit/tensor';
import type { Data } from '@rnnkit/training';
import { isShapedArray, shapeOf, toData } from './inputs';
import type { TensorLike } from './inputs';

/** Data of a model's inputs or outputs: one value per input (output), as a list or by name; a single value for one. */
export type ModelData = TensorLike | readonly TensorLike[] | Readonly<Record<string, TensorLike>>;

/** Where columns come from, for errors and checks: the inputs' or outputs' names and shapes. */
export interface ColumnSpec {
  readonly names: readonly string[];
  /** Checks column k's shape (throws naming `name`). */
  readonly check: (shape: readonly number[], k: number, name: string) => void;
}

const isColumnValue = (v: unknown): boolean =>
  v instanceof Tensor ||
  v instanceof Float32Array ||
  v instanceof Int32Array ||
  v instanceof Uint8Array ||
  isShapedArray(v) ||
  (typeof v === 'object' && v !== null && 'values' in v && 'shape' in v);

/** A plain object keyed by name (not a tensor, typed array, `{ values, shape }`, `{ data, shape }` or array). */
function isRecord(v: ModelData): v is Readonly<Record<string, TensorLike>> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !isColumnValue(v);
}

/**
 * The columns of `data` (argument `what` of `who`) for `spec`: a list in order, an object by name,
 * or — with one name — the value itself (or a list holding it). Every column has the same number of rows.
 */
export function columnsOf(data: ModelData, spec: ColumnSpec, what: string, who: string): Data[] {
  const { names } = spec;
  let given: { value: TensorLike; name: string }[];
  if (isRecord(data)) {
    const unknown = Object.keys(data).filter((k) => !names.includes(k));
    if (unknown.length > 0) throw new Error(`${who}: ${what} has no ${unknown.map((k) => `'${k}'`).join(', ')}; the model's names are ${names.map((n) => `'${n}'`).join(', ')}`);
    given = names.map((name) => {
      const value = data[name];
      if (value === undefined) throw new Error(`${who}: ${what} is missing '${name}' (give one value for each of ${names.map((n) => `'${n}'`).join(', ')})`);
      return { value, name: `${what}['${name}']` };
    });
  } else if (Array.isArray(data) && (names.length > 1 || (data.length === 1 && isColumnValue(data[0])))) {
    const list = data as readonly TensorLike[];
    if (list.length !== names.length) {
      throw new Error(`${who}: ${what} must be a list of ${names.length} (one for each of ${names.map((n) => `'${n}'`).join(', ')}), got a list of ${list.length}`);
    }
    given = list.map((value, k) => ({ value, name: `${what}[${k}]` }));
  } else {
    if (names.length > 1) throw new Error(`${who}: the model has ${names.length} (${names.map((n) => `'${n}'`).join(', ')}); ${what} must be a list or an object with one value for each`);
    given = [{ value: data as TensorLike, name: what }];
  }
  const columns = given.map(({ value, name }, k) => {
    const column = toData(value, name, who);
    spec.check(shapeOf(column), k, name);
    return column;
  });
  const rows = columns.map((c) => shapeOf(c)[0]);
  if (rows.some((n) => n !== rows[0])) throw new Error(`${who}: every part of ${what} must have the same number of samples, got ${rows.join(', ')}`);
  return columns;
}


/** The one value of a model with one input (output): `data`, or the only entry of a list of one tensor (Keras accepts `[x]`). */
export function singleColumn(data: ModelData, what: string, who: string): TensorLike {
  if (isRecord(data)) throw new Error(`${who}: the model has one input and one output; give ${what} itself, not an object of ${Object.keys(data).map((k) => `'${k}'`).join(', ')}`);
  if (Array.isArray(data) && data.length > 0 && isColumnValue(data[0])) {
    if (data.length !== 1) throw new Error(`${who}: the model has one input and one output; ${what} is a list of ${data.length} tensors`);
    return data[0] as TensorLike;
  }
  return data as TensorLike;
}
