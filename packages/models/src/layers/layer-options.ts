/**
 * What every layer factory takes and gives besides its own options, in tfjs-layers' forms: a `name`,
 * the `inputShape` (or `batchInputShape`) that tfjs and Keras let the first layer of a sequential model
 * carry, and a spec with `layer.apply(x)` for drawing a functional graph, as tfjs' `layer.apply`.
 *
 * The spec stays plain JSON: `apply` and the declared input shape are not enumerable, so they are not
 * saved, spread or compared; the model saves the input shape it resolved.
 */
import { callLayer } from '../functional/apply-layer';
import type { ApplyLayerOptions } from '../functional/apply-layer';
import type { SymbolicTensor } from '../functional/symbolic';
import type { AnyLayerSpec } from './registry';
import type { Shape } from '../shape';

/** Options every layer factory accepts. */
export interface CommonLayerOptions {
  /** The layer's name (unique in its model). Default: Keras' stem with a counter (`dense`, `dense_1`). */
  readonly name?: string;
  /**
   * tfjs-layers/Keras: the shape of one example, without the batch axis, on the first layer of a
   * sequential model (instead of `sequential`'s `inputShape` option). `null` for a size known at run time.
   */
  readonly inputShape?: Shape;
  /** The same with the batch axis first (`[32, 10, 8]`); its batch size is not kept. */
  readonly batchInputShape?: Shape;
}

/** `layer.apply(x)`: the layer called on symbolic tensors, exactly as `applyLayer(layer, x)`. */
export interface LayerHandle {
  /** Calls the layer on symbolic inputs (one, or a list for merges and attention) and returns its symbolic outputs. */
  apply(inputs: SymbolicTensor | readonly SymbolicTensor[], options?: ApplyLayerOptions): SymbolicTensor | SymbolicTensor[];
}

/** A layer spec as its factory returns it: the plain JSON spec with `apply`. */
export type Layer<S> = S & LayerHandle;

const declaredShapes = new WeakMap<object, Shape>();

function checkShape(shape: unknown, what: string, who: string): Shape {
  if (!Array.isArray(shape) || shape.some((d) => d !== null && !(Number.isInteger(d) && d > 0))) {
    throw new Error(`${who}: ${what} must be an array of positive integers or null, got ${JSON.stringify(shape)}`);
  }
  return shape as Shape;
}

/** Finishes a factory's spec: its name, its declared input shape and `apply`. */
export function finishLayer<S extends AnyLayerSpec>(spec: S, options: CommonLayerOptions, who: string): Layer<S> {
  const named = (options.name === undefined ? { ...spec } : { ...spec, name: options.name }) as S;
  if (options.inputShape !== undefined && options.batchInputShape !== undefined) {
    throw new Error(`${who}: give inputShape or batchInputShape, not both`);
  }
  if (options.inputShape !== undefined) declaredShapes.set(named, checkShape(options.inputShape, 'inputShape', who));
  if (options.batchInputShape !== undefined) {
    const full = checkShape(options.batchInputShape, 'batchInputShape', who);
    if (full.length < 2) throw new Error(`${who}: batchInputShape must have the batch axis and at least one more, got ${JSON.stringify(full)}`);
    declaredShapes.set(named, full.slice(1));
  }
  return withApply(named);
}

/** Gives `spec` (in place) its non-enumerable `layer.apply`. */
export function withApply<S extends AnyLayerSpec>(spec: S): Layer<S> {
  Object.defineProperty(spec, 'apply', {
    value: (inputs: SymbolicTensor | readonly SymbolicTensor[], applyOptions?: ApplyLayerOptions) => callLayer(spec, inputs, applyOptions),
    enumerable: false,
  });
  return spec as Layer<S>;
}

/** The input shape (without the batch axis) a layer was given by `inputShape`/`batchInputShape`, if any. */
export function declaredInputShape(spec: object): Shape | undefined {
  return declaredShapes.get(spec);
}

/**
 * Whether a factory's first argument is tfjs-layers' config object holding `key` (`dropout({ rate: 0.5 })`)
 * rather than the value itself (`dropout(0.5)`): an object that is neither an array nor a layer spec.
 */
export function isConfig<K extends string>(first: unknown, _key: K): first is CommonLayerOptions & { readonly [k in K]?: unknown } {
  return typeof first === 'object' && first !== null && !Array.isArray(first) && !('kind' in first);
}
