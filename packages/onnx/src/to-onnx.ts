/**
 * `toOnnx`: an rnnkit model — sequential or functional — as an ONNX model (ModelProto bytes) for ONNX
 * Runtime and other engines, computing what the model computes in inference (`training: false`).
 *
 * Shapes: batch and time stay dynamic. A sequential model has one input `input` and one output `output`
 * (export-sequential.ts); a functional model has its inputs and outputs by name (export-functional.ts).
 */
import type { Functional, Sequential, TensorRef } from '@rnnkit/models';
import { functionalGraph } from './export-functional';
import { sequentialGraph } from './export-sequential';
import { checkOpset, modelBytes } from './model-bytes';

/** Options of {@link toOnnx}. */
export interface ToOnnxOptions {
  /** The ONNX opset (default domain) the graph targets, 14–21. Default 17. */
  readonly opset?: number;
  /**
   * Functional models: the values that become the graph's inputs — model inputs or any value inside, as
   * `[layerName, call, output]` (`['lstm', 0, 1]` is the first call's returned h) or a layer's name for its
   * first output. Default: the model's inputs.
   */
  readonly inputs?: readonly (string | TensorRef)[];
  /** Functional models: the values that become the graph's outputs, as `inputs`. Default: the model's outputs. */
  readonly outputs?: readonly (string | TensorRef)[];
}

/**
 * Exports a sequential or functional model (or the part of a functional graph between `inputs` and
 * `outputs`) as ONNX `ModelProto` bytes. The weights are copied (the model can be disposed afterwards); no
 * tensors are created. Throws, naming the layer, for a layer that has no export.
 *
 * @example
 * const bytes = toOnnx(model, { opset: 17 });
 * // Keras' seq2seq inference pair from the training model: the encoder, and the decoder fed the states
 * const encoder = toOnnx(trained, { inputs: ['encoder_inputs'], outputs: [['lstm', 0, 1], ['lstm', 0, 2]] });
 * const decoder = toOnnx(trained, { inputs: ['decoder_inputs', ['lstm', 0, 1], ['lstm', 0, 2]], outputs: ['dense', ['lstm_1', 0, 1], ['lstm_1', 0, 2]] });
 * const session = await ort.InferenceSession.create(bytes);
 * const { output } = await session.run({ input: new ort.Tensor('int32', ids, [1, ids.length]) });
 */
export function toOnnx(model: Sequential | Functional, options: ToOnnxOptions = {}): Uint8Array {
  const kind = (model as { kind?: unknown } | null)?.kind;
  if (kind !== 'sequential' && kind !== 'functional') {
    throw new Error(`toOnnx: model must be a sequential or functional model, got ${JSON.stringify(kind)} (a seq2seq model exports with toOnnxEncoderDecoder)`);
  }
  const opset = checkOpset(options.opset, 'toOnnx');
  if (model.kind === 'sequential') {
    if (options.inputs !== undefined || options.outputs !== undefined) throw new Error('toOnnx: inputs and outputs choose values of a functional model; a sequential model exports whole');
    return modelBytes(sequentialGraph(model, opset), opset);
  }
  return modelBytes(functionalGraph(model, opset, { ...(options.inputs !== undefined && { inputs: options.inputs }), ...(options.outputs !== undefined && { outputs: options.outputs }) }), opset);
}
