// Bundles TypeScript programs that import @rnnkit/* into ES modules Node runs as they are: the
// workspace packages come from their sources (no build needed), tfjs-core's ES-module registration
// files are inlined (as scripts/build-package.mjs does), and every other package stays external,
// imported by its absolute path as resolved from the file that imports it.
// CommonJS so that jest (which compiles tests to CommonJS) and plain Node scripts can both load it.
const { build } = require('esbuild');
const { createRequire } = require('node:module');
const { join } = require('node:path');

const repoRoot = join(__dirname, '..', '..', '..');
const rnnkit = ['tensor', 'cells', 'models', 'training', 'datasets', 'onnx'];

const workspaceSources = {
  name: 'workspace-sources',
  setup(b) {
    b.onResolve({ filter: /^@rnnkit\// }, (args) => {
      const name = args.path.slice('@rnnkit/'.length);
      if (!rnnkit.includes(name)) return { errors: [{ text: `${args.path} is not a published rnnkit package` }] };
      return { path: join(repoRoot, 'packages', name, 'src', 'index.ts') };
    });
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || args.path.startsWith('@tensorflow/tfjs-core/dist/')) return undefined;
      const from = args.importer === '' ? join(repoRoot, 'apps', 'docs', 'package.json') : args.importer;
      return { path: createRequire(from).resolve(args.path), external: true };
    });
  },
};

/**
 * Bundles `entryPoints` (absolute .ts paths) into `outdir` as `<name>.mjs`, one file per entry.
 * Throws esbuild's error (with file and line) when a program does not compile.
 */
async function bundlePrograms(entryPoints, outdir) {
  await build({
    entryPoints,
    outdir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'es2022',
    mainFields: ['module', 'main'],
    plugins: [workspaceSources],
    logLevel: 'silent',
    // CommonJS dependencies bundled by accident would need require; the externals never do
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
}

module.exports = { bundlePrograms, repoRoot };
