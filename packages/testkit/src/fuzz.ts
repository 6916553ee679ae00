/**
 * Property-based fuzzing of file readers with fast-check. The property: random corruption of a
 * valid file — flipped bits, a cut, bytes overwritten, inserted, deleted or repeated, fields of its
 * JSON deleted, replaced or copied — gives a valid result or one clear `Error`. Never a hang, a
 * crash, a built-in exception from deep inside (TypeError, RangeError, SyntaxError, …), something
 * that is not an Error, or memory beyond {@link FuzzLimits}.
 *
 * Runs are seeded and bounded; `RNNKIT_FUZZ_SCALE=<k>` multiplies every run count, for a longer
 * run by hand (the CI run uses the counts the tests give).
 */
import fc from 'fast-check';

/** One edit of a file's bytes. Positions are taken modulo the length, so a plan fits any file. */
export type ByteEdit =
  | { readonly kind: 'flip'; readonly at: number; readonly mask: number }
  | { readonly kind: 'cut'; readonly at: number }
  | { readonly kind: 'overwrite'; readonly at: number; readonly bytes: readonly number[] }
  | { readonly kind: 'insert'; readonly at: number; readonly bytes: readonly number[] }
  | { readonly kind: 'delete'; readonly at: number; readonly length: number }
  | { readonly kind: 'repeat'; readonly at: number; readonly length: number };

// headers sit at the start of most files: half the positions fall in the first 64 bytes
const position = fc.oneof(fc.nat({ max: 63 }), fc.nat());
const someBytes = fc.array(fc.oneof(fc.constantFrom(0x00, 0xff, 0x7f, 0x80, 0x22, 0x7b, 0x2c), fc.nat({ max: 255 })), { minLength: 1, maxLength: 8 });

/** One to three byte edits. */
export const byteEdits: fc.Arbitrary<ByteEdit[]> = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('flip' as const), at: position, mask: fc.integer({ min: 1, max: 255 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('overwrite' as const), at: position, bytes: someBytes }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('insert' as const), at: position, bytes: someBytes }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: position, length: fc.integer({ min: 1, max: 64 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('repeat' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 256 }) }) },
  ),
  { minLength: 1, maxLength: 3 },
);

/** `bytes` with `edits` applied in order (a new array; `bytes` is not changed). */
export function applyByteEdits(bytes: Uint8Array, edits: readonly ByteEdit[]): Uint8Array {
  let out: Uint8Array = bytes.slice();
  for (const edit of edits) {
    if (out.length === 0) break;
    const at = edit.at % out.length;
    switch (edit.kind) {
      case 'flip':
        out[at] = out[at]! ^ edit.mask;
        break;
      case 'cut':
        out = out.slice(0, at);
        break;
      case 'overwrite':
        edit.bytes.forEach((b, k) => {
          if (at + k < out.length) out[at + k] = b;
        });
        break;
      case 'insert':
        out = concat(out.subarray(0, at), Uint8Array.from(edit.bytes), out.subarray(at));
        break;
      case 'delete':
        out = concat(out.subarray(0, at), out.subarray(Math.min(out.length, at + edit.length)));
        break;
      case 'repeat':
        out = concat(out.subarray(0, at + Math.min(edit.length, out.length - at)), out.subarray(at));
        break;
    }
  }
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** One edit of a JSON document. `path` and `from` pick one of its values (taken modulo their count). */
export type JsonEdit =
  | { readonly kind: 'delete'; readonly path: number }
  | { readonly kind: 'replace'; readonly path: number; readonly value: unknown }
  | { readonly kind: 'copy'; readonly path: number; readonly from: number };

/** Values a hostile or careless writer puts in a field: wrong types, prototype names, extremes. */
const oddValue = fc.oneof(
  fc.constantFrom<unknown>('constructor', '__proto__', 'toString', 'hasOwnProperty', '', 'foo', -1, 0, -0.5, 0.5, 1e308, 2 ** 31, 2 ** 32, 2 ** 53 + 2, null, true, false, [], {}, [-1], [1e9, 1e9]),
  fc.integer(),
  fc.jsonValue({ maxDepth: 2 }),
);

/** One to three JSON edits. */
export const jsonEdits: fc.Arbitrary<JsonEdit[]> = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('delete' as const), path: fc.nat() }),
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('replace' as const), path: fc.nat(), value: oddValue }) },
    fc.record({ kind: fc.constant('copy' as const), path: fc.nat(), from: fc.nat() }),
  ),
  { minLength: 1, maxLength: 3 },
);

