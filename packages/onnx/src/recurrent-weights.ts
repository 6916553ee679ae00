/**
 * rnnkit's recurrent weights in ONNX's layout.
 *
 * Shapes: I input size, H units, G gate blocks (SimpleRNN 1, LSTM 4, GRU 3).
 *   rnnkit (Keras' row-vector form): wxh [I, G·H], whh [H, G·H], bh [G·H] (GRU resetAfter: [2, G·H])
 *   ONNX (operator docs of RNN, LSTM, GRU): W [1, G·H, I], R [1, G·H, H], B [1, 2·G·H] = [Wb, Rb]
 * Gate blocks: Keras LSTM i, f, c, o → ONNX LSTM "iofc"; Keras GRU z, r, h → ONNX GRU "zrh" (same order).
 * ONNX GRU `linear_before_reset = 1` computes `h̃ = g(x·Wh + Wbh + r ⊙ (h·Rh + Rbh))`, Keras' reset-after form;
 * `0` computes `g(x·Wh + Wbh + (r ⊙ h)·Rh + Rbh)`, the reset-before form (with Rb = 0, as Keras has one bias).
 */
import type { Tensor } from '@rnnkit/tensor';

/** The cell kinds rnnkit and ONNX share. */
export type CellKind = 'simpleRnn' | 'lstm' | 'gru';

/** For each ONNX gate block, the Keras block it takes: LSTM iofc ← ifco; GRU zrh ← zrh. */
export const ONNX_GATE_FROM_KERAS: Readonly<Record<CellKind, readonly number[]>> = {
  simpleRnn: [0],
  lstm: [0, 3, 1, 2],
  gru: [0, 1, 2],
};

/** One direction's weights in ONNX's layout (without the leading direction axis). */
export interface OnnxDirectionWeights {
  /** [G·H, I] */
  readonly w: Float32Array;
  /** [G·H, H] */
  readonly r: Float32Array;
  /** [2·G·H] = [Wb, Rb] */
  readonly b: Float32Array;
}

/** `m [rows, G·H]` (Keras columns) → `[G·H, rows]` with the gate blocks in ONNX order. */
function transposeGates(m: Float32Array, rows: number, units: number, order: readonly number[]): Float32Array {
  const width = order.length * units;
  const out = new Float32Array(width * rows);
  order.forEach((keras, onnx) => {
    for (let j = 0; j < units; j++) {
      const to = (onnx * units + j) * rows;
      const from = keras * units + j;
      for (let i = 0; i < rows; i++) out[to + i] = m[i * width + from]!;
    }
  });
  return out;
}

function reorderBias(b: Float32Array, offset: number, units: number, order: readonly number[], out: Float32Array, outOffset: number): void {
  order.forEach((keras, onnx) => out.set(b.subarray(offset + keras * units, offset + (keras + 1) * units), outOffset + onnx * units));
}

/**
 * Converts one direction of a recurrent layer. `bh` is absent when the layer has no bias (ONNX's
 * zeros). GRU with resetAfter: row 0 of bh is the input bias (Wb), row 1 the recurrent bias (Rb).
 */
export function onnxDirectionWeights(kind: CellKind, units: number, wxh: Tensor, whh: Tensor, bh: Tensor | undefined): OnnxDirectionWeights {
  const order = ONNX_GATE_FROM_KERAS[kind];
  const width = order.length * units;
  const inputSize = wxh.shape[0]!;
  const b = new Float32Array(2 * width);
  if (bh !== undefined) {
    const values = bh.dataSync() as Float32Array;
    reorderBias(values, 0, units, order, b, 0);
    if (bh.rank === 2) reorderBias(values, width, units, order, b, width);
  }
  return {
    w: transposeGates(wxh.dataSync() as Float32Array, inputSize, units, order),
    r: transposeGates(whh.dataSync() as Float32Array, units, units, order),
    b,
  };
}

/** One direction of an ONNX recurrent node's weights as rnnkit's `{ wxh, whh, bh }` values (row-major). */
export interface KerasDirectionWeights {
  /** [I, G·H] */
  readonly wxh: Float32Array;
  /** [H, G·H] */
  readonly whh: Float32Array;
  /** [G·H], or [2, G·H] for a GRU in its reset-after form */
  readonly bh: Float32Array;
}

/** `m [G·H, rows]` (ONNX gate order) → `[rows, G·H]` with the gate blocks in Keras order. */
function untransposeGates(m: Float32Array, rows: number, units: number, order: readonly number[]): Float32Array {
  const width = order.length * units;
  const out = new Float32Array(width * rows);
  order.forEach((keras, onnx) => {
    for (let j = 0; j < units; j++) {
      const from = (onnx * units + j) * rows;
      const to = keras * units + j;
      for (let i = 0; i < rows; i++) out[i * width + to] = m[from + i]!;
    }
  });
  return out;
}

/**
 * The inverse of {@link onnxDirectionWeights}: ONNX W [G·H, I], R [G·H, H], B [2·G·H] of one direction.
 * LSTM and SimpleRNN fold the two biases into one (`Wb + Rb`, exact for the sum the cell computes);
 * GRU reset-after keeps both rows; GRU reset-before folds z and r and needs `Rbh = 0` (Keras has no such bias),
 * else it throws naming `who`.
 */
export function kerasDirectionWeights(kind: CellKind, units: number, inputSize: number, w: Float32Array, r: Float32Array, b: Float32Array, resetAfter: boolean, who: string): KerasDirectionWeights {
  const order = ONNX_GATE_FROM_KERAS[kind];
  const width = order.length * units;
  const wb = new Float32Array(width);
  const rb = new Float32Array(width);
  reorderFromOnnx(b, 0, units, order, wb);
  reorderFromOnnx(b, width, units, order, rb);
  let bh: Float32Array;
  if (kind === 'gru' && resetAfter) {
    bh = new Float32Array(2 * width);
    bh.set(wb, 0);
    bh.set(rb, width);
  } else {
    if (kind === 'gru' && rb.subarray(2 * units).some((v) => v !== 0)) {
      throw new Error(`fromOnnx: ${who}: a GRU with linear_before_reset = 0 and a non-zero recurrent bias Rbh has no rnnkit form`);
    }
    bh = Float32Array.from(wb, (v, i) => v + rb[i]!);
  }
  return { wxh: untransposeGates(w, inputSize, units, order), whh: untransposeGates(r, units, units, order), bh };
}

function reorderFromOnnx(b: Float32Array, offset: number, units: number, order: readonly number[], out: Float32Array): void {
  order.forEach((keras, onnx) => out.set(b.subarray(offset + onnx * units, offset + (onnx + 1) * units), keras * units));
}
