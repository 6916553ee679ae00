// Builds one workspace member, run from its folder.
//   library (default): ESM and CommonJS bundles of src/index.ts, then type declarations with tsc.
//   --app ENTRY...:    one CommonJS bundle per entry for Node (dist/NAME.cjs); no declarations.
// Dependencies stay external (Node resolves them at run time, so pnpm's strict layout is honoured),
// except tfjs-core's ES-module registration files (gradients, chained ops): they exist only as ES
// modules with extensionless imports that Node cannot load, so they are inlined.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
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
  makeDeclarationsResolvable('dist');
}

// tsc writes `from './x'`; Node16/NodeNext consumers need `./x.js` (or `./x/index.js`). The ESM
// declarations (.d.ts) get those extensions, and a CommonJS twin (.d.cts importing `.cjs`) is
// written beside each, so `import` and `require` consumers both resolve types of their own kind.
function makeDeclarationsResolvable(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      makeDeclarationsResolvable(path);
      continue;
    }
    if (!name.endsWith('.d.ts')) continue;
    const original = readFileSync(path, 'utf8');
    const withExtensions = (extension) =>
      original.replace(/(from\s+|import\(|import\s+)(['"])(\.{1,2}\/[^'"]*)\2/g, (_match, lead, quote, spec) => {
        const base = join(dirname(path), spec);
        const target = existsSync(`${base}.d.ts`) ? `${spec}.${extension}` : `${spec}/index.${extension}`;
        return `${lead}${quote}${target}${quote}`;
      });
    writeFileSync(path, withExtensions('js'));
    writeFileSync(path.replace(/\.d\.ts$/, '.d.cts'), withExtensions('cjs'));
  }
}
