/**
 * Batch parts: a large layer runs as sub-problems of contiguous batch rows (`kernel-threads.ts`
 * runs them at once), and the host inputs of a layer's kernel calls in the padded layout, cut into
 * those parts. Shapes: B batch, T time, I input size, H units (Hp, Ip padded), G gate blocks.
 */
import type { Tensor } from '@rnnkit/tensor';
import type { KernelInputs } from './kernel-cell';
import { padBlocks, paddedUnits, toTimeMajor } from './layout';

/** A run of contiguous batch rows [row0, row0 + batch) computed as its own sub-problem. */
export interface Part {
  readonly row0: number;
  readonly batch: number;
}

/** `count` parts of near-equal size covering [0, batch). */
export function splitBatch(batch: number, count: number): Part[] {
  return Array.from({ length: count }, (_, i) => {
    const row0 = Math.floor((batch * i) / count);
    return { row0, batch: Math.floor((batch * (i + 1)) / count) - row0 };
  });
}

/** Rows [row0, row0 + batch) of a row-major array with `width` values per batch row. */
export function rowsOf<A extends Float32Array | Int32Array>(x: A, { row0, batch }: Part, width: number): A {
  return x.subarray(row0 * width, (row0 + batch) * width) as A;
}

function hostData(t: Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

/** What the layer's shapes and options are, for {@link hostInputs}. */
export interface LayerShape {
  readonly gates: number;
  readonly hasCellState: boolean;
  readonly inputSize: number;
  readonly units: number;
  readonly steps: number;
  /** Float 0/1 [B, T] in time order, or null. */
  readonly mask: Tensor | null;
  /** [B, H], or null. */
  readonly recurrentMask: Tensor | null;
  readonly goBackwards: boolean;
  readonly hasRecurrentBias: boolean;
  readonly hasInputBias: boolean;
  /** The embedding lookup xs came from, when the layer takes its table instead of xs (`kernel-passes.ts`), else null. */
  readonly embedded: { readonly ids: Tensor } | null;
}

/** The layer's inputs on the host, padded (`[xs or the table, Wxh, h0, c0?, Whh, bRec?, bIn?]` as tensors). */
export interface HostInputs {
  /** [B, T, I] batch-major, unpadded; for an embedded layer the table [V, I]. */
  readonly xs: Float32Array;
  /** An embedded layer's ids [B, T] (else null). */
  readonly ids: Int32Array | null;
  /** [Ip, G·Hp]. */
  readonly wxh: Float32Array;
  /** [G·Hp], or null. */
  readonly bIn: Float32Array | null;
  /** The recurrence's own inputs of part `part` (kernel layout). */
  forPart(part: Part): KernelInputs;
}

/** Reads the layer's input tensors to the host once, in the kernel's padded layout. */
export function hostInputs(layer: LayerShape, list: readonly Tensor[]): HostInputs {
  const { gates, inputSize, units, steps, goBackwards } = layer;
  let i = 0;
  const xs = list[i++]!;
  const wxh = list[i++]!;
  const h0 = list[i++]!;
  const c0 = layer.hasCellState ? list[i++]! : null;
  const whh = list[i++]!;
  const bRec = layer.hasRecurrentBias ? list[i++]! : null;
  const bIn = layer.hasInputBias ? list[i++]! : null;
  const hp = paddedUnits(units);
  const h0Host = hostData(h0);
  const c0Host = c0 === null ? null : hostData(c0);
  const maskHost = layer.mask === null ? null : hostData(layer.mask);
  const recMaskHost = layer.recurrentMask === null ? null : hostData(layer.recurrentMask);
  const w = padBlocks(hostData(whh), units, gates, units, hp);
  const bRecHost = bRec === null ? null : padBlocks(hostData(bRec), 1, gates, units);
  return {
    xs: hostData(xs),
    ids: layer.embedded === null ? null : (layer.embedded.ids.dataSync() as Int32Array),
    wxh: padBlocks(hostData(wxh), inputSize, gates, units, paddedUnits(inputSize)),
    bIn: bIn === null ? null : padBlocks(hostData(bIn), 1, gates, units),
    forPart: (part) => ({
      h0: padBlocks(rowsOf(h0Host, part, units), part.batch, 1, units),
      c0: c0Host === null ? null : padBlocks(rowsOf(c0Host, part, units), part.batch, 1, units),
      w,
      bRec: bRecHost,
      mask: maskHost === null ? null : toTimeMajor(rowsOf(maskHost, part, steps), part.batch, steps, 1, goBackwards, 1),
      recMask: recMaskHost === null ? null : padBlocks(rowsOf(recMaskHost, part, units), part.batch, 1, units),
    }),
  };
}
