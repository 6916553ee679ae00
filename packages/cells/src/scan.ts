/**
 * The fused sequence driver: the input projection of every timestep at once, a tight recurrence,
 * and a hand-written backward (BPTT) through `customGrad` — on one of two engines:
 *
 * - the WebAssembly SIMD kernel (`src/kernel`, wherever WebAssembly SIMD runs): the whole layer —
 *   projection, recurrence, BPTT, every weight gradient — in a few kernel calls per pass, on any
 *   tfjs backend (data are copied in and out);
 * - the tfjs-op recurrence (`src/fused`): the projection as one tfjs matmul, the recurrence as tfjs
 *   ops per step, ∂Wxh and ∂Whh one matmul each over all timesteps.
 *
 * Shapes: B batch, T time, I input size, H units, G gate blocks.
 *   xs [B, T, I] → time-major X [T·B, I];  P = X·Wxh + b_in [T·B, G·H] (rows of step k: [k·B, (k+1)·B))
 *   recurrence on P, h0, (c0), Whh [H, G·H], (bRec) → carried h per step [T·B, H]
 */
import { concat, embeddingSource, matMul, mul, onesTensor, reshape, reverse, scalar, slice, sub, transpose } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { gateCount } from './config';
import type { CellConfig } from './config';
import { fusedGru } from './fused/gru';
import { fusedLstm } from './fused/lstm';
import { runRecurrence } from './fused/recurrence';
import { fusedSimpleRnn } from './fused/simple-rnn';
import type { FusedCell } from './fused/fused-cell';
import type { CellParams } from './params';
import { prepareScan } from './scan-options';
import type { PreparedScan, ScanOptions, ScanResult } from './scan-options';
import type { CellState, StateOf } from './state';
import { biasRow } from './cells/gates';
import { scoped } from './scoped';
import { kernelCell } from './kernel/kernel-cells';
import { KERNEL_MEMORY_LIMIT, kernelMemoryBytes, recurrenceKernel } from './kernel/kernel-module';
import { runKernelRecurrences } from './kernel/kernel-recurrence';
import type { KernelLayerCall } from './kernel/kernel-recurrence';
import type { KernelExports } from './kernel/kernel-module';

/**
 * Which loop runs the recurrence: `'kernel'` — the WebAssembly SIMD kernel (`src/kernel`), the whole
 * loop over time in one call; `'ops'` — the tfjs-op loop of `src/fused`. Both compute the same maths.
 */
export type Recurrence = 'kernel' | 'ops';

/**
 * The recurrence `scan` uses: the kernel wherever WebAssembly SIMD runs and the layer fits the
 * kernel's memory (xs [B, T, I]); else the tfjs-op recurrence.
 */
export function defaultRecurrence(config: CellConfig, xs: Tensor): Recurrence {
  const [batch = 0, steps = 0] = xs.shape;
  const fits = kernelMemoryBytes(config.kind === 'lstm' ? 4 : config.kind === 'gru' ? 3 : 1, batch, steps, config.inputSize, config.units) <= KERNEL_MEMORY_LIMIT;
  return fits && recurrenceKernel() !== null ? 'kernel' : 'ops';
}

function fusedCell(config: CellConfig): FusedCell {
  switch (config.kind) {
    case 'simpleRnn':
      return fusedSimpleRnn(config);
    case 'lstm':
      return fusedLstm(config);
    case 'gru':
      return fusedGru(config);
  }
}

/**
 * Runs the cell over xs [B, T, I] with the same semantics and options as {@link scanReference}
 * (Keras masking, goBackwards, returnSequences, initial state, dropout), computed by the fused
 * driver: the input projection of all timesteps at once, a recurrence that touches each step once,
 * and a hand-written BPTT — on the WebAssembly SIMD recurrence kernel wherever WebAssembly SIMD is
 * available (every cell and option), else on tfjs ops. Gradients flow to xs, the initial state and every parameter. Masked steps carry the
 * state (`s_t = m·s̃_t + (1 − m)·s_{t−1}`) and output the carried h (or 0 with `zeroOutputForMask`).
 * The caller owns the returned tensors.
 *
 * Numerics: gates are summed as (x·Wxh + b) + h·Whh where Keras sums (x·Wxh + h·Whh) + b (LSTM) or
 * adds b after the matmul, and the kernel's exp/tanh/sigmoid are SIMD polynomials (relative error
 * < 1e-6): results can differ from Keras and from `scanReference` in the last bits (float32
 * rounding). The kernel flushes values below 1e-30 in magnitude to 0 (WebAssembly has no
 * flush-to-zero mode, and subnormal arithmetic slowed its BPTT 1.7×). When xs is straight from
 * `embeddingLookup` (`embeddingSource` knows its table and ids) and the vocabulary is at most half of
 * B·T, the kernel projects the table's rows instead of xs's and returns the table's gradient itself:
 * the same outputs, gradients summed in another order.
 *
 * @example
 * const config = lstmCell({ inputSize: 32, units: 32 });
 * const { outputs, state } = scan(config, initCellParams(config, 1), xs, { mask, returnSequences: true });
 */
