// Builds one workspace member, run from its folder.
//   library (default): ESM and CommonJS bundles of src/index.ts, then type declarations with tsc.
//   --app ENTRY...:    one CommonJS bundle per entry for Node (dist/NAME.cjs); no declarations.
// Dependencies stay external (Node resolves them at run time, so pnpm's strict layout is honoured),
// except tfjs-core's ES-module registration files (gradients, chained ops): they exist only as ES
// modules with extensionless imports that Node cannot load, so they are inlined.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { basename } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const externalPackages = {
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const deepTfjsCore = args.path.startsWith('@tensorflow/tfjs-core/dist/');
      return deepTfjsCore ? undefined : { path: args.path, external: true };
    });
  },
};
const common = {
  bundle: true,
  mainFields: ['module', 'main'],
  target: 'es2022',
  plugins: [externalPackages],
  logLevel: 'warning',
};

const args = process.argv.slice(2);
rmSync('dist', { recursive: true, force: true });
if (args[0] === '--app') {
  for (const entry of args.slice(1)) {
    const name = basename(entry).replace(/\.ts$/, '');
    await build({ ...common, entryPoints: [entry], platform: 'node', format: 'cjs', outfile: `dist/${name}.cjs` });
  }
} else {
  const library = { ...common, entryPoints: ['src/index.ts'], platform: 'neutral' };
  await build({ ...library, format: 'esm', outfile: 'dist/index.js' });
  await build({ ...library, format: 'cjs', outfile: 'dist/index.cjs' });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
}
