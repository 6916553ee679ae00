/**
 * A layer's forward-only pass on the kernel (no gradient is being recorded): per batch part, X is
 * laid out time-major as for training, then one call of the cell's `infer` kernel runs the whole
 * recurrence with each step's projection made just before its recurrent product. Nothing is kept
 * for a backward: no P [T·B, N], no gates, no state sequences — a few [B, N] blocks instead of
 * ~(2G + 4)·T·B·H floats written per call (LSTM-32 seed shape: ~30 MB), which two threads and a
 * busy machine share the memory bandwidth for. Results are bit-identical to the training forward.
 *
 * Shapes: B batch, T time, I input size, H units (Hp, Ip padded), G gate blocks, N = G·Hp.
 *   output: packed rows [hs (B·T, with `sequence`: batch-major, processing order); h_T (B); c_T (B, LSTM)] × H
 */
import { recordingKernel } from './kernel-calls';
import type { KernelCell } from './kernel-cell';
import type { KernelExports } from './kernel-module';
import { runParts } from './kernel-threads';
import { rowsOf } from './batch-parts';
import type { HostInputs, Part } from './batch-parts';
import { paddedUnits, place, read, unpadBlocks } from './layout';

export interface InferenceShape {
  readonly steps: number;
  readonly inputSize: number;
  readonly units: number;
  readonly goBackwards: boolean;
  readonly sequence: boolean;
}

/** Runs the forward-only pass of every part (at once, on the kernel's threads); returns the packed rows. */
export function inferPacked(
  kernel: KernelExports,
  cell: KernelCell & Required<Pick<KernelCell, 'infer'>>,
  { steps, inputSize, units, goBackwards, sequence }: InferenceShape,
  host: HostInputs,
  parts: readonly Part[],
): Float32Array {
  const hp = paddedUnits(units);
  const ip = paddedUnits(inputSize);
  const batch = parts.reduce((sum, p) => sum + p.batch, 0);
  const seqRows = sequence ? steps * batch : 0;
  let base = 0;
  const planned = parts.map((part) => {
    const partRows = steps * part.batch;
    const recording = recordingKernel(kernel);
    const k = recording.kernel;
    const { pointers, end } = place(k, [partRows * ip, host.wxh, host.bIn, sequence ? partRows * units : null, rowsOf(host.xs, part, steps * inputSize)], base);
    const [pX, pWxh, pBIn, pSeq, pXs] = pointers;
    k.batchToTimeMajor(pXs!, part.batch, steps, inputSize, goBackwards ? 1 : 0, ip, pX!);
    const state = cell.infer(
      k,
      { batch: part.batch, steps, units: hp },
      host.forPart(part),
      { x: pX!, inputSize: ip, wxh: pWxh!, bIn: pBIn! },
      { ptr: pSeq!, width: units },
      end,
    );
    base = state.end;
    return { part, state, seqOut: pSeq!, calls: recording.calls };
  });
  runParts(kernel, planned.map((p) => p.calls));

  const packed = new Float32Array((seqRows + (cell.hasCellState ? 2 : 1) * batch) * units);
  for (const { part, state, seqOut } of planned) {
    const block = (ptr: number): Float32Array => unpadBlocks(read(kernel, ptr, part.batch * hp), part.batch, 1, units);
    if (sequence) packed.set(read(kernel, seqOut, steps * part.batch * units), part.row0 * steps * units);
    packed.set(block(state.h), (seqRows + part.row0) * units);
    if (cell.hasCellState) packed.set(block(state.c), (seqRows + batch + part.row0) * units);
  }
  return packed;
}
