/**
 * `sequential`: layers applied one after the other, as Keras' `Sequential`, with masks threaded
 * from the layer that makes them (embedding `maskZero`, masking) to the recurrent layers that use them.
 *
 * Shapes: B batch, T time, F features; inputs are batch-major ([B, T] ids or [B, T, F] values).
 */
import { dispose, tidy } from '@rnnkit/tensor';
import type { Tensor, Variable } from '@rnnkit/tensor';
import type { LayerOutput } from './layer';
import { isStateful, statefulStates } from './layers/recurrent-state';
import { declaredInputShape } from './layers/layer-options';
import { defaultLayerName, layerImpl } from './layers/registry';
import type { LayerSpec } from './layers/registry';
import type { ApplyOptions, Model } from './model';
import { createVariables } from './params';
import type { WeightGroup, WeightSource } from './params';
import { checkSeed, deriveSeed } from './seeds';
import { formatShape } from './shape';
import type { Shape } from './shape';
import { formatSummary } from './summary';
import type { ModelTraining } from './training/args';
import { withTraining } from './training/with-training';

/** Options of {@link sequential}: the input shape (needed unless the first layer is an embedding), the seed and the model name. */
export interface SequentialOptions {
  /**
   * Shape of one example, without the batch axis; `null` for a size known only at run time.
   * Default `[null]` (a sequence of ids of any length) when the first layer is an embedding; required otherwise.
   */
  readonly inputShape?: Shape;
  /** Seed of every initialiser and of the dropout stream. Default 0. */
  readonly seed?: number;
  /** Model name shown by `summary()`. Default `'sequential'`. */
  readonly name?: string;
}

/** tfjs-layers' form of {@link sequential}'s arguments: `sequential({ layers: [...], name })`. */
export interface SequentialConfig extends SequentialOptions {
  readonly layers: readonly LayerSpec[];
}

/** A layer placed in a model: its unique name, spec and shapes, and the full names of its weights. */
export interface BuiltLayer {
  readonly name: string;
  readonly spec: LayerSpec;
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  readonly weightNames: readonly string[];
}

/** Everything needed to rebuild a sequential model (weights aside): plain JSON. */
export interface SequentialTopology {
  readonly kind: 'sequential';
  readonly name: string;
  readonly inputShape: Shape;
  readonly layers: readonly LayerSpec[];
}

/** The output of a forward pass together with its mask ([B, T] float32 0/1, or null). */
export interface ModelOutput {
  readonly y: Tensor;
  readonly mask: Tensor | null;
}

/** A built sequential model. */
export interface Sequential extends Model, ModelTraining {
  readonly kind: 'sequential';
  readonly layers: readonly BuiltLayer[];
  /** Input shape with the batch axis (`null` first). */
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  /** The forward pass returning the output mask too (e.g. the tagger's real steps, for a masked loss). */
  call(x: Tensor, options: ApplyOptions): ModelOutput;
  /** The JSON description that, with the weights, rebuilds this model. */
  topology(): SequentialTopology;
  /** Stateful recurrent layers forget the state they carry: the next batch starts from zeros (Keras `reset_states`). */
  resetStates(): void;
}

export function resolveInputShape(layers: readonly LayerSpec[], optionShape: Shape | undefined): Shape {
  const declared = layers[0] === undefined || typeof layers[0] !== 'object' ? undefined : declaredInputShape(layers[0]);
  if (optionShape !== undefined && declared !== undefined && formatShape(optionShape) !== formatShape(declared)) {
    throw new Error(`sequential: inputShape ${JSON.stringify(optionShape)} differs from the first layer's inputShape ${JSON.stringify(declared)}`);
  }
  const given = optionShape ?? declared;
  if (given !== undefined) {
    if (!Array.isArray(given) || given.some((d) => d !== null && !(Number.isInteger(d) && d > 0))) {
      throw new Error(`sequential: inputShape must be an array of positive integers or null, got ${JSON.stringify(given)}`);
    }
    return [null, ...given];
  }
  if (layers[0]?.kind === 'embedding') return [null, null];
  throw new Error(`sequential: inputShape is required when the first layer is not an embedding (first layer: ${layers[0]?.kind ?? 'none'}); give it to sequential or to the first layer`);
}

