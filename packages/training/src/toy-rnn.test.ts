/**
 * The proof that training trains: a tanh RNN written here with tensor ops (training may not import
 * cells) learns a toy sequence task through `fit` on the wasm backend, and truncated BPTT over a
 * long stream reduces its loss. Also the exact semantics of the truncated loop (chunks, resets,
 * gradient cut).
 *
 * Shapes: B batch, T time, H hidden.
 */
import { describeEachBackend, expectClose } from '@rnnkit/testkit';
import {
  add,
  createRng,
  dispose,
  glorotUniform,
  matMul,
  numTensors,
  orthogonal,

  sigmoid,


  stack,
  tanh,
  tensor,
  tensor2d,
  unstack,
  variable,
  zeros,
  zerosTensor,
} from '@rnnkit/tensor';
import type { Tensor, Variable } from '@rnnkit/tensor';
import { adam, binaryAccuracy, cosineDecay, binaryCrossentropy, evaluate, fit, meanSquaredError, sgd, truncatedBptt } from './index';

const H = 8;

/** h_t = tanh(x_t·Wxh + h_{t−1}·Whh + bh), ŷ_t = σ(h_t·Why + by). */
function tanhRnn(seed: number): { params: Record<string, Variable>; run: (x: Tensor, h: Tensor) => { ys: Tensor[]; h: Tensor } } {
  const params = {
    wxh: variable(glorotUniform([1, H], seed)),
    whh: variable(orthogonal()([H, H], seed + 1)),
    bh: variable(zeros([H], 0)),
    why: variable(glorotUniform([H, 1], seed + 2)),
    by: variable(zeros([1], 0)),
  };
  const run = (x: Tensor, h0: Tensor): { ys: Tensor[]; h: Tensor } => {
    let h = h0;
    const ys: Tensor[] = [];
    for (const xt of unstack(x, 1)) {
      h = tanh(add(add(matMul(xt, params.wxh), matMul(h, params.whh)), params.bh));
      ys.push(sigmoid(add(matMul(h, params.why), params.by)));
    }
    return { ys, h };
  };
  return { params, run };
}

/** Steps x_t = ±1 (T odd, so the sum is never 0); label 1 when the running sum ends positive. */
function runningSumSign(n: number, T: number, seed: number): { x: Float32Array; y: Float32Array } {
  const rng = createRng(seed);
  const x = new Float32Array(n * T);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let t = 0; t < T; t++) sum += x[i * T + t] = rng.uniform() < 0.5 ? -1 : 1;
    y[i] = sum > 0 ? 1 : 0;
  }
  return { x, y };
}

describeEachBackend(['wasm'], 'a hand-rolled tanh RNN', () => {
  it('learns the sign of a running sum to ≥ 95 % accuracy through fit', async () => {
    const T = 9;
    const train = runningSumSign(1500, T, 1);
    const test = runningSumSign(500, T, 2);
    const { params, run } = tanhRnn(10);
    const forward = (x: Tensor): Tensor => {
      const { ys } = run(x, zerosTensor([x.shape[0]!, H]));
      return ys[ys.length - 1]!;
    };
    const before = numTensors();
    const history = await fit({
      params,
      forward,
      loss: binaryCrossentropy(),
      // 38 steps per epoch × 8 epochs, annealed so the boundary cases near sum 0 settle
      optimizer: adam({ learningRate: cosineDecay({ initialLearningRate: 0.02, decaySteps: 304, alpha: 0.02 }) }),
      clipping: { globalNorm: 1 },
      x: { values: train.x, shape: [1500, T, 1] },
      y: { values: train.y, shape: [1500, 1] },
      epochs: 8,
      batchSize: 32,
      validationSplit: 0.2,
      metrics: [binaryAccuracy()],
      seed: 3,
    });
    const result = evaluate({
      forward,
      loss: binaryCrossentropy(),
      x: { values: test.x, shape: [500, T, 1] },
      y: { values: test.y, shape: [500, 1] },
      metrics: [binaryAccuracy()],
    });
    expect(history.history['val_binary_accuracy']!.at(-1)!).toBeGreaterThanOrEqual(0.95);
    expect(result['binary_accuracy']).toBeGreaterThanOrEqual(0.95);
    expect(numTensors()).toBe(before + 2 * 5); // adam's m and v per parameter
    dispose(Object.values(params));
  });

  it('truncated BPTT over a long stream reduces its loss (echo the previous bit, k = 10)', async () => {
    const B = 8;
    const T = 1000;
    const rng = createRng(5);
    const bits = Float32Array.from({ length: B * T }, () => (rng.uniform() < 0.5 ? 1 : 0));
    const targets = bits.map((_, i) => (i % T === 0 ? 0 : bits[i - 1]!));
    const x = tensor(bits, [B, T, 1]);
    const y = tensor(targets, [B, T, 1]);
    const { params, run } = tanhRnn(20);
    const optimizer = adam({ learningRate: 0.03 });
    const { losses } = await truncatedBptt({
      params,
      step: (xChunk, state: { h: Tensor }) => {
        const { ys, h } = run(xChunk, state.h);
        return { y: stack(ys, 1), state: { h } };
      },
      initialState: (batch) => ({ h: zerosTensor([batch, H]) }),
      loss: binaryCrossentropy(),
      optimizer,
      x,
      y,
      k: 10,
      epochs: 2,
    });
    expect(losses).toHaveLength(200);
    const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
    expect(losses[0]!).toBeGreaterThan(0.6); // chance is ln 2 ≈ 0.69
    expect(mean(losses.slice(-20))).toBeLessThan(0.05);
    dispose([x, y, ...Object.values(params)]);
    optimizer.dispose();
  });
});

