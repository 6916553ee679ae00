/**
 * The memory check of the demo's size options (issue 18, item 3): the estimate counts exactly the
 * parameters the commands build, and too-large configurations are refused in one line saying what
 * they need and what the limit is, before the backend starts or anything is allocated.
 */
import { initBackend, memory } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { dense, gru, lstm, sequential, seq2seq } from '@rnnkit/models';
import { forecastMemory } from './forecast-run';
import { buildImdbModel } from './imdb-model';
import { parseImdbOptions } from './imdb-options';
import { imdbMemory, runImdb } from './imdb-run';
import { checkMemory, memoryLimit } from './memory-estimate';
import { buildCharModel } from './textgen-model';
import { textgenMemory } from './textgen-run';
import { translateMemory } from './translate-run';
import { describeWithSharedData } from '@rnnkit/testkit';
import { checkSpeechMemory, classifierMemory, ctcMemory } from './speech-memory';
import { parseSpeechOptions } from './speech-options';
import type { SpeechTrainOptions } from './speech-options';
import { digitClassifier, digitStringRecognizer } from './speech-model';
import { runSpeechCommand, SPEECH_SHAPES } from './speech-run';
import { UsageError } from './usage-error';
import { videoMemory } from './video-memory';
import { videoClassifier } from './video-model';
import { runVideoCommand } from './video-run';

const count = (params: Readonly<Record<string, Tensor>>): number => Object.values(params).reduce((n, t) => n + t.size, 0);
/** The parameter count inside an estimate: its training state holds four values per parameter. */
const estimated = (parts: readonly { values: number }[]): number => parts[0]!.values / 4;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

describe('the estimate counts the parameters the demo builds', () => {
  it('imdb (every cell), textgen and forecast exactly; translate from above, within 25 %', () => {
    for (const cell of ['simplernn', 'lstm', 'gru', 'bilstm'] as const) {
      const o = { cell, units: 12, embed: 5, numWords: 300, maxlen: 7, batchSize: 4, seed: 1 };
      const model = buildImdbModel(o);
      expect([cell, estimated(imdbMemory(o))]).toEqual([cell, count(model.params)]);
      model.dispose();
    }
    for (const cell of ['lstm', 'gru'] as const) {
      const o = { cell, units: 9, embed: 4, batchSize: 2, steps: 5 };
      const model = buildCharModel({ vocabularySize: 31, embed: 4, units: 9, cell, seed: 1 });
      expect([cell, estimated(textgenMemory(o, 31))]).toEqual([cell, count(model.params)]);
      model.dispose();
      const forecaster = sequential([cell === 'lstm' ? lstm({ units: 9 }) : gru({ units: 9 }), dense({ units: 1 })], { inputShape: [6, 1] });
      expect([cell, estimated(forecastMemory({ cell, units: 9, window: 6, batchSize: 3 }))]).toEqual([cell, count(forecaster.params)]);
      forecaster.dispose();
    }
    for (const attention of ['bahdanau', 'general', 'dot'] as const) {
      const model = seq2seq({ sourceVocab: 40, targetVocab: 50, embeddingDim: 8, units: 16, cell: 'gru', attention, sourceLength: 5, seed: 1 });
      const actual = count(model.params);
      const estimate = estimated(translateMemory({ cell: 'gru', units: 16, embed: 8, batchSize: 2 }, { source: 40, target: 50, S: 5, T: 5 }));
      expect([attention, estimate >= actual, estimate <= 1.25 * actual]).toEqual([attention, true, true]);
      model.dispose();
    }
  });

  it('speech (both models) and video (both cells) exactly', () => {
    const rec = { trainCount: 100, meanSamples: 3500, maxSamples: 18262 };
    const shapes = SPEECH_SHAPES;
    const classifier = digitClassifier(13, 7, 1);
    expect(estimated(classifierMemory({ units: 7, batchSize: 4 }, rec, shapes))).toBe(count(classifier.params));
    classifier.dispose();
    const recognizer = digitStringRecognizer(13, 7, 1);
    expect(estimated(ctcMemory({ units: 7, batchSize: 4 }, 10, rec, shapes))).toBe(count(recognizer.params));
    recognizer.dispose();
    for (const cell of ['lstm', 'gru'] as const) {
      const model = videoClassifier({ frames: 16, size: 64, classes: 6, units: 5, cell, seed: 1 });
      expect([cell, estimated(videoMemory({ cell, units: 5, batchSize: 2 }, 6))]).toEqual([cell, count(model.params)]);
      model.dispose();
    }
  });
});

