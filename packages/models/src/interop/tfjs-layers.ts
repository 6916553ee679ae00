/**
 * tfjs-layers *Layers-model* artifacts in and out: the `modelTopology` JSON plus weight specs and
 * one weights buffer, as `model.save` of tfjs-layers writes them (see `tf.io.withSaveHandler`) and as
 * the Keras→tfjs converter writes `model.json` (its weight shards concatenated).
 *
 * Supported: Sequential models of Embedding, SimpleRNN, LSTM, GRU (reset_after true and false),
 * Bidirectional, Dense, Dropout, Masking, TimeDistributed (and InputLayer).
 * `hard_sigmoid` means clip(0.2x + 0.5) in files from tfjs-layers and Keras 2, and clip(x/6 + 0.5)
 * in files from Keras 3 (read from `keras_version`).
 */
import { dispose, tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { defaultLayerName, layerImpl } from '../layers/registry';
import type { LayerSpec } from '../layers/registry';
import { placeLayers, resolveInputShape, sequentialFromTopology } from '../sequential';
import type { BuiltLayer, Sequential } from '../sequential';
import { readFloat32 } from '../io/weights-blob';
import { declaredInputShape, layerFromKeras, layerToKeras } from './keras-config';
import type { KerasLayerJson } from './keras-config';
import type { Shape } from '../shape';

/** One weight's entry in the artifacts, in buffer order. */
export interface LayersWeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
}

