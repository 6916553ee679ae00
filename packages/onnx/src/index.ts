/**
 * @rnnkit/onnx — ONNX export (and import) of rnnkit models, checked against ONNX Runtime.
 */
export { toOnnx } from './to-onnx';
export type { ToOnnxOptions } from './to-onnx';
export { saveOnnx } from './save-onnx';
export { fromOnnx } from './from-onnx';
