/**
 * Errors about data files. The message always names the file (and the 1-based line, when
 * the problem is on one line), so a user can open the file and see what is wrong.
 */
export class DataFileError extends Error {
  readonly file: string;
  readonly line: number | undefined;

  constructor(file: string, problem: string, line?: number) {
    super(line === undefined ? `${file}: ${problem}` : `${file}:${line}: ${problem}`);
    this.name = 'DataFileError';
    this.file = file;
    this.line = line;
  }
}

/** Throws unless `value` is an integer within [min, max]; the message names the argument. */
export function checkInteger(name: string, value: number, min: number, max = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new Error(`${name} must be an integer ${range}, got ${String(value)}`);
  }
}

/** Throws unless `value` is one of `allowed`; the message names the argument. */
export function checkOneOf<T extends string>(name: string, value: string, allowed: readonly T[]): asserts value is T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new Error(`${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got '${value}'`);
  }
}
