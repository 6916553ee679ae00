/**
 * Static shapes of layer inputs and outputs, with `null` for sizes known only when data arrives
 * (the batch, a variable sequence length), printed the way Keras prints them: `(None, 200, 32)`.
 */

/** A tensor shape; `null` marks a size known only at run time. Includes the batch axis unless stated. */
export type Shape = readonly (number | null)[];

/** `(None, 200, 32)`, as Keras' summary shows shapes. */
export function formatShape(shape: Shape): string {
  const parts = shape.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
}

/** The last size of `shape`; throws, naming `who`, when it is unknown or missing. */
export function lastDim(shape: Shape, who: string): number {
  const last = shape.at(-1);
  if (last === undefined || last === null) {
    throw new Error(`${who}: the last axis of the input must have a known size, got input shape ${formatShape(shape)}`);
  }
  return last;
}

/** Throws, naming `who`, unless `shape` has `rank` axes. */
export function expectRank(shape: Shape, rank: number, who: string, legend: string): void {
  if (shape.length !== rank) {
    throw new Error(`${who}: input must have rank ${rank} ${legend}, got input shape ${formatShape(shape)}`);
  }
}
