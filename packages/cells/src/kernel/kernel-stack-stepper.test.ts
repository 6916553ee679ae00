/**
 * kernelStackStepper against a float64 evaluation of the LSTM equations (Keras order i, f, c, o)
 * and a dense head: continuing, from a given state, after another kernel call laid out its buffers
 * over the stepper's, and after the kernel was released and reloaded; by input arrays and by row
 * index into the input table (rows·Wxh + b computed once).
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

/** R rows of inputs [R, I] for the steps by row index. */
const R = 7;
const rows = seeded(R * I, 6);

describeEachBackend(['wasm'], 'kernelStackStepper', () => {
  for (const byRow of [false, true]) {
    test(`steps ${byRow ? 'by row index' : 'by input array'} match the float64 equations: continuing, from a given state, across other kernel calls and a kernel reload`, () => {
      const stepper = kernelStackStepper([{ config: lstmCell({ inputSize: I, units: H }), wxh, whh, bh }], { kernel: wd, bias: bd, units: V }, byRow ? rows : undefined)!;
      expect(stepper).not.toBeNull();
      let h: Float64Array = new Float64Array(H);
      let c: Float64Array = new Float64Array(H);
      const other = lstmCell({ inputSize: 2, units: 9 });
      const otherParams = randomParams(other, 7);
      const otherInput = uniform([2, 4, 2], 8);
      for (let t = 0; t < 60; t++) {
        if (t === 20) dispose(Object.values(scanWith('kernel', other, otherParams, otherInput).state));
        if (t === 40) releaseRecurrenceKernel();
        // the state survives in the kernel memory except after another call or a reload: then it is passed back in
        expect(stepper.holdsState()).toBe(t !== 20 && t !== 40);
        const row = (t * 3) % R;
        const x = byRow ? rows.subarray(row * I, (row + 1) * I) : seeded(I, 100 + t);
        // every tenth step restarts from a state of its own (the stepper's is dropped)
        const own = t % 10 === 5 ? [Float32Array.from(seeded(H, 200 + t)), Float32Array.from(seeded(H, 300 + t))] : null;
        if (own !== null) [h, c] = [Float64Array.from(own[0]!), Float64Array.from(own[1]!)];
        const given = own ?? (stepper.holdsState() ? null : [Float32Array.from(h), Float32Array.from(c)]);
        const mine = stepper.step(byRow ? row : x, given)!;
        const expected = referenceStep(x, h, c);
        expectClose(mine.logits, expected.logits, { atol: 1e-5, rtol: 0 }, `logits at step ${t}`);
        expectClose(mine.state[0]!, expected.h, { atol: 1e-5, rtol: 0 }, `h at step ${t}`);
        expectClose(mine.state[1]!, expected.c, { atol: 1e-5, rtol: 0 }, `c at step ${t}`);
        ({ h, c } = expected);
      }
      dispose([otherInput, ...Object.values(otherParams)]);
    });
  }

  test('a step by row index gives exactly the step by that row as an input array', () => {
    const layer = { config: lstmCell({ inputSize: I, units: H }), wxh, whh, bh };
    const byRow = kernelStackStepper([layer], { kernel: wd, bias: bd, units: V }, rows)!;
    const byArray = kernelStackStepper([layer], { kernel: wd, bias: bd, units: V })!;
    // the two steppers share the kernel memory, so each step is given the state explicitly
    let state = [new Float32Array(H), new Float32Array(H)];
    for (let t = 0; t < 12; t++) {
      const row = (t * 5) % R;
      const a = byRow.step(row, state)!;
      const logits = Array.from(a.logits);
      const next = a.state.map((s) => s.slice());
      const b = byArray.step(rows.subarray(row * I, (row + 1) * I), state)!;
      expect(Array.from(b.logits)).toEqual(logits);
      expect(b.state.map((s) => Array.from(s))).toEqual(next.map((s) => Array.from(s)));
      state = next;
    }
  });

  test('refuses to continue a state the kernel memory lost, and bad rows', () => {
    const stepper = kernelStackStepper([{ config: lstmCell({ inputSize: I, units: H }), wxh, whh, bh }], { kernel: wd, bias: bd, units: V }, rows)!;
    stepper.step(1, null);
    releaseRecurrenceKernel();
    expect(stepper.holdsState()).toBe(false);
    expect(() => stepper.step(1, null)).toThrow('kernelStackStepper: the last state is no longer in the kernel memory (another kernel call ran since): pass it in');
    expect(() => stepper.step(R, [new Float32Array(H), new Float32Array(H)])).toThrow(`kernelStackStepper: row ${R} is not a row of inputRows: rows lie in [0, ${R})`);
    expect(() => stepper.step(1.5, [new Float32Array(H), new Float32Array(H)])).toThrow('kernelStackStepper: row 1.5 is not a row of inputRows');
    const plain = kernelStackStepper([{ config: lstmCell({ inputSize: I, units: H }), wxh, whh, bh }], { kernel: wd, bias: bd, units: V })!;
    expect(() => plain.step(0, null)).toThrow('kernelStackStepper: a row index needs the inputRows the stepper was made with; pass an input array instead');
    expect(() => kernelStackStepper([{ config: lstmCell({ inputSize: I, units: H }), wxh, whh, bh }], { kernel: wd, bias: bd, units: V }, new Float32Array(I + 1))).toThrow(
      `kernelStackStepper: inputRows must hold whole rows of ${I} values, got ${I + 1} values`,
    );
  });

  test('refuses an input or a state of the wrong size', () => {
    const stepper = kernelStackStepper([{ config: lstmCell({ inputSize: I, units: H }), wxh, whh, bh }], { kernel: wd, bias: null, units: V })!;
    expect(() => stepper.step(new Float32Array(I + 1), null)).toThrow('kernelStackStepper: the input must have 3 values, got 4');
    expect(() => stepper.step(new Float32Array(I), [new Float32Array(H)])).toThrow('kernelStackStepper: the state must have 2 arrays, got 1');
  });
});
