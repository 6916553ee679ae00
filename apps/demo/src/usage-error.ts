/** An error the user caused (bad flag, missing file): printed as one line, exit code 2, no stack trace. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/**
 * Runs a data loader and turns its failure (a missing, truncated or corrupt file, a failed
 * download) into a {@link UsageError}: the user can fix it by pointing at good data.
 */
export async function loadingData<T>(load: () => T | Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(messageOf(error).split('\n')[0]!);
  }
}

/** Runs node:util's `parseArgs`, turning its errors (unknown flag, missing value; node's span lines) into one-line {@link UsageError}s. */
export function strictArgs<T>(parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    throw new UsageError(messageOf(error).replace(/\s*\n\s*/g, ' '));
  }
}

/** An error's message; also for errors made in another realm (node's own, under jest), which fail `instanceof Error`. */
function messageOf(error: unknown): string {
  const message = (error as { message?: unknown } | null)?.message;
  return typeof message === 'string' ? message : String(error);
}
