/**
 * Seed derivation: one model seed gives every layer, weight and dropout call its own seed,
 * so that a model built twice with one seed has the same numbers, on every backend.
 */

/** A new 31-bit seed mixed from `base` and `path` (splitmix32 finaliser over each part). */
export function deriveSeed(base: number, ...path: readonly number[]): number {
  let h = mix((Math.floor(base) >>> 0) ^ 0x5bd1e995);
  for (const part of path) h = mix((h ^ (Math.floor(part) >>> 0)) + 0x9e3779b9);
  return h & 0x7fffffff;
}

function mix(x: number): number {
  let z = x >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
  return (z ^ (z >>> 16)) >>> 0;
}

/** Throws unless `seed` is an integer; `who` names the caller. */
export function checkSeed(seed: number, who: string): void {
  if (!Number.isInteger(seed)) throw new Error(`${who}: seed must be an integer, got ${String(seed)}`);
}
