/**
 * A sequential model as an ONNX graph: its layers one after the other.
 *
 * Shapes: the graph input `input` is the model's input with dynamic `batch` (and `time`, where the model
 * leaves it open) dimensions: int32 ids [batch, time] after an embedding, float32 [batch, time, F]
 * otherwise; the graph output `output` is the model's output.
 */
import type { Sequential } from '@rnnkit/models';
import { emitLayer } from './export-layers';
import type { Emitted } from './export-recurrent';
import { graphBuilder, valueInfo } from './graph-builder';
import { DataType } from './onnx-schema';
import type { GraphMessage } from './onnx-schema';

function dims(shape: readonly (number | null)[]): (number | string)[] {
  return shape.map((d, i) => (d !== null ? d : i === 0 ? 'batch' : i === 1 ? 'time' : `dim_${i}`));
}

/** The graph of a sequential model. Throws, naming the layer, for a layer that has no export. */
export function sequentialGraph(model: Sequential, opset: number): GraphMessage {
  const b = graphBuilder();
  const input = b.fresh('input');
  const output = b.fresh('output');
  const first = model.layers[0]!;
  const inputType = first.spec.kind === 'embedding' ? DataType.INT32 : DataType.FLOAT;
  let current: Emitted = { y: input, mask: null };
  for (const layer of model.layers) current = emitLayer(b, layer, model.params, current, opset);
  b.nodeWithOutputs('Identity', [current.y], [output]);
  return b.graph(model.name, [valueInfo(input, inputType, dims(model.inputShape))], [valueInfo(output, DataType.FLOAT, dims(model.outputShape))]);
}
