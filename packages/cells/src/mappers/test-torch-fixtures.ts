/**
 * Test helpers (not built, not exported): load the PyTorch fixtures written by
 * `scripts/make-torch-fixtures.py`, and turn a case into cell configs, state-dict tensors and masks.
 *
 * Shapes: B batch, T time, I input size, H units, L layers, D directions (1 or 2).
 * PyTorch: input [B, T, I] (batch_first), output [B, T, D·H], h_n / c_n [L·D, B, H] (index layer·D + direction).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { tensor } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { gruCell, lstmCell, simpleRnnCell } from '../config';
import type { CellConfig } from '../config';

export interface TorchArray {
  readonly shape: number[];
  readonly values: number[];
}

export type TorchKind = 'rnn' | 'lstm' | 'gru';

export interface TorchCase {
  readonly name: string;
  readonly module: 'RNN' | 'LSTM' | 'GRU';
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly batch: number;
  readonly time: number;
  readonly nonlinearity?: 'tanh' | 'relu';
  /** Variable-length case (pack_padded_sequence): valid steps per batch row. */
  readonly lengths?: number[];
  readonly loss: number;
  readonly stateDict: Record<string, TorchArray>;
  readonly input: TorchArray;
  readonly h0: TorchArray;
  readonly c0?: TorchArray;
  readonly R: TorchArray;
  readonly Rh: TorchArray;
  readonly Rc?: TorchArray;
  readonly output: TorchArray;
  readonly h_n: TorchArray;
  readonly c_n?: TorchArray;
  /** dL/d(input, h0, c0, every state-dict entry). */
  readonly grads: Record<string, TorchArray>;
}

export interface TorchFixture {
  readonly torch: string;
  readonly cases: TorchCase[];
}

const FLOAT32_FIELDS = ['input', 'h0', 'c0', 'R', 'Rh', 'Rc'] as const;

function fround(a: TorchArray): TorchArray {
  return { shape: a.shape, values: a.values.map(Math.fround) };
}

/** Reads `fixtures/torch-{kind}.json`; the float32-exact fields are rounded with Math.fround, as the generator asks. */
export function loadTorchFixture(kind: TorchKind): TorchFixture {
  const raw = JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', `torch-${kind}.json`), 'utf8')) as TorchFixture;
  const cases = raw.cases.map((c) => {
    const fixed: Record<string, unknown> = { ...c, stateDict: Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, fround(v)])) };
    for (const field of FLOAT32_FIELDS) {
      const value = c[field];
      if (value !== undefined) fixed[field] = fround(value);
    }
    return fixed as unknown as TorchCase;
  });
  return { torch: raw.torch, cases };
}

export function directions(c: TorchCase): number {
  return c.bidirectional ? 2 : 1;
}

/** The cell config of one layer of the case (layers after the first read the D·H features of the one below). */
export function torchCellConfig(c: TorchCase, layer: number): CellConfig {
  const inputSize = layer === 0 ? c.inputSize : directions(c) * c.hiddenSize;
  const units = c.hiddenSize;
  switch (c.module) {
    case 'RNN':
      return simpleRnnCell({ inputSize, units, activation: c.nonlinearity ?? 'tanh' });
    case 'LSTM':
      return lstmCell({ inputSize, units });
    case 'GRU':
      return gruCell({ inputSize, units });
  }
}

/** The state dict as float32 tensors; the caller owns them. */
export function torchStateDictTensors(c: TorchCase): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, tensor(v.values, v.shape, 'float32')]));
}

/** `[B, T]` 0/1 mask of the variable-length case, or null. */
export function torchMask(c: TorchCase): number[] | null {
  if (c.lengths === undefined) return null;
  const lengths = c.lengths;
  return Array.from({ length: c.batch * c.time }, (_, k) => (k % c.time < lengths[Math.floor(k / c.time)]! ? 1 : 0));
}

/** `h0`/`Rh`-style `[L·D, B, H]` slice for one layer and direction, flat `[B, H]`. */
export function stateSlice(a: TorchArray, index: number): number[] {
  const size = a.shape[1]! * a.shape[2]!;
  return a.values.slice(index * size, (index + 1) * size);
}

/** Feature columns `[from, from + width)` of a flat `[B, T, F]` array, as a flat `[B, T, width]` array, optionally reversed in time. */
export function featureSlice(values: ArrayLike<number>, [B, T, F]: readonly number[], from: number, width: number, reverseTime = false): number[] {
  const out = new Array<number>(B! * T! * width);
  for (let b = 0; b < B!; b++) {
    for (let t = 0; t < T!; t++) {
      const src = reverseTime ? T! - 1 - t : t;
      for (let j = 0; j < width; j++) out[(b * T! + t) * width + j] = values[(b * T! + src) * F! + from + j]!;
    }
  }
  return out;
}
