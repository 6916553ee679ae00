/**
 * tfjs-layers *Layers-model* artifacts in and out: the `modelTopology` JSON plus weight specs and
 * one weights buffer, as `model.save` of tfjs-layers writes them (see `tf.io.withSaveHandler`) and as
 * the Keras→tfjs converter writes `model.json` (its weight shards concatenated).
 *
 * Layers: every class `layerFromKeras` reads (recurrent, Bidirectional, TimeDistributed, Embedding,
 * Dense, Activation, Dropout and noise, Masking, convolutions and pooling, normalisation, shape layers;
 * its error lists them all).
 * Read: Sequential models (also Keras < 2.2.3's bare list of layers) and functional models that are a
 * chain of layers, from tfjs-layers and from the converter of Keras 2 and Keras 3 (model-name prefixed
 * weights, `batch_shape`, dtype policies, Bidirectional with `backward_layer`), Keras 2's CuDNNLSTM and
 * CuDNNGRU, quantised weights. `hard_sigmoid` means clip(0.2x + 0.5) in files from tfjs-layers and
 * Keras 2, and clip(x/6 + 0.5) in files from Keras 3 (read from `keras_version`).
 */
import { dispose, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { defaultLayerName, layerImpl } from '../layers/registry';
import type { LayerSpec } from '../layers/registry';
import { placeLayers, resolveInputShape, sequentialFromTopology } from '../sequential';
import type { Sequential } from '../sequential';
import { cudnnWeightShape, fromCudnnWeight } from './cudnn-weights';
import type { CudnnKind } from './cudnn-weights';
import { declaredInputShape, layerFromKeras, layerToKeras } from './keras-config';
import type { FromKerasOptions, KerasLayerJson } from './keras-config';
import { chainOf } from './keras-functional-chain';
import { functionalFromKeras } from './keras-functional';
import { kerasGraph } from './keras-graph';
import type { KerasGraph } from './keras-graph';
import { functionalFromTopology } from '../functional/topology';
import type { Functional } from '../functional/functional';
import type { WeightShape } from '../layer';
import type { AnyLayerSpec } from '../layers/registry';
import { functionalToKeras } from './keras-functional-export';
import { checkWeightSpecs, decodeLayersWeights } from './tfjs-weights-decode';
import type { LayersWeightSpec } from './tfjs-weights-decode';
import { matchWeights, tfjsWeightPath, weightsByLayer } from './tfjs-weight-names';
import type { NamedLayer } from './tfjs-weight-names';
import type { Shape } from '../shape';

export type { LayersWeightSpec, WeightQuantization } from './tfjs-weights-decode';

/** The subset of tfjs' `ModelArtifacts` that Layers models use. */
export interface LayersModelArtifacts {
  readonly modelTopology: object;
  readonly weightSpecs?: readonly LayersWeightSpec[];
  readonly weightData?: ArrayBuffer | readonly ArrayBuffer[];
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
}

/** A model read from a tfjs-layers or Keras file: a Sequential for a stack of layers (or a functional chain), else a functional model. */
export type KerasFileModel = Sequential | Functional;

/** Options of {@link fromLayersArtifacts}. */
export interface FromLayersOptions {
  /**
   * Receives what rnnkit computes differently from the file's declaration (a float16 dtype policy is
   * computed in float32). Default `console.warn`.
   */
  readonly onWarning?: (message: string) => void;
  /**
   * Build a functional model from a functional config even when its layers form a chain (by default
   * a chain becomes a Sequential); a Sequential config stays a Sequential.
   */
  readonly keepFunctional?: boolean;
}

const WHO = 'fromLayersArtifacts';

function asRecord(value: unknown, what: string): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null) throw new Error(`${WHO}: ${what} must be an object, got ${JSON.stringify(value)}`);
  return value as Readonly<Record<string, unknown>>;
}

