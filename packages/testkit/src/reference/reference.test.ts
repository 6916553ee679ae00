/**
 * The float64 reference cells: forward values worked out by hand, Keras masking and goBackwards
 * semantics, and the hand-written backward of every cell and option against central differences
 * (gradcheck, rtol = atol = 1e-6).
 *
 * Shapes: B batch, T time, I input, H units.
 */
import { expectClose } from '../expect-close';
import { expectGradcheck } from '../gradcheck';
import {
  randomFloat64,
  referenceForward,
  referenceGradients,
  referenceLoss,
  referenceParamShapes,
  scalarActivation,
} from './index';
import type { ReferenceCellConfig, ReferenceOptions, ReferenceParams, ReferenceUpstream, SequenceShape } from './index';

const B = 2;
const T = 4;
const I = 3;
const H = 3;
const SHAPE: SequenceShape = [B, T, I];

const simpleRnn = (activation: 'tanh' | 'relu' | 'linear' | 'sigmoid', useBias = true): ReferenceCellConfig => ({
  kind: 'simpleRnn',
  inputSize: I,
  units: H,
  activation,
  useBias,
});
const lstm = (overrides: Partial<{ activation: 'tanh' | 'relu'; recurrentActivation: 'sigmoid' | 'hardSigmoidKeras2' | 'hardSigmoidKeras3'; useBias: boolean }> = {}): ReferenceCellConfig => ({
  kind: 'lstm',
  inputSize: I,
  units: H,
  activation: 'tanh',
  recurrentActivation: 'sigmoid',
  useBias: true,
  ...overrides,
});
const gru = (resetAfter: boolean, overrides: Partial<{ recurrentActivation: 'sigmoid' | 'hardSigmoidKeras2' | 'hardSigmoidKeras3'; useBias: boolean }> = {}): ReferenceCellConfig => ({
  kind: 'gru',
  inputSize: I,
  units: H,
  activation: 'tanh',
  recurrentActivation: 'sigmoid',
  useBias: true,
  resetAfter,
  ...overrides,
});

/** Seeded random params of the right shapes. */
function randomParams(config: ReferenceCellConfig, seed: number, scale = 0.8): ReferenceParams {
  const shapes = referenceParamShapes(config);
  const count = (s: readonly number[]): number => s.reduce((a, b) => a * b, 1);
  const wxh = randomFloat64(count(shapes.wxh), seed, scale);
  const whh = randomFloat64(count(shapes.whh), seed + 1, scale);
  return shapes.bh === null ? { wxh, whh } : { wxh, whh, bh: randomFloat64(count(shapes.bh), seed + 2, scale) };
}

/** Mask [B, T]: row 0 has a hole in the middle, row 1 is padded at the start and the end. */
const MASK = [1, 0, 1, 1, 0, 1, 1, 0];

/**
 * Gradcheck of one reference run: every input of the loss (xs, h0, c0, wxh, whh, bh) against
 * central differences, with all four upstream terms active.
 */
function checkGradients(config: ReferenceCellConfig, options: Omit<ReferenceOptions, 'initialState'>, seed: number, scale = 0.8): void {
  const params = randomParams(config, seed, scale);
  const isLstm = config.kind === 'lstm';
  const inputs: Record<string, Float64Array> = {
    xs: randomFloat64(B * T * I, seed + 10),
    h0: randomFloat64(B * H, seed + 11, 0.5),
    wxh: params.wxh,
    whh: params.whh,
  };
  if (isLstm) inputs['c0'] = randomFloat64(B * H, seed + 12, 0.5);
  if (params.bh !== undefined) inputs['bh'] = params.bh;
  const upstream: ReferenceUpstream = {
    outputs: randomFloat64(B * T * H, seed + 20),
    lastOutput: randomFloat64(B * H, seed + 21),
    h: randomFloat64(B * H, seed + 22),
    ...(isLstm ? { c: randomFloat64(B * H, seed + 23) } : {}),
  };
  const run = (p: Readonly<Record<string, Float64Array>>): { params: ReferenceParams; options: ReferenceOptions } => ({
    params: p['bh'] === undefined ? { wxh: p['wxh']!, whh: p['whh']! } : { wxh: p['wxh']!, whh: p['whh']!, bh: p['bh'] },
    options: { ...options, initialState: p['c0'] === undefined ? { h: p['h0']! } : { h: p['h0']!, c: p['c0'] } },
  });
  const loss = (p: Readonly<Record<string, Float64Array>>): number => {
    const { params: q, options: o } = run(p);
    return referenceLoss(referenceForward(config, q, p['xs']!, SHAPE, o), upstream);
  };
  const { params: q, options: o } = run(inputs);
  const g = referenceGradients(config, q, inputs['xs']!, SHAPE, upstream, o);
  expect(g.loss).toBeCloseTo(loss(inputs), 12);
  const analytic: Record<string, Float64Array> = { xs: g.dxs, h0: g.dh0, wxh: g.dwxh, whh: g.dwhh };
  if (g.dc0 !== undefined) analytic['c0'] = g.dc0;
  if (g.dbh !== undefined) analytic['bh'] = g.dbh;
  expectGradcheck(loss, inputs, analytic, {}, `${config.kind} ${JSON.stringify(options)}`);
}

