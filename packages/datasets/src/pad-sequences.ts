/**
 * padSequences: ragged sequences → one dense row-major matrix, with Keras' `pad_sequences` rules.
 *
 * Shapes: N sequences, L = maxlen. Output `data` is `[N, L]` row-major.
 */
import { checkInteger, checkOneOf } from './errors';

/** Where padding or truncation happens: before the sequence (`'pre'`, Keras' default) or after it. */
export type PadSide = 'pre' | 'post';
/** The element type of the padded array. */
export type PadDtype = 'int32' | 'float32';

/** Options of {@link padSequences}, Keras' `pad_sequences`: `maxlen`, `padding`, `truncating`, `value`, `dtype`. */
export interface PadSequencesOptions<D extends PadDtype = 'int32'> {
  /** Length of every output row. Default: the length of the longest sequence. */
  readonly maxlen?: number;
  /** Where the filler goes for short sequences. Default 'pre' (Keras). */
  readonly padding?: PadSide;
  /** Which end is cut from long sequences. Default 'pre': keep the last `maxlen` items (Keras). */
  readonly truncating?: PadSide;
  /** Filler value. Default 0. */
  readonly value?: number;
  /** Output element type. Default 'int32' (Keras); int32 truncates fractions toward zero, as numpy's cast. */
  readonly dtype?: D;
}

/** A padded batch: the values row-major and the shape `[N, maxlen]`. */
export interface Padded<A extends Int32Array | Float32Array> {
  readonly data: A;
  /** `[N, maxlen]` */
  readonly shape: readonly [number, number];
}

type ArrayFor<D extends PadDtype> = D extends 'float32' ? Float32Array : Int32Array;

/**
 * Pads or truncates every sequence to length L and stacks them into an `[N, L]` matrix.
 *
 * For a sequence s of length n, with defaults `padding: 'pre'`, `truncating: 'pre'`:
 *   n ≥ L: row = s[n−L .. n)          ('post' truncating: s[0 .. L))
 *   n < L: row = [value × (L−n), s]   ('post' padding: [s, value × (L−n)])
 * An empty sequence gives a row of `value`. This is `keras.utils.pad_sequences` for 1-D items.
 *
 * @example
 * padSequences([[1, 2, 3], [4]], { maxlen: 2 }) // data [2, 3, 0, 4], shape [2, 2]
 */
export function padSequences<D extends PadDtype = 'int32'>(
  sequences: readonly ArrayLike<number>[],
  options: PadSequencesOptions<D> = {},
): Padded<ArrayFor<D>> {
  const padding = options.padding ?? 'pre';
  const truncating = options.truncating ?? 'pre';
  const dtype: PadDtype = options.dtype ?? 'int32';
  const value = options.value ?? 0;
  checkOneOf('padding', padding, ['pre', 'post']);
  checkOneOf('truncating', truncating, ['pre', 'post']);
  checkOneOf('dtype', dtype, ['int32', 'float32']);
  if (!Number.isFinite(value) && dtype === 'int32') {
    throw new Error(`value must be finite for dtype 'int32', got ${value}`);
  }
  let maxlen = options.maxlen;
  if (maxlen === undefined) {
    maxlen = 0;
    for (const s of sequences) maxlen = Math.max(maxlen, s.length);
  } else {
    checkInteger('maxlen', maxlen, 1);
  }

  const n = sequences.length;
  const data = dtype === 'float32' ? new Float32Array(n * maxlen) : new Int32Array(n * maxlen);
  if (value !== 0) data.fill(value);
  for (let i = 0; i < n; i++) {
    const s = sequences[i] as ArrayLike<number>;
    const kept = Math.min(s.length, maxlen);
    const from = truncating === 'pre' ? s.length - kept : 0;
    const to = i * maxlen + (padding === 'pre' ? maxlen - kept : 0);
    for (let k = 0; k < kept; k++) data[to + k] = s[from + k] as number;
  }
  return { data: data as ArrayFor<D>, shape: [n, maxlen] };
}
