/**
 * TimeDistributed: the wrapped layer on every time step. A layer that acts on the last axis only (Dense,
 * an activation, dropout) runs on [B, T, F] as it is (Dense as MatMul + Add); any other runs on the
 * batch and time folded together, [B·T, …], and is unfolded after — rnnkit's own reshape, with both sizes
 * read at run time. The incoming mask passes through; the wrapped layer sees none.
 *
 * Shapes: B batch, T time.  x [B, T, ...F] → [B·T, ...F] → layer → [B·T, ...U] → y [B, T, ...U]
 */
import type { BuiltLayer, TimeDistributedSpec } from '@rnnkit/models';
import type { Emitted } from './export-recurrent';
import { shapeSlice } from './export-shape-layers';
import type { GraphBuilder } from './graph-builder';

/** The exporter of a one-input layer, passed in (export-layers.ts's emitLayer) so the files do not import each other. */
export type EmitOne = (layer: BuiltLayer, input: Emitted) => Emitted;

const LAST_AXIS_KINDS: ReadonlySet<string> = new Set(['dense', 'activation', 'dropout', 'gaussianNoise']);

export function emitTimeDistributed(b: GraphBuilder, layer: BuiltLayer, spec: TimeDistributedSpec, input: Emitted, emitInner: EmitOne): Emitted {
  const inner = spec.layer;
  // the wrapped layer's weights are the wrapper's (`time_distributed/kernel`), so it keeps the wrapper's name
  const step = (inputShape: BuiltLayer['inputShape'], outputShape: BuiltLayer['outputShape']): BuiltLayer => ({ name: layer.name, spec: inner, inputShape, outputShape, weightNames: layer.weightNames });
  if (LAST_AXIS_KINDS.has(inner.kind)) {
    return { y: emitInner(step(layer.inputShape, layer.outputShape), { y: input.y, mask: null }).y, mask: input.mask };
  }
  const folded = b.node('Reshape', [input.y, b.node('Concat', [b.int64s('minus_one', [1], [-1]), shapeSlice(b, input.y, 2, layer.inputShape.length)], { axis: { int: 0 } })[0]!])[0]!;
  const out = emitInner(step([null, ...layer.inputShape.slice(2)], [null, ...layer.outputShape.slice(2)]), { y: folded, mask: null }).y;
  const outRank = layer.outputShape.length - 1;
  const unfoldedShape = b.node('Concat', [shapeSlice(b, input.y, 0, 2), shapeSlice(b, out, 1, outRank)], { axis: { int: 0 } })[0]!;
  return { y: b.node('Reshape', [out, unfoldedShape])[0]!, mask: input.mask };
}