function concatBuffers(data: ArrayBuffer | readonly ArrayBuffer[] | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  if (!Array.isArray(data)) return new Uint8Array(data as ArrayBuffer);
  const total = data.reduce((a, b) => a + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const part of data) {
    out.set(new Uint8Array(part), offset);
    offset += part.byteLength;
  }
  return out;
}

/** What a model config holds: a stack of layers (a Sequential config, or a functional one that is a chain), or a general graph. */
type ModelLayers = { readonly kind: 'stack'; readonly name: string | null; readonly layers: KerasLayerJson[] } | { readonly kind: 'graph'; readonly graph: KerasGraph };

/** The model's layers, from a Sequential config (a list, or `{ name, layers }`) or a functional one. */
function modelLayers(modelConfig: Readonly<Record<string, unknown>>, keepFunctional: boolean): ModelLayers {
  const className = modelConfig['class_name'];
  const config = modelConfig['config'];
  if (className === 'Sequential') {
    if (Array.isArray(config)) return { kind: 'stack', name: null, layers: config as KerasLayerJson[] };
    const c = asRecord(config, 'the Sequential config');
    if (!Array.isArray(c['layers'])) throw new Error(`${WHO}: the Sequential config has no 'layers' array`);
    return { kind: 'stack', name: typeof c['name'] === 'string' ? c['name'] : null, layers: c['layers'] as KerasLayerJson[] };
  }
  if (className === 'Model' || className === 'Functional') {
    const graph = kerasGraph(asRecord(config, `the ${className} config`), WHO);
    const chain = keepFunctional ? null : chainOf(graph);
    return chain === null ? { kind: 'graph', graph } : { kind: 'stack', name: graph.name, layers: chain };
  }
  throw new Error(`${WHO}: only Sequential and functional (Model, Functional) models are supported, got class '${String(className)}'`);
}

/** The dtype policy a layer declares when it computes in another float than float32 (`mixed_float16`, `bfloat16`, `float64`, …). */
function reducedPrecisionPolicy(layer: KerasLayerJson): string | null {
  const dtype = layer.config['dtype'];
  const name = typeof dtype === 'string' ? dtype : typeof dtype === 'object' && dtype !== null ? (dtype as { config?: { name?: unknown } }).config?.name : undefined;
  return typeof name === 'string' && /float(16|64)/.test(name) ? name : null;
}

/** The Keras layer that owns a built layer's weights as the file stores them (the wrapped one, for Bidirectional). */
function weightOwner(raw: KerasLayerJson): KerasLayerJson {
  return raw.class_name === 'Bidirectional' ? (raw.config['layer'] as KerasLayerJson) : raw;
}

/** The units of a recurrent or bidirectional layer (a CuDNN layer's weights are converted by them). */
function recurrentUnits(spec: AnyLayerSpec): number {
  if (spec.kind === 'rnn') return spec.cell.units;
  if (spec.kind === 'bidirectional') return spec.layer.cell.units;
  throw new Error(`${WHO}: a CuDNN layer became a '${spec.kind}' layer`);
}

function cudnnKind(raw: KerasLayerJson): CudnnKind | null {
  const owner = weightOwner(raw).class_name;
  return owner === 'CuDNNLSTM' ? 'lstm' : owner === 'CuDNNGRU' ? 'gru' : null;
}

/** The first parts of weight paths that stand for this layer: Keras 3 names a Bidirectional's wrapped layers alone. */
function aliasesOf(raw: KerasLayerJson): string[] {
  if (raw.class_name !== 'Bidirectional') return [];
  const names = [raw.config['layer'], raw.config['backward_layer']]
    .map((l) => (l as KerasLayerJson | undefined)?.config?.['name'])
    .filter((n): n is string => typeof n === 'string');
  return names.flatMap((n) => [n, `forward_${n}`, `backward_${n}`]);
}

/** Runs `read`; an error that does not yet say which layer it is about gets the layer's name and class in front. */
function namingTheLayer<T>(raw: KerasLayerJson, read: () => T): T {
  try {
    return read();
  } catch (e) {
    const message = (e as Error).message;
    const name = String(raw.config['name']);
    throw new Error(message.includes(`layer '${name}'`) ? message : `${WHO}: layer '${name}' (${raw.class_name}): ${message}`);
  }
}

