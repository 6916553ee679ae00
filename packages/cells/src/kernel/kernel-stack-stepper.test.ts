/**
 * kernelStackStepper against a float64 evaluation of the LSTM equations (Keras order i, f, c, o)
 * and a dense head: continuing, from a given state, after another kernel call laid out its buffers
 * over the stepper's, and after the kernel was released and reloaded.
 */
import { dispose } from '@rnnkit/tensor';
import { describeEachBackend, expectClose } from '@rnnkit/testkit';
import { lstmCell } from '../config';
import { scanWith } from '../scan';
import { randomParams, uniform } from '../test-utils';
import { kernelStackStepper } from './kernel-stack-stepper';
import { releaseRecurrenceKernel } from './kernel-release';

const I = 3;
const H = 6;
const V = 5;

function seeded(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return 0.8 * ((s / 2 ** 32) * 2 - 1);
  });
}

const wxh = seeded(I * 4 * H, 1);
const whh = seeded(H * 4 * H, 2);
const bh = seeded(4 * H, 3);
const wd = seeded(H * V, 4);
const bd = seeded(V, 5);

/** One float64 step: z = x·Wxh + bh + h·Whh; c' = σ(z_f) c + σ(z_i) tanh(z_c); h' = σ(z_o) tanh(c'); logits = h'·Wd + bd. */
function referenceStep(x: Float32Array, h: Float64Array, c: Float64Array): { logits: Float64Array; h: Float64Array; c: Float64Array } {
  const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));
  const z = new Float64Array(4 * H);
  for (let j = 0; j < 4 * H; j++) {
    let a = bh[j]!;
    for (let i = 0; i < I; i++) a += x[i]! * wxh[i * 4 * H + j]!;
    for (let i = 0; i < H; i++) a += h[i]! * whh[i * 4 * H + j]!;
    z[j] = a;
  }
  const hn = new Float64Array(H);
  const cn = new Float64Array(H);
  for (let j = 0; j < H; j++) {
    cn[j] = sigmoid(z[H + j]!) * c[j]! + sigmoid(z[j]!) * Math.tanh(z[2 * H + j]!);
    hn[j] = sigmoid(z[3 * H + j]!) * Math.tanh(cn[j]!);
  }
  const logits = Float64Array.from({ length: V }, (_, v) => {
    let a = bd[v]!;
    for (let i = 0; i < H; i++) a += hn[i]! * wd[i * V + v]!;
    return a;
  });
  return { logits, h: hn, c: cn };
}

describeEachBackend(['wasm'], 'kernelStackStepper', () => {
  test('steps match the float64 equations: continuing, from a given state, across other kernel calls and a kernel reload', () => {
    const stepper = kernelStackStepper([{ config: lstmCell({ inputSize: I, units: H }), wxh, whh, bh }], { kernel: wd, bias: bd, units: V })!;
    expect(stepper).not.toBeNull();
    let h: Float64Array = new Float64Array(H);
    let c: Float64Array = new Float64Array(H);
    const other = lstmCell({ inputSize: 2, units: 9 });
    const otherParams = randomParams(other, 7);
    const otherInput = uniform([2, 4, 2], 8);
    for (let t = 0; t < 60; t++) {
      if (t === 20) dispose(Object.values(scanWith('kernel', other, otherParams, otherInput).state));
      if (t === 40) releaseRecurrenceKernel();
      const x = seeded(I, 100 + t);
      // every tenth step restarts from a state of its own (the stepper's is dropped)
      const given = t % 10 === 5 ? [Float32Array.from(seeded(H, 200 + t)), Float32Array.from(seeded(H, 300 + t))] : null;
      if (given !== null) [h, c] = [Float64Array.from(given[0]!), Float64Array.from(given[1]!)];
      const mine = stepper.step(x, given)!;
      const expected = referenceStep(x, h, c);
      expectClose(mine.logits, expected.logits, { atol: 1e-5, rtol: 0 }, `logits at step ${t}`);
      expectClose(mine.state[0]!, expected.h, { atol: 1e-5, rtol: 0 }, `h at step ${t}`);
      expectClose(mine.state[1]!, expected.c, { atol: 1e-5, rtol: 0 }, `c at step ${t}`);
      ({ h, c } = expected);
    }
    dispose([otherInput, ...Object.values(otherParams)]);
  });

  test('refuses an input or a state of the wrong size', () => {
    const stepper = kernelStackStepper([{ config: lstmCell({ inputSize: I, units: H }), wxh, whh, bh }], { kernel: wd, bias: null, units: V })!;
    expect(() => stepper.step(new Float32Array(I + 1), null)).toThrow('kernelStackStepper: the input must have 3 values, got 4');
    expect(() => stepper.step(new Float32Array(I), [new Float32Array(H)])).toThrow('kernelStackStepper: the state must have 2 arrays, got 1');
  });
});
