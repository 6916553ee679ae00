// Checks the package rules of docs/DESIGN (see docs/decisions.md): every import in a member's
// src/ and test/ must be declared in its package.json, library code may import only the
// @rnnkit packages it is allowed to, and only @rnnkit/tensor (and the bench) import @tensorflow/*.
// Test files may always import the private @rnnkit/testkit (declaring it would make a cycle with tensor).
import { readFileSync, readdirSync, statSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { builtinModules } from 'node:module';

const allowedRnnkit = {
  '@rnnkit/tensor': [],
  '@rnnkit/cells': ['@rnnkit/tensor'],
  '@rnnkit/models': ['@rnnkit/tensor', '@rnnkit/cells', '@rnnkit/training'],
  '@rnnkit/training': ['@rnnkit/tensor'],
  '@rnnkit/datasets': [],
  '@rnnkit/keras': ['@rnnkit/tensor', '@rnnkit/models'],
  '@rnnkit/onnx': ['@rnnkit/tensor', '@rnnkit/models'],
  '@rnnkit/testkit': ['@rnnkit/tensor'],
};
// the demo page imports tfjs-backend-wasm only for the URLs of its .wasm assets (see apps/demo/web)
const mayImportTfjs = new Set(['@rnnkit/tensor', '@rnnkit/bench', '@rnnkit/demo']);

function* files(dir) {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else if (/\.(ts|tsx|mts)$/.test(name)) yield path;
  }
}

const problems = [];
for (const group of ['packages', 'apps']) {
  for (const member of readdirSync(group)) {
    const dir = join(group, member);
    if (!existsSync(join(dir, 'package.json'))) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const runtime = new Set(Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies }));
    const dev = new Set(Object.keys(pkg.devDependencies ?? {}));
    for (const file of [...files(join(dir, 'src')), ...files(join(dir, 'test')), ...files(join(dir, 'web'))]) {
      const isTest = /\.test\.tsx?$|[\\/]test[\\/]|[\\/]test-[^\\/]*$/.test(file);
      // a private app's web page is built by its dev tooling (Vite), so its devDependencies count
      const isWebPage = pkg.private === true && /[\\/]web[\\/]/.test(file);
      const source = readFileSync(file, 'utf8');
      for (const match of source.matchAll(/(?:from|import|require\()\s*['"]([^'"]+)['"]/g)) {
        const spec = match[1];
        if (spec.startsWith('.') || spec.startsWith('node:') || builtinModules.includes(spec)) continue;
        const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0];
        if (name === pkg.name) continue;
        if (isTest && name === '@rnnkit/testkit') continue;
        const declared = runtime.has(name) || ((isTest || isWebPage) && dev.has(name));
        if (!declared) problems.push(`${file}: imports ${name}, which ${pkg.name} does not declare${isTest ? '' : ' as a dependency'}`);
        const allowed = allowedRnnkit[pkg.name];
        if (!isTest && allowed && name.startsWith('@rnnkit/') && !allowed.includes(name)) {
          problems.push(`${file}: ${pkg.name} may not import ${name} (allowed: ${allowed.join(', ') || 'none'})`);
        }
        if (!isTest && name.startsWith('@tensorflow/') && !mayImportTfjs.has(pkg.name)) {
          problems.push(`${file}: only @rnnkit/tensor imports @tensorflow/* (found ${name} in ${pkg.name})`);
        }
      }
    }
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
console.log('check-deps: every import is declared and allowed');
