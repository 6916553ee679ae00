import * as tfl from '@tensorflow/tfjs-layers';
import { describeEachBackend, expectClose, gradcheck } from '@rnnkit/testkit';
import { dispose, grad, mul, numTensors, sum, tensor, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { DENSE_ACTIVATIONS, applyDenseActivation, assertDenseActivation } from '../activations';
import type { DenseActivation } from '../activations';
import { layerActivationFromKeras, layerActivationToKeras } from '../interop/keras-activations';

// ---- float64 references, written from the definitions (Keras 3 activations.py / backend nn.py) ----

/** erf in float64: Taylor series below 3, the continued fraction of erfc above (both to ~1e-14). */
function erf(x: number): number {
  const a = Math.abs(x);
  if (a < 3) {
    let term = a;
    let total = a;
    for (let n = 1; n < 80; n++) {
      term *= (-a * a) / n;
      total += term / (2 * n + 1);
    }
    return Math.sign(x) * (2 / Math.sqrt(Math.PI)) * total;
  }
  let t = a;
  for (let k = 60; k >= 1; k--) t = a + k / 2 / t;
  return Math.sign(x) * (1 - Math.exp(-a * a) / (Math.sqrt(Math.PI) * t));
}
const sigma = (x: number): number => 1 / (1 + Math.exp(-x));
const softplus = (x: number): number => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
const clip = (x: number, lo: number, hi: number): number => Math.min(Math.max(x, lo), hi);
const relu6 = (x: number): number => clip(x, 0, 6);
const SELU_SCALE = 1.0507009873554805;
const SELU_ALPHA = 1.6732632423543772;

type Elementwise = Exclude<DenseActivation, 'softmax' | 'logSoftmax' | 'sparsemax'>;

/** Each element-wise activation's float64 value and the points where it has a kink. */
const ELEMENTWISE: Readonly<Record<Elementwise, { readonly f: (x: number) => number; readonly kinks: readonly number[] }>> = {
  linear: { f: (x) => x, kinks: [] },
  relu: { f: (x) => Math.max(x, 0), kinks: [0] },
  relu6: { f: relu6, kinks: [0, 6] },
  leakyRelu: { f: (x) => (x >= 0 ? x : 0.2 * x), kinks: [0] },
  elu: { f: (x) => (x > 0 ? x : Math.expm1(x)), kinks: [0] },
  celu: { f: (x) => Math.max(x, 0) + Math.expm1(Math.min(x, 0)), kinks: [0] },
  selu: { f: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)), kinks: [0] },
  gelu: { f: (x) => 0.5 * x * (1 + erf(x / Math.SQRT2)), kinks: [] },
  geluNew: { f: (x) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3))), kinks: [] },
  silu: { f: (x) => x * sigma(x), kinks: [] },
  hardSilu: { f: (x) => (x * relu6(x + 3)) / 6, kinks: [-3, 3] },
  sigmoid: { f: sigma, kinks: [] },
  logSigmoid: { f: (x) => -softplus(-x), kinks: [] },
  hardSigmoidKeras2: { f: (x) => clip(0.2 * x + 0.5, 0, 1), kinks: [-2.5, 2.5] },
  hardSigmoidKeras3: { f: (x) => clip(x / 6 + 0.5, 0, 1), kinks: [-3, 3] },
  sparseSigmoid: { f: (x) => (x <= -1 ? 0 : x >= 1 ? 1 : 0.5 * (x + 1)), kinks: [-1, 1] },
  tanh: { f: Math.tanh, kinks: [] },
  hardTanh: { f: (x) => clip(x, -1, 1), kinks: [-1, 1] },
  tanhShrink: { f: (x) => x - Math.tanh(x), kinks: [] },
  hardShrink: { f: (x) => (Math.abs(x) > 0.5 ? x : 0), kinks: [-0.5, 0.5] },
  softShrink: { f: (x) => (x > 0.5 ? x - 0.5 : x < -0.5 ? x + 0.5 : 0), kinks: [-0.5, 0.5] },
  softplus: { f: softplus, kinks: [] },
  softsign: { f: (x) => x / (1 + Math.abs(x)), kinks: [] },
  exponential: { f: Math.exp, kinks: [] },
  sparsePlus: { f: (x) => (x <= -1 ? 0 : x < 1 ? 0.25 * (x + 1) ** 2 : x), kinks: [-1, 1] },
  squareplus: { f: (x) => (x + Math.sqrt(x * x + 4)) / 2, kinks: [] },
  mish: { f: (x) => x * Math.tanh(softplus(x)), kinks: [] },
};

