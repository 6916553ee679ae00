/**
 * numpy's legacy `np.random.RandomState(seed).shuffle`, bit for bit: MT19937 seeded with
 * `init_genrand(seed)`, and the Fisher–Yates loop of `RandomState.shuffle`, whose index
 * j ∈ [0, i] is drawn by masking 32-bit outputs to the smallest covering bit mask and
 * rejecting values above i (numpy's `random_interval`). Keras' IMDB loader shuffles with it.
 */
import { checkInteger } from './errors';

const N = 624;
const M = 397;

/** The stream of 32-bit outputs of MT19937 seeded like `RandomState(seed)` (integer seed). */
export function createMt19937(seed: number): () => number {
  checkInteger('seed', seed, 0, 0xffffffff);
  const mt = new Uint32Array(N);
  mt[0] = seed >>> 0;
  for (let i = 1; i < N; i++) {
    const prev = mt[i - 1] as number;
    mt[i] = (Math.imul(1812433253, prev ^ (prev >>> 30)) + i) >>> 0;
  }
  let index = N;
  const twist = (): void => {
    for (let i = 0; i < N; i++) {
      const y = ((mt[i] as number) & 0x80000000) | ((mt[(i + 1) % N] as number) & 0x7fffffff);
      mt[i] = (mt[(i + M) % N] as number) ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    index = 0;
  };
  return () => {
    if (index >= N) twist();
    let y = mt[index++] as number;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  };
}

/** A uniform integer in [0, max] drawn as numpy's `random_interval` does (max < 2^32). */
function randomInterval(next: () => number, max: number): number {
  if (max === 0) return 0;
  let mask = max;
  mask |= mask >>> 1;
  mask |= mask >>> 2;
  mask |= mask >>> 4;
  mask |= mask >>> 8;
  mask |= mask >>> 16;
  let value: number;
  do value = (next() & mask) >>> 0;
  while (value > max);
  return value;
}

/**
 * Draws the permutation `p = arange(n); rng.shuffle(p)` from an existing stream, so that
 * consecutive calls continue one `RandomState` (Keras shuffles train, then test, with one rng).
 */
export function numpyShuffledRange(next: () => number, n: number): Int32Array {
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = randomInterval(next, i);
    const tmp = p[i] as number;
    p[i] = p[j] as number;
    p[j] = tmp;
  }
  return p;
}