type Container = Record<string, unknown> | unknown[];
interface Slot {
  readonly parent: Container;
  readonly key: string | number;
}

/** Every value inside `root` (not `root` itself), as its container and key, depth first. */
function slots(root: unknown): Slot[] {
  const out: Slot[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach((item, i) => {
        out.push({ parent: v, key: i });
        walk(item);
      });
    } else if (typeof v === 'object' && v !== null) {
      for (const [key, item] of Object.entries(v)) {
        out.push({ parent: v as Record<string, unknown>, key });
        walk(item);
      }
    }
  };
  walk(root);
  return out;
}

/** A deep copy of JSON value `value` with `edits` applied in order. */
export function applyJsonEdits<T>(value: T, edits: readonly JsonEdit[]): T {
  const root = JSON.parse(JSON.stringify(value)) as T;
  for (const edit of edits) {
    const all = slots(root);
    if (all.length === 0) break;
    const target = all[edit.path % all.length]!;
    const parent = target.parent as Record<string | number, unknown>;
    if (edit.kind === 'delete') {
      if (Array.isArray(target.parent)) target.parent.splice(target.key as number, 1);
      else delete parent[target.key];
    } else {
      const source = edit.kind === 'replace' ? edit.value : (all[edit.from % all.length]!.parent as Record<string | number, unknown>)[all[edit.from % all.length]!.key];
      // defineProperty, so that a key named '__proto__' is an own field as in parsed JSON
      Object.defineProperty(parent, target.key, { value: JSON.parse(JSON.stringify(source ?? null)), enumerable: true, writable: true, configurable: true });
    }
  }
  return root;
}

/** What a reader may spend on one corrupted input. */
export interface FuzzLimits {
  /** Wall-clock time of one read: a hang detector, far above any real read (KB inputs take ms). Default 10,000 ms. */
  readonly maxMs?: number;
  /** Heap and array-buffer growth (result still alive) per input byte, plus `slackBytes`. Default 64. */
  readonly bytesPerInputByte?: number;
  /** Default 64 MiB. */
  readonly slackBytes?: number;
  /** When set, every error message must contain it (the file's name). */
  readonly names?: string;
}

/** How one read ended. */
export type FuzzOutcome = 'ok' | 'error';

