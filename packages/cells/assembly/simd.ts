/**
 * Element-wise f32x4 maths of the recurrence kernel: expm1, the six activations and their
 * derivatives in terms of the output, and the subnormal flush.
 *
 * Accuracy (tested from TypeScript against Math.tanh / 1/(1+e^−x) over a dense grid): relative
 * error ≲ 3e-7 for tanh and sigmoid — well inside the 1e-5 the cells are tested to.
 */

/** Activation codes; `src/kernel/activation-codes.ts` passes the same numbers. */
export const TANH: i32 = 0;
export const SIGMOID: i32 = 1;
export const RELU: i32 = 2;
export const LINEAR: i32 = 3;
export const HARD_SIGMOID_KERAS2: i32 = 4;
export const HARD_SIGMOID_KERAS3: i32 = 5;

/**
 * Magnitudes below this are flushed to 0 where values are stored between steps. WebAssembly has
 * no flush-to-zero mode, and f32x4 arithmetic on subnormal floats is many times slower on x86; a
 * threshold well above the subnormal range keeps products of stored values out of it too.
 */
const FLUSH_BELOW: f32 = 1e-30;

/*
 * The f32x4 constants of the loops, as module globals that the start function sets (per
 * instance: nothing is written to memory). V8 builds a `v128.const` anew at every use inside a
 * loop, several instructions each, where a global is one load: the activations ran 1.5× faster
 * (tanh 14.4 → 8.8 ns, sigmoid 12.4 → 8.5 ns per f32x4 here). Same values, same results.
 */
let FLUSH4: v128 = f32x4.splat(FLUSH_BELOW);
export let ONE4: v128 = f32x4.splat(1.0);
let TWO4: v128 = f32x4.splat(2.0);
let MINUS_TWO4: v128 = f32x4.splat(-2.0);
let HALF4: v128 = f32x4.splat(0.5);
let EXP_MIN4: v128 = f32x4.splat(-87.0);
let EXP_MAX4: v128 = f32x4.splat(88.0);
let LOG2E4: v128 = f32x4.splat(1.44269504);
let ROUNDER4: v128 = f32x4.splat(12582912.0);
let LN2_HI4: v128 = f32x4.splat(0.693359375);
let LN2_LO4: v128 = f32x4.splat(-2.12194440e-4);
let INV_FACT7: v128 = f32x4.splat(1.0 / 5040.0);
let INV_FACT6: v128 = f32x4.splat(1.0 / 720.0);
let INV_FACT5: v128 = f32x4.splat(1.0 / 120.0);
let INV_FACT4: v128 = f32x4.splat(1.0 / 24.0);
let INV_FACT3: v128 = f32x4.splat(1.0 / 6.0);
let EXPONENT_BIAS4: v128 = i32x4.splat(127 - 0x4b400000);
let TANH_CAP4: v128 = f32x4.splat(9.0);
let SIGN4: v128 = i32x4.splat(i32.MIN_VALUE);

/** |x| < 1e-30 → 0 (NaN and ±∞ pass unchanged). */
// @ts-ignore: decorator
@inline export function flush(x: v128): v128 {
  return v128.andnot(x, f32x4.lt(f32x4.abs(x), FLUSH4));
}

/**
 * e^x − 1, accurate in relative terms near 0 (where e^x − 1 would cancel).
 * x = n·ln2 + r with |r| ≤ ln2/2 (Cody–Waite split of ln2), expm1(r) by its Taylor series to r⁷
 * (truncation < 2e-8 relative), then e^x − 1 = 2ⁿ·expm1(r) + (2ⁿ − 1). x is clamped to
 * [−87, 88] so 2ⁿ stays a normal float; NaN propagates.
 */
