/**
 * A small seeded PRNG for shuffling and toy data (no tfjs): xoshiro128**, seeded through
 * splitmix32 so that nearby seeds give unrelated streams. Same seed → same numbers everywhere.
 */
import { checkInteger } from './errors';

/** A seeded xoshiro128** stream: uniform floats in [0, 1), integers, and its state. */
export interface Random {
  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /** A uniform float in [0, 1) with 32 random bits. */
  nextFloat(): number;
  /** A uniform integer in [0, n), without modulo bias. */
  nextInt(n: number): number;
}

function splitmix32(state: { s: number }): number {
  state.s = (state.s + 0x9e3779b9) | 0;
  let z = state.s;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/** Creates a generator from an integer seed in [0, 2^32). */
export function createRandom(seed: number): Random {
  checkInteger('seed', seed, 0, 0xffffffff);
  const init = { s: seed | 0 };
  let a = splitmix32(init);
  let b = splitmix32(init);
  let c = splitmix32(init);
  let d = splitmix32(init);
  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = b << 9;
    c ^= a;
    d ^= b;
    b ^= c;
    a ^= d;
    c ^= t;
    d = rotl(d, 11);
    return result;
  };
  const nextInt = (n: number): number => {
    checkInteger('n', n, 1, 0x100000000);
    // rejection sampling on the top of the range removes the modulo bias
    const limit = 0x100000000 - (0x100000000 % n);
    let x = nextUint32();
    while (x >= limit) x = nextUint32();
    return x % n;
  };
  return { nextUint32, nextFloat: () => nextUint32() / 0x100000000, nextInt };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** Fisher–Yates shuffle in place: for i = n−1 … 1, swap a[i] with a[j], j uniform in [0, i]. */
export function shuffleInPlace<T>(items: T[] | Int32Array | Uint32Array, random: Random): void {
  for (let i = items.length - 1; i > 0; i--) {
    const j = random.nextInt(i + 1);
    const tmp = items[i] as T;
    items[i] = items[j] as T;
    items[j] = tmp;
  }
}

/** A seeded permutation of 0 … n−1. */
export function permutation(n: number, seed: number): Int32Array {
  checkInteger('n', n, 0);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  shuffleInPlace(p, createRandom(seed));
  return p;
}
