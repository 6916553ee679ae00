/**
 * Cropping1D: steps removed from the start and end of each sequence (Keras `Cropping1D`).
 *
 * Shapes: B batch, T time, F features; a, b the steps cropped at the start and end (a + b < T).
 *   x [B, T, F] → y [B, T − a − b, F];  y[:, t] = x[:, a + t]
 * No weights. The output has no mask (Keras drops any mask here).
 */
import { slice } from '@rnnkit/tensor';
import { tidyOutput } from '../layer';
import type { LayerImpl } from '../layer';
import { expectRank, formatShape } from '../shape';
import { nonNegativePair } from './zero-padding1d';

/** A cropping layer for sequences and its (start, end) widths. */
export interface Cropping1dSpec {
  readonly kind: 'cropping1d';
  readonly name?: string;
  readonly cropping: readonly [number, number];
}

/**
 * Crops steps off both ends of a [B, T, F] sequence, `cropping` from each end or `[start, end]`.
 *
 * @example cropping1d([2, 0])   // drops the first two steps
 */
export function cropping1d(cropping: number | readonly [number, number] = [1, 1], options: { readonly name?: string } = {}): Cropping1dSpec {
  const spec: Cropping1dSpec = { kind: 'cropping1d', cropping: nonNegativePair(cropping, 'cropping1d: cropping') };
  return options.name === undefined ? spec : { ...spec, name: options.name };
}

function croppedLength(spec: Cropping1dSpec, time: number, shown: string): number {
  const length = time - spec.cropping[0] - spec.cropping[1];
  if (length < 1) throw new Error(`cropping1d: cropping [${spec.cropping.join(', ')}] must leave at least one of the ${time} steps of input ${shown}`);
  return length;
}

export const cropping1dLayer: LayerImpl<Cropping1dSpec> = {
  className: () => 'Cropping1D',
  outputShape: (spec, input) => {
    expectRank(input, 3, 'cropping1d', '([B, T, F])');
    const time = input[1] ?? null;
    return [input[0] ?? null, time === null ? null : croppedLength(spec, time, formatShape(input)), input[2] ?? null];
  },
  weights: () => [],
  init: () => ({}),
  apply: (spec, _params, x) =>
    tidyOutput(() => {
      if (x.rank !== 3) throw new Error(`cropping1d: input must have rank 3 ([B, T, F]), got shape [${x.shape.join(', ')}]`);
      const [batch, time, features] = x.shape as [number, number, number];
      const length = croppedLength(spec, time, `shape [${x.shape.join(', ')}]`);
      return { y: slice(x, [0, spec.cropping[0], 0], [batch, length, features]), mask: null };
    }),
};
