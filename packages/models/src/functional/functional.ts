/**
 * `model({ inputs, outputs })`: a functional model, the graph of layer calls that leads from its
 * inputs to its outputs (Keras' functional API): several inputs and outputs, shared layers, merges,
 * recurrent state passed between layers. Masks flow along the graph as in a Sequential.
 *
 * Shapes: every input and output keeps its batch axis first.
 */
import { cast, dispose, tidy } from '@rnnkit/tensor';
import type { Tensor, Variable } from '@rnnkit/tensor';
import { defaultLayerName, isMultiInput, layerImpl, multiInputLayerImpl } from '../layers/registry';
import type { AnyLayerSpec } from '../layers/registry';
import type { ApplyOptions, Model } from '../model';
import { createVariables } from '../params';
import type { WeightGroup, WeightSource } from '../params';
import { checkSeed, deriveSeed } from '../seeds';
import { formatShape } from '../shape';
import { formatSummary } from '../summary';
import type { Shape } from '../shape';
import type { ModelTraining } from '../training/args';
import type { ModelData } from '../training/columns';
import { withTraining } from '../training/with-training';
import { withApply } from '../layers/layer-options';
import type { Layer } from '../layers/layer-options';
import { statefulStates } from '../layers/recurrent-state';
import { initNode, nodeOutputShapes, nodeWeights, runNode } from './node';
import { recordLayerWeights, sharedLayerWeights } from './shared-weights';
import { isSymbolic } from './symbolic';
import type { GraphNode, InputSpec, SymbolicTensor } from './symbolic';
import type { FunctionalTopology, TensorRef } from './topology';

/** Options of {@link model}. */
export interface FunctionalOptions {
  readonly inputs: SymbolicTensor | readonly SymbolicTensor[];
  readonly outputs: SymbolicTensor | readonly SymbolicTensor[];
  /** Model name shown by `summary()`. Default `'functional'`. */
  readonly name?: string;
  /** Seed of every initialiser and of the dropout stream. Default 0. */
  readonly seed?: number;
}

/** A layer of a functional model: its name and spec, its calls (nodes) and the full names of its weights. */
export interface FunctionalLayer {
  readonly name: string;
  /** The layer (applied in another model's graph, it shares this model's weights, as Keras' layers do). */
  readonly spec: Layer<AnyLayerSpec> | InputSpec;
  /**
   * Each call of the layer, in the order the graph makes them: its input and output shapes and its
   * symbolic outputs (Keras' `layer.output` is the first call's), from which other models can be drawn.
   */
  readonly calls: readonly { readonly inputShapes: readonly Shape[]; readonly outputShapes: readonly Shape[]; readonly outputs: readonly SymbolicTensor[] }[];
  readonly weightNames: readonly string[];
}

/** The outputs of a forward pass, each with its mask ([B, T] float32 0/1, or null). */
export interface FunctionalOutput {
  readonly ys: readonly Tensor[];
  readonly masks: readonly (Tensor | null)[];
}

/** A built functional model. */
export interface Functional extends Model, ModelTraining<ModelData, Tensor | Tensor[]> {
  readonly kind: 'functional';
  readonly layers: readonly FunctionalLayer[];
  readonly inputs: readonly SymbolicTensor[];
  readonly outputs: readonly SymbolicTensor[];
  /** The shape of the first input (with the batch axis). */
  readonly inputShape: Shape;
  /** The shape of the first output. */
  readonly outputShape: Shape;
  /**
   * The forward pass on one input tensor per model input (a single tensor when there is one input).
   * Returns the output; a model with several outputs answers through {@link Functional.call}.
   */
  apply(x: Tensor | readonly Tensor[], options: ApplyOptions): Tensor;
  /** The forward pass returning every output and its mask. The caller owns the tensors. */
  call(xs: Tensor | readonly Tensor[], options: ApplyOptions): FunctionalOutput;
  /** The JSON description that, with the weights, rebuilds this model. */
  topology(): FunctionalTopology;
  /** Stateful recurrent layers forget the state they carry: the next batch starts from zeros (Keras `reset_states`). */
  resetStates(): void;
}