describe('reference activations', () => {
  it('tell the two hard sigmoids apart (x = 1: 0.7 vs 0.6667; sigmoid(1) = 0.7311)', () => {
    expect(scalarActivation('hardSigmoidKeras2').value(1)).toBeCloseTo(0.7, 12);
    expect(scalarActivation('hardSigmoidKeras3').value(1)).toBeCloseTo(2 / 3, 12);
    expect(scalarActivation('sigmoid').value(1)).toBeCloseTo(0.7310585786, 9);
    expect(scalarActivation('hardSigmoidKeras2').value(3)).toBe(1);
    expect(scalarActivation('hardSigmoidKeras3').value(-3.5)).toBe(0);
  });

  it('reject an unknown name, naming the argument', () => {
    expect(() => scalarActivation('swish' as 'tanh', 'config.activation')).toThrow('config.activation must be one of tanh, sigmoid');
  });
});

describe('reference forward', () => {
  it('computes one SimpleRNN step by hand', () => {
    const config: ReferenceCellConfig = { kind: 'simpleRnn', inputSize: 2, units: 1, activation: 'tanh', useBias: true };
    const params = { wxh: new Float64Array([0.5, -1]), whh: new Float64Array([2]), bh: new Float64Array([0.1]) };
    const out = referenceForward(config, params, new Float64Array([1, 2, 3, 4]), [1, 2, 2], { initialState: { h: new Float64Array([0.3]) } });
    const h1 = Math.tanh(0.5 * 1 - 1 * 2 + 2 * 0.3 + 0.1);
    const h2 = Math.tanh(0.5 * 3 - 1 * 4 + 2 * h1 + 0.1);
    expectClose(out.outputs, [h1, h2], { rtol: 1e-15, atol: 0 });
    expectClose(out.state.h, [h2], { rtol: 1e-15, atol: 0 });
  });

  it('computes one LSTM step by hand (gates i, f, c, o)', () => {
    const config: ReferenceCellConfig = { kind: 'lstm', inputSize: 1, units: 1, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true };
    const params = { wxh: new Float64Array([1, 2, 3, 4]), whh: new Float64Array([0.5, 0.5, 0.5, 0.5]), bh: new Float64Array([0, 1, 0, -1]) };
    const out = referenceForward(config, params, new Float64Array([0.2]), [1, 1, 1], {
      initialState: { h: new Float64Array([0.4]), c: new Float64Array([-0.6]) },
    });
    const s = (x: number): number => 1 / (1 + Math.exp(-x));
    const i = s(0.2 + 0.2);
    const f = s(0.4 + 0.2 + 1);
    const g = Math.tanh(0.6 + 0.2);
    const o = s(0.8 + 0.2 - 1);
    const c = f * -0.6 + i * g;
    expectClose(out.state.c!, [c], { rtol: 1e-15, atol: 0 });
    expectClose(out.state.h, [o * Math.tanh(c)], { rtol: 1e-15, atol: 0 });
  });

  it('computes one GRU step by hand, reset after and before (gates z, r, h)', () => {
    const s = (x: number): number => 1 / (1 + Math.exp(-x));
    const wxh = new Float64Array([1, 2, 3]);
    const whh = new Float64Array([0.5, -0.5, 2]);
    const h0 = 0.4;
    const x = 0.2;
    const after = referenceForward(
      { kind: 'gru', inputSize: 1, units: 1, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, resetAfter: true },
      { wxh, whh, bh: new Float64Array([0.1, 0.2, 0.3, -0.1, -0.2, -0.3]) },
      new Float64Array([x]),
      [1, 1, 1],
      { initialState: { h: new Float64Array([h0]) } },
    );
    let z = s(x * 1 + 0.1 + h0 * 0.5 - 0.1);
    let r = s(x * 2 + 0.2 + h0 * -0.5 - 0.2);
    let candidate = Math.tanh(x * 3 + 0.3 + r * (h0 * 2 - 0.3));
    expectClose(after.state.h, [z * h0 + (1 - z) * candidate], { rtol: 1e-15, atol: 0 });
    const before = referenceForward(
      { kind: 'gru', inputSize: 1, units: 1, activation: 'tanh', recurrentActivation: 'sigmoid', useBias: true, resetAfter: false },
      { wxh, whh, bh: new Float64Array([0.1, 0.2, 0.3]) },
      new Float64Array([x]),
      [1, 1, 1],
      { initialState: { h: new Float64Array([h0]) } },
    );
    z = s(x * 1 + 0.1 + h0 * 0.5);
    r = s(x * 2 + 0.2 + h0 * -0.5);
    candidate = Math.tanh(x * 3 + 0.3 + r * h0 * 2);
    expectClose(before.state.h, [z * h0 + (1 - z) * candidate], { rtol: 1e-15, atol: 0 });
  });

  it('carries the state over masked steps and repeats the previous output (or zero)', () => {
    const config = lstm();
    const params = randomParams(config, 1);
    const xs = randomFloat64(B * T * I, 2);
    const masked = referenceForward(config, params, xs, SHAPE, { mask: MASK });
    const zeroed = referenceForward(config, params, xs, SHAPE, { mask: MASK, zeroOutputForMask: true });
    // row 0, step 1 is masked: output = output of step 0; row 1, step 0 is masked: output = h0 = 0
    const out = (o: Float64Array, b: number, t: number): Float64Array => o.subarray((b * T + t) * H, (b * T + t + 1) * H);
    expectClose(out(masked.outputs, 0, 1), out(masked.outputs, 0, 0), { rtol: 0, atol: 0 });
    expectClose(out(masked.outputs, 1, 0), [0, 0, 0], { rtol: 0, atol: 0 });
    expectClose(out(zeroed.outputs, 0, 1), [0, 0, 0], { rtol: 0, atol: 0 });
    expectClose(out(masked.outputs, 1, 3), out(masked.outputs, 1, 2), { rtol: 0, atol: 0 });
    // the final state of row 1 is its state after step 2, the last real step
    const upTo3 = referenceForward(config, params, xs, SHAPE, { mask: [1, 0, 1, 1, 0, 1, 1, 1] });
    expectClose(masked.state.h.subarray(H), out(upTo3.outputs, 1, 2), { rtol: 0, atol: 0 });
    expectClose(masked.state.c!, zeroed.state.c!, { rtol: 0, atol: 0 });
  });

  it('a mask of ones changes nothing; goBackwards equals running on time-reversed inputs', () => {
    const config = gru(true);
    const params = randomParams(config, 3);
    const xs = randomFloat64(B * T * I, 4);
    const plain = referenceForward(config, params, xs, SHAPE);
    expectClose(referenceForward(config, params, xs, SHAPE, { mask: new Array(B * T).fill(1) }).outputs, plain.outputs, { rtol: 0, atol: 0 });
    const reversed = new Float64Array(xs.length);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) reversed.set(xs.subarray((b * T + t) * I, (b * T + t + 1) * I), (b * T + T - 1 - t) * I);
    }
    const backwards = referenceForward(config, params, xs, SHAPE, { goBackwards: true });
    expectClose(backwards.outputs, referenceForward(config, params, reversed, SHAPE).outputs, { rtol: 0, atol: 0 });
    expectClose(backwards.lastOutput, backwards.state.h, { rtol: 0, atol: 0 });
  });

  it('names the argument, the expected and the given size in its errors', () => {
    const config = lstm();
    const params = randomParams(config, 1);
    const xs = randomFloat64(B * T * I, 2);
    expect(() => referenceForward(config, { ...params, whh: new Float64Array(5) }, xs, SHAPE)).toThrow(
      'params.whh must hold 36 values (shape [3, 12]), got 5',
    );
    expect(() => referenceForward(config, params, xs, [B, T, 4])).toThrow('xsShape[2] must equal config.inputSize 3, got 4');
    expect(() => referenceForward(config, params, xs, SHAPE, { mask: [1, 1] })).toThrow('options.mask must hold 8 values (shape [2, 4]), got 2');
    expect(() => referenceForward({ ...config, useBias: false }, params, xs, SHAPE)).toThrow('params.bh must be absent');
    expect(() => referenceForward(gru(true), randomParams(gru(false), 1), xs, SHAPE)).toThrow('params.bh must hold 18 values (shape [2, 9]), got 9');
  });
});

