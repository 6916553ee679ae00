/**
 * Keras 2's `CuDNNLSTM` / `CuDNNGRU` weights in rnnkit's (Keras' LSTM / GRU) layout, converted as
 * Keras 2's own loader converts them when it loads a CuDNN layer's weights into `LSTM` / `GRU`.
 *
 * Shapes: I input size, H units, G gate blocks (LSTM 4: i, f, c, o; GRU 3: z, r, h — the same order
 * as LSTM / GRU in both layers).
 *   kernel [I, G·H]: each gate's block k [I, H] holds cuDNN's matrix W [H, I] row-major, so the
 *                    x·K block is K = Wᵀ, K[a, b] = k.flat[b·I + a]
 *   recurrent_kernel [H, G·H]: each block is cuDNN's R [H, H]; K = kᵀ
 *   bias [2·G·H]: input biases then recurrent biases. LSTM: their sum [G·H] (they are only ever added).
 *                 GRU: [2, G·H], row 0 input, row 1 recurrent — GRU with reset_after, whose equation
 *                 h̃ = tanh(x·W_h + b_xh + r ⊙ (h·U_h + b_hh)) is cuDNN's.
 */

/** Which cuDNN layer the weights come from. */
export type CudnnKind = 'lstm' | 'gru';

function gates(kind: CudnnKind): number {
  return kind === 'lstm' ? 4 : 3;
}

/** Transposes each gate block: `input` rows of width `units` per block, read as cuDNN's [units, input] matrix. */
function kernelBlocks(values: Float32Array, input: number, units: number, blocks: number, reinterpret: boolean): Float32Array {
  const width = blocks * units;
  const out = new Float32Array(values.length);
  for (let g = 0; g < blocks; g++) {
    for (let a = 0; a < input; a++) {
      for (let b = 0; b < units; b++) {
        // flat index n of the block's row-major [input, units] values
        const n = reinterpret ? b * input + a : a * units + b;
        const source = reinterpret ? Math.floor(n / units) * width + g * units + (n % units) : b * width + g * units + a;
        out[a * width + g * units + b] = values[source]!;
      }
    }
  }
  return out;
}

/**
 * Our shape of one weight of a CuDNN layer (`wxh`, `whh`, `bh` as we name them) given the file's
 * shape. Throws, naming the weight, when the file's shape is not the CuDNN layer's.
 */
export function cudnnWeightShape(kind: CudnnKind, name: 'wxh' | 'whh' | 'bh', shape: readonly number[], units: number, who: string): number[] {
  const g = gates(kind);
  const expected = name === 'wxh' ? [shape[0] ?? 0, g * units] : name === 'whh' ? [units, g * units] : [2 * g * units];
  if (shape.length !== expected.length || shape.some((d, i) => d !== expected[i])) {
    throw new Error(`${who}: CuDNN weight '${name}' has shape [${shape.join(', ')}], expected [${expected.join(', ')}]`);
  }
  if (name !== 'bh') return [...shape];
  return kind === 'gru' ? [2, g * units] : [g * units];
}

/** One weight of a CuDNN layer, values in the file's layout (shape checked by {@link cudnnWeightShape}), in ours. */
export function fromCudnnWeight(kind: CudnnKind, name: 'wxh' | 'whh' | 'bh', values: Float32Array, shape: readonly number[], units: number): Float32Array {
  const g = gates(kind);
  switch (name) {
    case 'wxh':
      return kernelBlocks(values, shape[0]!, units, g, true);
    case 'whh':
      return kernelBlocks(values, units, units, g, false);
    case 'bh': {
      if (kind === 'gru') return values.slice();
      const sum = new Float32Array(g * units);
      for (let k = 0; k < sum.length; k++) sum[k] = values[k]! + values[g * units + k]!;
      return sum;
    }
  }
}
