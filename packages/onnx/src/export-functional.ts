/**
 * A functional model as an ONNX graph: every call of every layer (a shared layer's calls share one copy of
 * its weights), merges, and recurrent layers fed an initial state or handing on their final state — the
 * graph `model.call(xs, { training: false })` runs, read off `model.topology()`.
 *
 * Shapes: one graph input per model input, named after its input layer (`input_layer`, or the name given
 * to `input()`), int32 or float32 as declared, dims `batch`, `<input>_time`, …; one graph output per model
 * output, named after the layer that makes it (`dense`), its returned states `<layer>_state_h` and
 * `<layer>_state_c` (`forward_…`/`backward_…` for a Bidirectional), and `_call<n>` for a shared layer's
 * later calls. Masks flow along the graph as in rnnkit; they are not graph outputs.
 *
 * A cut exports a part of the graph: Keras' seq2seq inference pair from its training model — the encoder
 * (encoder input → the encoder's returned states) and the one-step decoder (decoder input and those states as
 * graph inputs → the output and the decoder's returned states). A value cut into a graph input has no mask.
 */
import type { AnyLayerSpec, BidirectionalSpec, BuiltLayer, Functional, FunctionalLayer, FunctionalTopologyLayer, LayerSpec, RecurrentSpec, Shape, TensorRef } from '@rnnkit/models';
import { emitLayer, emitRecurrentLayer } from './export-layers';
import { emitMultiInput } from './export-merge';
import type { Emitted } from './export-recurrent';
import { graphBuilder, valueInfo } from './graph-builder';
import type { GraphBuilder } from './graph-builder';
import { DataType } from './onnx-schema';
import type { GraphMessage } from './onnx-schema';

/** The names of a recurrent layer's returned states, in rnnkit's order (forward states, then backward). */
function stateNames(spec: RecurrentSpec | BidirectionalSpec): readonly string[] {
  const cell = spec.kind === 'rnn' ? spec.cell : spec.layer.cell;
  const one = cell.kind === 'lstm' ? ['state_h', 'state_c'] : ['state_h'];
  return spec.kind === 'bidirectional' ? [...one.map((n) => `forward_${n}`), ...one.map((n) => `backward_${n}`)] : one;
}

/** The graph name of `ref`: the layer's name, the state's name for a returned state, and the call when it is not the first. */
function outputName(layers: readonly FunctionalLayer[], ref: TensorRef): string {
  const [name, call, index] = ref;
  const spec = layers.find((l) => l.name === name)!.spec;
  const what = index > 0 && (spec.kind === 'rnn' || spec.kind === 'bidirectional') ? `_${stateNames(spec)[index - 1]!}` : '';
  return `${name}${what}${call === 0 ? '' : `_call${call}`}`;
}

function dims(shape: Shape, stem: string): (number | string)[] {
  return shape.map((d, i) => (d !== null ? d : i === 0 ? 'batch' : i === 1 ? `${stem}_time` : `${stem}_dim_${i}`));
}

/** Whether a layer called on `dataInputs` values is a one-input layer (the layers taking lists other than the merges and Dot are not exported). */
function takesOneInput(spec: AnyLayerSpec, dataInputs: number): spec is LayerSpec {
  return dataInputs === 1 && spec.kind !== 'merge' && spec.kind !== 'concatenate' && spec.kind !== 'dot';
}

const keyOf = (ref: TensorRef): string => ref.join('|');

/** Runs one call of a layer into the graph; returns its outputs with their masks. */
function emitCall(
  b: GraphBuilder,
  model: Functional,
  layer: FunctionalLayer,
  callIndex: number,
  inputs: readonly Emitted[],
  stateInputs: number,
  opset: number,
): Emitted[] {
  const spec = layer.spec;
  const call = layer.calls[callIndex]!;
  if (spec.kind === 'input') throw new Error('unreachable: inputs are graph inputs');
  if (spec.kind === 'merge' || spec.kind === 'concatenate' || spec.kind === 'dot') {
    return [emitMultiInput(b, spec, inputs.map((e, i) => ({ ...e, rank: call.inputShapes[i]!.length })), layer.name)];
  }
  if (!takesOneInput(spec, inputs.length - stateInputs)) throw new Error(`toOnnx: layer '${layer.name}' (${spec.kind}) has no ONNX export yet`);
  const built: BuiltLayer = { name: layer.name, spec, inputShape: call.inputShapes[0]!, outputShape: call.outputShapes[0]!, weightNames: layer.weightNames };
  const returnsState = call.outputShapes.length > 1;
  if (stateInputs === 0 && !returnsState) return [emitLayer(b, built, model.params, inputs[0]!, opset)];
  const data = inputs[0]!;
  const out = emitRecurrentLayer(b, built, model.params, data, inputs.slice(inputs.length - stateInputs).map((e) => e.y));
  return returnsState ? [out, ...out.states.map((s) => ({ y: s, mask: null }))] : [out];
}