describe('reference backward agrees with central differences (rtol = atol = 1e-6)', () => {
  const configs: readonly [string, ReferenceCellConfig, number?][] = [
    ['simpleRnn tanh', simpleRnn('tanh')],
    ['simpleRnn relu', simpleRnn('relu')],
    ['simpleRnn linear', simpleRnn('linear'), 0.5],
    ['simpleRnn sigmoid without bias', simpleRnn('sigmoid', false)],
    ['lstm', lstm()],
    ['lstm hardSigmoidKeras2', lstm({ recurrentActivation: 'hardSigmoidKeras2' }), 2],
    ['lstm hardSigmoidKeras3, relu', lstm({ recurrentActivation: 'hardSigmoidKeras3', activation: 'relu' }), 2],
    ['lstm without bias', lstm({ useBias: false })],
    ['gru resetAfter', gru(true)],
    ['gru resetBefore', gru(false)],
    ['gru resetAfter hardSigmoidKeras3', gru(true, { recurrentActivation: 'hardSigmoidKeras3' }), 2],
    ['gru resetBefore hardSigmoidKeras2 without bias', gru(false, { recurrentActivation: 'hardSigmoidKeras2', useBias: false }), 2],
  ];
  const options: readonly [string, Omit<ReferenceOptions, 'initialState'>][] = [
    ['plain', {}],
    ['masked', { mask: MASK }],
    ['masked, zero output, backwards', { mask: MASK, zeroOutputForMask: true, goBackwards: true }],
  ];
  configs.forEach(([name, config, scale], i) => {
    it.each(options)(`${name}: %s`, (_label, opts) => {
      checkGradients(config, opts, 100 * i + 7, scale);
    });
  });
});