/**
 * Builds an rnnkit sequential model from tfjs-layers artifacts; predictions match tfjs-layers (and
 * Keras) within float rounding. Throws naming the layer and its class for anything unsupported, and
 * the weight, expected and given shape on a mismatch; nothing is created unless every check passes.
 *
 * @example
 * await tfjsModel.save(tf.io.withSaveHandler(async (a) => { artifacts = a; return { modelArtifactsInfo: … }; }));
 * const model = fromLayersArtifacts(artifacts);
 */
export function fromLayersArtifacts(artifacts: LayersModelArtifacts, options: FromLayersOptions = {}): KerasFileModel {
  const top = asRecord(artifacts?.modelTopology, 'modelTopology');
  const found = modelLayers(asRecord(top['model_config'] ?? top, 'modelTopology.model_config'), options.keepFunctional === true);
  const version = String(top['keras_version'] ?? artifacts.generatedBy ?? '');
  const kerasOptions: FromKerasOptions = {
    hardSigmoid: /^3\./.test(version) || /keras v?3\./i.test(artifacts.generatedBy ?? '') ? 'keras3' : 'keras2',
    // Keras has written `reset_after` into every GRU config since it added the option (2.1.3), and tfjs-layers,
    // which has only the reset-before GRU, never writes it: a config without it is reset-before
    gruDefaultResetAfter: false,
  };
  const rawLayers = found.kind === 'stack' ? found.layers : found.graph.layers.map((l) => l.raw);
  const policies = new Map<string, string[]>();
  for (const raw of rawLayers) {
    if (typeof raw !== 'object' || raw === null || typeof raw.class_name !== 'string' || typeof raw.config !== 'object' || raw.config === null) {
      throw new Error(`${WHO}: a layer entry must be { class_name, config }, got ${JSON.stringify(raw)?.slice(0, 200)}`);
    }
    const policy = reducedPrecisionPolicy(raw);
    if (policy !== null) policies.set(policy, [...(policies.get(policy) ?? []), String(raw.config['name'])]);
  }
  const fileSpecs = artifacts.weightSpecs ?? [];
  checkWeightSpecs(fileSpecs, WHO);
  const weights = (layers: readonly PlannedLayer[]): Record<string, Tensor> => {
    const plan = planWeights(layers, fileSpecs);
    const values = decodeLayersWeights(fileSpecs, concatBuffers(artifacts.weightData as ArrayBuffer | readonly ArrayBuffer[] | undefined), WHO);
    if (policies.size > 0) {
      const said = [...policies].map(([policy, names]) => `'${policy}' (${names.map((l) => `'${l}'`).join(', ')})`).join('; ');
      (options.onWarning ?? console.warn)(`${WHO}: the file declares the dtype policy ${said}; rnnkit computes in float32, so results can differ from the file's model by its rounding`);
    }
    const tensors: Record<string, Tensor> = {};
    try {
      for (const p of plan) {
        const raw = values[p.index]!;
        const converted = p.cudnn === null ? raw : fromCudnnWeight(p.cudnn.kind, p.cudnn.local, raw, fileSpecs[p.index]!.shape, p.cudnn.units);
        tensors[p.name] = tensor(converted, [...p.shape], 'float32');
      }
    } catch (e) {
      dispose(Object.values(tensors));
      throw e;
    }
    return tensors;
  };

  if (found.kind === 'graph') {
    const topology = functionalFromKeras(found.graph, kerasOptions, WHO);
    const sources = new Map(found.graph.layers.map((l) => [l.name, l.raw] as const));
    const specs = new Map(topology.layers.map((l) => [l.spec.name!, l.spec] as const));
    return functionalFromTopology(topology, {
      weightsFor: (groups) => weights(groups.map((g) => ({ name: g.prefix, spec: specs.get(g.prefix)!, raw: sources.get(g.prefix)!, expected: g.weights }))),
    });
  }
  let inputShape: Shape | null = null;
  const specs: LayerSpec[] = [];
  const sources: KerasLayerJson[] = [];
  for (const raw of found.layers) {
    inputShape ??= declaredInputShape(raw);
    if (raw.class_name === 'InputLayer') continue;
    specs.push(namingTheLayer(raw, () => layerFromKeras(raw, kerasOptions)));
    sources.push(raw);
  }
  const input = resolveInputShape(specs, inputShape ?? undefined);
  const built = placeLayers(specs, input);
  const tensors = weights(built.map((layer, i) => ({ name: layer.name, spec: layer.spec, raw: sources[i]!, expected: layerImpl(layer.spec).weights(layer.spec, layer.inputShape) })));
  try {
    return sequentialFromTopology({ kind: 'sequential', name: found.name ?? 'sequential', inputShape: input, layers: built.map((l) => l.spec) }, { weights: tensors });
  } finally {
    dispose(Object.values(tensors));
  }
}

