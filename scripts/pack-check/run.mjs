// Packs every published package, installs the tarballs with npm (not pnpm) into fresh projects
// outside the monorepo, and runs a small program in CommonJS and in ESM against each set, plus a
// TypeScript type-check of a consumer file. Sets with @rnnkit/tensor run once per end of its tfjs peer range,
// in an app that has that tfjs already, and must find only the app's copy. Each tarball is first checked for its contents (dist,
// types, README, LICENSE, no `workspace:` range left) and linted with publint (every level, strict)
// and @arethetypeswrong/cli (both tools are devDependencies of apps/docs); any message fails the run.
// Usage: node scripts/pack-check/run.mjs
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const here = join(root, 'scripts', 'pack-check');
const published = ['tensor', 'cells', 'models', 'training', 'datasets', 'keras', 'onnx'];
const sets = {
  datasets: ['datasets'],
  'tensor-cells': ['tensor', 'cells'],
  full: published,
};
// tfjs is a peer dependency of @rnnkit/tensor: each set with it installs into an app that already has tfjs
// at one end of the supported range, and must run on that one copy (no nested second tfjs-core)
const TFJS_PEERS = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-backend-wasm'];
const TFJS_RANGE_ENDS = ['4.21.0', '4.22.0'];
const runs = Object.entries(sets).flatMap(([setName, members]) =>
  members.includes('tensor') ? TFJS_RANGE_ENDS.map((tfjs) => ({ setName, members, tfjs })) : [{ setName, members, tfjs: null }],
);

/** Every copy of tfjs-core under `project`'s node_modules, as `path@version`. */
function tfjsCoreCopies(project) {
  const found = run('find', ['node_modules', '-path', '*/@tensorflow/tfjs-core/package.json'], project)
    .split('\n')
    .filter(Boolean);
  return found.map((file) => `${dirname(file)}@${JSON.parse(readFileSync(join(project, file), 'utf8')).version}`);
}

const run = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });

const docsRequire = createRequire(join(root, 'apps', 'docs', 'package.json'));
const { publint } = await import(pathToFileURL(docsRequire.resolve('publint')).href);
const { formatMessage } = await import(pathToFileURL(docsRequire.resolve('publint/utils')).href);
const attwBin = join(dirname(docsRequire.resolve('@arethetypeswrong/cli/package.json')), 'dist', 'index.js');

/** What the tarball must hold: its manifest (workspace ranges rewritten), bundles, types, README, LICENSE. */
function checkContents(name, tarball, into) {
  const dir = join(into, `unpacked-${name}`);
  mkdirSync(dir);
  run('tar', ['-xzf', tarball, '-C', dir], root);
  const files = run('tar', ['-tzf', tarball], root).split('\n').filter(Boolean);
  const problems = [];
  for (const required of ['package/package.json', 'package/README.md', 'package/LICENSE', 'package/dist/index.js', 'package/dist/index.cjs', 'package/dist/index.d.ts', 'package/dist/index.d.cts']) {
    if (!files.includes(required)) problems.push(`missing ${required.slice('package/'.length)}`);
  }
  const manifest = readFileSync(join(dir, 'package', 'package.json'), 'utf8');
  if (manifest.includes('workspace:')) problems.push('package.json still holds a workspace: range');
  const stray = files.filter((f) => /\.test\.|\/src\/|\/fixtures\//.test(f));
  if (stray.length > 0) problems.push(`ships files not meant for users: ${stray.slice(0, 3).join(', ')}`);
  return problems;
}

async function lint(name, tarball, into) {
  const problems = checkContents(name, tarball, into);
  const bytes = readFileSync(tarball);
  const { messages, pkg } = await publint({ pack: { tarball: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) }, level: 'suggestion', strict: true });
  for (const message of messages) problems.push(`publint ${message.type}: ${formatMessage(message, pkg, { color: false })}`);
  try {
    execFileSync(process.execPath, [attwBin, tarball, '--format', 'ascii', '--no-color'], { cwd: into, stdio: 'pipe', encoding: 'utf8' });
  } catch (error) {
    problems.push(`attw:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
  return problems;
}

const work = mkdtempSync(join(tmpdir(), 'rnnkit-pack-'));
try {
  run('pnpm', ['turbo', 'run', 'build', '--filter=./packages/*', '--output-logs=errors-only'], root);
  const tarballs = {};
  for (const name of published) {
    run('pnpm', ['pack', '--pack-destination', work], join(root, 'packages', name));
    tarballs[name] = join(work, readdirSync(work).find((f) => f.startsWith(`rnnkit-${name}-`) && f.endsWith('.tgz')));
  }
  let failures = 0;
  for (const name of published) {
    const problems = await lint(name, tarballs[name], work);
    if (problems.length === 0) console.log(`ok   @rnnkit/${name}: tarball contents, publint (strict, all levels) and attw report nothing`);
    else {
      failures++;
      console.log(`FAIL @rnnkit/${name}:\n  ${problems.join('\n  ')}`);
    }
  }
  for (const { setName, members, tfjs } of runs) {
    const label = tfjs === null ? setName : `${setName} (tfjs ${tfjs})`;
    const project = join(work, tfjs === null ? setName : `${setName}-tfjs-${tfjs}`);
    cpSync(join(here, 'consumers', setName), project, { recursive: true });
    const dependencies = Object.fromEntries([
      ...members.map((m) => [`@rnnkit/${m}`, `file:${tarballs[m]}`]),
      ...(tfjs === null ? [] : TFJS_PEERS.map((p) => [p, tfjs])),
    ]);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: `consumer-${setName}`, private: true, dependencies }, null, 2));
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], project);
    if (tfjs !== null) {
      const copies = tfjsCoreCopies(project);
      if (copies.length === 1 && copies[0] === `node_modules/@tensorflow/tfjs-core@${tfjs}`) console.log(`ok   ${label}: one tfjs-core, the app's`);
      else {
        failures++;
        console.log(`FAIL ${label}: expected only the app's tfjs-core ${tfjs}, found ${copies.join(', ') || 'none'}`);
      }
    }
    run('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', 'typescript@5.9.3', '@types/node@20.19.43'], project);
    for (const program of readdirSync(project).filter((f) => /^main\.(cjs|mjs)$/.test(f))) {
      try {
        const out = run(process.execPath, [program], project).trim();
        console.log(`ok   ${label}/${program}: ${out.split('\n').at(-1)}`);
      } catch {
        failures++;
        console.log(`FAIL ${label}/${program}`);
      }
    }
    try {
      run(process.execPath, [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], project);
      console.log(`ok   ${label}: consumer.ts type-checks`);
    } catch (error) {
      failures++;
      console.log(`FAIL ${label}: consumer.ts does not type-check\n${error.stdout ?? ''}`);
    }
  }
  console.log(`pack-check: ${failures === 0 ? 'all consumers ran' : `${failures} failure(s)`}`);
  process.exitCode = failures === 0 ? 0 : 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
