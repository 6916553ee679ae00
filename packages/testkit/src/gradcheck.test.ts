/**
 * gradcheck itself: it accepts right gradients, and — the negative controls — rejects a gradient
 * with one entry off, an LSTM gradient with the forget-gate derivative dropped, and a gradient
 * taken with the wrong hard sigmoid.
 */
import { expectGradcheck, gradcheck, numericalGradients } from './gradcheck';
import { randomFloat64, referenceForward, referenceGradients, referenceLoss } from './reference';
import type { ReferenceCellConfig, ReferenceParams, ReferenceUpstream, SequenceShape } from './reference';

describe('gradcheck', () => {
  // L(a, b) = Σ sin(a_i)·b_i + (Σ b)²:  dL/da = cos(a)⊙b,  dL/db = sin(a) + 2·Σ b
  const loss = (p: Readonly<Record<string, Float64Array>>): number => {
    const a = p['a']!;
    const b = p['b']!;
    let s = 0;
    let sumB = 0;
    for (let i = 0; i < a.length; i++) {
      s += Math.sin(a[i]!) * b[i]!;
      sumB += b[i]!;
    }
    return s + sumB * sumB;
  };
  const a = Float64Array.from([0.3, -1.2, 2.5]);
  const b = Float64Array.from([0.7, 0.1, -0.4]);
  const sumB = 0.7 + 0.1 - 0.4;
  const analytic = {
    a: a.map((x, i) => Math.cos(x) * b[i]!),
    b: a.map((x) => Math.sin(x) + 2 * sumB),
  };

  it('accepts a right gradient, with errors far below the tolerance', () => {
    const report = expectGradcheck(loss, { a, b }, analytic);
    expect(report.checked).toBe(6);
    expect(report.maxAbsError).toBeLessThan(1e-8);
  });

  it('leaves the caller arrays untouched', () => {
    numericalGradients(loss, { a, b });
    expect(Array.from(a)).toEqual([0.3, -1.2, 2.5]);
  });

  it('NEGATIVE CONTROL: rejects one entry off by 1e-5, naming it', () => {
    const wrong = { a: Float64Array.from(analytic.a), b: analytic.b };
    wrong.a[1] = wrong.a[1]! + 1e-5;
    const report = gradcheck(loss, { a, b }, wrong);
    expect(report.ok).toBe(false);
    expect(report.mismatches).toHaveLength(1);
    expect(report.mismatches[0]).toMatchObject({ name: 'a', index: 1 });
    expect(() => expectGradcheck(loss, { a, b }, wrong, {}, 'toy')).toThrow(/toy: 1 of 6 entries differ .* a\[1\]/);
  });

  it('names a missing or mis-sized analytic gradient', () => {
    expect(() => gradcheck(loss, { a, b }, { a: analytic.a })).toThrow("analytic gradients must include 'b', got [a]");
    expect(() => gradcheck(loss, { a, b }, { a: analytic.a, b: [1] })).toThrow("analytic gradient 'b' must have 3 entries, got 1");
  });
});

describe('gradcheck rejects wrong LSTM gradients (negative controls)', () => {
  const shape: SequenceShape = [2, 5, 3];
  const H = 3;
  const lstm: ReferenceCellConfig = { kind: 'lstm', inputSize: 3, units: H, activation: 'tanh', recurrentActivation: 'hardSigmoidKeras3', useBias: true };
  const xs = randomFloat64(2 * 5 * 3, 1);
  const params: ReferenceParams = { wxh: randomFloat64(36, 2, 1.5), whh: randomFloat64(36, 3, 1.5), bh: randomFloat64(12, 4, 1.5) };
  const upstream: ReferenceUpstream = { outputs: randomFloat64(2 * 5 * H, 5), c: randomFloat64(2 * H, 6) };
  const lossOf =
    (config: ReferenceCellConfig) =>
    (p: Readonly<Record<string, Float64Array>>): number =>
      referenceLoss(referenceForward(config, { wxh: p['wxh']!, whh: p['whh']!, bh: p['bh']! }, xs, shape), upstream);
  const inputs = { wxh: params.wxh, whh: params.whh, bh: params.bh! };
  const right = referenceGradients(lstm, params, xs, shape, upstream);

  it('the right gradient passes', () => {
    expectGradcheck(lossOf(lstm), inputs, { wxh: right.dwxh, whh: right.dwhh, bh: right.dbh! });
  });

  it('forget-gate derivative dropped (its columns of dWxh, dWhh, dbh zeroed): rejected', () => {
    // columns [H, 2H) of every row are the forget gate (gate order i, f, c, o)
    const dropForget = (g: Float64Array): Float64Array => g.map((v, k) => (k % (4 * H) >= H && k % (4 * H) < 2 * H ? 0 : v));
    const report = gradcheck(lossOf(lstm), inputs, { wxh: dropForget(right.dwxh), whh: dropForget(right.dwhh), bh: dropForget(right.dbh!) });
    expect(report.ok).toBe(false);
    expect(report.mismatches.every((m) => m.index % (4 * H) >= H && m.index % (4 * H) < 2 * H)).toBe(true);
  });

  it("the gradient taken through the Keras-2 hard sigmoid (slope 0.2) where the loss uses Keras 3's (1/6): rejected", () => {
    const keras2 = referenceGradients({ ...lstm, recurrentActivation: 'hardSigmoidKeras2' }, params, xs, shape, upstream);
    const report = gradcheck(lossOf(lstm), inputs, { wxh: keras2.dwxh, whh: keras2.dwhh, bh: keras2.dbh! });
    expect(report.ok).toBe(false);
  });
});
