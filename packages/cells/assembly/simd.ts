/**
 * Element-wise f32x4 maths of the recurrence kernel: exp, the six activations and their
 * derivatives in terms of the output, and the subnormal flush.
 *
 * Accuracy (tested from TypeScript against Math.tanh / 1/(1+e^−x) over a dense grid): relative
 * error ≲ 3.3e-7 for tanh (a rational form) and ≲ 1.5e-7 for sigmoid (from exp) — well inside the 1e-5
 * the cells are tested to.
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
let HALF4: v128 = f32x4.splat(0.5);
let EXP_MIN4: v128 = f32x4.splat(-87.0);
let EXP_MAX4: v128 = f32x4.splat(88.0);
let LOG2E4: v128 = f32x4.splat(1.44269504);
let ROUNDER4: v128 = f32x4.splat(12582912.0);
let LN2_HI4: v128 = f32x4.splat(0.693359375);
let LN2_LO4: v128 = f32x4.splat(-2.12194440e-4);
// Cephes expf: e^r ≈ 1 + r + r²·(P0·r⁵ … + P5)
let EXP_P0: v128 = f32x4.splat(1.9875691500e-4);
let EXP_P1: v128 = f32x4.splat(1.3981999507e-3);
let EXP_P2: v128 = f32x4.splat(8.3334519073e-3);
let EXP_P3: v128 = f32x4.splat(4.1665795894e-2);
let EXP_P4: v128 = f32x4.splat(1.6666665459e-1);
let EXP_P5: v128 = f32x4.splat(5.0000001201e-1);
let EXPONENT_BIAS4: v128 = i32x4.splat(127 - 0x4b400000);
// tanh's rational form (Eigen): numerator x·(A1 + A3·x² + … + A13·x¹²), denominator B0 + B2·x² + … + B6·x⁶
let TANH_CLAMP4: v128 = f32x4.splat(7.90531110763549805);
let MINUS_TANH_CLAMP4: v128 = f32x4.splat(-7.90531110763549805);
let TANH_A1: v128 = f32x4.splat(4.89352455891786e-3);
let TANH_A3: v128 = f32x4.splat(6.37261928875436e-4);
let TANH_A5: v128 = f32x4.splat(1.48572235717979e-5);
let TANH_A7: v128 = f32x4.splat(5.12229709037114e-8);
let TANH_A9: v128 = f32x4.splat(-8.60467152213735e-11);
let TANH_A11: v128 = f32x4.splat(2.00018790482477e-13);
let TANH_A13: v128 = f32x4.splat(-2.76076847742355e-16);
let TANH_B0: v128 = f32x4.splat(4.89352518554385e-3);
let TANH_B2: v128 = f32x4.splat(2.26843463243900e-3);
let TANH_B4: v128 = f32x4.splat(1.18534705686654e-4);
let TANH_B6: v128 = f32x4.splat(1.19825839466702e-6);

/** |x| < 1e-30 → 0 (NaN and ±∞ pass unchanged). */
// @ts-ignore: decorator
@inline export function flush(x: v128): v128 {
  return v128.andnot(x, f32x4.lt(f32x4.abs(x), FLUSH4));
}

/**
 * e^x: x = n·ln2 + r with |r| ≤ ln2/2 (Cody–Waite split of ln2), e^r = 1 + r + r²·P(r) with Cephes'
 * degree-5 P (relative error < 1.5e-7), evaluated by Estrin's scheme (three independent pairs, then
 * two levels) rather than Horner's, which halves its dependency chain, the sigmoid's bottleneck;
 * then e^x = 2ⁿ·e^r. x is clamped to [−87, 88] so 2ⁿ stays a normal float; NaN propagates.
 */
// @ts-ignore: decorator
@inline export function exp4(x: v128): v128 {
  const xc = f32x4.pmin(f32x4.pmax(x, EXP_MIN4), EXP_MAX4);
  // n = round(x·log2 e) by the 1.5·2²³ trick: the sum's low mantissa bits hold n as an integer
  const shifted = f32x4.add(f32x4.mul(xc, LOG2E4), ROUNDER4);
  const n = f32x4.sub(shifted, ROUNDER4);
  const r = f32x4.sub(f32x4.sub(xc, f32x4.mul(n, LN2_HI4)), f32x4.mul(n, LN2_LO4));
  const r2 = f32x4.mul(r, r);
  const low = f32x4.add(f32x4.mul(EXP_P4, r), EXP_P5);
  const mid = f32x4.add(f32x4.mul(EXP_P2, r), EXP_P3);
  const high = f32x4.add(f32x4.mul(EXP_P0, r), EXP_P1);
  const p = f32x4.add(low, f32x4.mul(r2, f32x4.add(mid, f32x4.mul(r2, high))));
  const er = f32x4.add(f32x4.add(f32x4.mul(p, r2), r), ONE4);
  const scale = i32x4.shl(i32x4.add(shifted, EXPONENT_BIAS4), 23); // 2ⁿ
  return f32x4.mul(er, scale);
}

/** σ(x) = 1/(1 + e^−x); values below 1e-30 (x < −69) flushed to 0. */
// @ts-ignore: decorator
@inline export function sigmoid4(x: v128): v128 {
  return flush(f32x4.div(ONE4, f32x4.add(ONE4, exp4(f32x4.neg(x)))));
}

/**
 * tanh(x) as an odd rational function, x·P(x²)/Q(x²) with P of degree 6 and Q of degree 3 in x²
 * (Eigen's float tanh), x clamped to ±7.9053, where it reaches tanh's float32 value 0.9999997.
 * Relative error ≤ 3.3e-7 over [−20, 20], also for tiny x (P/Q → x·(1 − 1.3e-7)); odd, so exact in
 * sign; NaN propagates. 22 f32x4 operations against ~40 for the expm1 form it replaced, which
 * matters in the recurrences (a tanh per unit per step, two for the LSTM).
 */
// @ts-ignore: decorator
@inline export function tanh4(x: v128): v128 {
  const c = f32x4.pmax(f32x4.pmin(x, TANH_CLAMP4), MINUS_TANH_CLAMP4);
  // P and Q in y = x² by Estrin's scheme (pairs, then y², y⁴): half Horner's dependency chain
  const y = f32x4.mul(c, c);
  const y2 = f32x4.mul(y, y);
  const y4 = f32x4.mul(y2, y2);
  const p01 = f32x4.add(f32x4.mul(TANH_A3, y), TANH_A1);
  const p23 = f32x4.add(f32x4.mul(TANH_A7, y), TANH_A5);
  const p45 = f32x4.add(f32x4.mul(TANH_A11, y), TANH_A9);
  const p4 = f32x4.add(f32x4.mul(TANH_A13, y2), p45);
  const p = f32x4.add(f32x4.add(p01, f32x4.mul(p23, y2)), f32x4.mul(p4, y4));
  const q = f32x4.add(f32x4.add(f32x4.mul(TANH_B2, y), TANH_B0), f32x4.mul(f32x4.add(f32x4.mul(TANH_B6, y), TANH_B4), y2));
  return f32x4.div(f32x4.mul(p, c), q);
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