describe('configurations that do not fit are refused before anything is allocated', () => {
  it('imdb --units 20000, --units 100000 and --num-words 100000000 on wasm say what they need and what the limit is', async () => {
    const before = memory().numTensors;
    const refusal = async (argv: string[]): Promise<string> =>
      runImdb(parseImdbOptions([...argv, '--out', '/nonexistent/never-written'])!, () => undefined).then(
        () => 'ran',
        (e: unknown) => (e instanceof UsageError ? e.message : `not a usage error: ${String(e)}`),
      );
    expect(await refusal(['--units', '20000'])).toBe(
      "this configuration needs about 12.6 GB (weights, gradients and Adam's two moments of 401,000,001 parameters: 6.4 GB; " +
        "activations of a batch of 128 × 200: 6.2 GB), more than the wasm backend's 4 GiB heap: reduce --units, --embed, --num-words, --maxlen or --batch-size",
    );
    expect(await refusal(['--units', '100000'])).toMatch(/^this configuration needs about 190\.8 GB \(/);
    expect(await refusal(['--num-words', '100000000'])).toMatch(/^this configuration needs about 51\.\d GB \(weights, gradients and Adam's two moments of 3,200,002,113 parameters/);
    expect(memory().numTensors).toBe(before);
  });

  it('the defaults fit, and the limit is the wasm heap or this machine', () => {
    expect(() => checkMemory(imdbMemory(parseImdbOptions([])!), memoryLimit('wasm'), 'x')).not.toThrow();
    expect(memoryLimit('wasm').bytes).toBe(4_294_901_760);
    expect(memoryLimit('cpu').what).toMatch(/^this machine's \d+\.\d GB of memory$/);
    expect(() => checkMemory([{ what: 'a', values: 2e9 }], { bytes: 4e9, what: 'the limit' }, '--x')).toThrow(
      new UsageError('this configuration needs about 8.0 GB (a: 8.0 GB), more than the limit: reduce --x'),
    );
  });
});

const refusalOf = (run: Promise<unknown>): Promise<string> =>
  run.then(
    () => 'ran',
    (e: unknown) => (e instanceof UsageError ? e.message : `not a usage error: ${String(e)}`),
  );

describe('video configurations that do not fit are refused before MNIST is read', () => {
  it('--units 20000, --units 100000 and --batch-size 100000 say what they need and what the limit is', async () => {
    const before = memory().numTensors;
    const video = (argv: string[]): Promise<string> => refusalOf(runVideoCommand([...argv, '--data-dir', '/nonexistent/mnist', '--out-dir', '/nonexistent/out'], () => undefined));
    expect(await video(['--units', '20000'])).toBe(
      "this configuration needs about 26.6 GB (weights, gradients and Adam's two moments of 1,646,281,382 parameters: 26.3 GB; " +
        "activations of a batch of 32 clips × 16 frames of 64×64: 309 MB), more than the wasm backend's 4 GiB heap: reduce --units or --batch-size",
    );
    expect(await video(['--units', '100000', '--cell', 'gru'])).toMatch(/^this configuration needs about \d+\.\d GB \(weights, gradients and Adam's two moments of 30,\d{3},\d{3},\d{3} parameters/);
    expect(await video(['--batch-size', '100000', '--backend', 'cpu'])).toMatch(
      /^this configuration needs about \d+\.\d GB \(.*activations of a batch of 100000 clips × 16 frames of 64×64: \d+\.\d GB\), more than this machine's \d+\.\d GB of memory: reduce --units or --batch-size$/,
    );
    // the defaults fit: the run goes on to look for MNIST
    expect(await video([])).toBe('--data-dir /nonexistent/mnist does not exist');
    expect(memory().numTensors).toBe(before);
  });
});

describeWithSharedData('fsdd', 'speech configurations that do not fit are refused before strings or models are built', (fsdd) => {
  const speech = (argv: string[]): Promise<string> =>
    refusalOf(runSpeechCommand(['--data-dir', fsdd, '--out-dir', '/nonexistent/out', ...argv], () => undefined));

  it('--units 20000 and 100000, --batch-size with long strings, --train-strings 100000000 say what they need and what the limit is', async () => {
    const before = memory().numTensors;
    expect(await speech(['--task', 'classify', '--units', '20000'])).toMatch(
      /^this configuration needs about \d+\.\d GB \(weights, gradients and Adam's two moments of 2,402,200,010 parameters: 38\.4 GB; activations of a batch of 32 recordings × 120 frames: 3\.7 GB\), more than the wasm backend's 4 GiB heap: reduce --units or --batch-size$/,
    );
    expect(await speech(['--task', 'ctc', '--units', '100000'])).toMatch(/^this configuration needs about \d+\.\d GB .*: reduce --units or --batch-size$/);
    expect(await speech(['--task', 'ctc', '--units', '256', '--batch-size', '3000'])).toMatch(
      /^this configuration needs about \d+\.\d GB \(.*; activations of a batch of 3000 digit strings × up to 773 frames: \d+\.\d GB\), more than the wasm backend's 4 GiB heap: reduce --units or --batch-size$/,
    );
    expect(await speech(['--task', 'ctc', '--train-strings', '100000000'])).toMatch(
      /^this configuration needs about \d+(\.\d)? (GB|TB)? ?\(audio and MFCCs of 100,000,300 digit strings: .*\), more than this machine's \d+\.\d GB of memory: reduce --train-strings or --test-strings$/,
    );
    expect(memory().numTensors).toBe(before);
  }, 60_000);

  it('the defaults fit', () => {
    const o = parseSpeechOptions([]) as SpeechTrainOptions;
    const rec = { trainCount: 2700, meanSamples: 3500, maxSamples: 18262 };
    expect(() => checkSpeechMemory({ ...o, backend: 'wasm' }, { trainStrings: 3000, testStrings: 300 }, rec, SPEECH_SHAPES)).not.toThrow();
  });
});
