// Packs every published package, installs the tarballs with npm (not pnpm) into fresh projects
// outside the monorepo, and runs a small program in CommonJS and in ESM against each set, plus a
// TypeScript type-check of a consumer file. Usage: node scripts/pack-check/run.mjs
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const here = join(root, 'scripts', 'pack-check');
const published = ['tensor', 'cells', 'models', 'training', 'datasets'];
const sets = {
  datasets: ['datasets'],
  'tensor-cells': ['tensor', 'cells'],
  full: published,
};

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const work = mkdtempSync(join(tmpdir(), 'rnnkit-pack-'));
try {
  run('pnpm', ['turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], root);
  const tarballs = {};
  for (const name of published) {
    run('pnpm', ['pack', '--pack-destination', work], join(root, 'packages', name));
    tarballs[name] = join(work, readdirSync(work).find((f) => f.startsWith(`rnnkit-${name}-`) && f.endsWith('.tgz')));
  }
  let failures = 0;
  for (const [setName, members] of Object.entries(sets)) {
    const project = join(work, setName);
    cpSync(join(here, 'consumers', setName), project, { recursive: true });
    const dependencies = Object.fromEntries(members.map((m) => [`@rnnkit/${m}`, `file:${tarballs[m]}`]));
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: `consumer-${setName}`, private: true, dependencies }, null, 2));
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project);
    run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', 'typescript@5.9.3', '@types/node@20.19.43'], project);
    for (const program of readdirSync(project).filter((f) => /^main\.(cjs|mjs)$/.test(f))) {
      try {
        const out = run(process.execPath, [program], project).trim();
        console.log(`ok   ${setName}/${program}: ${out.split('\n').at(-1)}`);
      } catch {
        failures++;
        console.log(`FAIL ${setName}/${program}`);
      }
    }
    try {
      run(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project);
      console.log(`ok   ${setName}: consumer.ts type-checks`);
    } catch (error) {
      failures++;
      console.log(`FAIL ${setName}: consumer.ts does not type-check\n${error.stdout ?? ''}`);
    }
  }
  console.log(`pack-check: ${failures === 0 ? 'all consumers ran' : `${failures} failure(s)`}`);
  process.exitCode = failures === 0 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