/** Where a functional export starts and ends: values of the graph as `[layer, call, output]`, or a layer's name for its first output. */
export interface FunctionalCut {
  readonly inputs?: readonly (string | TensorRef)[];
  readonly outputs?: readonly (string | TensorRef)[];
}

/** `ref` checked against the model (a name means `[name, 0, 0]`); `what` names the option in errors. */
function resolveRef(layers: ReadonlyMap<string, FunctionalLayer>, ref: string | TensorRef, what: string): TensorRef {
  const full: TensorRef = typeof ref === 'string' ? [ref, 0, 0] : ref;
  const layer = layers.get(full[0]);
  if (layer === undefined) throw new Error(`toOnnx: ${what} names layer '${full[0]}', which the model does not have (its layers: ${[...layers.keys()].join(', ')})`);
  const call = layer.calls[full[1]];
  if (call === undefined || full[2] < 0 || full[2] >= call.outputShapes.length) {
    throw new Error(`toOnnx: ${what} reads output ${full[2]} of call ${full[1]} of layer '${full[0]}', which has ${layer.calls.length} call(s) of ${layer.calls[0]?.outputShapes.length ?? 0} output(s)`);
  }
  return full;
}

/**
 * The graph of a functional model, whole or cut: `cut.inputs` become graph inputs (a model input, or any value
 * inside, e.g. a decoder's initial state) and `cut.outputs` graph outputs, and only the calls between them are
 * written. Throws, naming the layer, for a layer that has no export or an output that needs an input not given.
 */
export function functionalGraph(model: Functional, opset: number, cut: FunctionalCut = {}): GraphMessage {
  const topology = model.topology();
  const b = graphBuilder();
  const layerByName = new Map(model.layers.map((l) => [l.name, l] as const));
  const inputRefs = cut.inputs === undefined ? topology.inputs : cut.inputs.map((r, i) => resolveRef(layerByName, r, `inputs[${i}]`));
  const outputRefs = cut.outputs === undefined ? topology.outputs : cut.outputs.map((r, i) => resolveRef(layerByName, r, `outputs[${i}]`));
  // graph input and output names are reserved first, so no value inside the graph takes them
  const inputNames = inputRefs.map((ref) => b.fresh(outputName(model.layers, ref)));
  const outputNames = outputRefs.map((ref) => b.fresh(outputName(model.layers, ref)));
  const values = new Map<string, Emitted>();
  inputRefs.forEach((ref, i) => values.set(keyOf(ref), { y: inputNames[i]!, mask: null }));

  // the calls the outputs need, each after the calls it reads (depth-first from the outputs, stopping at the inputs)
  const callsOf = new Map(topology.layers.map((l: FunctionalTopologyLayer) => [l.spec.name!, l.calls] as const));
  const order: { name: string; ci: number }[] = [];
  const visited = new Set<string>();
  const visit = (ref: TensorRef, reader: string): void => {
    const key = `${ref[0]}|${ref[1]}`;
    if (values.has(keyOf(ref)) || visited.has(key)) return;
    if (layerByName.get(ref[0])!.spec.kind === 'input') {
      throw new Error(`toOnnx: ${reader} depends on the model input '${ref[0]}', which is not among the inputs given (${inputRefs.map((r) => `[${r.join(', ')}]`).join(', ')})`);
    }
    visited.add(key);
    for (const r of callsOf.get(ref[0])![ref[1]]!.inputs) visit(r, `layer '${ref[0]}'`);
    order.push({ name: ref[0], ci: ref[1] });
  };
  outputRefs.forEach((ref, i) => visit(ref, `outputs[${i}]`));
  for (const { name, ci } of order) {
    const call = callsOf.get(name)![ci]!;
    const inputs = call.inputs.map((r) => values.get(keyOf(r))!);
    const outputs = emitCall(b, model, layerByName.get(name)!, ci, inputs, call.stateInputs, opset);
    outputs.forEach((e, index) => values.set(keyOf([name, ci, index]), e));
  }

  const info = (ref: TensorRef, name: string): ReturnType<typeof valueInfo> => {
    const layer = layerByName.get(ref[0])!;
    const int = layer.spec.kind === 'input' && layer.spec.dtype === 'int32';
    return valueInfo(name, int ? DataType.INT32 : DataType.FLOAT, dims(layer.calls[ref[1]]!.outputShapes[ref[2]]!, name));
  };
  const graphInputs = inputRefs.map((ref, i) => info(ref, inputNames[i]!));
  const graphOutputs = outputRefs.map((ref, i) => {
    b.nodeWithOutputs('Identity', [values.get(keyOf(ref))!.y], [outputNames[i]!]);
    return info(ref, outputNames[i]!);
  });
  return b.graph(model.name, graphInputs, graphOutputs);
}
