/**
 * The layers that move values without computing new ones: Reshape, Permute, ZeroPadding1D, Cropping1D,
 * UpSampling1D, RepeatVector and Flatten, with dynamic batch (and time) sizes. None hands on a mask
 * (Keras drops it at each of them, as rnnkit does).
 *
 * Shapes: B batch, T time, F features.
 *   reshape [B, d…] → [B, s…] (Reshape to Shape(x)[0:1] ++ targetShape);  permute: Transpose [0, dims…]
 *   zeroPadding1d [B, T, F] → [B, l + T + r, F] (Pad);  cropping1d → [B, T − a − b, F] (Slice on axis 1)
 *   upSampling1d [B, T, F] → [B, T·s, F] (Unsqueeze, Tile [1, 1, s, 1], Reshape);  repeatVector [B, F] → [B, n, F]
 */
import type { Cropping1dSpec, FlattenSpec, PermuteSpec, RepeatVectorSpec, ReshapeSpec, UpSampling1dSpec, ZeroPadding1dSpec } from '@rnnkit/models';
import type { GraphBuilder } from './graph-builder';

/** The layer kinds of this file. */
export type ShapeLayerSpec = ReshapeSpec | PermuteSpec | ZeroPadding1dSpec | Cropping1dSpec | UpSampling1dSpec | RepeatVectorSpec | FlattenSpec;

/** `Shape(x)[start:end]` as an int64 [end − start] value (a Slice: Shape's own start/end need opset 15). */
export function shapeSlice(b: GraphBuilder, x: string, start: number, end: number): string {
  return b.node('Slice', [b.node('Shape', [x])[0]!, b.int64s('starts', [1], [start]), b.int64s('ends', [1], [end])])[0]!;
}

function concatInts(b: GraphBuilder, parts: readonly string[]): string {
  return b.node('Concat', [...parts], { axis: { int: 0 } })[0]!;
}

/** Writes one of the shape layers; returns its output (never a mask). */
export function emitShapeLayer(b: GraphBuilder, spec: ShapeLayerSpec, x: string): string {
  switch (spec.kind) {
    case 'reshape': {
      const target = concatInts(b, [shapeSlice(b, x, 0, 1), b.int64s('target_shape', [spec.targetShape.length], spec.targetShape)]);
      return b.node('Reshape', [x, target])[0]!;
    }
    case 'permute':
      return b.node('Transpose', [x], { perm: { ints: [0, ...spec.dims] } })[0]!;
    case 'zeroPadding1d': {
      const [left, right] = spec.padding;
      return b.node('Pad', [x, b.int64s('pads', [6], [0, left, 0, 0, right, 0])])[0]!;
    }
    case 'cropping1d': {
      const [start, end] = spec.cropping;
      const ends = end === 0 ? Number.MAX_SAFE_INTEGER : -end;
      return b.node('Slice', [x, b.int64s('starts', [1], [start]), b.int64s('ends', [1], [ends]), b.int64s('axis', [1], [1])])[0]!;
    }
    case 'upSampling1d': {
      // [B, T, 1, F] tiled to [B, T, s, F]: step t's copies sit next to each other, then [B, T·s, F]
      const tiled = b.node('Tile', [b.node('Unsqueeze', [x, b.int64s('axes', [1], [2])])[0]!, b.int64s('repeats', [4], [1, 1, spec.size, 1])])[0]!;
      const shape = concatInts(b, [shapeSlice(b, x, 0, 1), b.int64s('minus_one', [1], [-1]), shapeSlice(b, x, 2, 3)]);
      return b.node('Reshape', [tiled, shape])[0]!;
    }
    case 'repeatVector': {
      const expanded = b.node('Unsqueeze', [x, b.int64s('axes', [1], [1])])[0]!;
      return b.node('Tile', [expanded, b.int64s('repeats', [3], [1, spec.n, 1])])[0]!;
    }
    case 'flatten':
      return b.node('Flatten', [x], { axis: { int: 1 } })[0]!;
  }
}
