/**
 * A layer's forward-only pass on the kernel (no gradient is being recorded), planned per batch part
 * (`kernel-passes.ts` describes planning and the packed output): X is laid out time-major as for
 * training, then one call of the cell's `infer` kernel runs the whole recurrence with each step's
 * projection made just before its recurrent product. Nothing is kept for a backward: no P [T·B, N],
 * no gates, no state sequences — a few [B, N] blocks instead of ~(2G + 4)·T·B·H floats written per
 * call (LSTM-32 seed shape: ~30 MB), which two threads and a busy machine share the memory
 * bandwidth for. Results are bit-identical to the training forward.
 *
 * An embedded layer (`KernelLayer.embedded`) projects its embedding table instead: Tp = bIn + table·Wxh
 * [V, N] (split over the threads, before the parts run), and each step copies its rows of Tp by id —
 * V·I·N multiply-adds instead of B·T·I·N, the same sums row by row, so the same bits.
 *
 * Shapes: B batch, T time, I input size, H units (Hp, Ip padded), G gate blocks, N = G·Hp, V vocabulary.
 *   output: packed rows [hs (B·T, with `sequence`: batch-major, processing order); h_T (B); c_T (B, LSTM)] × H
 */
import { rowsOf } from './batch-parts';
import type { HostInputs } from './batch-parts';
import { recordingKernel } from './kernel-calls';
import type { KernelProjection } from './kernel-cell';
import { idRows, projectTable } from './kernel-embedded';
import { dimsOf, packedFloats, tableShape } from './kernel-passes';
import type { LayerRun, PlannedPass } from './kernel-passes';
import { paddedUnits, place, read, unpadBlocks } from './layout';

/**
 * Plans the forward-only pass from byte address `base` up; the cell must have an `infer` kernel. An
 * embedded layer projects its table first (V rows instead of B·T) and each step copies its rows.
 */
export function planInference(run: LayerRun, host: HostInputs, base: number): PlannedPass<Float32Array> {
  const { layer, batch, steps } = run;
  const { kernel, cell, inputSize, units, goBackwards, sequence } = layer;
  const infer = cell.infer!;
  const hp = paddedUnits(units);
  const ip = paddedUnits(inputSize);
  const seqRows = sequence ? steps * batch : 0;
  const ids = host.ids;
  const table = ids === null ? null : projectTable(tableShape(run, host), run.parts.length, base);
  base = table?.end ?? base;
  const planned = run.parts.map((part) => {
    const partRows = steps * part.batch;
    const recording = recordingKernel(kernel);
    const k = recording.kernel;
    let projection: KernelProjection;
    let end: number;
    let pSeq: number;
    if (table !== null) {
      const placed = place(k, [sequence ? partRows * units : null, idRows(ids!, part, steps)], base);
      [pSeq] = placed.pointers as [number];
      projection = { x: table.tp, inputSize: ip, wxh: 0, bIn: 0, ids: placed.pointers[1]!, reversed: goBackwards ? 1 : 0 };
      end = placed.end;
    } else {
      const placed = place(k, [partRows * ip, host.wxh, host.bIn, sequence ? partRows * units : null, rowsOf(host.xs, part, steps * inputSize)], base);
      const [pX, pWxh, pBIn, seq, pXs] = placed.pointers as [number, number, number, number, number];
      k.batchToTimeMajor(pXs, part.batch, steps, inputSize, goBackwards ? 1 : 0, ip, pX);
      projection = { x: pX, inputSize: ip, wxh: pWxh, bIn: pBIn, ids: 0, reversed: 0 };
      pSeq = seq;
      end = placed.end;
    }
    const state = infer(k, dimsOf(run, part), host.forPart(part), projection, { ptr: pSeq, width: units }, end);
    base = state.end;
    return { part, state, seqOut: pSeq, calls: recording.calls };
  });
  return {
    before: table?.calls ?? [],
    calls: planned.map((p) => p.calls),
    after: [],
    end: base,
    collect() {
      const packed = new Float32Array(packedFloats(run));
      for (const { part, state, seqOut } of planned) {
        const block = (ptr: number): Float32Array => unpadBlocks(read(kernel, ptr, part.batch * hp), part.batch, 1, units);
        if (sequence) packed.set(read(kernel, seqOut, steps * part.batch * units), part.row0 * steps * units);
        packed.set(block(state.h), (seqRows + part.row0) * units);
        if (cell.hasCellState) packed.set(block(state.c), (seqRows + batch + part.row0) * units);
      }
      return packed;
    },
  };
}