/** A node of the model with where its inputs come from and its place among its layer's calls. */
interface PlacedNode {
  readonly node: GraphNode;
  readonly layer: number;
  readonly call: number;
  readonly inputs: readonly { readonly node: number; readonly index: number }[];
}

function asList(value: SymbolicTensor | readonly SymbolicTensor[], what: string): readonly SymbolicTensor[] {
  const list = Array.isArray(value) ? (value as readonly SymbolicTensor[]) : [value as SymbolicTensor];
  if (list.length === 0) throw new Error(`model: ${what} must not be empty`);
  list.forEach((t, i) => {
    if (!isSymbolic(t)) throw new Error(`model: ${what}[${i}] must be a symbolic tensor (from input() or applyLayer()), got ${JSON.stringify(t)}`);
  });
  return list;
}

/** The nodes that lead to the outputs, each after the nodes it reads (depth-first from the outputs). */
function orderNodes(inputs: readonly SymbolicTensor[], outputs: readonly SymbolicTensor[]): GraphNode[] {
  const inputNodes = new Set(inputs.map((t) => t.node));
  inputs.forEach((t, i) => {
    if (t.node.layer.kind !== 'input') throw new Error(`model: inputs[${i}] must come from input(), not from a layer's output`);
  });
  const order: GraphNode[] = [];
  const done = new Set<GraphNode>();
  const visiting = new Set<GraphNode>();
  const visit = (node: GraphNode): void => {
    if (done.has(node)) return;
    if (visiting.has(node)) throw new Error('model: the graph has a cycle');
    if (node.layer.kind === 'input' && !inputNodes.has(node)) {
      const name = node.layer.name === undefined ? '' : ` '${node.layer.name}'`;
      throw new Error(`model: the outputs depend on an input${name} of shape ${formatShape(node.layer.shape)} that is not among the model's inputs`);
    }
    visiting.add(node);
    for (const t of node.inputs) visit(t.node);
    visiting.delete(node);
    done.add(node);
    order.push(node);
  };
  for (const n of inputs.map((t) => t.node)) visit(n);
  for (const t of outputs) visit(t.node);
  return order;
}

/** Unique names: the given ones kept (a clash is an error), the others Keras' stems with counters. */
function nameLayers(specs: readonly (AnyLayerSpec | InputSpec)[]): string[] {
  const taken = new Set<string>();
  for (const spec of specs) {
    if (spec.name === undefined) continue;
    if (taken.has(spec.name)) throw new Error(`model: layer name '${spec.name}' is used by two layers`);
    if (spec.name.includes('/')) throw new Error(`model: layer name must not contain '/', got '${spec.name}'`);
    taken.add(spec.name);
  }
  const counts = new Map<string, number>();
  return specs.map((spec) => {
    if (spec.name !== undefined) return spec.name;
    const stem = spec.kind === 'input' ? 'input_layer' : defaultLayerName(spec);
    let count = counts.get(stem) ?? 0;
    let name = count === 0 ? stem : `${stem}_${count}`;
    while (taken.has(name)) name = `${stem}_${++count}`;
    counts.set(stem, count + 1);
    taken.add(name);
    return name;
  });
}

function classNameOf(spec: AnyLayerSpec | InputSpec): string {
  if (spec.kind === 'input') return 'InputLayer';
  return isMultiInput(spec) ? multiInputLayerImpl(spec).className(spec) : layerImpl(spec).className(spec);
}

/** `(None, 8)`, or Keras' list `[(None, 8), (None, 8)]` for a layer with several outputs. */
function outputShapeText(shapes: readonly Shape[]): Shape | string {
  return shapes.length === 1 ? shapes[0]! : `[${shapes.map(formatShape).join(', ')}]`;
}

function sameWeights(a: readonly { name: string; shape: readonly number[] }[], b: readonly { name: string; shape: readonly number[] }[]): boolean {
  return a.length === b.length && a.every((w, i) => w.name === b[i]!.name && w.shape.join() === b[i]!.shape.join());
}

