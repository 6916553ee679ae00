/**
 * The float64 reference sequence driver: the recurrence over T steps with Keras masking and
 * `goBackwards`, and backpropagation through time written out by hand (min-char-rnn style).
 *
 * Shapes: B batch, T time, I input, H units, G gates (SimpleRNN 1, LSTM 4, GRU 3); flat row-major.
 *
 * Step s (processing order) reads input time t = s, or t = T−1−s with `goBackwards`; with m = mask[b, t]:
 *   (h', c') = cell(x_t, h, c)
 *   h_s = m·h' + (1−m)·h           c_s = m·c' + (1−m)·c
 *   y_s = m·h' + (1−m)·h           (or m·h' with zeroOutputForMask)
 * The loss the gradients belong to is linear in the results (see {@link ReferenceUpstream}):
 *   L = Σ outputs⊙R_outputs + Σ lastOutput⊙R_lastOutput + Σ h_T⊙R_h + Σ c_T⊙R_c.
 */
import { gruStep } from './gru';
import { lstmStep } from './lstm';
import { simpleRnnStep } from './simple-rnn';
import type { ReferenceStep, StepDims, StepGradients, StepState } from './step';
import type {
  ReferenceCellConfig,
  ReferenceForward,
  ReferenceGradients,
  ReferenceOptions,
  ReferenceParams,
  ReferenceUpstream,
  SequenceShape,
} from './types';

/** Number of fused gate blocks: SimpleRNN 1, LSTM 4, GRU 3. */
export function gateCount(config: ReferenceCellConfig): number {
  return config.kind === 'simpleRnn' ? 1 : config.kind === 'lstm' ? 4 : 3;
}

/** Expected parameter shapes: `wxh [I, G·H]`, `whh [H, G·H]`, `bh [G·H]` or `[2, 3H]` (GRU resetAfter). */
export function referenceParamShapes(config: ReferenceCellConfig): {
  wxh: readonly number[];
  whh: readonly number[];
  bh: readonly number[] | null;
} {
  const gh = gateCount(config) * config.units;
  const bh = !config.useBias ? null : config.kind === 'gru' && config.resetAfter ? [2, gh] : [gh];
  return { wxh: [config.inputSize, gh], whh: [config.units, gh], bh };
}

function size(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function checkLength(values: ArrayLike<number> | undefined, shape: readonly number[], name: string): void {
  if (values !== undefined && values.length !== size(shape)) {
    throw new Error(`${name} must hold ${size(shape)} values (shape [${shape.join(', ')}]), got ${values.length}`);
  }
}

function checkInputs(config: ReferenceCellConfig, params: ReferenceParams, xs: Float64Array, shape: SequenceShape, options: ReferenceOptions): void {
  const [B, T, I] = shape;
  if (I !== config.inputSize) throw new Error(`xsShape[2] must equal config.inputSize ${config.inputSize}, got ${I}`);
  checkLength(xs, shape, 'xs');
  const expected = referenceParamShapes(config);
  checkLength(params.wxh, expected.wxh, 'params.wxh');
  checkLength(params.whh, expected.whh, 'params.whh');
  if (expected.bh === null) {
    if (params.bh !== undefined) throw new Error('params.bh must be absent when config.useBias is false');
  } else {
    if (params.bh === undefined) throw new Error(`params.bh [${expected.bh.join(', ')}] is required when config.useBias is true`);
    checkLength(params.bh, expected.bh, 'params.bh');
  }
  const H = config.units;
  checkLength(options.mask, [B, T], 'options.mask');
  checkLength(options.initialState?.h, [B, H], 'options.initialState.h');
  if (config.kind === 'lstm') checkLength(options.initialState?.c, [B, H], 'options.initialState.c');
}

function makeStep(config: ReferenceCellConfig, params: ReferenceParams, dims: StepDims): ReferenceStep<unknown> {
  switch (config.kind) {
    case 'simpleRnn':
      return simpleRnnStep(config, params, dims);
    case 'lstm':
      return lstmStep(config, params, dims);
    case 'gru':
      return gruStep(config, params, dims);
  }
}

/** `xs[:, t, :]` as a new `[B, I]` array. */
function timeSlice(xs: Float64Array, [B, T, I]: SequenceShape, t: number): Float64Array {
  const out = new Float64Array(B * I);
  for (let b = 0; b < B; b++) out.set(xs.subarray((b * T + t) * I, (b * T + t + 1) * I), b * I);
  return out;
}

interface Trace {
  readonly forward: ReferenceForward;
  readonly step: ReferenceStep<unknown>;
  readonly caches: readonly unknown[];
}

function run(config: ReferenceCellConfig, params: ReferenceParams, xs: Float64Array, shape: SequenceShape, options: ReferenceOptions): Trace {
  checkInputs(config, params, xs, shape, options);
  const [B, T, I] = shape;
  const H = config.units;
  const step = makeStep(config, params, { batch: B, inputSize: I, units: H });
  const isLstm = config.kind === 'lstm';
  let state: StepState = {
    h: Float64Array.from(options.initialState?.h ?? new Float64Array(B * H)),
    c: isLstm ? Float64Array.from(options.initialState?.c ?? new Float64Array(B * H)) : null,
  };
  const outputs = new Float64Array(B * T * H);
  const caches: unknown[] = [];
  for (let s = 0; s < T; s++) {
    const t = options.goBackwards === true ? T - 1 - s : s;
    const next = step.forward(timeSlice(xs, shape, t), state);
    caches.push(next.cache);
    const h = new Float64Array(B * H);
    const c = isLstm ? new Float64Array(B * H) : null;
    for (let b = 0; b < B; b++) {
      const m = options.mask === undefined ? 1 : options.mask[b * T + t]!;
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        h[k] = m * next.state.h[k]! + (1 - m) * state.h[k]!;
        if (c !== null) c[k] = m * next.state.c![k]! + (1 - m) * state.c![k]!;
        const carried = options.zeroOutputForMask === true ? 0 : state.h[k]!;
        outputs[(b * T + s) * H + j] = m * next.state.h[k]! + (1 - m) * carried;
      }
    }
    state = { h, c };
  }
  const lastOutput = new Float64Array(B * H);
  for (let b = 0; b < B; b++) lastOutput.set(outputs.subarray((b * T + T - 1) * H, (b * T + T) * H), b * H);
  const finalState = state.c === null ? { h: state.h } : { h: state.h, c: state.c };
  return { forward: { outputs, lastOutput, state: finalState }, step, caches };
}

