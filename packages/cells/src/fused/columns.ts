/** Column blocks of fused [B, G·H] tensors. Shapes: B batch, H units. */
import { slice } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';

/** Columns of gate blocks `from`…`from + count − 1` of a fused [B, G·H] tensor. */
export function cols(t: Tensor, units: number, from: number, count = 1): Tensor {
  return slice(t, [0, from * units], [t.shape[0] ?? 0, count * units]);
}
