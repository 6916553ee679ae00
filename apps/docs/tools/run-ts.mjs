// Runs a TypeScript program that imports @rnnkit/* from the workspace sources:
//   node tools/run-ts.mjs FILE.ts [ARGS...]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

const { bundlePrograms } = createRequire(import.meta.url)('./bundle.cjs');
const [file, ...args] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node tools/run-ts.mjs FILE.ts [ARGS...]');
  process.exit(2);
}
const out = mkdtempSync(join(tmpdir(), 'rnnkit-run-'));
try {
  await bundlePrograms([resolve(file)], out);
  execFileSync(process.execPath, [join(out, basename(file).replace(/\.ts$/, '.mjs')), ...args], { stdio: 'inherit' });
} finally {
  rmSync(out, { recursive: true, force: true });
}
