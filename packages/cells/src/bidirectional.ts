/**
 * Bidirectional RNN, composed from two fused scans (Keras `Bidirectional`).
 *
 * Shapes: B batch, T time, I input size, H units (Hf, Hb per direction).
 */
import { add, concat, div, mul, reverse, scalar } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import type { CellConfig } from './config';
import type { CellParams } from './params';
import { scanMany } from './scan';
import type { ScanOptions, ScanResult } from './scan-options';
import type { CellState } from './state';
import { scoped } from './scoped';

/** One recurrent layer: its configuration and parameters. */
export interface RecurrentLayer<C extends CellConfig = CellConfig> {
  readonly config: C;
  readonly params: CellParams;
}

/** How the two directions' outputs combine; `'none'` returns both. */
export type MergeMode = 'concat' | 'sum' | 'mul' | 'ave' | 'none';

/** Options of {@link bidirectional}: those of `scan`, an initial state per direction, and the merge mode. */
export interface BidirectionalOptions<M extends MergeMode = MergeMode> extends Pick<ScanOptions, 'training' | 'dropout' | 'recurrentDropout'> {
  /** How outputs merge ['concat']. */
  readonly mergeMode?: M;
  /** [B, T] validity mask, shared by both directions. */
  readonly mask?: Tensor;
  /** Initial states per direction [zeros]. */
  readonly initialState?: { readonly forward?: CellState; readonly backward?: CellState };
  /** Return every step's merged output [B, T, ·] rather than the last [B, ·] [false]. */
  readonly returnSequences?: boolean;
  /** Zero outputs at masked steps [= returnSequences, as Keras' Bidirectional forces]. */
  readonly zeroOutputForMask?: boolean;
  /** Dropout seed; the forward direction uses `seed`, the backward one `seed + 2`. */
  readonly seed?: number;
}

/** What {@link bidirectional} returns: the merged outputs and each direction's final state. */
export interface BidirectionalResult<M extends MergeMode = MergeMode> {
  /** Merged outputs, or `[forward, backward]` for mergeMode `'none'`, both in time order. */
  readonly outputs: M extends 'none' ? [Tensor, Tensor] : Tensor;
  readonly forwardState: CellState;
  readonly backwardState: CellState;
}

const MERGE_MODES: readonly MergeMode[] = ['concat', 'sum', 'mul', 'ave', 'none'];

/**
 * Runs `forward` over xs [B, T, I] in time order and `backward` over it with `goBackwards`
 * (Keras: a copy of the layer with go_backwards=True, on the same padded sequence and mask), flips
 * the backward outputs back into time order (with `returnSequences`) and merges:
 *
 *     concat: [y_f, y_b] (last axis)   sum: y_f + y_b   mul: y_f ⊙ y_b   ave: (y_f + y_b)/2   none: [y_f, y_b]
 *
 * As Keras' Bidirectional does, masked outputs are zero when sequences are returned
 * (`zeroOutputForMask` defaults to `returnSequences`). States come back forward first, then
 * backward. Without `returnSequences`, y_b is the backward direction's last processed step (t = 0).
 * The caller owns the returned tensors.
 */
export function bidirectional<M extends MergeMode = 'concat'>(
  forward: RecurrentLayer,
  backward: RecurrentLayer,
  xs: Tensor,
  options: BidirectionalOptions<M> = {},
): BidirectionalResult<M> {
  const mergeMode = options.mergeMode ?? 'concat';
  if (!MERGE_MODES.includes(mergeMode)) {
    throw new Error(`bidirectional: mergeMode must be one of ${MERGE_MODES.map((m) => `'${m}'`).join(', ')}, got ${JSON.stringify(mergeMode)}`);
  }
  const returnSequences = options.returnSequences ?? false;
  if ((mergeMode === 'sum' || mergeMode === 'mul' || mergeMode === 'ave') && forward.config.units !== backward.config.units) {
    throw new Error(`bidirectional: mergeMode '${mergeMode}' needs equal units, got forward ${forward.config.units} and backward ${backward.config.units}`);
  }
  return scoped(() => {
    const shared: ScanOptions = {
      returnSequences,
      zeroOutputForMask: options.zeroOutputForMask ?? returnSequences,
      ...(options.mask === undefined ? {} : { mask: options.mask }),
      ...(options.training === undefined ? {} : { training: options.training }),
      ...(options.dropout === undefined ? {} : { dropout: options.dropout }),
      ...(options.recurrentDropout === undefined ? {} : { recurrentDropout: options.recurrentDropout }),
    };
    const seeded = (offset: number): ScanOptions => (options.seed === undefined ? {} : { seed: options.seed + offset });
    const initial = (state: CellState | undefined): ScanOptions => (state === undefined ? {} : { initialState: state });
    // both directions in one kernel call: they run at once, one per thread
    const [f, b] = scanMany([
      { config: forward.config, params: forward.params, xs, options: { ...shared, ...seeded(0), ...initial(options.initialState?.forward) } },
      { config: backward.config, params: backward.params, xs, options: { ...shared, ...seeded(2), ...initial(options.initialState?.backward), goBackwards: true } },
    ]) as [ScanResult, ScanResult];
    const yf = f.outputs;
    const yb = returnSequences ? reverse(b.outputs, 1) : b.outputs;
    let outputs: Tensor | [Tensor, Tensor];
    switch (mergeMode) {
      case 'concat':
        outputs = concat([yf, yb], -1);
        break;
      case 'sum':
        outputs = add(yf, yb);
        break;
      case 'mul':
        outputs = mul(yf, yb);
        break;
      case 'ave':
        outputs = div(add(yf, yb), scalar(2));
        break;
      case 'none':
        outputs = [yf, yb];
        break;
    }
    return { outputs: outputs as BidirectionalResult<M>['outputs'], forwardState: f.state, backwardState: b.state };
  });
}