export function scan<C extends CellConfig>(
  config: C,
  params: CellParams,
  xs: Tensor,
  options: ScanOptions<StateOf<C>> = {},
): ScanResult<StateOf<C>> {
  return scanWith(defaultRecurrence(config, xs), config, params, xs, options);
}

/** {@link scan} on a chosen recurrence (package-internal: tests run both against each other). */
export function scanWith<C extends CellConfig>(
  recurrence: Recurrence,
  config: C,
  params: CellParams,
  xs: Tensor,
  options: ScanOptions<StateOf<C>> = {},
): ScanResult<StateOf<C>> {
  const kernel = recurrence === 'kernel' ? recurrenceKernel() : null;
  if (recurrence === 'kernel' && kernel === null) {
    throw new Error(`scan: the recurrence kernel is unavailable for ${config.kind} here (WebAssembly SIMD missing or not loaded yet)`);
  }
  return scoped(() => {
    const run = prepareScan('scan', config, params, xs, options);
    if (kernel !== null) {
      const prepared = prepareKernelScan(kernel, config, params, run);
      return prepared.finish(runKernelRecurrences([prepared.call])[0]!) as ScanResult<StateOf<C>>;
    }

    const { batch, steps } = run;
    const units = config.units;
    const gates = gateCount(config);
    const rowCount = steps * batch;
    const { bIn, bRec, stateInputs } = scanOperands(config, params, run);
    const recurrentInputs = [params.whh, ...(bRec === null ? [] : [bRec])];
    const hasCellState = config.kind === 'lstm';

    // the tfjs-op recurrence: time-major rows in processing order (step k is rows [k·B, (k+1)·B))
    const x = reshape(transpose(run.xs, [1, 0, 2]), [rowCount, config.inputSize]);
    let mask = run.mask === null ? null : reshape(transpose(run.mask), [rowCount, 1]);
    const inProcessingOrder = (t: Tensor, width: number): Tensor => reshape(reverse(reshape(t, [steps, batch, width]), 0), [rowCount, width]);
    // the input bias rides in the projection matmul as a row of Wxh against a column of ones, so its
    // gradient comes out of the same single matmul (a column sum over T·B rows is slow on wasm)
    let p =
      bIn === null
        ? matMul(x, params.wxh)
        : matMul(concat([x, onesTensor([rowCount, 1])], 1), concat([params.wxh, reshape(bIn, [1, gates * units])], 0));
    if (run.goBackwards) p = inProcessingOrder(p, gates * units);
    if (run.goBackwards && mask !== null) mask = inProcessingOrder(mask, 1);
    const constants = { batch, mask, keep: mask === null ? null : sub(scalar(1), mask), recurrentMask: run.recurrentMask };
    const packed = runRecurrence(fusedCell(config), constants, bRec !== null, [p, ...stateInputs, ...recurrentInputs]);

    // packed: [every step's h; the final c (LSTM)]
    const hs = hasCellState ? slice(packed, [0, 0], [rowCount, units]) : packed;
    const lastH = (): Tensor => slice(hs, [rowCount - batch, 0], [batch, units]);
    const state: CellState = hasCellState ? { h: lastH(), c: slice(packed, [rowCount, 0], [batch, units]) } : { h: lastH() };
    const outputMask = mask === null || run.returnSequences ? mask : slice(mask, [rowCount - batch, 0], [batch, 1]);
    const y = run.returnSequences ? hs : lastH();
    const ys = run.zeroOutputForMask && outputMask !== null ? mul(y, outputMask) : y;
    const outputs = run.returnSequences ? transpose(reshape(ys, [steps, batch, units]), [1, 0, 2]) : ys;
    return { outputs, state: state as StateOf<C> };
  });
}

/**
 * The biases as both recurrences take them — the input bias bIn [G·H] added to the projection, and
 * for a reset-after GRU the recurrent bias bRec [G·H] kept apart (its row 1) — and the initial
 * state's tensors [h0 (, c0)].
 */
function scanOperands(config: CellConfig, params: CellParams, run: PreparedScan): { bIn: Tensor | null; bRec: Tensor | null; stateInputs: Tensor[] } {
  const resetAfter = config.kind === 'gru' && config.resetAfter;
  const bIn = params.bh === undefined ? null : resetAfter ? biasRow(params.bh, 0) : params.bh;
  const bRec = resetAfter && params.bh !== undefined ? biasRow(params.bh, 1) : null;
  const state0: CellState = run.initialState;
  return { bIn, bRec, stateInputs: [state0.h, ...('c' in state0 ? [state0.c] : [])] };
}