function softmaxRow(x: readonly number[]): number[] {
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const s = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / s);
}
function logSoftmaxRow(x: readonly number[]): number[] {
  const m = Math.max(...x);
  const lse = m + Math.log(x.reduce((a, v) => a + Math.exp(v - m), 0));
  return x.map((v) => v - lse);
}
/** τ of sparsemax by its definition: the τ with Σ max(x − τ, 0) = 1, found by bisection. */
function sparsemaxTau(x: readonly number[]): number {
  let lo = Math.min(...x) - 1;
  let hi = Math.max(...x);
  for (let i = 0; i < 200; i++) {
    const mid = (lo + hi) / 2;
    if (x.reduce((a, v) => a + Math.max(v - mid, 0), 0) > 1) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
function sparsemaxRow(x: readonly number[]): number[] {
  const tau = sparsemaxTau(x);
  return x.map((v) => Math.max(v - tau, 0));
}
const ROWWISE: Readonly<Record<'softmax' | 'logSoftmax' | 'sparsemax', (x: readonly number[]) => number[]>> = {
  softmax: softmaxRow,
  logSoftmax: logSoftmaxRow,
  sparsemax: sparsemaxRow,
};

// negatives, zero's neighbourhood, the kinks, and large magnitudes; all exact in float32 or rounded to it below
const POINTS = [-30, -10, -6.5, -3, -2.5, -1.7, -1, -0.7, -0.5, -0.3, -1e-3, 0, 1e-3, 0.2, 0.5, 0.8, 1, 1.6, 2.5, 3, 4.2, 6, 7.5, 10, 30].map(Math.fround);

// rows for the axis-wise activations: sparse supports of sizes 1 to 5, saturated rows, ties away from τ
const ROWS = [
  [0.1, 0.35, -0.2, 0.3, 0.05],
  [2, -1, 0.5, 1.7, 0],
  [30, -30, 0, 1, 2],
  [-1e-3, 1e-3, 0, 0.2, -0.1],
  [-10, -9.5, -9.8, -30, -9.9],
].map((r) => r.map(Math.fround));

function upstream(n: number, seed: number): number[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return Math.fround((s / 2 ** 32) * 2 - 1);
  });
}

/** tfjs-layers' identifier for each of ours that it has (its TS names; camelCase in its API). */
const TFJS_NAME: Partial<Record<DenseActivation, string>> = {
  linear: 'linear',
  relu: 'relu',
  relu6: 'relu6',
  elu: 'elu',
  selu: 'selu',
  gelu: 'gelu',
  geluNew: 'gelu_new',
  silu: 'swish',
  sigmoid: 'sigmoid',
  hardSigmoidKeras2: 'hardSigmoid',
  tanh: 'tanh',
  softmax: 'softmax',
  logSoftmax: 'logSoftmax',
  softplus: 'softplus',
  softsign: 'softsign',
  mish: 'mish',
};