/** Places the layers: unique names (Keras style: `dense`, `dense_1`), and each layer's input and output shape. */
export function placeLayers(layers: readonly LayerSpec[], inputShape: Shape): BuiltLayer[] {
  const used = new Map<string, number>();
  const names = new Set<string>();
  let shape = inputShape;
  return layers.map((spec, index) => {
    if (typeof spec !== 'object' || spec === null) throw new Error(`sequential: layers[${index}] must be a layer spec, got ${String(spec)}`);
    const impl = layerImpl(spec);
    if ((spec.kind === 'rnn' && spec.returnState === true) || (spec.kind === 'bidirectional' && spec.layer.returnState === true)) {
      throw new Error(`sequential: layers[${index}] returns its state (returnState), which needs a functional model: model({ inputs, outputs })`);
    }
    let name = spec.name;
    if (name === undefined) {
      const stem = defaultLayerName(spec);
      let count = used.get(stem) ?? 0;
      name = count === 0 ? stem : `${stem}_${count}`;
      while (names.has(name)) {
        count++;
        name = `${stem}_${count}`;
      }
      used.set(stem, count + 1);
    }
    if (names.has(name)) throw new Error(`sequential: layer name '${name}' is used twice (layers[${index}])`);
    if (name.includes('/')) throw new Error(`sequential: layer name must not contain '/', got '${name}'`);
    names.add(name);
    const declared = declaredInputShape(spec);
    if (index > 0 && declared !== undefined && formatShape([null, ...declared]) !== formatShape(shape)) {
      throw new Error(`sequential: layers[${index}] '${name}' declares inputShape ${JSON.stringify(declared)}, but its input is ${formatShape(shape)}`);
    }
    let outputShape: Shape;
    try {
      outputShape = impl.outputShape(spec, shape);
    } catch (e) {
      throw new Error(`sequential: layers[${index}] '${name}' cannot take input ${formatShape(shape)}: ${(e as Error).message}`);
    }
    const built: BuiltLayer = {
      name,
      spec: { ...spec, name },
      inputShape: shape,
      outputShape,
      weightNames: impl.weights(spec, shape).map((w) => `${name}/${w.name}`),
    };
    shape = outputShape;
    return built;
  });
}

function checkInput(x: Tensor, inputShape: Shape): void {
  const ok = x.rank === inputShape.length && inputShape.every((d, i) => d === null || d === x.shape[i]);
  if (!ok) throw new Error(`sequential: input must have shape ${formatShape(inputShape)}, got [${x.shape.join(', ')}]`);
}

/** The layers' weight groups: prefix, shapes and seeded initialiser. */
export function weightGroups(built: readonly BuiltLayer[]): WeightGroup[] {
  return built.map((layer) => {
    const impl = layerImpl(layer.spec);
    return {
      prefix: layer.name,
      weights: impl.weights(layer.spec, layer.inputShape),
      init: (seed: number) => impl.init(layer.spec, layer.inputShape, seed),
    };
  });
}

/**
 * Builds a sequential model: places the layers, checks their shapes, creates the variables
 * (seeded, or from `weights` without running any initialiser) and returns the model.
 *
 * @example
 * // Keras' IMDB script: Embedding(10000, 32) → SimpleRNN(32) → Dense(1, sigmoid), 322,113 params
 * const model = sequential([embedding({ inputDim: 10000, outputDim: 32 }), simpleRnn({ units: 32 }), dense({ units: 1, activation: 'sigmoid' })], { seed: 1 });
 * const p = model.apply(ids, { training: false });   // ids [B, T] int32 → p [B, 1]
 *
 * @example
 * // tfjs-layers' form: the config object, the input shape on the first layer
 * const m = sequential({ layers: [lstm({ units: 8, inputShape: [10, 3] }), dense({ units: 1 })], name: 'forecaster' });
 */
export function sequential(layers: readonly LayerSpec[], options?: SequentialOptions): Sequential;
export function sequential(config: SequentialConfig): Sequential;
export function sequential(first: readonly LayerSpec[] | SequentialConfig, more: SequentialOptions = {}): Sequential {
  const fromConfig = typeof first === 'object' && first !== null && !Array.isArray(first);
  if (fromConfig && !Array.isArray((first as SequentialConfig).layers)) {
    throw new Error(`sequential: expected an array of layers or { layers: [...] }, got an object with ${JSON.stringify(Object.keys(first))}`);
  }
  const layers = fromConfig ? (first as SequentialConfig).layers : (first as readonly LayerSpec[]);
  const options = fromConfig ? (first as SequentialConfig) : more;
  return buildSequential(layers, options, { seed: options.seed ?? 0 });
}