/** A layer prepared for the kernel: its call, and how its packed output becomes the scan's result. */
interface KernelScan {
  readonly call: KernelLayerCall;
  finish(packed: Tensor): ScanResult;
}

/** The kernel call of a prepared scan (call inside the caller's `scoped`). */
function prepareKernelScan(kernel: KernelExports, config: CellConfig, params: CellParams, run: PreparedScan): KernelScan {
  const { batch, steps } = run;
  const units = config.units;
  const rowCount = steps * batch;
  const { bIn, bRec, stateInputs } = scanOperands(config, params, run);
  const hasCellState = config.kind === 'lstm';
  // xs straight from an embedding lookup (no input dropout in between): the kernel takes the table
  // and projects its V rows instead of B·T rows of xs, where V is at most half of B·T (the ids are
  // in the table: the lookup's gather refused any other, on cpu and wasm alike)
  const source = embeddingSource(run.xs);
  const vocabulary = source?.table.shape[0] ?? 0;
  const embedded =
    source !== undefined &&
    source.table.rank === 2 &&
    source.table.shape[1] === config.inputSize &&
    2 * vocabulary <= rowCount &&
    source.ids.dtype === 'int32'
      ? { ids: source.ids }
      : null;
  // the kernel takes xs and the mask batch-major and returns [hs (returnSequences); h_T; c_T (LSTM)]
  const layer = {
    embedded,
    kernel,
    cell: kernelCell(config),
    inputSize: config.inputSize,
    units,
    mask: run.mask,
    recurrentMask: run.recurrentMask,
    goBackwards: run.goBackwards,
    sequence: run.returnSequences,
    hasRecurrentBias: bRec !== null,
    hasInputBias: bIn !== null,
  };
  const inputs = [embedded === null ? run.xs : source!.table, params.wxh, ...stateInputs, params.whh, ...(bRec === null ? [] : [bRec]), ...(bIn === null ? [] : [bIn])];
  return {
    call: { layer, inputs },
    finish(packed) {
      const seqRows = run.returnSequences ? rowCount : 0;
      const lastH = (): Tensor => slice(packed, [seqRows, 0], [batch, units]);
      const state: CellState = hasCellState ? { h: lastH(), c: slice(packed, [seqRows + batch, 0], [batch, units]) } : { h: lastH() };
      // the mask in processing order, as the outputs come
      const processingMask = run.mask === null ? null : run.goBackwards ? reverse(run.mask, 1) : run.mask;
      let outputs: Tensor;
      if (run.returnSequences) {
        outputs = reshape(slice(packed, [0, 0], [rowCount, units]), [batch, steps, units]);
        if (run.zeroOutputForMask && processingMask !== null) outputs = mul(outputs, reshape(processingMask, [batch, steps, 1]));
      } else {
        outputs = lastH();
        if (run.zeroOutputForMask && processingMask !== null) outputs = mul(outputs, slice(processingMask, [0, steps - 1], [batch, 1]));
      }
      return { outputs, state };
    },
  };
}

/** One scan of {@link scanMany}: the arguments of {@link scan}. */
export interface ScanCall<C extends CellConfig = CellConfig> {
  readonly config: C;
  readonly params: CellParams;
  /** [B, T, I]. */
  readonly xs: Tensor;
  readonly options?: ScanOptions<StateOf<C>>;
}

/**
 * Runs independent scans — each exactly as {@link scan} would, same options and semantics — in one
 * kernel call where they all run on the kernel: their recurrences and BPTTs run at once, one
 * layer per thread where there are enough threads (a bidirectional layer's two directions run
 * concurrently rather than one after the other, each split over the threads). Elsewhere each
 * runs as its own `scan`. Results can differ from separate scans in the last bits of the weight
 * gradients (partial sums over batch rows in another order), as with thread counts. The caller
 * owns the returned tensors.
 *
 * @example
 * const [f, b] = scanMany([{ config, params: pf, xs }, { config, params: pb, xs, options: { goBackwards: true } }]);
 */
export function scanMany(calls: readonly ScanCall[]): ScanResult[] {
  const kernel = recurrenceKernel();
  const bytes = calls.reduce((sum, { config, xs }) => sum + kernelMemoryBytes(gateCount(config), xs.shape[0] ?? 0, xs.shape[1] ?? 0, config.inputSize, config.units), 0);
  const joint = calls.length > 1 && kernel !== null && bytes <= KERNEL_MEMORY_LIMIT && calls.every((c) => defaultRecurrence(c.config, c.xs) === 'kernel');
  if (!joint) return calls.map((c) => scan(c.config, c.params, c.xs, c.options));
  return scoped(() => {
    const prepared = calls.map((c) => prepareKernelScan(kernel, c.config, c.params, prepareScan('scan', c.config, c.params, c.xs, c.options ?? {})));
    const packed = runKernelRecurrences(prepared.map((p) => p.call));
    return prepared.map((p, i) => p.finish(packed[i]!));
  });
}
