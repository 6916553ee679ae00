/**
 * An embedded layer's table work (`KernelLayer.embedded`: xs = table[ids], and the layer takes the
 * table [V, I] in its place). The projection is made over the table's V rows instead of the B·T rows
 * of X, which costs V·I·N multiply-adds instead of B·T·I·N:
 *
 *   before the parts run:  Tp = bIn + table·Wxh [V, N]   (each part then copies its rows of P by id;
 *                          row by row the same sums as X·Wxh + bIn, so the same bits)
 *   after the parts' BPTT: S = Σ dP rows, added at their ids [V, N];  dTable = S·Wxhᵀ,
 *                          dWxh = tableᵀ·S, dbIn = Σ_v S_v        (the gradients of the same products)
 *
 * Both split the table's rows over the threads (every part reads all of Tp, and S needs every
 * part's dP, so they run as phases of their own before and after the parts).
 *
 * Shapes: V vocabulary, I input size (Ip padded to a multiple of 4), N = G·Hp, B batch, T time.
 */
import { rowsOf, splitBatch } from './batch-parts';
import type { Part } from './batch-parts';
import { recordingKernel } from './kernel-calls';
import type { KernelCall } from './kernel-calls';
import type { KernelExports } from './kernel-module';
import { paddedUnits, place, read, unpadBlocks, zerosOrNull } from './layout';

/** An embedded layer's ids rows of a part, as the floats `place` copies (the same bits). */
export function idRows(ids: Int32Array, part: Part, steps: number): Float32Array {
  const rows = rowsOf(ids, part, steps);
  return new Float32Array(rows.buffer, rows.byteOffset, rows.length);
}

/** The sizes of the table work. */
export interface TableShape {
  readonly kernel: KernelExports;
  readonly inputSize: number;
  /** N = G·Hp. */
  readonly n: number;
  /** [V, I]. */
  readonly table: Float32Array;
  /** [Ip, N]. */
  readonly wxh: Float32Array;
  /** [N], or null. */
  readonly bIn: Float32Array | null;
}

/** Tp = bIn + table·Wxh [V, N], laid out from `base`, its rows in `chunks` calls; Tp's address. */
export function projectTable({ kernel, inputSize, n, table, wxh, bIn }: TableShape, chunks: number, base: number): { tp: number; calls: KernelCall[][]; end: number } {
  const vocabulary = table.length / inputSize;
  const { pointers, end } = place(kernel, [table, wxh, bIn, vocabulary * n], base);
  const [pTable, pWxh, pBIn, tp] = pointers as [number, number, number, number];
  const calls = splitBatch(vocabulary, chunks).map(({ row0, batch: rows }) => {
    const recording = recordingKernel(kernel);
    recording.kernel.gemm(rows, n, inputSize, pTable + row0 * inputSize * 4, inputSize, pWxh, n, pBIn, 0, tp + row0 * n * 4, n);
    return recording.calls;
  });
  return { tp, calls, end };
}

/** A part's dP [T·b, N] and ids [b, T] in the kernel memory, after its BPTT. */
export interface PartGradient {
  readonly part: Part;
  readonly dP: number;
  readonly ids: number;
}

/** The table's gradients once run: dTable [V, I], dWxh [I, N], dbIn [N] (or null). */
export interface TableGradients {
  readonly dTable: Float32Array;
  readonly dWxh: Float32Array;
  readonly dbIn: Float32Array | null;
}

/**
 * Plans S, dTable, dWxh and dbIn from every part's dP, laid out from `base`, the table's rows in
 * `chunks` calls (each adds the parts' rows whose ids fall in its rows, part by part, in processing order).
 */
export function planTableGradients(
  shape: TableShape,
  steps: number,
  goBackwards: boolean,
  parts: readonly PartGradient[],
  chunks: number,
  base: number,
): { calls: KernelCall[][]; end: number; collect(): TableGradients } {
  const { kernel, inputSize, n, table, wxh, bIn } = shape;
  const ip = paddedUnits(inputSize);
  const vocabulary = table.length / inputSize;
  const ranges = splitBatch(vocabulary, chunks);
  const placed = place(kernel, [table, wxh, vocabulary * n, vocabulary * ip], base);
  const [pTable, pWxh, pS, pDTable] = placed.pointers as [number, number, number, number];
  let end = placed.end;
  const planned = ranges.map(({ row0, batch: rows }) => {
    const own = place(kernel, [n * ip, inputSize * rows, inputSize * n, zerosOrNull(bIn)], end);
    const [pWxhT, pTableT, pDWxh, pDbIn] = own.pointers as [number, number, number, number];
    end = own.end;
    const recording = recordingKernel(kernel);
    const k = recording.kernel;
    const s = pS + row0 * n * 4;
    parts.forEach(({ part, dP, ids }, p) => {
      k.scatterFromTimeMajor(dP, n, ids, part.batch, steps, goBackwards ? 1 : 0, n, row0, row0 + rows, p === 0 ? 1 : 0, pS);
    });
    if (pDbIn !== 0) k.addColumnSums(s, rows, n, pDbIn);
    k.transpose(pWxh, ip, n, pWxhT);
    k.gemm(rows, ip, n, s, n, pWxhT, ip, 0, 0, pDTable + row0 * ip * 4, ip); // dTable rows = S·Wxhᵀ
    k.transpose(pTable + row0 * inputSize * 4, rows, inputSize, pTableT);
    k.productT(inputSize, n, rows, pTableT, rows, s, n, pDWxh, n); // this chunk's part of tableᵀ·S
    return { pDWxh, pDbIn, calls: recording.calls };
  });
  return {
    calls: planned.map((p) => p.calls),
    end,
    collect() {
      const dWxh = new Float32Array(inputSize * n);
      const dbIn = bIn === null ? null : new Float32Array(n);
      for (const { pDWxh, pDbIn } of planned) {
        const part = read(kernel, pDWxh, inputSize * n);
        for (let j = 0; j < dWxh.length; j++) dWxh[j] = dWxh[j]! + part[j]!;
        if (dbIn !== null) {
          const sums = read(kernel, pDbIn, n);
          for (let j = 0; j < n; j++) dbIn[j] = dbIn[j]! + sums[j]!;
        }
      }
      return { dTable: unpadBlocks(read(kernel, pDTable, vocabulary * ip), vocabulary, 1, inputSize), dWxh, dbIn };
    },
  };
}