/** A layer of the model being loaded: its name, spec, the file's JSON of it and the weights it needs. */
interface PlannedLayer {
  readonly name: string;
  readonly spec: AnyLayerSpec | { readonly kind: 'input' };
  readonly raw: KerasLayerJson;
  readonly expected: readonly WeightShape[];
}

/** Which file weight becomes which of ours (and how a cuDNN one converts). */
interface PlannedWeight {
  readonly name: string;
  readonly index: number;
  readonly shape: readonly number[];
  readonly cudnn: { readonly kind: CudnnKind; readonly local: 'wxh' | 'whh' | 'bh'; readonly units: number } | null;
}

/**
 * Matches the file's weights to every layer's, checking each shape before a byte is decoded: a weight
 * of no layer (optimizer state aside), a layer with too few or too many, or a wrong shape is an error.
 */
function planWeights(layers: readonly PlannedLayer[], fileSpecs: readonly LayersWeightSpec[]): PlannedWeight[] {
  const named: NamedLayer[] = layers.map((layer) => ({ name: layer.name, aliases: aliasesOf(layer.raw) }));
  const paths = fileSpecs.map((s) => s.name);
  const { byLayer, unclaimed } = weightsByLayer(paths, named);
  const strays = unclaimed.filter((path) => fileSpecs.find((s) => s.name === path)?.group !== 'optimizer');
  if (strays.length > 0) {
    throw new Error(`${WHO}: the file has weights that belong to no layer of the model: ${strays.slice(0, 8).join(', ')}${strays.length > 8 ? ', …' : ''} (layers: ${layers.map((l) => l.name).join(', ')})`);
  }
  const plan: PlannedWeight[] = [];
  layers.forEach((layer, i) => {
    const { expected } = layer;
    const mine = byLayer[i]!;
    if (mine.length !== expected.length) {
      throw new Error(
        `${WHO}: layer '${layer.name}' needs ${expected.length} weights (${expected.map((w) => w.name).join(', ') || 'none'}), ` +
          `the file has ${mine.length} for it${mine.length > 0 ? ` (${mine.map((k) => paths[k]).join(', ')})` : ''}`,
      );
    }
    const kind = cudnnKind(layer.raw);
    matchWeights(
      expected.map((w) => w.name),
      paths,
      mine,
    ).forEach((index, k) => {
      const w = expected[k]!;
      const file = fileSpecs[index!]!;
      const cudnn = kind === null || layer.spec.kind === 'input' ? null : { kind, local: w.name.split('/').at(-1) as 'wxh' | 'whh' | 'bh', units: recurrentUnits(layer.spec) };
      const shape = cudnn === null ? file.shape : cudnnWeightShape(cudnn.kind, cudnn.local, file.shape, cudnn.units, `${WHO}: layer '${layer.name}'`);
      if (shape.length !== w.shape.length || shape.some((d, j) => d !== w.shape[j])) {
        throw new Error(`${WHO}: weight '${file.name}' (${layer.name}/${w.name}) has shape [${file.shape.join(', ')}], expected [${w.shape.join(', ')}]`);
      }
      plan.push({ name: `${layer.name}/${w.name}`, index: index!, shape, cudnn });
    });
  });
  return plan;
}

