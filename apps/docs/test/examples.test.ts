/**
 * Documentation cannot rot: every ```ts block of the READMEs and the guide is type-checked against
 * the packages' sources (strict, as the packages are), and every block not marked `// needs: …` is
 * bundled from those sources and run with Node; it passes when it exits 0 within the time limit.
 * A block marked `// data: <folder>` runs with `RNNKIT_DATA_DIR` set to the project's shared data
 * (`$RNNKIT_SHARED_DATA`, else `<repo>/../shared/data`); without those folders it is type-checked only.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { bundlePrograms, repoRoot } from '../tools/bundle.cjs';
import { PUBLISHED, allCodeBlocks } from './code-blocks';
import type { CodeBlock } from './code-blocks';

const scratch = join(__dirname, '..', '.examples');
const sharedData = process.env['RNNKIT_SHARED_DATA'] ?? join(repoRoot, '..', 'shared', 'data');
const blocks = allCodeBlocks(repoRoot);
const missingData = (b: CodeBlock): string[] => b.data.filter((d) => !existsSync(join(sharedData, d)));
const runnable = blocks.filter((b) => b.needs === undefined && missingData(b).length === 0);
for (const b of blocks) {
  const missing = missingData(b);
  if (missing.length > 0) console.warn(`${b.where}: type-checked only, shared data not found at ${missing.map((d) => join(sharedData, d)).join(', ')} (set RNNKIT_SHARED_DATA)`);
}
const fileOf = (b: CodeBlock): string => join(scratch, `${b.id}.ts`);
const diagnostics = new Map<string, string[]>();
const bundleErrors = new Map<string, string>();

function typeCheck(): void {
  const configPath = join(scratch, 'tsconfig.json');
  const parsed = ts.getParsedCommandLineOfConfigFile(configPath, {}, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (parsed === undefined) throw new Error(`cannot read ${configPath}`);
  const program = ts.createProgram(parsed.fileNames, { ...parsed.options, noEmit: true });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const file = d.file?.fileName ?? configPath;
    const at = d.file !== undefined && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
    const text = `${at === undefined ? '' : `line ${at.line + 1}: `}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
    diagnostics.set(file, [...(diagnostics.get(file) ?? []), text]);
  }
}

function runNode(file: string, env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [file], { cwd: scratch, env, timeout: 60_000, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : null, output: `${stdout}${stderr}` });
    });
  });
}

async function prepare(): Promise<void> {
  rmSync(scratch, { recursive: true, force: true });
  mkdirSync(scratch, { recursive: true });
  for (const b of blocks) writeFileSync(fileOf(b), `${b.code}\n\nexport {};\n`);
  writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({ extends: '../../../tsconfig.base.json', include: ['*.ts'] }, null, 2));
  typeCheck();
  try {
    await bundlePrograms(runnable.map(fileOf), join(scratch, 'out'));
  } catch {
    // one block that does not compile must not take the others down: bundle them one by one
    for (const b of runnable) {
      try {
        await bundlePrograms([fileOf(b)], join(scratch, 'out'));
      } catch (error) {
        bundleErrors.set(b.id, error instanceof Error ? error.message : String(error));
      }
    }
  }
}

// concurrent tests may start before beforeAll hooks finish, so every test awaits the one preparation
let prepared: Promise<void> | undefined;
const ready = (): Promise<void> => (prepared ??= prepare());

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

// the programs whose output the guide pastes (e.g. examples/gradient-flow.ts) must keep running
const programs = readdirSync(join(__dirname, '..', 'examples')).filter((f) => f.endsWith('.ts'));
test.concurrent.each(programs.map((f) => [f]))('examples/%s runs', async (file) => {
  await ready();
  const out = join(scratch, 'programs');
  await bundlePrograms([join(__dirname, '..', 'examples', file)], out);
  const { code, output } = await runNode(join(out, file.replace(/\.ts$/, '.mjs')));
  if (code !== 0 || /stopped: (?!fit: the loss is NaN)/.test(output)) throw new Error(`examples/${file} failed (exit ${code}):\n${output.slice(-4000)}`);
});

test.each(PUBLISHED.map((p) => [p]))('the README of @rnnkit/%s has an example that runs', (p) => {
  expect(runnable.filter((b) => b.where.startsWith(`packages/${p}/README.md:`)).length).toBeGreaterThan(0);
});

describe.each(blocks.map((b) => [b.where, b] as const))('%s', (_where, block) => {
  test('type-checks', async () => {
    await ready();
    const errors = diagnostics.get(fileOf(block)) ?? [];
    if (errors.length > 0) throw new Error(`${block.where} does not type-check:\n${errors.join('\n')}\n--- block ---\n${block.code}`);
  });
  if (runnable.includes(block)) {
    test.concurrent('runs', async () => {
      await ready();
      const bundleError = bundleErrors.get(block.id);
      if (bundleError !== undefined) throw new Error(`${block.where} does not bundle:\n${bundleError}`);
      const env = block.data.length === 0 ? process.env : { ...process.env, RNNKIT_DATA_DIR: sharedData };
      const { code, output } = await runNode(join(scratch, 'out', `${block.id}.mjs`), env);
      if (code !== 0) throw new Error(`${block.where} exited with ${code}:\n${output.slice(-4000)}`);
    });
  }
});