/** The subset of tfjs' `ModelArtifacts` that Layers models use. */
export interface LayersModelArtifacts {
  readonly modelTopology: object;
  readonly weightSpecs?: readonly LayersWeightSpec[];
  readonly weightData?: ArrayBuffer | readonly ArrayBuffer[];
  readonly format?: string;
  readonly generatedBy?: string;
  readonly convertedBy?: string | null;
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

/** The Keras weight names of one of our weight names (`wxh` → kernel, …), for matching by suffix. */
function kerasSuffix(ours: string): string {
  const last = ours.split('/').at(-1)!;
  return { wxh: 'kernel', whh: 'recurrent_kernel', bh: 'bias' }[last] ?? last;
}

/**
 * Picks, for each weight of `layer` (our names, Keras order), the file's weight: among the specs under
 * `<keras layer name>/`, by direction (forward_/backward_) and suffix, else by order.
 */
function matchLayerWeights(layer: BuiltLayer, specs: readonly (LayersWeightSpec & { readonly index: number })[]): (LayersWeightSpec & { index: number })[] {
  const expected = layerImpl(layer.spec).weights(layer.spec, layer.inputShape);
  const mine = specs.filter((s) => s.name.startsWith(`${layer.name}/`));
  if (mine.length !== expected.length) {
    throw new Error(
      `${WHO}: layer '${layer.name}' needs ${expected.length} weights (${expected.map((w) => w.name).join(', ') || 'none'}), ` +
        `the file has ${mine.length} under '${layer.name}/'${mine.length > 0 ? ` (${mine.map((s) => s.name).join(', ')})` : ''}`,
    );
  }
  const used = new Set<number>();
  return expected.map((w, i) => {
    const direction = w.name.startsWith('forward/') ? '/forward_' : w.name.startsWith('backward/') ? '/backward_' : '';
    const suffix = `/${kerasSuffix(w.name)}`;
    const candidates = mine.filter((s) => !used.has(s.index) && s.name.endsWith(suffix) && (direction === '' || s.name.includes(direction)));
    const pick = candidates.find((s) => !(suffix === '/kernel' && s.name.endsWith('recurrent_kernel'))) ?? mine[i]!;
    used.add(pick.index);
    return { ...pick };
  });
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
export function fromLayersArtifacts(artifacts: LayersModelArtifacts): Sequential {
  const top = asRecord(artifacts?.modelTopology, 'modelTopology');
  const modelConfig = asRecord(top['model_config'] ?? top, 'modelTopology.model_config');
  if (modelConfig['class_name'] !== 'Sequential') {
    throw new Error(`${WHO}: only Sequential models are supported, got class '${String(modelConfig['class_name'])}'`);
  }
  const config = asRecord(modelConfig['config'], 'the Sequential config');
  const rawLayers = config['layers'];
  if (!Array.isArray(rawLayers)) throw new Error(`${WHO}: the Sequential config has no 'layers' array`);
  const version = String(top['keras_version'] ?? artifacts.generatedBy ?? '');
  const fromTfjs = version.startsWith('tfjs') || (artifacts.generatedBy ?? '').includes('tfjs-layers');
  const options = { hardSigmoid: /^3\./.test(version) || /keras v?3\./i.test(artifacts.generatedBy ?? '') ? 'keras3' : 'keras2', gruDefaultResetAfter: !fromTfjs } as const;

  let inputShape: Shape | null = null;
  const specs: LayerSpec[] = [];
  for (const raw of rawLayers as KerasLayerJson[]) {
    inputShape ??= declaredInputShape(raw);
    if (raw.class_name === 'InputLayer') continue;
    specs.push(layerFromKeras(raw, options));
  }
  const input = resolveInputShape(specs, inputShape ?? undefined);
  const built = placeLayers(specs, input);

  const weightSpecs = (artifacts.weightSpecs ?? []).map((s, index) => ({ ...s, index }));
  const data = concatBuffers(artifacts.weightData as ArrayBuffer | readonly ArrayBuffer[] | undefined);
  const offsets: number[] = [];
  let offset = 0;
  for (const s of weightSpecs) {
    if (s.dtype !== 'float32') throw new Error(`${WHO}: weight '${s.name}' has dtype ${s.dtype}; only float32 weights are supported (no quantisation)`);
    offsets.push(offset);
    offset += 4 * s.shape.reduce((a, b) => a * b, 1);
  }
  const plan: { name: string; file: LayersWeightSpec & { index: number }; shape: readonly number[] }[] = [];
  for (const layer of built) {
    const expected = layerImpl(layer.spec).weights(layer.spec, layer.inputShape);
    matchLayerWeights(layer, weightSpecs).forEach((file, i) => {
      const w = expected[i]!;
      if (file.shape.length !== w.shape.length || file.shape.some((d, k) => d !== w.shape[k])) {
        throw new Error(`${WHO}: weight '${file.name}' (${layer.name}/${w.name}) has shape [${file.shape.join(', ')}], expected [${w.shape.join(', ')}]`);
      }
      plan.push({ name: `${layer.name}/${w.name}`, file, shape: w.shape });
    });
  }
  if (offset > data.byteLength) throw new Error(`${WHO}: the weight specs need ${offset} bytes, the weight data has ${data.byteLength} (truncated)`);
  const weights: Record<string, Tensor> = {};
  for (const p of plan) weights[p.name] = tensor(readFloat32(data, offsets[p.file.index]!, p.shape.reduce((a, b) => a * b, 1)), [...p.shape], 'float32');
  try {
    const name = typeof config['name'] === 'string' ? config['name'] : 'sequential';
    return sequentialFromTopology({ kind: 'sequential', name, inputShape: input, layers: built.map((l) => l.spec) }, { weights });
  } finally {
    dispose(Object.values(weights));
  }
}

/** The name we give the layer a Bidirectional wraps: Keras' default stem, `lstm`, `gru`, `simple_rnn`. */
function innerName(spec: LayerSpec): string {
  return defaultLayerName(spec);
}

/** tfjs-layers' name of one of our weights, under layer `layer`: `lstm/kernel`, `bidirectional/forward_lstm/kernel`. */
function tfjsWeightName(layer: BuiltLayer, ours: string): string {
  const local = ours.slice(layer.name.length + 1);
  const [first, rest] = local.includes('/') ? [local.split('/')[0]!, local.split('/').slice(1).join('/')] : ['', local];
  const suffix = kerasSuffix(rest);
  if (layer.spec.kind === 'bidirectional' && (first === 'forward' || first === 'backward')) {
    return `${layer.name}/${first}_${innerName(layer.spec.layer)}/${suffix}`;
  }
  return `${layer.name}/${suffix}`;
}

/**
 * Writes an rnnkit sequential model as tfjs-layers artifacts: `tf.loadLayersModel(tf.io.fromMemory(artifacts))`
 * gives a tfjs model with the same predictions. (tfjs-layers cannot run a GRU with `resetAfter: true`,
 * Keras 3's default, nor Keras 3's hard sigmoid; Keras reads both through the converter.)
 */
export function toLayersArtifacts(model: Sequential): Required<Omit<LayersModelArtifacts, 'weightData'>> & { weightData: ArrayBuffer } {
  const layers = model.layers.map((layer, i) => {
    const json = layerToKeras(layer.spec, layer.name);
    if (layer.spec.kind === 'bidirectional') {
      const inner = json.config['layer'] as KerasLayerJson;
      (json.config as Record<string, unknown>)['layer'] = { ...inner, config: { ...inner.config, name: innerName(layer.spec.layer) } };
    }
    if (i === 0) (json.config as Record<string, unknown>)['batch_input_shape'] = [...model.inputShape];
    return json;
  });
  const weightSpecs: LayersWeightSpec[] = [];
  const parts: Float32Array[] = [];
  for (const layer of model.layers) {
    for (const full of layer.weightNames) {
      const v = model.params[full]!;
      weightSpecs.push({ name: tfjsWeightName(layer, full), shape: [...v.shape], dtype: 'float32' });
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
    modelTopology: { class_name: 'Sequential', config: { name: model.name, layers }, keras_version: 'tfjs-layers 4.22.0', backend: 'tensor_flow.js' },
    weightSpecs,
    weightData: flat.buffer,
    format: 'layers-model',
    generatedBy: 'rnnkit',
    convertedBy: null,
  };
}
