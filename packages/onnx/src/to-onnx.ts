/**
 * `toOnnx`: an rnnkit sequential model as an ONNX model (ModelProto bytes) for ONNX Runtime and other
 * engines, computing what `model.apply(x, { training: false })` computes.
 *
 * Shapes: the graph input `input` is the model's input with dynamic `batch` (and `time`, where the model
 * leaves it open) dimensions: int32 ids [batch, time] after an embedding, float32 [batch, time, F]
 * otherwise; the graph output `output` is the model's output.
 */
import type { Sequential } from '@rnnkit/models';
import { emitLayer } from './export-layers';
import type { Emitted } from './export-recurrent';
import { graphBuilder, valueInfo } from './graph-builder';
import { DataType, encodeModel } from './onnx-schema';

/** Options of {@link toOnnx}. */
export interface ToOnnxOptions {
  /** The ONNX opset (default domain) the graph targets, 14–21. Default 17. */
  readonly opset?: number;
}

/** The opsets the exporter's ops are written for (Squeeze/Unsqueeze/Split take axes as inputs from 13, Scan 16). */
const MIN_OPSET = 14;
const MAX_OPSET = 21;

/** IR version for an opset (ONNX's versioning table: opset 14–15 → IR 7 and 8, 16–17 → 8, 18–19 → 9, 20–21 → 10). */
function irVersion(opset: number): number {
  return opset <= 15 ? 7 : opset <= 17 ? 8 : opset <= 19 ? 9 : 10;
}

function dims(shape: readonly (number | null)[]): (number | string)[] {
  return shape.map((d, i) => (d !== null ? d : i === 0 ? 'batch' : i === 1 ? 'time' : `dim_${i}`));
}

/**
 * Exports a sequential model as ONNX `ModelProto` bytes. The weights are copied (the model can be
 * disposed afterwards); no tensors are created. Throws, naming the layer, for a layer that has no export.
 *
 * @example
 * const bytes = toOnnx(model, { opset: 17 });
 * const session = await ort.InferenceSession.create(bytes);
 * const { output } = await session.run({ input: new ort.Tensor('int32', ids, [1, ids.length]) });
 */
export function toOnnx(model: Sequential, options: ToOnnxOptions = {}): Uint8Array {
  if (model?.kind !== 'sequential') {
    throw new Error(`toOnnx: model must be a sequential model, got ${JSON.stringify((model as { kind?: unknown } | null)?.kind)} (functional models have no ONNX export yet)`);
  }
  const opset = options.opset ?? 17;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new Error(`toOnnx: opset must be an integer from ${MIN_OPSET} to ${MAX_OPSET}, got ${String(opset)}`);
  }
  const b = graphBuilder();
  const input = b.fresh('input');
  const first = model.layers[0]!;
  const inputType = first.spec.kind === 'embedding' ? DataType.INT32 : DataType.FLOAT;
  let current: Emitted = { y: input, mask: null };
  for (const layer of model.layers) current = emitLayer(b, layer, model.params, current, opset);
  const output = b.fresh('output');
  b.nodeWithOutputs('Identity', [current.y], [output]);
  const graph = b.graph(model.name, [valueInfo(input, inputType, dims(model.inputShape))], [valueInfo(output, DataType.FLOAT, dims(model.outputShape))]);
  return encodeModel({ irVersion: irVersion(opset), producerName: 'rnnkit', graph, opsetImport: [{ domain: '', version: opset }] });
}
