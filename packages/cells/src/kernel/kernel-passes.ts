/**
 * One layer's passes on the kernel, planned — buffers laid out, calls recorded, one call list per
 * batch part — and collected after the calls have run (`kernel-recurrence.ts` runs the lists of one
 * or several layers at once on the kernel's threads): the training forward (with what its backward
 * keeps) and the backward; the forward-only pass is in `kernel-inference.ts`.
 *
 * Shapes: B batch, T time, I input size, H units (Hp, Ip padded to multiples of 4), G gate blocks,
 * N = G·Hp. Tensors are batch-major as the caller has them; inside, rows are time-major in
 * processing order (step k = rows [k·B, (k+1)·B), time t = k, or T − 1 − k with `goBackwards`).
 *   inputs:  xs [B, T, I], Wxh [I, G·H], h0 [B, H], c0 [B, H] (LSTM), Whh [H, G·H],
 *            bRec [G·H] (GRU reset-after's recurrent bias), bIn [G·H] (the input bias)
 *   output:  packed rows [hs (B·T rows, with `sequence`: h of every step, batch-major in processing
 *            order); h_T (B rows); c_T (B rows, LSTM)] × H
 *
 *   forward:  P = X·Wxh + bIn (kernel gemm); the recurrence over P (`KernelCell.forward`)
 *   backward: BPTT (`KernelCell.backward`) → dP, dh0, dc0, dWhh, dbRec; then
 *             dX = dP·Wxhᵀ, dWxh = Xᵀ·dP (summed step by step), dbIn = Σ_rows dP
 *
 * Embedded layers (`KernelLayer.embedded`) take an embedding's table and ids instead of xs: their P
 * rows are copied by id from the projected table, and the projection's gradients come from the
 * step gradients added at their ids (`kernel-embedded.ts`, phases before and after the parts) — no
 * X, no dX.
 *
 * Batch parts: every call is independent per batch row except the weight and bias gradients (sums
 * over rows). Each part has its own buffers, projection, recurrence and BPTT, laid out one after the
 * other; the parts' partial weight gradients are added when the backward is collected.
 */
import { tensor1d, tensor2d, tensor3d } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { rowsOf } from './batch-parts';
import type { HostInputs, Part } from './batch-parts';
import { recordingKernel } from './kernel-calls';
import type { KernelCall } from './kernel-calls';
import type { InMemory, KernelBackward, KernelCell, KernelDims, KernelForward, KernelInputs } from './kernel-cell';
import { idRows, planTableGradients, projectTable } from './kernel-embedded';
import type { TableShape } from './kernel-embedded';
import type { KernelExports } from './kernel-module';
import { padBlocks, paddedUnits, place, read, toTimeMajor, unpadBlocks, zerosOrNull } from './layout';
import type { Held } from './layout';

/** What the driver needs besides the differentiable inputs. */
export interface KernelLayer {
  readonly kernel: KernelExports;
  readonly cell: KernelCell;
  readonly inputSize: number;
  readonly units: number;
  /** Float 0/1 [B, T] in time order, or null. */
  readonly mask: Tensor | null;
  /** [B, H], or null. */
  readonly recurrentMask: Tensor | null;
  readonly goBackwards: boolean;
  /** Output every step's h (else only the final state: no [B·T, H] tensor, no zero gradient for it). */
  readonly sequence: boolean;
  readonly hasRecurrentBias: boolean;
  readonly hasInputBias: boolean;
  /**
   * Set when xs is an embedding lookup `table[ids]` (ids [B, T] int32) and the layer takes the
   * table [V, I] in its place (input 0): the projection is made over the table (`kernel-embedded.ts`)
   * and the gradient of input 0 is the table's, dTable [V, I] — no [B, T, I] copy of xs in, none of
   * dxs out, no tfjs scatter-add. Null: input 0 is xs.
   */
  readonly embedded: { readonly ids: Tensor } | null;
}

/** A layer of one call with its sizes and its batch parts. */
export interface LayerRun {
  readonly layer: KernelLayer;
  readonly batch: number;
  readonly steps: number;
  readonly parts: readonly Part[];
}

/** Floats of the layer's packed output (file comment). */
export function packedFloats({ layer, batch, steps }: LayerRun): number {
  return ((layer.sequence ? steps * batch : 0) + (layer.cell.hasCellState ? 2 : 1) * batch) * layer.units;
}