// @ts-ignore: decorator
@inline export function expm1x4(x: v128): v128 {
  const xc = f32x4.pmin(f32x4.pmax(x, EXP_MIN4), EXP_MAX4);
  // n = round(x·log2 e) by the 1.5·2²³ trick: the sum's low mantissa bits hold n as an integer
  const shifted = f32x4.add(f32x4.mul(xc, LOG2E4), ROUNDER4);
  const n = f32x4.sub(shifted, ROUNDER4);
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(n, LN2_HI4)), f32x4.mul(n, LN2_LO4));
  let q = INV_FACT7;
  q = f32x4.add(f32x4.mul(q, r), INV_FACT6);
  q = f32x4.add(f32x4.mul(q, r), INV_FACT5);
  q = f32x4.add(f32x4.mul(q, r), INV_FACT4);
  q = f32x4.add(f32x4.mul(q, r), INV_FACT3);
  q = f32x4.add(f32x4.mul(q, r), HALF4);
  const p = f32x4.add(f32x4.mul(f32x4.mul(q, r), r), r);
  const scale = i32x4.shl(i32x4.add(shifted, EXPONENT_BIAS4), 23); // 2ⁿ
  return f32x4.add(f32x4.mul(scale, p), f32x4.sub(scale, ONE4));
}

/** σ(x) = 1/(1 + e^−x) = 1/(2 + expm1(−x)); values below 1e-30 (x < −69) flushed to 0. */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  return flush(f32x4.div(ONE4, f32x4.add(TWO4, expm1x4(f32x4.neg(x)))));
}

/** tanh(x) = sign(x)·(−e)/(2 + e) with e = expm1(−2|x|); |x| is capped at 9, where tanh rounds to 1. */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const a = f32x4.pmin(f32x4.abs(x), TANH_CAP4);
  const e = expm1x4(f32x4.mul(a, MINUS_TWO4));
  const t = f32x4.div(f32x4.neg(e), f32x4.add(e, TWO4));
  return v128.or(t, v128.and(x, SIGN4));
}

// @ts-ignore: decorator
@inline function hardSigmoidSlope(code: i32): f32 {
  return code == HARD_SIGMOID_KERAS2 ? <f32>0.2 : <f32>(1.0 / 6.0);
}

/** act(x) for an activation code (the branch is taken the same way for a whole call). */
// @ts-ignore: decorator
@inline export function activate4(code: i32, x: v128): v128 {
  if (code == TANH) return tanh4(x);
  if (code == SIGMOID) return sigmoid4(x);
  if (code == RELU) return f32x4.pmax(x, f32x4.splat(0.0));
  if (code == LINEAR) return x;
  // clip(slope·x + 0.5, 0, 1), in the order tfjs evaluates it
  const y = f32x4.add(f32x4.mul(x, f32x4.splat(hardSigmoidSlope(code))), HALF4);
  return f32x4.pmin(f32x4.pmax(y, f32x4.splat(0.0)), ONE4);
}

/**
 * act'(x) from y = act(x): tanh 1 − y²; sigmoid y(1 − y); relu [y > 0]; linear 1;
 * hard sigmoids slope·[0 < y < 1] (one-sided 0 at the kinks, as the tfjs-op path).
 */
// @ts-ignore: decorator
@inline export function activationGrad4(code: i32, y: v128): v128 {
  const one = ONE4;
  if (code == TANH) return f32x4.sub(one, f32x4.mul(y, y));
  if (code == SIGMOID) return f32x4.mul(y, f32x4.sub(one, y));
  if (code == RELU) return v128.and(f32x4.gt(y, f32x4.splat(0.0)), one);
  if (code == LINEAR) return one;
  const inside = v128.and(f32x4.gt(y, f32x4.splat(0.0)), f32x4.lt(y, one));
  return v128.and(inside, f32x4.splat(hardSigmoidSlope(code)));
}

/** In place over `count` floats (a multiple of 4) at `ptr`: act(x). Exported for the accuracy tests. */
export function activateInPlace(code: i32, ptr: usize, count: i32): void {
  for (let i = 0; i < count; i += 4) {
    const at = ptr + (<usize>i << 2);
    v128.store(at, activate4(code, v128.load(at)));
  }
}

/** In place over `count` floats (a multiple of 4) at `ptr`: act'(x) from y. Exported for the tests. */
export function activationGradInPlace(code: i32, ptr: usize, count: i32): void {
  for (let i = 0; i < count; i += 4) {
    const at = ptr + (<usize>i << 2);
    v128.store(at, activationGrad4(code, v128.load(at)));
  }
}
