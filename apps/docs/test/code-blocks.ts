/**
 * Finds the ```ts code blocks of the documentation: the root README, each published package's README
 * and every page of docs/guide. A block whose first line is `// needs: <what>` (e.g. `// needs:
 * shared-data`) needs something a test cannot have in seconds; it is type-checked, not run. A block
 * whose first line is `// data: <folder>[, <folder>…]` reads the project's shared data
 * (`$RNNKIT_DATA_DIR/<folder>`, e.g. `fra-eng`); it runs when those folders are there.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const PUBLISHED = ['tensor', 'cells', 'models', 'training', 'datasets'] as const;

export interface CodeBlock {
  /** Where it is: `packages/cells/README.md:17` (the line of the opening fence). */
  readonly where: string;
  /** A file name for it: `packages-cells-README-17`. */
  readonly id: string;
  readonly code: string;
  /** What it needs beyond the repository (from `// needs: …`), or undefined when it runs as it is. */
  readonly needs: string | undefined;
  /** The shared-data folders it reads (from `// data: …`), empty when none. */
  readonly data: readonly string[];
}

/** The documentation files, relative to the repository root. */
export function documentationFiles(root: string): string[] {
  const guide = join(root, 'docs', 'guide');
  const pages = existsSync(guide) ? readdirSync(guide).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/guide/${f}`) : [];
  return ['README.md', ...PUBLISHED.map((p) => `packages/${p}/README.md`), ...pages];
}

/** Every ```ts / ```typescript block of one Markdown text. */
export function codeBlocks(markdown: string, file: string): CodeBlock[] {
  const blocks: CodeBlock[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|typescript)\s*$/.exec(lines[i] ?? '');
    if (open === null) continue;
    const indent = open[1] ?? '';
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i] ?? ''); i++) body.push((lines[i] ?? '').slice(indent.length));
    const needs = /^\/\/\s*needs:\s*(.+)$/.exec(body[0] ?? '')?.[1]?.trim();
    const data = /^\/\/\s*data:\s*(.+)$/.exec(body[0] ?? '')?.[1]?.split(',').map((d) => d.trim()).filter((d) => d !== '') ?? [];
    blocks.push({ where: `${file}:${start + 1}`, id: `${file.replace(/\.md$/, '').replace(/[^A-Za-z0-9]+/g, '-')}-${start + 1}`, code: body.join('\n'), needs, data });
  }
  return blocks;
}

/** The blocks of every documentation file. */
export function allCodeBlocks(root: string): CodeBlock[] {
  return documentationFiles(root).flatMap((file) => codeBlocks(readFileSync(join(root, file), 'utf8'), file));
}