/**
 * A planned pass: call lists to run first (all at once: work every part then reads, an embedded
 * layer's projected table), one call list per batch part, call lists to run after them (work that
 * reads every part's results: an embedded layer's table gradients); the first free byte after its
 * buffers; and what it yields once run.
 */
export interface PlannedPass<R> {
  readonly before: KernelCall[][];
  readonly calls: KernelCall[][];
  readonly after: KernelCall[][];
  readonly end: number;
  collect(): R;
}

/** What a part's backward keeps from its forward: host arrays in the padded layout, or held results. */
interface KeptPart {
  readonly part: Part;
  /** [T·b, Ip] time-major, processing order (null for an embedded layer, whose backward needs the table instead). */
  readonly x: Held | null;
  readonly inputs: KernelInputs;
  readonly forward: KernelForward;
}

/** What the layer's backward keeps from its forward. */
export interface KeptLayer {
  readonly parts: readonly KeptPart[];
  readonly wxh: Float32Array;
  readonly bIn: Float32Array | null;
  /** An embedded layer's ids [B, T] and table [V, I], else null. */
  readonly ids: Int32Array | null;
  readonly table: Float32Array | null;
}

/** A planned training forward: its packed output, the buffers its backward needs, and how to keep them once held. */
export interface PlannedForward extends PlannedPass<Float32Array> {
  readonly buffers: ReadonlyArray<{ readonly ptr: number; readonly floats: number }>;
  /** The backward's view of the buffers, from their handles (in the order of `buffers`). */
  keep(held: readonly Held[]): KeptLayer;
}

/** The kernel sizes of one part of the layer. */
export function dimsOf(run: LayerRun, part: Part): KernelDims {
  return { batch: part.batch, steps: run.steps, units: paddedUnits(run.layer.units) };
}

/** Adds `x` into `sum` elementwise (the parts' partial weight gradients). */
function addInto(sum: Float32Array, x: Float32Array): void {
  for (let j = 0; j < sum.length; j++) sum[j] = sum[j]! + x[j]!;
}

/** The table work's sizes of an embedded layer whose host inputs (`xs`: the table) are `host`. */
export function tableShape(run: LayerRun, host: { readonly xs: Float32Array; readonly wxh: Float32Array; readonly bIn: Float32Array | null }): TableShape {
  const { kernel, inputSize, cell, units } = run.layer;
  return { kernel, inputSize, n: cell.gates * paddedUnits(units), table: host.xs, wxh: host.wxh, bIn: host.bIn };
}

