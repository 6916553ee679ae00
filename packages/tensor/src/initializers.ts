/**
 * Seeded weight initialisers with Keras 3 semantics. Each is `(shape, seed) → Tensor`; the caller
 * owns the returned tensor. One seed gives one result on every backend (numbers are drawn in JS).
 *
 * Fans (Keras `compute_fans`): rank 1 → fanIn = fanOut = shape[0]; rank 2 → [fanIn, fanOut];
 * rank ≥ 3 → receptive field = ∏ shape[0..-3], fanIn = shape[-2]·rf, fanOut = shape[-1]·rf.
 */
import { tensor } from '@tensorflow/tfjs-core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { createRng } from './random';
import type { Rng } from './random';

/** A weight initialiser: shape and seed in, a new float32 tensor out. */
export type Initializer = (shape: readonly number[], seed: number) => Tensor;

function checkShape(name: string, shape: readonly number[]): number {
  if (!Array.isArray(shape) || shape.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new Error(`${name}: shape must be an array of non-negative integers, got [${String(shape)}]`);
  }
  return shape.reduce((a, b) => a * b, 1);
}

function fill(name: string, shape: readonly number[], seed: number, draw: (rng: Rng) => number): Tensor {
  const size = checkShape(name, shape);
  const rng = createRng(seed);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = draw(rng);
  return tensor(values, [...shape], 'float32');
}

/** Keras `compute_fans`. */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 0) return { fanIn: 1, fanOut: 1 };
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  const receptiveField = shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return { fanIn: shape.at(-2)! * receptiveField, fanOut: shape.at(-1)! * receptiveField };
}

/** 𝒰(min, max). Keras Embedding default: `randomUniform(-0.05, 0.05)`. */
export function randomUniform(minval = -0.05, maxval = 0.05): Initializer {
  if (!(minval < maxval)) throw new Error(`randomUniform: minval must be below maxval, got ${minval} and ${maxval}`);
  return (shape, seed) => fill('randomUniform', shape, seed, (rng) => minval + (maxval - minval) * rng.uniform());
}

/** Normal with the given mean and standard deviation, cut at 2 standard deviations (Keras `TruncatedNormal`). */
export function truncatedNormal(mean = 0, stddev = 0.05): Initializer {
  return (shape, seed) =>
    fill('truncatedNormal', shape, seed, (rng) => {
      for (;;) {
        const z = rng.normal();
        if (Math.abs(z) <= 2) return mean + stddev * z;
      }
    });
}

/** Glorot (Xavier) uniform: 𝒰(−l, l) with l = √(6 / (fanIn + fanOut)). Keras' default kernel initialiser. */
export const glorotUniform: Initializer = (shape, seed) => {
  const { fanIn, fanOut } = computeFans(shape);
  const limit = Math.sqrt(6 / Math.max(1, fanIn + fanOut));
  return randomUniform(-limit, limit)(shape, seed);
};

/**
 * Glorot normal, Keras 3 form: truncated normal (±2σ) with σ = √(2 / (fanIn + fanOut)) / 0.8796…,
 * the constant that restores the variance lost to truncation.
 */
export const glorotNormal: Initializer = (shape, seed) => {
  const { fanIn, fanOut } = computeFans(shape);
  const stddev = Math.sqrt(2 / Math.max(1, fanIn + fanOut)) / 0.8796256610342398;
  return truncatedNormal(0, stddev)(shape, seed);
};

/**
 * Orthogonal, Keras' algorithm: draw A ~ 𝒩(0, 1) of shape [max(r, c), min(r, c)] (r = ∏ shape[..-1],
 * c = shape[-1]), take A = QR with diag(R) > 0, transpose Q when r < c, multiply by `gain`.
 * Keras' default recurrent initialiser.
 */
export function orthogonal(gain = 1): Initializer {
  return (shape, seed) => {
    const size = checkShape('orthogonal', shape);
    if (shape.length < 2) throw new Error(`orthogonal: shape must have rank ≥ 2, got [${shape.join(', ')}]`);
    const cols = shape.at(-1)!;
    const rows = size / Math.max(1, cols);
    const m = Math.max(rows, cols);
    const n = Math.min(rows, cols);
    const rng = createRng(seed);
    const a = new Float64Array(m * n); // row-major [m, n]
    for (let i = 0; i < a.length; i++) a[i] = rng.normal();
    const q = orthonormalColumns(a, m, n);
    const values = new Float32Array(size);
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        values[i * cols + j] = gain * (rows >= cols ? q[i * n + j]! : q[j * n + i]!);
      }
    }
    return tensor(values, [...shape], 'float32');
  };
}

/**
 * Q of the thin QR decomposition with positive diag(R), by modified Gram–Schmidt with one
 * re-orthogonalisation pass (float64). `a` is row-major [m, n], m ≥ n; returns Q row-major [m, n].
 */
function orthonormalColumns(a: Float64Array, m: number, n: number): Float64Array {
  const q = Float64Array.from(a);
  for (let j = 0; j < n; j++) {
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < m; i++) dot += q[i * n + k]! * q[i * n + j]!;
        for (let i = 0; i < m; i++) q[i * n + j]! -= dot * q[i * n + k]!;
      }
    }
    let norm = 0;
    for (let i = 0; i < m; i++) norm += q[i * n + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < m; i++) q[i * n + j]! /= norm;
  }
  return q;
}

/** All zeros (Keras' default bias initialiser). */
export const zeros: Initializer = (shape) => {
  const size = checkShape('zeros', shape);
  return tensor(new Float32Array(size), [...shape], 'float32');
};

/** All ones. */
export const ones: Initializer = (shape) => {
  const size = checkShape('ones', shape);
  return tensor(new Float32Array(size).fill(1), [...shape], 'float32');
};