// by name: errors made by Node's own code (TextDecoder, Buffer) come from another realm, where
// `instanceof TypeError` and even `instanceof Error` are false
const BUILT_IN_ERRORS = ['TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'EvalError', 'URIError', 'AggregateError'];
const isError = (e: unknown): e is Error => e instanceof Error || Object.prototype.toString.call(e) === '[object Error]';

const used = (): number => {
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};

/**
 * Runs one read of an `inputBytes`-byte input and checks the property: it returns, or throws one
 * plain `Error` (or a project subclass) with a message, within the time and memory limits. Throws
 * an assertion error describing the violation otherwise (fast-check then reports the input).
 * `after` checks and frees what a successful read returned (e.g. that a format with a checksum gave
 * back the original data, not a silently changed one); what it throws is a violation too.
 */
export function expectCleanOutcome<T>(read: () => T, inputBytes: number, limits: FuzzLimits = {}, after?: (result: T) => void): FuzzOutcome {
  const before = used();
  const start = performance.now();
  let outcome: FuzzOutcome = 'ok';
  let result: T | undefined;
  try {
    result = read();
  } catch (e) {
    outcome = 'error';
    checkThrown(e, limits);
  }
  return checkSpent(outcome, result, { start, before, inputBytes }, limits, after);
}

/** {@link expectCleanOutcome} for a reader that returns a promise (the read is awaited; a rejection counts as thrown). */
export async function expectCleanOutcomeAsync<T>(read: () => Promise<T>, inputBytes: number, limits: FuzzLimits = {}, after?: (result: T) => void): Promise<FuzzOutcome> {
  const before = used();
  const start = performance.now();
  let outcome: FuzzOutcome = 'ok';
  let result: T | undefined;
  try {
    result = await read();
  } catch (e) {
    outcome = 'error';
    checkThrown(e, limits);
  }
  return checkSpent(outcome, result, { start, before, inputBytes }, limits, after);
}

/** What a reader threw must be one plain Error (or a project subclass) with a message, naming `limits.names` when set. */
function checkThrown(e: unknown, limits: FuzzLimits): void {
  if (!isError(e)) throw new Error(`the reader threw a non-Error: ${String(e)}`);
  if (BUILT_IN_ERRORS.includes(e.name)) throw new Error(`the reader threw a ${e.name} from inside: ${e.message}\n${e.stack ?? ''}`);
  if (e.message === '') throw new Error('the reader threw an Error without a message');
  if (limits.names !== undefined && !e.message.includes(limits.names)) throw new Error(`the error does not name ${limits.names}: ${e.message}`);
}

/** Runs `after` on a result, then checks the read's time and memory against the limits. */
function checkSpent<T>(
  outcome: FuzzOutcome,
  result: T | undefined,
  read: { readonly start: number; readonly before: number; readonly inputBytes: number },
  limits: FuzzLimits,
  after?: (result: T) => void,
): FuzzOutcome {
  const maxMs = limits.maxMs ?? 10_000;
  const maxGrowth = (limits.bytesPerInputByte ?? 64) * read.inputBytes + (limits.slackBytes ?? 64 * 2 ** 20);
  const ms = performance.now() - read.start;
  const growth = used() - read.before;
  if (outcome === 'ok' && after !== undefined) after(result as T);
  if (ms > maxMs) throw new Error(`one read of ${read.inputBytes} bytes took ${ms.toFixed(0)} ms (limit ${maxMs} ms)`);
  if (growth > maxGrowth) throw new Error(`one read of ${read.inputBytes} bytes grew memory by ${(growth / 2 ** 20).toFixed(1)} MiB (limit ${(maxGrowth / 2 ** 20).toFixed(1)} MiB)`);
  return outcome;
}

/** Counts of a fuzz run, for the line it prints. */
export interface FuzzTally {
  tried: number;
  ok: number;
  errors: number;
}

/** `base` runs, times `RNNKIT_FUZZ_SCALE` when set (a longer run by hand). */
export function fuzzRuns(base: number): number {
  const scale = Number(process.env['RNNKIT_FUZZ_SCALE'] ?? '1');
  return Math.max(1, Math.round(base * (Number.isFinite(scale) && scale > 0 ? scale : 1)));
}

/** `seed` plus `RNNKIT_FUZZ_SEED_OFFSET` when set (a longer run by hand on inputs CI never tried). */
function fuzzSeed(seed: number): number {
  const offset = Number(process.env['RNNKIT_FUZZ_SEED_OFFSET'] ?? '0');
  return seed + (Number.isInteger(offset) ? offset : 0);
}

/**
 * Runs the fuzz property `runs` times with `seed` (see {@link fuzzSeed}): `plan` draws a corruption, `check` applies it
 * and returns the outcome of {@link expectCleanOutcome}. Prints one line with the figures and
 * returns them; a violation fails the test with fast-check's (shrunk) counterexample.
 */
export function fuzz<P>(name: string, options: { readonly seed: number; readonly runs: number }, plan: fc.Arbitrary<P>, check: (p: P) => FuzzOutcome): FuzzTally {
  const tally: FuzzTally = { tried: 0, ok: 0, errors: 0 };
  const seed = fuzzSeed(options.seed);
  fc.assert(
    fc.property(plan, (p) => {
      // counted after the check, so that a plan the check skips (fc.pre) is not counted as tried
      const outcome = check(p);
      tally.tried++;
      if (outcome === 'ok') tally.ok++;
      else tally.errors++;
    }),
    { seed, numRuns: options.runs },
  );
  console.info(`fuzz ${name}: ${tally.tried} corrupted inputs (seed ${seed}): ${tally.ok} read as valid, ${tally.errors} refused with a clear Error, 0 violations`);
  return tally;
}

/** {@link fuzz} for a check that returns a promise (an async reader, through {@link expectCleanOutcomeAsync}). */
export async function fuzzAsync<P>(name: string, options: { readonly seed: number; readonly runs: number }, plan: fc.Arbitrary<P>, check: (p: P) => Promise<FuzzOutcome>): Promise<FuzzTally> {
  const tally: FuzzTally = { tried: 0, ok: 0, errors: 0 };
  const seed = fuzzSeed(options.seed);
  await fc.assert(
    fc.asyncProperty(plan, async (p) => {
      const outcome = await check(p);
      tally.tried++;
      if (outcome === 'ok') tally.ok++;
      else tally.errors++;
    }),
    { seed, numRuns: options.runs },
  );
  console.info(`fuzz ${name}: ${tally.tried} corrupted inputs (seed ${seed}): ${tally.ok} read as valid, ${tally.errors} refused with a clear Error, 0 violations`);
  return tally;
}
