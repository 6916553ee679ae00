/**
 * What every layer implements: pure functions over a plain JSON spec and a record of tensors.
 * A layer holds no tensors, no state and no caches; `sequential` owns the parameters.
 *
 * Shapes: B batch, T time, F features. Masks are float32 [B, T] of 0/1 (1 = a real step).
 */
import { tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { Shape } from './shape';

/** What a layer's `apply` receives besides its input. */
export interface LayerContext {
  /** Dropout and other training-only behaviour is active. */
  readonly training: boolean;
  /** The mask of the input, [B, T] float32 0/1, or null when every step is real. */
  readonly mask: Tensor | null;
  /** Seed for this call's randomness (dropout masks). */
  readonly seed: number;
}

/** A layer's output and the mask that goes with it (null when it has no time axis or nothing is masked). */
export interface LayerOutput {
  readonly y: Tensor;
  readonly mask: Tensor | null;
  /**
   * New values of the layer's non-trainable weights by local name (batch normalisation's
   * `moving_mean`), returned only in training; the model assigns them after the forward pass.
   */
  readonly updates?: Readonly<Record<string, Tensor>>;
}

/** Name and shape of one weight, in the order Keras lists a layer's weights. */
export interface WeightShape {
  readonly name: string;
  readonly shape: readonly number[];
  /** `false` for state that training updates without gradients (moving statistics); absent = trainable. */
  readonly trainable?: false;
}

/** The functions behind one kind of layer. `S` is its JSON spec. */
export interface LayerImpl<S> {
  /** Keras' class name, shown by `summary()` and used by the tfjs-layers format. */
  className(spec: S): string;
  /** The output shape for an input shape (both with the batch axis). Throws on a wrong input. */
  outputShape(spec: S, input: Shape): Shape;
  /** The weights the layer needs for this input shape, in Keras' order. */
  weights(spec: S, input: Shape): readonly WeightShape[];
  /** Fresh weights, seeded; the caller owns the tensors. */
  init(spec: S, input: Shape, seed: number): Record<string, Tensor>;
  /** The forward pass. Returns new tensors the caller owns (may run inside the caller's `tidy`). */
  apply(spec: S, params: Readonly<Record<string, Tensor>>, x: Tensor, context: LayerContext): LayerOutput;
}

/** Looks up weight `name`; throws, naming the layer, when it is missing. */
export function weight(params: Readonly<Record<string, Tensor>>, name: string, who: string): Tensor {
  const w = params[name];
  if (w === undefined) throw new Error(`${who}: weight '${name}' is missing (have: ${Object.keys(params).join(', ') || 'none'})`);
  return w;
}

/** Runs `fn` in `tidy`, keeping its output, mask (which may be null) and updates (if any). */
export function tidyOutput(fn: () => LayerOutput): LayerOutput {
  const kept = tidy(() => {
    const out = fn();
    return { y: out.y, ...(out.mask !== null && { mask: out.mask }), ...(out.updates !== undefined && { updates: out.updates }) };
  });
  return { y: kept.y, mask: kept.mask ?? null, ...(kept.updates !== undefined && { updates: kept.updates }) };
}

/** What a layer with several inputs (merge, dot, attention) receives besides them. */
export interface MultiInputContext {
  readonly training: boolean;
  /** Each input's mask ([B, T] float32 0/1) or null. */
  readonly masks: readonly (Tensor | null)[];
  readonly seed: number;
}

/** A multi-input layer's output: `y` with its mask, then any further outputs (attention scores), which carry no mask. */
export interface MultiInputOutput extends LayerOutput {
  readonly more?: readonly Tensor[];
}

/** The functions behind a layer that takes a list of inputs (functional models only). `S` is its JSON spec. */
export interface MultiInputLayerImpl<S> {
  className(spec: S): string;
  /** The output shape for the inputs' shapes (with the batch axis). Throws on inputs that do not fit. */
  outputShape(spec: S, inputs: readonly Shape[]): Shape;
  /** The shapes of the outputs after the first, for a layer that returns more than one (absent: none). */
  moreOutputShapes?(spec: S, inputs: readonly Shape[]): readonly Shape[];
  weights(spec: S, inputs: readonly Shape[]): readonly WeightShape[];
  init(spec: S, inputs: readonly Shape[], seed: number): Record<string, Tensor>;
  apply(spec: S, params: Readonly<Record<string, Tensor>>, xs: readonly Tensor[], context: MultiInputContext): MultiInputOutput;
}
