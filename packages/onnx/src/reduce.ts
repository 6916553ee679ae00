/**
 * ONNX reductions over given axes, written for the opset in use: ReduceSum takes its axes as an input
 * from opset 13; ReduceMean and ReduceMax take them as an attribute before opset 18 and as an input from 18.
 */
import type { GraphBuilder } from './graph-builder';

/** The reductions the exporters use. */
export type ReduceOp = 'ReduceSum' | 'ReduceMean' | 'ReduceMax';

/** `op(x)` over `axes`, keeping them (size 1) when `keepdims`. */
export function reduce(b: GraphBuilder, op: ReduceOp, x: string, axes: readonly number[], keepdims: boolean, opset: number): string {
  const keep = { keepdims: { int: keepdims ? 1 : 0 } };
  if (op === 'ReduceSum' || opset >= 18) return b.node(op, [x, b.int64s('axes', [axes.length], axes)], keep)[0]!;
  return b.node(op, [x], { ...keep, axes: { ints: axes } })[0]!;
}