/**
 * Runs a reference cell over a sequence in float64.
 *
 * @param config the cell (a `@rnnkit/cells` `CellConfig` fits)
 * @param params `wxh [I, G·H]`, `whh [H, G·H]`, `bh [G·H]` or `[2, 3H]`, flat row-major
 * @param xs `[B, T, I]`, flat row-major
 * @param xsShape `[B, T, I]`
 * @returns outputs `[B, T, H]` (processing order), lastOutput `[B, H]`, final state
 */
export function referenceForward(
  config: ReferenceCellConfig,
  params: ReferenceParams,
  xs: Float64Array,
  xsShape: SequenceShape,
  options: ReferenceOptions = {},
): ReferenceForward {
  return run(config, params, xs, xsShape, options).forward;
}

function dotProduct(a: ArrayLike<number>, b: ArrayLike<number> | undefined): number {
  if (b === undefined) return 0;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * The loss the reference gradients belong to:
 * `L = Σ outputs⊙R_outputs + Σ lastOutput⊙R_lastOutput + Σ h_T⊙R_h + Σ c_T⊙R_c`.
 */
export function referenceLoss(forward: ReferenceForward, upstream: ReferenceUpstream): number {
  return (
    dotProduct(forward.outputs, upstream.outputs) +
    dotProduct(forward.lastOutput, upstream.lastOutput) +
    dotProduct(forward.state.h, upstream.h) +
    (forward.state.c === undefined ? 0 : dotProduct(forward.state.c, upstream.c))
  );
}

/**
 * Forward pass and hand-written backpropagation through time in float64: the gradients of
 * `L = Σ outputs⊙R_outputs + Σ lastOutput⊙R_lastOutput + Σ h_T⊙R_h + Σ c_T⊙R_c`
 * (the `R`s are `upstream`, i.e. the upstream gradients) with respect to the inputs, the initial
 * state and every parameter.
 *
 * Backward, step s = T−1 … 0 (m = mask[b, t], dh and dc carried from step s+1, starting at R_h, R_c):
 *   dy = R_outputs[s] (+ R_lastOutput at s = T−1)
 *   dh' = m·(dh + dy)                dc' = m·dc
 *   (dx_t, dh_cell, dc_cell) = cell backward(dh', dc')
 *   dh ← (1−m)·(dh + dy) + dh_cell    (dy drops out of the carry with zeroOutputForMask)
 *   dc ← (1−m)·dc + dc_cell
 *
 * To check a tfjs implementation, run it with the same (float32) weights, differentiate
 * `sum(outputs * R)` (+ the state terms) and compare in float32 tolerance (e.g. rtol 1e-4,
 * atol 1e-5); the reference itself agrees with central differences to ~1e-9.
 *
 * @example
 * // xs [B, T, I], R [B, T, H], mask [B, T] are tensors; params a cells CellParams
 * const ref = referenceGradients(config, toReferenceParams(params), toFloat64(xs), xs.shape as [number, number, number],
 *   { outputs: toFloat64(R) }, { mask: toFloat64(mask), goBackwards: true });
 * const [dxs, dwxh] = grads((x: Tensor, w: Tensor) =>
 *   sum(mul(scan(config, { ...params, wxh: w }, x, { mask, goBackwards: true, returnSequences: true }).outputs, R)))([xs, params.wxh]);
 * expectClose(dxs, ref.dxs, { rtol: 1e-4, atol: 1e-5 }, 'dxs');
 * expectClose(dwxh, ref.dwxh, { rtol: 1e-4, atol: 1e-5 }, 'dwxh');
 *
 * @returns the forward results, the loss value and `dxs [B, T, I]`, `dh0 [B, H]`, `dc0 [B, H]`
 *   (LSTM), `dwxh`, `dwhh`, `dbh` (shaped like the params)
 */
export function referenceGradients(
  config: ReferenceCellConfig,
  params: ReferenceParams,
  xs: Float64Array,
  xsShape: SequenceShape,
  upstream: ReferenceUpstream,
  options: ReferenceOptions = {},
): ReferenceGradients {
  const { forward, step, caches } = run(config, params, xs, xsShape, options);
  const [B, T, I] = xsShape;
  const H = config.units;
  checkLength(upstream.outputs, [B, T, H], 'upstream.outputs');
  checkLength(upstream.lastOutput, [B, H], 'upstream.lastOutput');
  checkLength(upstream.h, [B, H], 'upstream.h');
  checkLength(upstream.c, [B, H], 'upstream.c');
  const isLstm = config.kind === 'lstm';
  const gradients: StepGradients = {
    dwxh: new Float64Array(params.wxh.length),
    dwhh: new Float64Array(params.whh.length),
    dbh: params.bh === undefined ? null : new Float64Array(params.bh.length),
  };
  const dxs = new Float64Array(B * T * I);
  let dh = Float64Array.from(upstream.h ?? new Float64Array(B * H));
  let dc = isLstm ? Float64Array.from(upstream.c ?? new Float64Array(B * H)) : null;
  for (let s = T - 1; s >= 0; s--) {
    const t = options.goBackwards === true ? T - 1 - s : s;
    const dhNew = new Float64Array(B * H);
    const dcNew = dc === null ? null : new Float64Array(B * H);
    const dhCarry = new Float64Array(B * H);
    const dcCarry = dc === null ? null : new Float64Array(B * H);
    for (let b = 0; b < B; b++) {
      const m = options.mask === undefined ? 1 : options.mask[b * T + t]!;
      for (let j = 0; j < H; j++) {
        const k = b * H + j;
        let dy = upstream.outputs === undefined ? 0 : upstream.outputs[(b * T + s) * H + j]!;
        if (s === T - 1 && upstream.lastOutput !== undefined) dy += upstream.lastOutput[k]!;
        dhNew[k] = m * (dh[k]! + dy);
        dhCarry[k] = (1 - m) * (dh[k]! + (options.zeroOutputForMask === true ? 0 : dy));
        if (dc !== null && dcNew !== null && dcCarry !== null) {
          dcNew[k] = m * dc[k]!;
          dcCarry[k] = (1 - m) * dc[k]!;
        }
      }
    }
    const back = step.backward(caches[s], dhNew, dcNew, gradients);
    for (let b = 0; b < B; b++) dxs.set(back.dx.subarray(b * I, (b + 1) * I), (b * T + t) * I);
    for (let k = 0; k < B * H; k++) {
      dhCarry[k] = dhCarry[k]! + back.dh[k]!;
      if (dcCarry !== null && back.dc !== null) dcCarry[k] = dcCarry[k]! + back.dc[k]!;
    }
    dh = dhCarry;
    dc = dcCarry;
  }
  return {
    forward,
    loss: referenceLoss(forward, upstream),
    dxs,
    dh0: dh,
    ...(dc === null ? {} : { dc0: dc }),
    dwxh: gradients.dwxh,
    dwhh: gradients.dwhh,
    ...(gradients.dbh === null ? {} : { dbh: gradients.dbh }),
  };
}
