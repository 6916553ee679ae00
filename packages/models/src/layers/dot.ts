/**
 * Dot: the batch-wise dot product of two inputs along one axis of each (Keras `Dot`), the score of
 * Luong attention (`dot({ axes: [2, 2] })` of decoder and encoder outputs).
 *
 * Shapes: B batch; inputs of rank 2 or 3.
 *   x [B, M, K] · y [B, K, N] over the contracted axes → [B, M, N]; the contracted axis may be either of
 *   each input's last two. A rank-2 input [B, K] has no free axis: [B, T, K]·[B, K] → [B, T]; [B, K]·[B, K] → [B, 1].
 *   normalize: each input is first divided by its L2 norm along its axis, y = cosine similarity.
 * Output mask: none (Keras). No weights.
 */
import { expandDims, matMul, maximum, mul, reshape, rsqrt, scalar, squeeze, sum } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { MultiInputLayerImpl } from '../layer';
import { formatShape } from '../shape';
import type { Shape } from '../shape';
import { finishLayer } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A dot-product layer: the axis of each input it contracts, and whether it normalises first. */
export interface DotSpec {
  readonly kind: 'dot';
  readonly name?: string;
  /** The contracted axis of each input (negative counts from the end; not the batch axis 0). */
  readonly axes: readonly [number, number];
  readonly normalize: boolean;
}

/**
 * The dot product of two inputs along `axes` (one axis for both, or one each).
 *
 * @example dot({ axes: [2, 2] }).apply([decoderOutputs, encoderOutputs])   // [B, T, H]·[B, S, H] → scores [B, T, S]
 */
export function dot(options: CommonLayerOptions & { readonly axes: number | readonly [number, number]; readonly normalize?: boolean }): Layer<DotSpec> {
  const axes = typeof options?.axes === 'number' ? ([options.axes, options.axes] as const) : options?.axes;
  if (!Array.isArray(axes) || axes.length !== 2 || !axes.every((a) => Number.isInteger(a) && a !== 0)) {
    throw new Error(`dot: axes must be a non-zero integer or a pair of them (axis 0 is the batch), got ${JSON.stringify(options?.axes)}`);
  }
  const spec: DotSpec = { kind: 'dot', axes: [axes[0]!, axes[1]!], normalize: options.normalize ?? false };
  return finishLayer(spec, options, 'dot');
}

/** Each input's contracted axis, non-negative, checked against its rank (2 or 3). */
function contractedAxes(spec: DotSpec, ranks: readonly number[]): [number, number] {
  if (ranks.length !== 2) throw new Error(`Dot: takes exactly 2 inputs, got ${ranks.length}`);
  return spec.axes.map((axis, i) => {
    const rank = ranks[i]!;
    if (rank !== 2 && rank !== 3) throw new Error(`Dot: input ${i} must have rank 2 or 3, got rank ${rank}`);
    const a = axis < 0 ? rank + axis : axis;
    if (a < 1 || a >= rank) throw new Error(`Dot: axis ${axis} is out of range for input ${i} of rank ${rank}`);
    return a;
  }) as [number, number];
}

/** `x / ‖x‖₂` along `axis` (Keras' l2_normalize: the squared norm floored at 1e-12). */
function l2Normalize(x: Tensor, axis: number): Tensor {
  return mul(x, rsqrt(maximum(sum(mul(x, x), axis, true), scalar(1e-12))));
}

export const dotLayer: MultiInputLayerImpl<DotSpec> = {
  className: () => 'Dot',
  outputShape: (spec, inputs) => {
    const [ax, ay] = contractedAxes(spec, inputs.map((s) => s.length));
    const [x, y] = inputs as [Shape, Shape];
    const kx = x[ax] ?? null;
    const ky = y[ay] ?? null;
    if (kx !== null && ky !== null && kx !== ky) {
      throw new Error(`Dot: the contracted sizes differ: ${formatShape(x)} axis ${ax} (${kx}) and ${formatShape(y)} axis ${ay} (${ky})`);
    }
    const free = [...x.slice(1).filter((_, i) => i + 1 !== ax), ...y.slice(1).filter((_, i) => i + 1 !== ay)];
    return free.length === 0 ? [null, 1] : [null, ...free];
  },
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, xs) => {
    const [ax, ay] = contractedAxes(spec, xs.map((x) => x.rank));
    let [x, y] = xs as [Tensor, Tensor];
    if (spec.normalize) {
      x = l2Normalize(x, ax);
      y = l2Normalize(y, ay);
    }
    // as [B, M, K] and [B, K, N]: a rank-2 input gains a free axis of size 1, squeezed away after
    const x3 = x.rank === 2 ? expandDims(x, 2) : x;
    const y3 = y.rank === 2 ? expandDims(y, 2) : y;
    const product = matMul(x3, y3, ax === 1, ay === 2);
    const batch = product.shape[0]!;
    if (x.rank === 2 && y.rank === 2) return { y: reshape(product, [batch, 1]), mask: null };
    if (x.rank === 2) return { y: squeeze(product, [1]), mask: null };
    if (y.rank === 2) return { y: squeeze(product, [2]), mask: null };
    return { y: product, mask: null };
  },
};