/**
 * Builds a functional model from its inputs and outputs: finds the layers between them, names them
 * (Keras style), creates their weights (seeded) and returns the model.
 *
 * @example
 * const a = input({ shape: [10, 8] }), b = input({ shape: [10, 8] });
 * const shared = lstm({ units: 16 });
 * const merged = applyLayer(concatenate(), [applyLayer(shared, a), applyLayer(shared, b)]);
 * const m = model({ inputs: [a, b], outputs: applyLayer(dense({ units: 1, activation: 'sigmoid' }), merged) });
 */
export function model(options: FunctionalOptions): Functional {
  if (typeof options !== 'object' || options === null) throw new Error('model: expected { inputs, outputs }');
  return buildFunctional(options, { seed: options.seed ?? 0 }, { shareLayers: true });
}

/**
 * Builds a functional model over the graph of `options`, its weights from `source` (`{ seed }` or `{ weights }`);
 * with `shareLayers`, layers that a live model already has share its weights.
 */
export function buildFunctional(options: FunctionalOptions, source: WeightSource, { shareLayers = false } = {}): Functional {
  const seed = 'seed' in source ? source.seed : 0;
  checkSeed(seed, 'model');
  const name = options.name ?? 'functional';
  const inputs = asList(options.inputs, 'inputs');
  const outputs = asList(options.outputs, 'outputs');
  if (new Set(inputs.map((t) => t.node)).size !== inputs.length) throw new Error('model: the same input is given twice in inputs');
  const nodes = orderNodes(inputs, outputs);

  // layers in the order of their first call; a spec object called several times is one shared layer
  const specs: (AnyLayerSpec | InputSpec)[] = [];
  const layerOf = new Map<AnyLayerSpec | InputSpec, number>();
  for (const node of nodes) {
    if (!layerOf.has(node.layer)) {
      layerOf.set(node.layer, specs.length);
      specs.push(node.layer);
    }
  }
  const names = nameLayers(specs);
  const nodeIndex = new Map(nodes.map((n, i) => [n, i]));
  const callCount = specs.map(() => 0);
  const placed: PlacedNode[] = nodes.map((node) => {
    const layer = layerOf.get(node.layer)!;
    return { node, layer, call: callCount[layer]!++, inputs: node.inputs.map((t) => ({ node: nodeIndex.get(t.node)!, index: t.index })) };
  });

  const calls = specs.map((): FunctionalLayer['calls'][number][] => []);
  for (const p of placed) {
    const shapes = p.node.inputs.map((t) => t.shape);
    const spec = p.node.layer;
    const outShapes = spec.kind === 'input' ? [spec.shape] : nodeOutputShapes(spec, shapes, p.node.stateInputs, `model: layer '${names[p.layer]}'`);
    const dtype = spec.kind === 'input' ? spec.dtype : 'float32';
    const symbolicOutputs = outShapes.map((shape, index): SymbolicTensor => ({ kind: 'symbolic', shape, dtype, node: p.node, index }));
    calls[p.layer]!.push({ inputShapes: shapes, outputShapes: outShapes, outputs: symbolicOutputs });
  }
  const groups: WeightGroup[] = specs.map((spec, i) => {
    const first = calls[i]![0]!;
    const stateInputs = placed.find((p) => p.layer === i)!.node.stateInputs;
    if (spec.kind === 'input') return { prefix: names[i]!, weights: [], init: () => ({}) };
    const weights = nodeWeights(spec, first.inputShapes, stateInputs);
    placed
      .filter((p) => p.layer === i && p.call > 0)
      .forEach((p) => {
        if (!sameWeights(nodeWeights(spec, p.node.inputs.map((t) => t.shape), p.node.stateInputs), weights)) {
          throw new Error(`model: shared layer '${names[i]}' is called on ${p.node.inputs.map((t) => formatShape(t.shape)).join(', ')}, but its weights were made for ${first.inputShapes.map(formatShape).join(', ')}`);
        }
      });
    return { prefix: names[i]!, weights, init: (s: number) => initNode(spec, first.inputShapes, stateInputs, s) };
  });
  // drawn with model(), a layer another live model already has keeps its weights there (Keras' shared
  // layers); a model rebuilt from a topology has weights of its own
  const shared = shareLayers ? sharedLayerWeights(specs, names, groups.map((g) => g.weights), 'model') : specs.map(() => null);
  // layer i (inputs not counted, as in a Sequential) initialises from the i-th seed of the model's stream
  const seedIndex = specs.map((_, i) => specs.slice(0, i).filter((s) => s.kind !== 'input').length);
  const owned = createVariables(
    groups.map((g, i) => (shared[i] === null ? g : { ...g, weights: [] })),
    source,
    (i) => deriveSeed(seed, 1, seedIndex[i]!),
    'model',
  );
  const layerParams = groups.map((g, i) => shared[i] ?? Object.fromEntries(g.weights.map((w) => [w.name, owned[`${g.prefix}/${w.name}`]!] as const)));
  const params: Record<string, Variable> = Object.fromEntries(groups.flatMap((g, i) => g.weights.map((w) => [`${g.prefix}/${w.name}`, layerParams[i]![w.name]!] as const)));
  const borrowed = shared.flatMap((w) => (w === null ? [] : Object.values(w)));
  const layers: FunctionalLayer[] = specs.map((spec, i) => ({
    name: names[i]!,
    spec: spec.kind === 'input' ? { ...spec, name: names[i]! } : withApply({ ...spec, name: names[i]! }),
    calls: calls[i]!,
    weightNames: groups[i]!.weights.map((w) => `${names[i]}/${w.name}`),
  }));
  const inputNodes = inputs.map((t) => nodeIndex.get(t.node)!);
  const states = statefulStates(name);
  const outputRefs = outputs.map((t) => ({ node: nodeIndex.get(t.node)!, index: t.index }));
  let dropoutCalls = 0;

  const call = (given: Tensor | readonly Tensor[], options: ApplyOptions): FunctionalOutput => {
    if (typeof options !== 'object' || options === null || typeof options.training !== 'boolean') {
      throw new Error(`${name}: options must be { training: boolean }, got ${JSON.stringify(options)}`);
    }
    if (borrowed.some((v) => v.isDisposed)) throw new Error(`${name}: shares layers with a model that has been disposed (dispose the model that first had the shared layers last)`);
    const xs = Array.isArray(given) ? (given as readonly Tensor[]) : [given as Tensor];
    if (xs.length !== inputs.length) throw new Error(`${name}: expects ${inputs.length} input tensor(s), got ${xs.length}`);
    xs.forEach((x, i) => {
      const shape = inputs[i]!.shape;
      const ok = typeof x === 'object' && x !== null && x.rank === shape.length && shape.every((d, a) => d === null || d === x.shape[a]);
      if (!ok) throw new Error(`${name}: input ${i} ('${names[layerOf.get(inputs[i]!.node.layer)!]}') must have shape ${formatShape(shape)}, got [${String(x?.shape)}]`);
    });
    const callSeed = options.seed ?? (options.training ? deriveSeed(seed, 2, dropoutCalls++) : 0);
    states.begin();
    const out = tidy(() => {
      const values: { ys: readonly Tensor[]; masks: readonly (Tensor | null)[] }[] = [];
      const updates: [Variable, Tensor][] = [];
      placed.forEach((p, i) => {
        const spec = p.node.layer;
        if (spec.kind === 'input') {
          const x = xs[inputNodes.indexOf(i)]!;
          values.push({ ys: [x.dtype === spec.dtype ? x : cast(x, spec.dtype)], masks: [null] });
          return;
        }
        const ins = p.inputs.map((r) => values[r.node]!.ys[r.index]!);
        const masks = p.inputs.map((r) => values[r.node]!.masks[r.index] ?? null);
        const stateful = { states, key: p.call === 0 ? names[p.layer]! : `${names[p.layer]}[${p.call}]` };
        const result = runNode(spec, layerParams[p.layer]!, ins, masks, p.node.stateInputs, { training: options.training, seed: deriveSeed(callSeed, i), stateful });
        for (const [local, value] of Object.entries(result.updates ?? {})) {
          const target = layerParams[p.layer]![local];
          if (target === undefined || target.trainable) throw new Error(`${name}: layer '${names[p.layer]}' returned an update of '${local}', which is not one of its non-trainable weights`);
          updates.push([target, value]);
        }
        values.push(result);
      });
      for (const [target, value] of updates) target.assign(value);
      const ys = outputRefs.map((r) => values[r.node]!.ys[r.index]!);
      const masks = outputRefs.map((r) => values[r.node]!.masks[r.index] ?? null);
      return { ys, masks: masks.filter((m): m is Tensor => m !== null), which: masks.map((m) => m !== null) };
    });
    let next = 0;
    return { ys: out.ys, masks: out.which.map((has) => (has ? out.masks[next++]! : null)) };
  };

  const refOf = (r: { node: number; index: number }): TensorRef => {
    const p = placed[r.node]!;
    return [names[p.layer]!, p.call, r.index];
  };

  const inputNames = inputNodes.map((n) => names[placed[n]!.layer]!);
  const outputNames = uniqueOutputNames(outputRefs.map((r) => names[placed[r.node]!.layer]!));
  // a layer is known by the spec object the graph was drawn with and by the named copy in `layers`
  recordLayerWeights(name, [...specs, ...layers.map((l) => l.spec)], [...names, ...names], [...layerParams, ...layerParams]);
  return withTraining<Functional>({
    kind: 'functional',
    name,
    layers,
    inputs,
    outputs,
    inputShape: inputs[0]!.shape,
    outputShape: outputs[0]!.shape,
    params,
    call,
    apply: (x, options) => {
      if (outputs.length !== 1) throw new Error(`${name}: has ${outputs.length} outputs; model.call(xs, options) returns them all`);
      const out = call(x, options);
      for (const m of out.masks) if (m !== null) m.dispose();
      return out.ys[0]!;
    },
    countParams: () => Object.values(params).reduce((a, v: Variable) => a + v.size, 0),
    summary: () =>
      formatSummary(
        name,
        layers.map((layer, i) => ({
          name: layer.name,
          className: classNameOf(layer.spec),
          outputShape: outputShapeText(layer.calls[0]!.outputShapes),
          params: layer.weightNames.reduce((a, n) => a + params[n]!.size, 0),
          nonTrainableParams: layer.weightNames.reduce((a, n) => a + (params[n]!.trainable ? 0 : params[n]!.size), 0),
          connectedTo: placed.filter((p) => p.layer === i).flatMap((p) => p.inputs.map((r) => refOf(r)).map(([l, c, o]) => `${l}[${c}][${o}]`)),
        })),
      ),
    topology: () => ({
      kind: 'functional',
      name,
      layers: layers.map((layer, i) => ({
        spec: layer.spec,
        calls: placed.filter((p) => p.layer === i).map((p) => ({ inputs: p.inputs.map(refOf), stateInputs: p.node.stateInputs })),
      })),
      inputs: inputNodes.map((n) => refOf({ node: n, index: 0 })),
      outputs: outputRefs.map(refOf),
    }),
    resetStates: () => states.reset(),
    dispose: () => {
      states.dispose();
      dispose(Object.values(owned));
    },
  }, {
    inputNames,
    inputShapes: inputs.map((t) => t.shape),
    outputNames,
    outputShapes: outputs.map((t) => t.shape),
    run: (xs, training, callSeed) => {
      const out = call(xs, { training, seed: callSeed });
      for (const m of out.masks) if (m !== null) m.dispose();
      return [...out.ys];
    },
  });
}

/** Keras names outputs after the layers that make them; a layer giving two outputs (a state, say) adds `_1`, `_2`. */
function uniqueOutputNames(layerNames: readonly string[]): string[] {
  const seen = new Map<string, number>();
  return layerNames.map((n) => {
    const count = seen.get(n) ?? 0;
    seen.set(n, count + 1);
    return count === 0 ? n : `${n}_${count}`;
  });
}
