/**
 * Node built-ins for the Node-only loaders, reached through `process.getBuiltinModule`
 * (Node ≥ 20.16) instead of `import` statements: the package keeps one entry point that a
 * browser bundler can take as it is, and only calling a file loader needs Node.
 */
type Builtins = {
  readonly fs: typeof import('node:fs');
  readonly path: typeof import('node:path');
  readonly os: typeof import('node:os');
  readonly crypto: typeof import('node:crypto');
  readonly http: typeof import('node:http');
  readonly https: typeof import('node:https');
};

let cached: Builtins | undefined;

/** The Node modules the file loaders use; throws a clear error outside Node. */
export function node(): Builtins {
  if (cached !== undefined) return cached;
  const get = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process?.getBuiltinModule;
  if (typeof get !== 'function') {
    throw new Error(
      'this loader reads files and needs Node.js ≥ 20.16; in a browser, fetch the bytes yourself and use ' +
        'the pure parsers (imdbFromNpz, imdbFromSharedJsonl, parseWordIndex, parseCsvSeries, …)',
    );
  }
  cached = {
    fs: get('node:fs') as Builtins['fs'],
    path: get('node:path') as Builtins['path'],
    os: get('node:os') as Builtins['os'],
    crypto: get('node:crypto') as Builtins['crypto'],
    http: get('node:http') as Builtins['http'],
    https: get('node:https') as Builtins['https'],
  };
  return cached;
}

/** Reads a whole file, naming it in the error when it is missing or unreadable. */
export function readFileBytes(file: string): Uint8Array {
  try {
    return node().fs.readFileSync(file);
  } catch (e) {
    throw new Error(`cannot read ${file}: ${(e as Error).message}`);
  }
}
