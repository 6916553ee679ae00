/**
 * Conv1D, MaxPooling1D, AveragePooling1D and the global pools as ONNX `Conv`, `MaxPool`, `AveragePool`
 * and reductions over time. None hands on a mask; the global average consumes one (Keras, as rnnkit).
 *
 * Shapes: B batch, T time, C channels, F filters, k kernel size, s stride, d dilation.
 *   rnnkit is channels-last, x [B, T, C]; ONNX's Conv and pools are channels-first, X [B, C, T], so the
 *   graph transposes around them. Keras' kernel K [k, C, F] → ONNX W [F, C, k] (W[f, c, i] = K[i, c, f]).
 * Padding (ONNX Conv/pool clauses): 'valid' → no pads; 'same' → TensorFlow's rule (⌊pad/2⌋ before, the rest
 * after, output ⌈T/s⌉), which is auto_pad SAME_UPPER, written as explicit pads for stride 1 (see convPads);
 * 'causal' → pads [d·(k − 1), 0], left only.
 * AveragePool's count_include_pad = 0 leaves the padding out of each mean, as Keras' 'same' average does.
 *   global average: Σ_t m·x / Σ_t m with the incoming mask m, else the mean over T;  global max: max over T
 */
import type { Tensor } from '@rnnkit/tensor';
import type { Conv1dSpec, GlobalPool1dSpec, Pool1dSpec } from '@rnnkit/models';
import { emitDenseActivation } from './activations';
import type { GraphBuilder } from './graph-builder';
import { reduce } from './reduce';

/** [B, T, C] ↔ [B, C, T]: the one transpose both ways. */
const swapTimeAndChannels = (b: GraphBuilder, x: string): string => b.node('Transpose', [x], { perm: { ints: [0, 2, 1] } })[0]!;

/** Keras' K [k, C, F] as ONNX W [F, C, k]. */
function onnxKernel(kernel: Tensor): Float32Array {
  const [k, c, f] = kernel.shape as [number, number, number];
  const values = kernel.dataSync() as Float32Array;
  const out = new Float32Array(k * c * f);
  for (let i = 0; i < k; i++) {
    for (let ci = 0; ci < c; ci++) {
      for (let fi = 0; fi < f; fi++) out[(fi * c + ci) * k + i] = values[(i * c + ci) * f + fi]!;
    }
  }
  return out;
}

/**
 * The explicit [before, after] pads of a convolution. 'same' with stride 1 pads k' − 1 in total whatever T
 * is, so it is written out: ONNX Runtime refuses auto_pad SAME with a dilation (Keras allows a dilation
 * only with stride 1, so a strided 'same' keeps auto_pad).
 */
function convPads(spec: Conv1dSpec): [number, number] {
  const extra = spec.dilationRate * (spec.kernelSize - 1);
  if (spec.padding === 'causal') return [extra, 0];
  if (spec.padding === 'same') return [Math.floor(extra / 2), extra - Math.floor(extra / 2)];
  return [0, 0];
}

/** Conv1D: Transpose → Conv → Transpose → activation. `weights` are the layer's `kernel` (and `bias`). */
export function emitConv1d(b: GraphBuilder, spec: Conv1dSpec, weights: { kernel: Tensor; bias: Tensor | undefined }, x: string, who: string): string {
  const [k, c, f] = weights.kernel.shape as [number, number, number];
  const w = b.once(`${who}/kernel`, () => b.floats(`${who}/kernel`, [f, c, k], onnxKernel(weights.kernel)));
  const bias = weights.bias === undefined ? [] : [b.once(`${who}/bias`, () => b.floats(`${who}/bias`, [f], weights.bias!.dataSync() as Float32Array))];
  const padding = spec.padding === 'same' && spec.strides > 1 ? { auto_pad: { string: 'SAME_UPPER' } } : { pads: { ints: convPads(spec) } };
  const y = b.node('Conv', [swapTimeAndChannels(b, x), w, ...bias], { kernel_shape: { ints: [k] }, strides: { ints: [spec.strides] }, dilations: { ints: [spec.dilationRate] }, ...padding })[0]!;
  return emitDenseActivation(b, spec.activation, swapTimeAndChannels(b, y), who);
}

/** MaxPooling1D / AveragePooling1D: Transpose → MaxPool or AveragePool → Transpose. */
export function emitPool1d(b: GraphBuilder, spec: Pool1dSpec, x: string): string {
  const op = spec.kind === 'maxPool1d' ? 'MaxPool' : 'AveragePool';
  const y = b.node(op, [swapTimeAndChannels(b, x)], {
    kernel_shape: { ints: [spec.poolSize] },
    strides: { ints: [spec.strides] },
    auto_pad: { string: spec.padding === 'same' ? 'SAME_UPPER' : 'VALID' },
  })[0]!;
  return swapTimeAndChannels(b, y);
}

/** GlobalAveragePooling1D (masked mean when a mask arrives) and GlobalMaxPooling1D (a mask is ignored). */
export function emitGlobalPool1d(b: GraphBuilder, spec: GlobalPool1dSpec, x: string, mask: string | null, opset: number): string {
  let y: string;
  if (spec.kind === 'globalMaxPool1d') y = reduce(b, 'ReduceMax', x, [1], true, opset);
  else if (mask === null) y = reduce(b, 'ReduceMean', x, [1], true, opset);
  else {
    const real = b.node('Unsqueeze', [mask, b.int64s('axes', [1], [-1])])[0]!;
    const keep = b.node('Greater', [real, b.floats('zero_float', [], [0])])[0]!;
    const kept = b.node('Where', [keep, x, b.floats('zero_float', [], [0])])[0]!;
    y = b.node('Div', [reduce(b, 'ReduceSum', kept, [1], true, opset), reduce(b, 'ReduceSum', real, [1], true, opset)])[0]!;
  }
  return spec.keepdims ? y : b.node('Squeeze', [y, b.int64s('axes', [1], [1])])[0]!;
}