describeEachBackend(['cpu'], 'truncated BPTT semantics', () => {
  // s_t = a·s_{t−1} + x_t, output s_t; one scalar parameter a
  function linear(a: number): { params: { a: Variable }; step: (x: Tensor, state: { s: Tensor }) => { y: Tensor; state: { s: Tensor } } } {
    const params = { a: variable(tensor2d([a], [1, 1])) };
    const step = (x: Tensor, state: { s: Tensor }): { y: Tensor; state: { s: Tensor } } => {
      let s = state.s;
      const ys: Tensor[] = [];
      for (const xt of unstack(x, 1)) {
        s = add(matMul(s, params.a), xt);
        ys.push(s);
      }
      return { y: stack(ys, 1), state: { s } };
    };
    return { params, step };
  }

  it('cuts chunks every k steps and at sequence starts, and resets only the stream that starts', async () => {
    const { params, step } = linear(1);
    const incoming: number[][] = [];
    const B = 2;
    const T = 12;
    const starts = new Array<number>(B * T).fill(0);
    starts[1 * T + 7] = 1; // stream 1 starts a new sequence at t = 7
    const spy = (x: Tensor, state: { s: Tensor }): { y: Tensor; state: { s: Tensor } } => {
      incoming.push(Array.from(state.s.dataSync()));
      return step(x, state);
    };
    const chunks: Array<[number, number]> = [];
    const x = tensor(new Float32Array(B * T).fill(1), [B, T, 1]);
    await truncatedBptt({
      params,
      step: spy,
      initialState: (b) => ({ s: zerosTensor([b, 1]) }),
      loss: meanSquaredError(),
      optimizer: sgd({ learningRate: 0 }),
      x,
      y: zerosTensor([B, T, 1]),
      k: 5,
      sequenceStarts: starts,
      onChunkEnd: ({ start, length }) => void chunks.push([start, length]),
    });
    expect(chunks).toEqual([
      [0, 5],
      [5, 2],
      [7, 3],
      [10, 2],
    ]);
    expect(incoming).toEqual([
      [0, 0],
      [5, 5],
      [7, 0],
      [10, 3],
    ]);
    dispose([x, params.a]);
  });

  it('hands the state on with its gradient cut: ∂L/∂a counts only the current chunk', async () => {
    const { params, step } = linear(1);
    const norms: number[] = [];
    const x = tensor(new Float32Array(7).fill(1), [1, 7, 1]);
    await truncatedBptt({
      params,
      step,
      initialState: (b) => ({ s: zerosTensor([b, 1]) }),
      loss: meanSquaredError(),
      optimizer: sgd({ learningRate: 0 }),
      x,
      y: zerosTensor([1, 7, 1]),
      k: 5,
      onChunkEnd: ({ gradientNorm }) => void norms.push(gradientNorm),
    });
    // chunk 2 starts from s_in = 5 (a constant): s1 = a·5 + 1 = 6, s2 = a·s1 + 1 = 7,
    // L = (s1² + s2²)/2, ∂L/∂a = s1·5 + s2·(s1 + 5) = 30 + 77 = 107 (with no cut it would be larger)
    expectClose(norms[1]!, 107, { rtol: 1e-6 }, '∂L/∂a of chunk 2');
    dispose([x, params.a]);
  });

  it('checks its inputs', async () => {
    const { params, step } = linear(1);
    const x = zerosTensor([2, 6, 1]);
    const base = { params, step, initialState: (b: number) => ({ s: zerosTensor([b, 1]) }), loss: meanSquaredError(), optimizer: sgd(), x };
    await expect(truncatedBptt({ ...base, y: zerosTensor([2, 6, 1]), k: 0 })).rejects.toThrow(/k must be a positive integer, got 0/);
    await expect(truncatedBptt({ ...base, y: zerosTensor([2, 5, 1]), k: 2 })).rejects.toThrow(/y must start with \[2, 6\], got \[2, 5, 1\]/);
    await expect(truncatedBptt({ ...base, y: zerosTensor([2, 6, 1]), k: 2, sequenceStarts: [1] })).rejects.toThrow(
      /sequenceStarts must hold B·T = 12 flags, got 1/,
    );
    dispose([x, params.a]);
  });
});

