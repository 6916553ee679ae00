/**
 * Symbolic tensors: the placeholders a functional model is drawn with (Keras' `KerasTensor`, tfjs'
 * `SymbolicTensor`). `input()` makes one; applying a layer to symbolic tensors makes new ones and
 * records the call as a node of the graph. No numbers flow until the model runs.
 *
 * Shapes include the batch axis, `null` first: `input({ shape: [null, 8] })` has shape [null, null, 8].
 */
import type { AnyLayerSpec } from '../layers/registry';
import { formatShape } from '../shape';
import type { Shape } from '../shape';

/** The dtype of a model input: float32 values or int32 ids. */
export type InputDtype = 'float32' | 'int32';

/** A model input: its name, shape (with the batch axis) and dtype. */
export interface InputSpec {
  readonly kind: 'input';
  readonly name?: string;
  readonly shape: Shape;
  readonly dtype: InputDtype;
}

/** One call of a layer in a graph: the layer (its spec object is its identity: the same object called twice is one shared layer) and its inputs. */
export interface GraphNode {
  readonly layer: AnyLayerSpec | InputSpec;
  readonly inputs: readonly SymbolicTensor[];
  /** How many of `inputs`, at their end, are a recurrent layer's initial state. */
  readonly stateInputs: number;
}

/** A tensor of a graph being drawn: its shape and dtype, and which output of which node it is. */
export interface SymbolicTensor {
  readonly kind: 'symbolic';
  readonly shape: Shape;
  readonly dtype: InputDtype;
  readonly node: GraphNode;
  /** Which of the node's outputs this is (0 but for a recurrent layer's returned state). */
  readonly index: number;
}

/** Options of {@link input}, as Keras' `Input` (camelCase). */
export interface InputOptions {
  /** Shape of one example, without the batch axis; `null` for a size known only at run time. */
  readonly shape: Shape;
  /** Default 'float32'; 'int32' for ids (an embedding's input). */
  readonly dtype?: InputDtype;
  /** Default `input_layer`, `input_layer_1`, … (Keras 3). */
  readonly name?: string;
}

/**
 * A model input: a symbolic tensor that layers are applied to (Keras' `Input`).
 *
 * @example
 * const ids = input({ shape: [null], dtype: 'int32' });            // [B, T] ids of any length
 * const h = applyLayer(lstm({ units: 32 }), applyLayer(embedding({ inputDim: 1000, outputDim: 16 }), ids));
 */
export function input(options: InputOptions): SymbolicTensor {
  const shape = options?.shape;
  if (!Array.isArray(shape) || shape.some((d) => d !== null && !(Number.isInteger(d) && d > 0))) {
    throw new Error(`input: shape must be an array of positive integers or null (without the batch axis), got ${JSON.stringify(shape)}`);
  }
  const dtype = options.dtype ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'int32') throw new Error(`input: dtype must be 'float32' or 'int32', got ${JSON.stringify(options.dtype)}`);
  if (options.name !== undefined && (typeof options.name !== 'string' || options.name === '' || options.name.includes('/'))) {
    throw new Error(`input: name must be a non-empty string without '/', got ${JSON.stringify(options.name)}`);
  }
  const spec: InputSpec = { kind: 'input', shape: [null, ...shape], dtype, ...(options.name !== undefined && { name: options.name }) };
  return { kind: 'symbolic', shape: spec.shape, dtype, node: { layer: spec, inputs: [], stateInputs: 0 }, index: 0 };
}

/** Whether `value` is a symbolic tensor. */
export function isSymbolic(value: unknown): value is SymbolicTensor {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'symbolic' && 'node' in value;
}

/** `SymbolicTensor(shape=(None, 10, 8))` for error messages. */
export function describeSymbolic(t: SymbolicTensor): string {
  return `SymbolicTensor(shape=${formatShape(t.shape)})`;
}
