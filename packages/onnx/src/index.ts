/**
 * @rnnkit/onnx — ONNX export (and import) of rnnkit models, checked against ONNX Runtime.
 */
export { toOnnx } from './to-onnx';
export type { ToOnnxOptions } from './to-onnx';
export { saveOnnx, saveOnnxEncoderDecoder } from './save-onnx';
export { toOnnxEncoderDecoder } from './export-seq2seq';
export type { EncoderDecoderOnnx } from './export-seq2seq';
export { fromOnnx } from './from-onnx';
