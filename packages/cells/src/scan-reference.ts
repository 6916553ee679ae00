/**
 * The plain per-step sequence loop, differentiated by tfjs autodiff: the reference the fused
 * `scan` is tested against. Slow (per-step slices) and simple on purpose.
 *
 * Shapes: B batch, T time, I input size, H units.
 */
import { add, mul, reshape, scalar, slice, stack, sub } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { stepUnchecked } from './cell-step';
import type { CellConfig } from './config';
import type { CellParams } from './params';
import { prepareScan } from './scan-options';
import type { ScanOptions, ScanResult } from './scan-options';
import type { CellState, StateOf } from './state';
import { scoped } from './scoped';

/**
 * Runs the cell over xs [B, T, I], one {@link cellStep} per timestep, with Keras' RNN semantics:
 *
 *     for k = 0 … T−1:  t = goBackwards ? T−1−k : k
 *       (s̃, ỹ) = step(s_{k−1}, x_t)
 *       s_k = m_t ? s̃ : s_{k−1}                       (m_t = mask[:, t], 1 when there is no mask)
 *       y_k = m_t ? ỹ : (zeroOutputForMask ? 0 : h_{k−1})
 *
 * Outputs are in processing order (reversed in time with `goBackwards`, as in Keras). Masked
 * blending is `m·new + (1−m)·old`, exact for m ∈ {0, 1}. At a masked step 0 with a non-zero initial
 * state the output is h_0 (tfjs-layers' rule). The caller owns the returned tensors.
 */
export function scanReference<C extends CellConfig>(
  config: C,
  params: CellParams,
  xs: Tensor,
  options: ScanOptions<StateOf<C>> = {},
): ScanResult<StateOf<C>> {
  return scoped(() => {
    const run = prepareScan('scanReference', config, params, xs, options);
    const { batch, steps } = run;
    let state: CellState = run.initialState;
    const outputs: Tensor[] = [];
    for (let k = 0; k < steps; k++) {
      const t = run.goBackwards ? steps - 1 - k : k;
      const x = reshape(slice(run.xs, [0, t, 0], [batch, 1, config.inputSize]), [batch, config.inputSize]);
      const next = stepUnchecked(config, params, state, x, run.recurrentMask ?? undefined);
      if (run.mask === null) {
        state = next.state;
        outputs.push(next.y);
        continue;
      }
      const m = slice(run.mask, [0, t], [batch, 1]);
      const keep = sub(scalar(1), m);
      const blend = (fresh: Tensor, old: Tensor): Tensor => add(mul(m, fresh), mul(keep, old));
      const h = blend(next.state.h, state.h);
      state = 'c' in next.state && 'c' in state ? { h, c: blend(next.state.c, state.c) } : { h };
      outputs.push(run.zeroOutputForMask ? mul(m, next.y) : h);
    }
    const last = outputs[outputs.length - 1] as Tensor;
    return { outputs: run.returnSequences ? stack(outputs, 1) : last, state: state as StateOf<C> };
  });
}
