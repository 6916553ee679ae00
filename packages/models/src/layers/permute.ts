/**
 * Permute: the non-batch axes of each example reordered (Keras `Permute`, 1-based like Keras).
 *
 * Shapes: x [B, d1, …, dm] → y [B, d_{p1}, …, d_{pm}] for dims = (p1, …, pm), a permutation of 1…m;
 *   y[b, i1, …, im] = x[b, j1, …, jm] with j_{pk} = ik.  permute([2, 1]): [B, T, F] → [B, F, T]
 * No weights. The output has no mask (Keras drops any mask here).
 */
import { transpose } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { formatShape } from '../shape';
import type { Shape } from '../shape';
import { finishLayer, isConfig } from './layer-options';
import type { CommonLayerOptions, Layer } from './layer-options';

/** A permute layer and its 1-based axis order. */
export interface PermuteSpec {
  readonly kind: 'permute';
  readonly name?: string;
  /** A permutation of 1…m (axis 0, the batch, stays first). */
  readonly dims: readonly number[];
}

/**
 * A layer that reorders the axes after the batch axis.
 *
 * @example permute([2, 1])   // [B, T, F] → [B, F, T]
 * @example permute({ dims: [2, 1] })   // tfjs-layers' config-object form
 */
export function permute(dims: readonly number[], options?: CommonLayerOptions): Layer<PermuteSpec>;
export function permute(config: CommonLayerOptions & { readonly dims: readonly number[] }): Layer<PermuteSpec>;
export function permute(first?: readonly number[] | (CommonLayerOptions & { readonly dims: readonly number[] }), more: CommonLayerOptions = {}): Layer<PermuteSpec> {
  const options = isConfig(first, 'dims') ? first : more;
  const dims = (isConfig(first, 'dims') ? first.dims : first) as readonly number[];
  const sorted = Array.isArray(dims) ? [...dims].sort((a, b) => a - b) : [];
  if (sorted.length === 0 || sorted.some((d, i) => d !== i + 1)) {
    throw new Error(`permute: dims must be a permutation of 1…m (the axes after the batch axis, 1-based), got ${JSON.stringify(dims)}`);
  }
  const spec: PermuteSpec = { kind: 'permute', dims: [...dims] };
  return finishLayer(spec, options, 'permute');
}

function checkRank(spec: PermuteSpec, rank: number, shown: string): void {
  if (rank !== spec.dims.length + 1) {
    throw new Error(`permute: dims ${JSON.stringify(spec.dims)} need an input of rank ${spec.dims.length + 1}, got ${shown}`);
  }
}

export const permuteLayer: LayerImpl<PermuteSpec> = {
  className: () => 'Permute',
  outputShape: (spec, input): Shape => {
    checkRank(spec, input.length, formatShape(input));
    return [input[0] ?? null, ...spec.dims.map((d) => input[d] ?? null)];
  },
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, x) =>
    tidyOutput(() => {
      checkRank(spec, x.rank, `shape [${x.shape.join(', ')}]`);
      return { y: transpose(x, [0, ...spec.dims]), mask: null };
    }),
};
