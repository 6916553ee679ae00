/**
 * Flag parsing shared by the demo's commands: node:util's `parseArgs` with every mistake turned
 * into a one-line {@link UsageError} that names the flag, what it takes and what it got.
 */
import { parseArgs } from 'node:util';
import { strictArgs, UsageError } from './usage-error';

type FlagConfig = Readonly<Record<string, { readonly type: 'string' | 'boolean' }>>;

/** The parsed flags (strings, or true for booleans) and positionals. */
export interface ParsedFlags {
  readonly values: Readonly<Record<string, string | boolean | undefined>>;
  readonly positionals: readonly string[];
}

/** Strict parsing: unknown flags and missing values become one-line usage errors. */
export function parseFlags(argv: readonly string[], flags: FlagConfig, options: { readonly positionals?: boolean } = {}): ParsedFlags {
  const parsed = strictArgs(() => parseArgs({ args: [...argv], options: { ...flags }, strict: true, allowPositionals: options.positionals ?? false }));
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
}

/** The string value of a flag (parseFlags guarantees the type; this narrows it). */
export function stringFlag(flags: ParsedFlags, name: string): string | undefined {
  const value = flags.values[name];
  return typeof value === 'string' ? value : undefined;
}

export function positiveInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value <= 0) throw new UsageError(`--${name} must be a positive integer, got "${raw}"`);
  return value;
}

export function nonNegativeInteger(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < 0) throw new UsageError(`--${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

export function positiveNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value <= 0) throw new UsageError(`--${name} must be a positive number, got "${raw}"`);
  return value;
}

export function nonNegativeNumber(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value) || value < 0) throw new UsageError(`--${name} must be a non-negative number, got "${raw}"`);
  return value;
}

/** A number in the half-open interval [low, high). */
export function fraction(name: string, raw: string | undefined, fallback: number, low: number, high: number): number {
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (raw.trim() === '' || !(value >= low && value < high)) throw new UsageError(`--${name} must be a number in [${low}, ${high}), got "${raw}"`);
  return value;
}

/** A comma-separated list of positive numbers, e.g. `--temperatures 0.5,1`. */
export function positiveNumbers(name: string, raw: string | undefined, fallback: readonly number[]): number[] {
  if (raw === undefined) return [...fallback];
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (raw.trim() === '' || values.some((v, i) => raw.split(',')[i]!.trim() === '' || !Number.isFinite(v) || v <= 0)) {
    throw new UsageError(`--${name} must be a comma-separated list of positive numbers, got "${raw}"`);
  }
  return values;
}

export function oneOf<T extends string>(name: string, raw: string | undefined, allowed: readonly T[], fallback: T): T {
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  return raw as T;
}

export const BACKENDS = ['wasm', 'cpu'] as const;
export type BackendChoice = (typeof BACKENDS)[number];