describeEachBackend(['cpu', 'wasm'], 'layer activations', () => {
  test('the table covers every activation exactly once', () => {
    expect([...Object.keys(ELEMENTWISE), ...Object.keys(ROWWISE)].sort()).toEqual([...DENSE_ACTIVATIONS].sort());
    expect(new Set(DENSE_ACTIVATIONS).size).toBe(DENSE_ACTIVATIONS.length);
  });

  describe.each(Object.keys(ELEMENTWISE) as Elementwise[])('%s', (name) => {
    const { f, kinks } = ELEMENTWISE[name];

    test('values equal the float64 reference (rtol 1e-5, atol 1e-6)', () => {
      tidy(() => {
        const y = applyDenseActivation(name, tensor(POINTS, [POINTS.length]));
        expectClose(y, POINTS.map(f), { rtol: 1e-5, atol: 1e-6 }, name);
      });
    });

    test('∂/∂x equals float64 central differences away from kinks; a gradient off by 1e-3 is rejected', () => {
      const points = POINTS.filter((x) => kinks.every((k) => Math.abs(x - k) > 1e-3));
      const r = upstream(points.length, 7);
      const analytic = tidy(() => {
        const g = grad((x: Tensor) => sum(mul(applyDenseActivation(name, x), tensor(r))))(tensor(points));
        return Array.from(g.dataSync());
      });
      points.forEach((x, i) => {
        const loss = (v: Readonly<Record<string, Float64Array>>): number => r[i]! * f(v['x']![0]!);
        const report = gradcheck(loss, { x: [x] }, { x: [analytic[i]!] }, { rtol: 1e-5, atol: 1e-6 });
        if (!report.ok) throw new Error(`${name}'(${x}): tfjs ${analytic[i]}, float64 differences ${report.numeric['x']![0]}`);
        // negative control: the same check rejects a gradient perturbed by 1e-3 (relative to max(1, |g|))
        const off = analytic[i]! + 1e-3 * Math.max(1, Math.abs(analytic[i]!));
        expect(gradcheck(loss, { x: [x] }, { x: [off] }, { rtol: 1e-5, atol: 1e-6 }).ok).toBe(false);
      });
    });
  });

  describe.each(['softmax', 'logSoftmax', 'sparsemax'] as const)('%s (last axis)', (name) => {
    const ref = ROWWISE[name];

    test('values equal the float64 reference on [B, N] and on [B, T, N]', () => {
      tidy(() => {
        const expected = ROWS.flatMap((row) => ref(row));
        expectClose(applyDenseActivation(name, tensor(ROWS.flat(), [5, 5])), expected, { rtol: 1e-5, atol: 1e-6 }, name);
        const y3 = applyDenseActivation(name, tensor(ROWS.flat(), [1, 5, 5]));
        expect(y3.shape).toEqual([1, 5, 5]);
        expectClose(y3, expected, { rtol: 1e-5, atol: 1e-6 }, `${name} rank 3`);
      });
      if (name === 'sparsemax') {
        // a projection onto the simplex: every row sums to 1 (Keras before #23469 gave 0.25 for [0, 0.5, 1])
        tidy(() => expectClose(applyDenseActivation('sparsemax', tensor([[0, 0.5, 1]])), [0, 0.25, 0.75], { rtol: 0, atol: 1e-6 }, 'sparsemax [0, .5, 1]'));
      }
    });

    test('the Jacobian-vector product equals float64 central differences; a perturbed one is rejected', () => {
      for (const row of ROWS) {
        if (name === 'sparsemax') {
          const tau = sparsemaxTau(row);
          expect(Math.min(...row.map((v) => Math.abs(v - tau)))).toBeGreaterThan(1e-3); // away from kinks
        }
        const r = upstream(row.length, 3);
        const analytic = tidy(() => Array.from(grad((x: Tensor) => sum(mul(applyDenseActivation(name, x), tensor([r]))))(tensor([row])).dataSync()));
        const loss = (v: Readonly<Record<string, Float64Array>>): number => ref(Array.from(v['x']!)).reduce((a, y, j) => a + y * r[j]!, 0);
        const report = gradcheck(loss, { x: row }, { x: analytic }, { rtol: 1e-5, atol: 1e-6 });
        if (!report.ok) throw new Error(`${name} row ${JSON.stringify(row)}: max |error| ${report.maxAbsError}`);
        const off = [...analytic];
        off[1] = off[1]! + 1e-3;
        const bad = gradcheck(loss, { x: row }, { x: off }, { rtol: 1e-5, atol: 1e-6 });
        expect(bad.ok).toBe(false);
        expect(bad.mismatches[0]!.index).toBe(1);
      }
    });
  });

  test.each(Object.entries(TFJS_NAME))('%s equals tfjs-layers activation %p within 1e-5', (ours, theirs) => {
    const layer = tfl.layers.activation({ activation: theirs as 'relu' });
    tidy(() => {
      const x = tensor(POINTS, [5, 5]);
      expectClose(applyDenseActivation(ours as DenseActivation, x), layer.apply(x) as Tensor, { rtol: 1e-5, atol: 1e-5 }, `${ours} vs tfjs ${theirs}`);
    });
  });

  test("tfjs-layers' hard_sigmoid is Keras 2's, not Keras 3's (0.7 vs 0.6667 at x = 1)", () => {
    tidy(() => {
      const x = tensor([1]);
      expectClose(applyDenseActivation('hardSigmoidKeras2', x), [0.7], { atol: 1e-6 });
      expectClose(applyDenseActivation('hardSigmoidKeras3', x), [2 / 3], { atol: 1e-6 });
    });
  });

  test('Keras names map both ways; hard_sigmoid by the file flavour; aliases; refusals are named', () => {
    for (const name of DENSE_ACTIVATIONS) {
      if (name === 'hardSigmoidKeras3') continue;
      const keras = layerActivationToKeras(name, 'test');
      expect(layerActivationFromKeras(keras, 'keras2', 'test')).toBe(name);
    }
    expect(layerActivationToKeras('leakyRelu', 'w')).toBe('leaky_relu');
    expect(layerActivationToKeras('silu', 'w')).toBe('swish');
    expect(layerActivationFromKeras('hard_sigmoid', 'keras3', 'w')).toBe('hardSigmoidKeras3');
    expect(layerActivationFromKeras('hard_sigmoid', 'keras2', 'w')).toBe('hardSigmoidKeras2');
    expect(layerActivationFromKeras('silu', 'keras3', 'w')).toBe('silu');
    expect(layerActivationFromKeras('hard_swish', 'keras3', 'w')).toBe('hardSilu');
    expect(layerActivationFromKeras(null, 'keras3', 'w')).toBe('linear');
    expect(() => layerActivationToKeras('hardSigmoidKeras3', "layer 'a'")).toThrow(/layer 'a': Keras 3's hard sigmoid/);
    expect(() => layerActivationFromKeras('glu', 'keras3', "layer 'd'")).toThrow(/layer 'd': activation 'glu' is not supported as a layer activation \(it halves the last axis\)/);
    expect(() => layerActivationFromKeras('bogus', 'keras3', "layer 'd'")).toThrow(/layer 'd': activation "bogus" is not supported \(supported: hard_sigmoid, linear, relu/);
    expect(() => assertDenseActivation('swish', 'dense: activation')).toThrow(/dense: activation must be one of 'linear', .*'silu'.*, got "swish"/);
  });

  test('no tensor leaks', () => {
    const before = numTensors();
    for (const name of DENSE_ACTIVATIONS) {
      const x = tensor(ROWS.flat(), [5, 5]);
      const y = applyDenseActivation(name, x);
      const g = grad((v: Tensor) => sum(applyDenseActivation(name, v)))(x);
      dispose(y === x ? [x, g] : [x, y, g]);
    }
    expect(numTensors()).toBe(before);
  });
});