/** Builds from a topology and a weight source: `{ seed }` initialises, `{ weights }` loads (no initialiser runs). */
export function sequentialFromTopology(topology: SequentialTopology, source: WeightSource): Sequential {
  if (topology?.kind !== 'sequential') throw new Error(`sequentialFromTopology: topology.kind must be 'sequential', got ${JSON.stringify(topology?.kind)}`);
  return buildSequential(topology.layers, { inputShape: topology.inputShape.slice(1), name: topology.name }, source);
}

function buildSequential(layers: readonly LayerSpec[], options: SequentialOptions, source: WeightSource): Sequential {
  if (!Array.isArray(layers) || layers.length === 0) throw new Error('sequential: layers must be a non-empty array of layer specs');
  const seed = 'seed' in source ? source.seed : 0;
  checkSeed(seed, 'sequential');
  const name = options.name ?? 'sequential';
  const inputShape = resolveInputShape(layers, options.inputShape);
  const built = placeLayers(layers, inputShape);
  const outputShape = built.at(-1)!.outputShape;
  const params = createVariables(weightGroups(built), source, (i) => deriveSeed(seed, 1, i), 'sequential');
  const layerParams = built.map((layer) =>
    Object.fromEntries(layer.weightNames.map((full) => [full.slice(layer.name.length + 1), params[full]!] as const)),
  );
  let dropoutCalls = 0;
  const states = statefulStates(name);

  const call = (x: Tensor, options: ApplyOptions): ModelOutput => {
    if (typeof options !== 'object' || options === null || typeof options.training !== 'boolean') {
      throw new Error(`sequential: options must be { training: boolean }, got ${JSON.stringify(options)}`);
    }
    checkInput(x, inputShape);
    const callSeed = options.seed ?? (options.training ? deriveSeed(seed, 2, dropoutCalls++) : 0);
    states.begin();
    const out = tidy(() => {
      let current: LayerOutput = { y: x, mask: null };
      const updates: [Variable, Tensor][] = [];
      built.forEach((layer, i) => {
        const context = { training: options.training, mask: current.mask, seed: deriveSeed(callSeed, i) };
        current = isStateful(layer.spec)
          ? states.run(layer.name, layer.spec, layerParams[i]!, current.y, context)
          : layerImpl(layer.spec).apply(layer.spec, layerParams[i]!, current.y, context);
        for (const [local, value] of Object.entries(current.updates ?? {})) {
          const target = layerParams[i]![local];
          if (target === undefined || target.trainable) throw new Error(`sequential: layer '${layer.name}' returned an update of '${local}', which is not one of its non-trainable weights`);
          updates.push([target, value]);
        }
      });
      // the moving statistics change after the whole forward pass; a variable shares the new value's
      // buffer, so this tidy disposing the value leaves the variable intact (and non-trainable: no gradient)
      for (const [target, value] of updates) target.assign(value);
      const result: LayerOutput = current;
      return result.mask === null ? { y: result.y } : { y: result.y, mask: result.mask };
    });
    return { y: out.y, mask: out.mask ?? null };
  };

  return withTraining<Sequential>({
    kind: 'sequential',
    name,
    layers: built,
    inputShape,
    outputShape,
    params,
    call,
    apply: (x, options) => {
      const out = call(x, options);
      if (out.mask !== null) out.mask.dispose();
      return out.y;
    },
    countParams: () => Object.values(params).reduce((a, v: Variable) => a + v.size, 0),
    summary: () =>
      formatSummary(
        name,
        built.map((layer) => ({
          name: layer.name,
          className: layerImpl(layer.spec).className(layer.spec),
          outputShape: layer.outputShape,
          params: layer.weightNames.reduce((a, n) => a + params[n]!.size, 0),
          nonTrainableParams: layer.weightNames.reduce((a, n) => a + (params[n]!.trainable ? 0 : params[n]!.size), 0),
        })),
      ),
    topology: () => ({ kind: 'sequential', name, inputShape, layers: built.map((l) => l.spec) }),
    resetStates: () => states.reset(),
    dispose: () => {
      states.dispose();
      dispose(Object.values(params));
    },
  });
}