/** The name we give the layer a Bidirectional wraps: Keras' default stem, `lstm`, `gru`, `simple_rnn`. */
function innerName(spec: AnyLayerSpec): string | null {
  return spec.kind === 'bidirectional' ? defaultLayerName(spec.layer) : null;
}

const TFJS_VERSION = 'tfjs-layers 4.22.0';

/** A Sequential's `modelTopology` as tfjs-layers writes it, its input's batch size `batch` (null: any). */
function sequentialToKeras(model: Sequential, batch: number | null): Record<string, unknown> {
  const layers = model.layers.map((layer, i) => {
    const json = layerToKeras(layer.spec, layer.name);
    const inner = innerName(layer.spec);
    if (inner !== null) {
      const wrapped = json.config['layer'] as KerasLayerJson;
      (json.config as Record<string, unknown>)['layer'] = { ...wrapped, config: { ...wrapped.config, name: inner } };
    }
    if (i === 0) (json.config as Record<string, unknown>)['batch_input_shape'] = [batch, ...model.inputShape.slice(1)];
    return json;
  });
  return { class_name: 'Sequential', config: { name: model.name, layers }, keras_version: TFJS_VERSION, backend: 'tensor_flow.js' };
}

/** Options of {@link toLayersArtifacts}. */
export interface LayersExportOptions {
  /**
   * The batch size written into the inputs' `batch_input_shape` (default none: any batch). tfjs-layers and
   * Keras build stateful recurrent layers only for a fixed batch size, so a model with `stateful` layers
   * needs it to load there.
   */
  readonly batchSize?: number;
}

/**
 * Writes an rnnkit sequential or functional model as tfjs-layers artifacts: `tf.loadLayersModel(tf.io.fromMemory(artifacts))`
 * gives a tfjs model with the same predictions. (tfjs-layers cannot run a GRU with `resetAfter: true`,
 * Keras 3's default, nor Keras 3's hard sigmoid; Keras reads both through the converter.)
 */
export function toLayersArtifacts(model: KerasFileModel, options: LayersExportOptions = {}): Required<Omit<LayersModelArtifacts, 'weightData'>> & { weightData: ArrayBuffer } {
  const batch = options.batchSize ?? null;
  if (batch !== null && !(Number.isInteger(batch) && batch > 0)) throw new Error(`toLayersArtifacts: batchSize must be a positive integer, got ${JSON.stringify(options.batchSize)}`);
  const weightSpecs: LayersWeightSpec[] = [];
  const parts: Float32Array[] = [];
  for (const layer of model.layers as readonly { readonly name: string; readonly spec: AnyLayerSpec | { readonly kind: 'input' }; readonly weightNames: readonly string[] }[]) {
    const inner = layer.spec.kind === 'input' ? null : innerName(layer.spec);
    for (const full of layer.weightNames) {
      const v = model.params[full]!;
      weightSpecs.push({ name: tfjsWeightPath(layer.name, full.slice(layer.name.length + 1), inner), shape: [...v.shape], dtype: 'float32' });
      parts.push(v.dataSync() as Float32Array);
    }
  }
  const total = parts.reduce((a, p) => a + p.length, 0);
  const flat = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    flat.set(p, at);
    at += p.length;
  }
  return {
    modelTopology: model.kind === 'sequential' ? sequentialToKeras(model, batch) : functionalToKeras(model, innerName, TFJS_VERSION, batch),
    weightSpecs,
    weightData: flat.buffer,
    format: 'layers-model',
    generatedBy: 'rnnkit',
    convertedBy: null,
  };
}
