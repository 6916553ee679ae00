/**
 * Training data from one long id stream (a character corpus): fixed windows for
 * batch training, and char-rnn's parallel streams for truncated BPTT. Pure: no Node imports.
 *
 * Shapes: N windows, B streams, T or K steps; outputs are row-major Int32Array.
 */
import { checkInteger } from '../errors';

/** Fixed-length windows of a token stream: inputs `[N, T]` and targets shifted by one step. */
export interface Windows {
  /** `[N, T]` */
  readonly inputs: Int32Array;
  /** `[N, T]`: the inputs shifted by one step. */
  readonly targets: Int32Array;
  readonly shape: readonly [number, number];
}

/**
 * Cuts windows of T + 1 ids: window n starts at s = n·stride, inputs = ids[s, s+T),
 * targets = ids[s+1, s+T]. The default stride T uses every transition ids[i] → ids[i+1]
 * exactly once; ids left at the end that do not fill a window are dropped.
 */
export function textWindows(ids: ArrayLike<number>, options: { readonly length: number; readonly stride?: number }): Windows {
  const t = options.length;
  const stride = options.stride ?? t;
  checkInteger('length', t, 1);
  checkInteger('stride', stride, 1);
  const n = ids.length < t + 1 ? 0 : Math.floor((ids.length - t - 1) / stride) + 1;
  const inputs = new Int32Array(n * t);
  const targets = new Int32Array(n * t);
  for (let w = 0; w < n; w++) {
    for (let k = 0; k < t; k++) {
      inputs[w * t + k] = ids[w * stride + k] as number;
      targets[w * t + k] = ids[w * stride + k + 1] as number;
    }
  }
  return { inputs, targets, shape: [n, t] };
}

/** One chunk of the B parallel streams for truncated BPTT: inputs and targets `[B, K]` and whether streams start here. */
export interface BpttChunk {
  /** `[B, K]` */
  readonly inputs: Int32Array;
  /** `[B, K]`: the inputs shifted by one step. */
  readonly targets: Int32Array;
  readonly shape: readonly [number, number];
}

/**
 * char-rnn's batching for truncated BPTT: the stream is cut into B contiguous parts of
 * L = ⌊(len − 1) / B⌋ ids, and those are read side by side in chunks of K steps:
 *
 *   chunk c: inputs[b, t] = ids[b·L + c·K + t],  targets[b, t] = ids[b·L + c·K + t + 1].
 *
 * Row b of chunk c + 1 continues row b of chunk c, so the recurrent state carries over
 * between chunks (detached from the gradient). There are ⌊L / K⌋ chunks; the rest is dropped.
 */
export function bpttChunks(ids: ArrayLike<number>, options: { readonly batchSize: number; readonly steps: number }): BpttChunk[] {
  const b = options.batchSize;
  const k = options.steps;
  checkInteger('batchSize', b, 1);
  checkInteger('steps', k, 1);
  const streamLength = Math.floor(Math.max(0, ids.length - 1) / b);
  const chunks: BpttChunk[] = [];
  const numChunks = Math.floor(streamLength / k);
  for (let c = 0; c < numChunks; c++) {
    const inputs = new Int32Array(b * k);
    const targets = new Int32Array(b * k);
    for (let row = 0; row < b; row++) {
      const from = row * streamLength + c * k;
      for (let t = 0; t < k; t++) {
        inputs[row * k + t] = ids[from + t] as number;
        targets[row * k + t] = ids[from + t + 1] as number;
      }
    }
    chunks.push({ inputs, targets, shape: [b, k] });
  }
  return chunks;
}

/** Splits a stream chronologically: the first ⌊fraction·len⌋ ids, then the rest (nanoGPT: 0.9). */
export function splitStream<A extends Int32Array | Uint8Array | Uint16Array>(ids: A, fraction: number): [A, A] {
  if (!(fraction > 0 && fraction < 1)) throw new Error(`fraction must be in (0, 1), got ${fraction}`);
  const cut = Math.floor(ids.length * fraction);
  return [ids.subarray(0, cut) as A, ids.subarray(cut) as A];
}