/** Plans the training forward from byte address `base` up: per part, P = X·Wxh + bIn (or P's rows of the projected table), then the recurrence. */
export function planForward(run: LayerRun, host: HostInputs, base: number): PlannedForward {
  const { layer, batch, steps } = run;
  const { kernel, cell, inputSize, units, goBackwards, sequence } = layer;
  const hp = paddedUnits(units);
  const ip = paddedUnits(inputSize);
  const n = cell.gates * hp;
  const seqRows = sequence ? steps * batch : 0;
  const ids = host.ids;
  const projected = ids === null ? null : projectTable(tableShape(run, host), run.parts.length, base);
  base = projected?.end ?? base;
  const planned = run.parts.map((part) => {
    const partRows = steps * part.batch;
    const inputs = host.forPart(part);
    const recording = recordingKernel(kernel);
    const k = recording.kernel;
    let pX = 0;
    let p: InMemory;
    if (projected !== null) {
      // P: the part's rows of the projected table, by id
      const { pointers, end } = place(k, [partRows * n, idRows(ids!, part, steps)], base);
      const [pP, pIds] = pointers as [number, number];
      k.gatherToTimeMajor(projected.tp, n, pIds, part.batch, steps, goBackwards ? 1 : 0, n, pP);
      p = { ptr: pP, end };
    } else {
      const { pointers, end } = place(k, [partRows * ip, host.wxh, host.bIn, partRows * n, rowsOf(host.xs, part, steps * inputSize)], base);
      const [x, pWxh, pBIn, pP, pXs] = pointers as [number, number, number, number, number];
      k.batchToTimeMajor(pXs, part.batch, steps, inputSize, goBackwards ? 1 : 0, ip, x);
      k.gemm(partRows, n, ip, x, ip, pWxh, n, pBIn, 0, pP, n); // P = X·Wxh + bIn (a broadcast row)
      pX = x;
      p = { ptr: pP, end };
    }
    const results = cell.forward(k, dimsOf(run, part), inputs, p);
    const placedSeq = sequence ? place(k, [partRows * units], results.end) : null;
    if (placedSeq !== null) k.timeToBatchMajor(results.hSeq, part.batch, steps, hp, 0, units, placedSeq.pointers[0]!);
    base = placedSeq?.end ?? results.end;
    return { part, inputs, pX, results, seqOut: placedSeq?.pointers[0] ?? 0, calls: recording.calls };
  });
  const buffers = planned.map(({ part, pX, results }) => {
    const partRows = steps * part.batch;
    return [
      ...(pX === 0 ? [] : [{ ptr: pX, floats: partRows * ip }]),
      { ptr: results.hSeq, floats: partRows * hp },
      ...(cell.hasCellState ? [{ ptr: results.cSeq, floats: partRows * hp }] : []),
      ...results.saves,
    ];
  });
  return {
    before: projected?.calls ?? [],
    calls: planned.map((p) => p.calls),
    after: [],
    end: base,
    buffers: buffers.flat(),
    // packed rows: [hs (B·T, batch-major); h_T (B); c_T (B)], each part's rows in place
    collect() {
      const packed = new Float32Array(packedFloats(run));
      for (const { part, results, seqOut } of planned) {
        const partRows = steps * part.batch;
        const lastBlock = (ptr: number): Float32Array =>
          unpadBlocks(read(kernel, ptr + (partRows - part.batch) * hp * 4, part.batch * hp), part.batch, 1, units);
        if (sequence) packed.set(read(kernel, seqOut, partRows * units), part.row0 * steps * units);
        packed.set(lastBlock(results.hSeq), (seqRows + part.row0) * units);
        if (cell.hasCellState) packed.set(lastBlock(results.cSeq), (seqRows + batch + part.row0) * units);
      }
      return packed;
    },
    keep(held) {
      let next = 0;
      const parts = planned.map(({ part, inputs }, p): KeptPart => {
        const mine = held.slice(next, (next += buffers[p]!.length));
        const x = ids === null ? mine.shift()! : null;
        const [hSeq, ...rest] = mine;
        const forward: KernelForward = {
          hSeq: hSeq!,
          cSeq: cell.hasCellState ? rest[0]! : null,
          saves: cell.hasCellState ? rest.slice(1) : rest,
        };
        return { part, x, inputs, forward };
      });
      return { parts, wxh: host.wxh, bIn: host.bIn, ids, table: ids === null ? null : host.xs };
    },
  };
}

/**
 * Plans the backward from byte address `base` up, given the upstream gradient of the packed output;
 * collects the gradients of `[xs (or the table), Wxh, h0, c0?, Whh, bRec?, bIn?]` as new tensors.
 */
