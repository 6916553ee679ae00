import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, memory } from '@rnnkit/tensor';
import { loadModel } from '@rnnkit/models';
import { parseTranslateOptions } from './translate-options';
import { formatTranslations, runTranslate } from './translate-run';
import { describeWithSharedData } from '@rnnkit/testkit';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('translate options', () => {
  it('default to a small, short-sentence run; positionals are sentences to translate', () => {
    expect(parseTranslateOptions([])).toMatchObject({ sentences: [], pairs: 5000, maxLength: 6, learningRate: 0.01, cell: 'gru', attention: 'bahdanau', beamWidth: 4 });
    expect(parseTranslateOptions(['i am cold .', '--attention', 'bahdanau', 'we won .'])).toMatchObject({ sentences: ['i am cold .', 'we won .'], attention: 'bahdanau' });
    expect(parseTranslateOptions(['--help'])).toBeNull();
  });

  it('reject bad values with one line naming the flag', () => {
    expect(() => parseTranslateOptions(['--attention', 'luong'])).toThrow('--attention must be one of general, dot, bahdanau, got "luong"');
    expect(() => parseTranslateOptions(['--held-out', '1'])).toThrow('--held-out must be a number in [0, 1), got "1"');
    expect(() => parseTranslateOptions(['--beam', 'wide'])).toThrow('--beam must be a positive integer, got "wide"');
  });
});

describeWithSharedData('fra-eng', 'translate on a few hundred pairs', (dataDir) => {
  it('trains, translates greedily and with a beam, and draws the attention', async () => {
    const out = mkdtempSync(join(tmpdir(), 'rnnkit-translate-'));
    try {
      const before = memory().numTensors;
      const options = parseTranslateOptions(['i am cold .', 'zyxwv ok', '--pairs', '300', '--max-length', '4', '--units', '16', '--embed', '8', '--epochs', '3', '--batch-size', '32', '--lr', '0.01', '--backend', 'cpu', '--data-dir', dataDir, '--out', out])!;
      const result = await runTranslate(options, () => undefined);
      expect(memory().numTensors).toBe(before);
      expect(result.pairs.train + result.pairs.test + result.pairs.dropped).toBe(300);
      expect(result.test.accuracy).toBeGreaterThan(0);
      expect(result.translations[0]).toMatchObject({ english: 'i am cold .', unknown: [] });
      expect(result.translations[1]!.unknown).toEqual(['zyxwv']);
      expect(result.translations.slice(2).every((t) => t.reference !== undefined)).toBe(true);
      for (const t of result.translations) expect(typeof t.greedy === 'string' && typeof t.beam === 'string').toBe(true);
      const lines = formatTranslations(result.translations, 4);
      expect(lines[0]).toBe('  EN      i am cold .');
      expect(lines).toContain('  EN      zyxwv ok   (not in the vocabulary: zyxwv)');
      const svg = readFileSync(result.heatmapFile, 'utf8');
      expect(svg.startsWith('<svg')).toBe(true);
      expect(svg).toContain('Attention: “i am cold .”');
      expect(existsSync(join(out, 'vocabularies.json'))).toBe(true);
      const loaded = await loadModel(result.modelDir);
      expect(loaded.topology().kind).toBe('seq2seq');
      loaded.dispose();
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  }, 600_000);

  it('refuses settings that leave nothing to train on', async () => {
    const options = parseTranslateOptions(['--pairs', '3', '--max-length', '1', '--backend', 'cpu', '--data-dir', dataDir])!;
    await expect(runTranslate(options, () => undefined)).rejects.toThrow('too few to train on');
  });
});
