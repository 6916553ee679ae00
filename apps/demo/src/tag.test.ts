import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, memory } from '@rnnkit/tensor';
import { describeWithSharedData } from '@rnnkit/testkit';
import { checkMemory, memoryLimit } from './memory-estimate';
import { parseTagOptions, TAG_HELP } from './tag-options';
import { formatTagged, runTagCommand, tagMemory } from './tag-run';
import type { TagResult, TaggedText } from './tag-run';
import { UsageError } from './usage-error';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('tag options', () => {
  it('default to the full run with character features; positionals are sentences to tag', () => {
    expect(parseTagOptions([])).toMatchObject({ sentences: [], cell: 'lstm', units: 100, embed: 100, chars: true, charUnits: 32, maxWordLength: 10, epochs: 6, patience: 2, batchSize: 32, outDir: 'out/tag', modelDir: 'out/tag/model' });
    expect(parseTagOptions(['Time flies like an arrow .', '--cell', 'gru', '--no-chars', '--out', 'o'])).toMatchObject({
      sentences: ['Time flies like an arrow .'],
      cell: 'gru',
      chars: false,
      modelDir: 'o/model',
    });
    expect(parseTagOptions(['--chars', '--model', 'm'])).toMatchObject({ chars: true, modelDir: 'm' });
    expect(parseTagOptions(['--help'])).toBeNull();
    expect(TAG_HELP).toContain('--chars, --no-chars');
  });

  it('reject bad values with one line naming the flag', () => {
    expect(() => parseTagOptions(['--cell', 'rnn'])).toThrow(new UsageError('--cell must be one of lstm, gru, got "rnn"'));
    expect(() => parseTagOptions(['--units', '0'])).toThrow('--units must be a positive integer, got "0"');
    expect(() => parseTagOptions(['--dropout', '1'])).toThrow('--dropout must be a number in [0, 1), got "1"');
    expect(() => parseTagOptions(['--chars', '--no-chars'])).toThrow('--chars and --no-chars contradict each other: give one');
    expect(() => parseTagOptions(['--char'])).toThrow(UsageError);
    expect(() => parseTagOptions(['--limit'])).toThrow(/--limit/);
  });

  it('refuse a configuration that cannot fit in memory, before anything is allocated', () => {
    const options = parseTagOptions(['--units', '30000'])!;
    const parts = tagMemory(options, { words: 9000, chars: 110, tags: 17, T: 159, L: 14 });
    expect(() => checkMemory(parts, memoryLimit('wasm'), '--units')).toThrow(/this configuration needs about \d+(\.\d)? GB .* more than the wasm backend's 4 GiB heap: reduce --units/);
    expect(() => checkMemory(tagMemory(parseTagOptions([])!, { words: 9000, chars: 110, tags: 17, T: 159, L: 14 }), memoryLimit('wasm'), '--units')).not.toThrow();
  });
});

describe('tag: errors a user can cause', () => {
  it('no data: says where to put it', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'rnnkit-tag-nodata-'));
    try {
      await expect(runTagCommand(['--data-dir', join(empty, 'nowhere')], () => undefined)).rejects.toThrow(new UsageError(`--data-dir ${join(empty, 'nowhere')} does not exist`));
      await expect(runTagCommand(['--data-dir', empty], () => undefined)).rejects.toThrow(new UsageError(`loadUdEwt: ${join(empty, 'en_ewt-ud-train.conllu.gz')} does not exist`));
      writeFileSync(join(empty, 'en_ewt-ud-train.conllu.gz'), 'not gzip');
      await expect(runTagCommand(['--data-dir', empty], () => undefined)).rejects.toThrow(UsageError);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('no saved model: says how to train one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rnnkit-tag-nomodel-'));
    try {
      await expect(runTagCommand(['a sentence', '--model', dir], () => undefined)).rejects.toThrow(
        new UsageError(`no tagger at ${dir} (model.json and vocabularies.json) — train one first with: pnpm demo tag (it saves out/tag/model), or pass --model DIR`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describeWithSharedData('ud-ewt', 'tag on a few sentences of UD English EWT', (dataDir) => {
  it('trains one epoch, reports, draws the confusion matrix, saves, and tags a sentence with the saved model', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rnnkit-tag-'));
    const lines: string[] = [];
    try {
      const before = memory().numTensors;
      const tiny = ['--limit', '40', '--epochs', '1', '--units', '8', '--embed', '8', '--char-units', '4', '--char-embed', '4', '--backend', 'cpu', '--data-dir', dataDir, '--out', out];
      const result = (await runTagCommand(tiny, (line) => lines.push(line))) as TagResult;
      expect(memory().numTensors).toBe(before);
      expect(result.sentences).toEqual({ train: 40, dev: 40, test: 40 });
      expect(result.epochs).toHaveLength(1);
      expect(result.test.perTag.map((s) => s.tag)).toEqual(['ADJ', 'ADP', 'ADV', 'AUX', 'CCONJ', 'DET', 'INTJ', 'NOUN', 'NUM', 'PART', 'PRON', 'PROPN', 'PUNCT', 'SCONJ', 'SYM', 'VERB', 'X']);
      expect(result.test.tokens).toBe(result.test.perTag.reduce((n, s) => n + s.support, 0));
      expect(result.baselineAccuracy).toBeGreaterThan(0.5);
      expect(result.samples.length).toBeGreaterThan(0);
      expect(lines.some((l) => l.startsWith('Test accuracy '))).toBe(true);
      expect(lines).toContain('  tag      precision  recall   F1       support');
      const svg = readFileSync(result.confusionFile, 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('UPOS confusion on UD English EWT test');
      expect(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).test.accuracy).toBe(result.test.accuracy);
      expect(existsSync(join(out, 'model', 'vocabularies.json'))).toBe(true);

      const tagged = (await runTagCommand(['Time flies like an arrow.', "I don't know.", '--model', join(out, 'model'), '--backend', 'cpu'], (line) => lines.push(line))) as TaggedText[];
      expect(memory().numTensors).toBe(before);
      expect(tagged[0]!.words).toEqual(['Time', 'flies', 'like', 'an', 'arrow', '.']);
      expect(tagged[1]!.words).toEqual(['I', 'do', "n't", 'know', '.']);
      for (const t of tagged) expect(t.predicted.every((p) => result.test.perTag.some((s) => s.tag === p))).toBe(true);
      expect(lines.at(-1)).toMatch(/^ {2}I\/[A-Z]+ do\/[A-Z]+ n't\/[A-Z]+ know\/[A-Z]+ \.\/[A-Z]+$|not in the word vocabulary/);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 120_000);

  it('trains words only with --no-chars (a one-input model) and tags with it', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rnnkit-tag-words-'));
    try {
      const result = (await runTagCommand(['--no-chars', '--cell', 'gru', '--limit', '20', '--epochs', '1', '--units', '4', '--embed', '4', '--backend', 'cpu', '--data-dir', dataDir, '--out', out], () => undefined)) as TagResult;
      expect(result.test.tokens).toBeGreaterThan(0);
      const tagged = (await runTagCommand(['Hello world', '--model', join(out, 'model'), '--backend', 'cpu'], () => undefined)) as TaggedText[];
      expect(tagged[0]!.predicted).toHaveLength(2);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 600_000);
});

describe('formatTagged', () => {
  it('shows word/TAG, the gold tag in brackets when wrong, and the unknown words', () => {
    expect(formatTagged([{ words: ['Time', 'flies'], predicted: ['NOUN', 'NOUN'], gold: ['NOUN', 'VERB'], unknown: ['flies'] }])).toEqual([
      '  Time/NOUN flies/NOUN[VERB]',
      '    (not in the word vocabulary: flies)',
    ]);
    expect(formatTagged([{ words: ['Hi'], predicted: ['INTJ'], unknown: [] }])).toEqual(['  Hi/INTJ']);
  });
});
