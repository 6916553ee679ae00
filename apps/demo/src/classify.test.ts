import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, memory } from '@rnnkit/tensor';
import { dense, lstm, saveModel, sequential } from '@rnnkit/models';
import { parseClassifyOptions } from './classify-options';
import { formatClassification, loadSentimentModel, reviewIds, runClassify } from './classify-run';
import { parseImdbOptions } from './imdb-options';
import { runImdb } from './imdb-run';
import { describeWithSharedData } from '@rnnkit/testkit';

let dir: string;
beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  dir = mkdtempSync(join(tmpdir(), 'rnnkit-classify-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('classify options', () => {
  it('take the review from the arguments', () => {
    expect(parseClassifyOptions(['a', 'fine film', '--top', '3'])).toMatchObject({ text: 'a fine film', top: 3, modelDir: 'out/imdb-simplernn/model' });
    expect(parseClassifyOptions(['--help'])).toBeNull();
    expect(() => parseClassifyOptions([])).toThrow('classify needs the review to score');
    expect(() => parseClassifyOptions(['ok', '--top', '0'])).toThrow('--top must be a positive integer, got "0"');
  });
});

describe('review ids', () => {
  it('follow Keras: start 1, rank + 3, out-of-vocabulary 2 for unknown words and ids ≥ numWords', () => {
    const index = new Map([['the', 1], ['film', 19], ['sublime', 9000]]);
    expect(Array.from(reviewIds(['the', 'film', 'sublime', 'zzyzx'], index, 10_000))).toEqual([1, 4, 22, 9003, 2]);
    expect(Array.from(reviewIds(['the', 'film', 'sublime'], index, 5_000))).toEqual([1, 4, 22, 2]);
  });
});

describe('model files a user can get wrong', () => {
  it('a missing model says how to make one', async () => {
    await expect(loadSentimentModel(join(dir, 'nothing'))).rejects.toThrow(/^no model at .*nothing — train one first with: pnpm demo imdb/);
  });

  it('a corrupt model is one line naming the folder', async () => {
    const bad = join(dir, 'corrupt');
    mkdirSync(bad);
    writeFileSync(join(bad, 'model.json'), '{"format": "rnnkit-mod');
    writeFileSync(join(bad, 'weights.bin'), 'xx');
    const error = (await loadSentimentModel(bad).then(() => new Error('loaded'), (e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^cannot load the model in .*corrupt: /);
    expect(error.message).not.toContain('\n');
  });

  it('a model of another task is refused', async () => {
    const other = join(dir, 'forecaster');
    const model = sequential([lstm({ units: 2 }), dense({ units: 1 })], { inputShape: [4, 1] });
    await saveModel(model, other);
    model.dispose();
    await expect(loadSentimentModel(other)).rejects.toThrow('is not a sentiment model');
  });
});

describeWithSharedData('imdb', 'the IMDB pipeline end to end on a slice: load → pad → train → evaluate → save → load → classify', (dataDir) => {
  it('saves a model that classify loads, scores and explains', async () => {
    const out = join(dir, 'imdb');
    const before = memory().numTensors;
    const trained = await runImdb(
      parseImdbOptions(['--limit', '256', '--epochs', '2', '--batch-size', '32', '--maxlen', '60', '--units', '8', '--embed', '8', '--backend', 'cpu', '--data-dir', dataDir, '--out', out])!,
      () => undefined,
    );
    expect(trained.test.accuracy).toBeGreaterThan(0.3);
    expect(trained.test.accuracy).toBeLessThanOrEqual(1);
    expect(trained.modelDir).toBe(join(out, 'model'));
    const text = 'This film was wonderful, a great and moving story. The acting was brilliant; I loved it.';
    const result = await runClassify(parseClassifyOptions([text, '--model', trained.modelDir, '--backend', 'cpu', '--data-dir', dataDir])!);
    expect(memory().numTensors).toBe(before);
    expect(result).toMatchObject({ numWords: 10_000, maxlen: 60, readFrom: 0 });
    expect(result.words).toEqual(['this', 'film', 'was', 'wonderful', 'a', 'great', 'and', 'moving', 'story', 'the', 'acting', 'was', 'brilliant', 'i', 'loved', 'it']);
    expect(result.score).toBeGreaterThan(0);
    expect(result.score).toBeLessThan(1);
    expect(result.effects).toHaveLength(16);
    const lines = formatClassification(result, 3);
    expect(lines).toContain('Words that moved the score most (score − score without the word):');
    expect(lines.filter((l) => /^ {2}[+−]0\.\d{4} {2}\S/.test(l))).toHaveLength(3);
  }, 600_000);
});
