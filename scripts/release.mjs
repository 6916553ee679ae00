// Publishes the five packages (the changesets "fixed" group) after every check passed:
//
//   pnpm changeset version      (first, in its own commit: bumps the group, writes CHANGELOG.md files)
//   node scripts/release.mjs [--dry-run]
//
// Steps, each stopping the release when it fails: a clean git tree, the build, lint, typecheck, all
// tests (the doc-example test included), pack-check (tarball contents, publint, attw, npm-installed CJS/ESM/TS
// consumers), the API reference (TypeDoc fails on an undocumented export), then `changeset publish`, which
// publishes every package whose version is not on the registry yet and tags it. --dry-run stops before
// publishing. Not run in CI.
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dryRun = process.argv.includes('--dry-run');

function step(title, cmd, args) {
  console.log(`\n▶ ${title}: ${cmd} ${args.join(' ')}`);
  try {
    execFileSync(cmd, args, { cwd: root, stdio: 'inherit' });
  } catch {
    console.error(`\nrelease stopped: "${title}" failed; nothing was published.`);
    process.exit(1);
  }
}

const status = execFileSync('git', ['status', '--porcelain'], { cwd: root, encoding: 'utf8' }).trim();
if (status !== '' && !dryRun) {
  console.error(`release stopped: the working tree has uncommitted changes (commit \`pnpm changeset version\` first):\n${status}`);
  process.exit(1);
}

step('build', 'pnpm', ['build']);
step('lint', 'pnpm', ['lint']);
step('typecheck', 'pnpm', ['typecheck']);
step('tests', 'pnpm', ['test']);
step('pack-check', 'pnpm', ['pack-check']);
step('API reference', 'pnpm', ['--filter', '@rnnkit/docs', 'api']);
if (dryRun) {
  step('what would be published', 'pnpm', ['changeset', 'status', '--verbose']);
  console.log('\n--dry-run: every check passed; stopping before `changeset publish`.');
} else {
  step('publish', 'pnpm', ['changeset', 'publish']);
  console.log('\nPublished. Push the tags: git push --follow-tags');
}