export function planBackward(run: LayerRun, kept: KeptLayer, upstream: Float32Array, base: number): PlannedPass<Tensor[]> {
  const { layer, batch, steps } = run;
  const { kernel, cell, inputSize, units, goBackwards, sequence, hasRecurrentBias, hasInputBias } = layer;
  const gates = cell.gates;
  const hp = paddedUnits(units);
  const ip = paddedUnits(inputSize);
  const n = gates * hp;
  const rows = steps * batch;
  const seqRows = sequence ? rows : 0;
  const planned = kept.parts.map(({ part, x, inputs: host, forward }) => {
    const partRows = steps * part.batch;
    const dHs = sequence ? toTimeMajor(rowsOf(upstream, part, steps * units), part.batch, steps, units, false, hp) : null;
    const dhT = padBlocks(rowsOf(upstream.subarray(seqRows * units), part, units), part.batch, 1, units).slice();
    if (dHs !== null) addInto(dhT, dHs.subarray((partRows - part.batch) * hp));
    const dcT = cell.hasCellState ? padBlocks(rowsOf(upstream.subarray((seqRows + batch) * units), part, units), part.batch, 1, units) : null;
    const recording = recordingKernel(kernel);
    const k = recording.kernel;
    const back: KernelBackward = cell.backward(k, dimsOf(run, part), host, forward, { dHs, dhT, dcT }, base);

    if (kept.ids !== null) {
      // an embedded layer: the projection's gradients come from every part's dP at once, afterwards
      const placed = place(k, [idRows(kept.ids, part, steps)], back.dP.end);
      base = placed.end;
      return { part, back, dP: back.dP.ptr, ids: placed.pointers[0]!, pDWxh: 0, pDbIn: 0, pDxs: 0, calls: recording.calls };
    }
    // the projection's gradients, from dP where the cell's backward leaves it
    const dP = back.dP.ptr;
    const { pointers, end } = place(
      k,
      [x!, ip * partRows, kept.wxh, n * ip, partRows * ip, ip * n, zerosOrNull(kept.bIn), partRows * inputSize],
      back.dP.end,
    );
    const [pX, pXT, pWxh, pWxhT, pDX, pDWxh, pDbIn, pDxs] = pointers;
    k.transpose(pX!, partRows, ip, pXT!);
    k.weightGrad(steps, part.batch, ip, n, pXT!, dP, n, pDWxh!, n);
    k.transpose(pWxh!, ip, n, pWxhT!);
    k.gemm(partRows, ip, n, dP, n, pWxhT!, ip, 0, 0, pDX!, ip);
    if (pDbIn !== 0) k.addColumnSums(dP, partRows, n, pDbIn!);
    k.timeToBatchMajor(pDX!, part.batch, steps, ip, goBackwards ? 1 : 0, inputSize, pDxs!);
    base = end;
    return { part, back, dP, ids: 0, pDWxh: pDWxh!, pDbIn: pDbIn!, pDxs: pDxs!, calls: recording.calls };
  });
  const table = kept.table === null ? null : planTableGradients(tableShape(run, { ...kept, xs: kept.table }), steps, goBackwards, planned, planned.length, base);
  return {
    before: [],
    calls: planned.map((p) => p.calls),
    after: table?.calls ?? [],
    end: table?.end ?? base,
    // per-row results into their rows, weight and bias gradients summed over the parts
    collect() {
      const dh0 = new Float32Array(batch * hp);
      const dc0 = cell.hasCellState ? new Float32Array(batch * hp) : null;
      const dW = new Float32Array(units * n);
      const dbRec = hasRecurrentBias ? new Float32Array(n) : null;
      for (const { part, back } of planned) {
        dh0.set(read(kernel, back.dh0, part.batch * hp), part.row0 * hp);
        if (dc0 !== null) dc0.set(read(kernel, back.dc0, part.batch * hp), part.row0 * hp);
        addInto(dW, read(kernel, back.dW, units * n));
        if (dbRec !== null) addInto(dbRec, read(kernel, back.dbRec, n));
      }
      // the input's and the projection's gradients: dxs [B, T, I] and the parts' sums, or the table's
      let dInput: Tensor;
      let dWxh: Float32Array;
      let dbIn: Float32Array | null;
      if (table !== null) {
        const t = table.collect();
        dInput = tensor2d(t.dTable, [t.dTable.length / inputSize, inputSize]);
        [dWxh, dbIn] = [t.dWxh, hasInputBias ? t.dbIn : null];
      } else {
        const dxs = new Float32Array(rows * inputSize);
        dWxh = new Float32Array(inputSize * n);
        dbIn = hasInputBias ? new Float32Array(n) : null;
        for (const { part, pDWxh, pDbIn, pDxs } of planned) {
          dxs.set(read(kernel, pDxs, steps * part.batch * inputSize), part.row0 * steps * inputSize);
          addInto(dWxh, read(kernel, pDWxh, inputSize * n));
          if (dbIn !== null) addInto(dbIn, read(kernel, pDbIn, n));
        }
        dInput = tensor3d(dxs, [batch, steps, inputSize]);
      }
      const grads: Tensor[] = [
        dInput,
        tensor2d(unpadBlocks(dWxh, inputSize, gates, units), [inputSize, gates * units]),
        tensor2d(unpadBlocks(dh0, batch, 1, units), [batch, units]),
      ];
      if (dc0 !== null) grads.push(tensor2d(unpadBlocks(dc0, batch, 1, units), [batch, units]));
      grads.push(tensor2d(unpadBlocks(dW, units, gates, units), [units, gates * units]));
      if (dbRec !== null) grads.push(tensor1d(unpadBlocks(dbRec, 1, gates, units)));
      if (dbIn !== null) grads.push(tensor1d(unpadBlocks(dbIn, 1, gates, units)));
      return grads;
    },
  };
}
