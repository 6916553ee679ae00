/**
 * Seeded pseudo-random numbers in plain JavaScript, so that one seed gives the same numbers on
 * every backend (tfjs' own random ops depend on the backend).
 *
 * Generator: xoshiro128** (Blackman & Vigna), state seeded through splitmix32.
 */

/** A seeded stream of random numbers. Not cryptographic. */
export interface Rng {
  /** Uniform in [0, 1), 32 bits of randomness. */
  uniform(): number;
  /** Standard normal (Box–Muller). */
  normal(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** The generator's state, to save and later restore a stream exactly. */
  state(): readonly number[];
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/**
 * Creates a generator from an integer seed, or from a state returned by {@link Rng.state}.
 */
export function createRng(seed: number | readonly number[]): Rng {
  let s: number[];
  if (typeof seed === 'number') {
    if (!Number.isFinite(seed)) throw new Error(`createRng: seed must be a finite number, got ${seed}`);
    const mix = splitmix32(Math.floor(seed) ^ Math.floor(seed / 2 ** 32));
    s = [mix(), mix(), mix(), mix()];
  } else {
    if (seed.length !== 4) throw new Error(`createRng: a state has 4 numbers, got ${seed.length}`);
    s = [...seed];
  }
  const next = (): number => {
    const [a, b, c, d] = s as [number, number, number, number];
    const result = Math.imul(rotl(Math.imul(b, 5), 7), 9) >>> 0;
    const t = (b << 9) >>> 0;
    let c2 = (c ^ a) >>> 0;
    let d2 = (d ^ b) >>> 0;
    const b2 = (b ^ c2) >>> 0;
    const a2 = (a ^ d2) >>> 0;
    c2 = (c2 ^ t) >>> 0;
    d2 = rotl(d2, 11);
    s = [a2, b2, c2, d2];
    return result;
  };
  const uniform = (): number => next() / 2 ** 32;
  return {
    uniform,
    normal: () => {
      // Box–Muller; 1 - u keeps the log argument in (0, 1]
      const u = 1 - uniform();
      const v = uniform();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
    int: (n) => Math.floor(uniform() * n),
    state: () => [...s],
  };
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
