/**
 * `pnpm demo speech`: spoken digits from the Free Spoken Digit Dataset.
 *
 *   train:       MFCCs → BiGRU classifier (N→1, accuracy on the 0–4 test split) and, on strings of 2–6
 *                recordings, BiGRU ×2 → per-frame logits trained with CTC (N→M, character error rate on
 *                strings built only from test-split recordings); both models and the feature
 *                normalisation are saved.
 *   transcribe:  a WAV file → the digits spoken in it.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadFsdd, normalizeFeatures, parseWav } from '@rnnkit/datasets';
import type { FeatureNormalizer, FsddRecording } from '@rnnkit/datasets';
import { ctcBeamDecode, ctcGreedyDecode, editDistance, loadModel, saveModel } from '@rnnkit/models';
import type { Sequential } from '@rnnkit/models';
import { argMax, initBackend, softmax, tensor, tidy } from '@rnnkit/tensor';
import { ctcLossFromTargets, sparseCategoricalCrossentropy } from '@rnnkit/training';
import { formatSeconds } from './progress-bar';
import { CTC_BLANK, CTC_CLASSES, digitClassifier, digitStringRecognizer } from './speech-model';
import { digitExamples, makeBatch, normalizeSplits, SAMPLE_RATE, speechExtractor, stringExamples } from './speech-data';
import type { SpeechExample } from './speech-data';
import { checkSpeechMemory } from './speech-memory';
import type { SpeechShapes } from './speech-memory';
import { parseSpeechOptions, SPEECH_HELP } from './speech-options';
import type { SpeechTrainOptions, SpeechTranscribeOptions } from './speech-options';
import { trainLoop } from './speech-train';
import { loadingData, UsageError } from './usage-error';

/** Hops of the two feature streams, in ms. */
const CLASSIFY_HOP_MS = 10;
const CTC_HOP_MS = 20;
/** Single recordings are cropped to 1.2 s (only a handful are longer). */
const MAX_DIGIT_FRAMES = 120;
/** What the memory estimate needs to know of the features and strings above (buildDigitStrings' defaults: 2–6 digits, 50–250 ms silences). */
export const SPEECH_SHAPES: SpeechShapes = {
  features: 13,
  sampleRate: SAMPLE_RATE,
  frameLength: 200,
  classifyHop: (CLASSIFY_HOP_MS * SAMPLE_RATE) / 1000,
  ctcHop: (CTC_HOP_MS * SAMPLE_RATE) / 1000,
  maxDigitFrames: MAX_DIGIT_FRAMES,
  classes: { classifier: 10, ctc: CTC_CLASSES },
  strings: { meanDigits: 4, maxDigits: 6, meanSilence: 0.15, maxSilence: 0.25 },
};

export interface SpeechResult {
  readonly classifier?: { readonly accuracy: number; readonly seconds: number; readonly testCount: number };
  readonly ctc?: { readonly greedyCer: number; readonly beamCer: number; readonly stringAccuracy: number; readonly seconds: number; readonly testCount: number };
  readonly seconds: number;
}

function fsddDir(flag: string | undefined): string {
  if (flag !== undefined) {
    if (!existsSync(flag)) throw new UsageError(`--data-dir ${flag} does not exist`);
    return flag;
  }
  const candidates = [process.env['RNNKIT_SHARED_DATA'], ...ancestors(process.cwd()).map((d) => join(d, 'shared', 'data')), ...ancestors(__dirname).map((d) => join(d, 'shared', 'data'))];
  for (const root of candidates) if (root !== undefined && root !== '' && existsSync(join(root, 'fsdd', 'fsdd_jackson.tar.gz'))) return join(root, 'fsdd');
  if (process.env['RNNKIT_DATA_DIR']) return join(process.env['RNNKIT_DATA_DIR'], 'fsdd');
  throw new UsageError('FSDD not found: pass --data-dir (a folder with fsdd_{speaker}.tar.gz) or set RNNKIT_SHARED_DATA');
}

function ancestors(start: string): string[] {
  const out: string[] = [];
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    out.push(dir);
    if (dirname(dir) === dir) return out;
  }
}

/** The command: `speech [train] …` or `speech transcribe FILE.wav`. */
export async function runSpeechCommand(argv: readonly string[], print: (line: string) => void = console.log): Promise<SpeechResult | null> {
  const options = parseSpeechOptions(argv);
  if (options === null) {
    print(SPEECH_HELP);
    return null;
  }
  if (options.command === 'transcribe') {
    await transcribe(options, print);
    return null;
  }
  return trainSpeech(options, print);
}

function takePerSplit(recordings: readonly FsddRecording[], limit: number | undefined): FsddRecording[] {
  if (limit === undefined) return [...recordings];
  // every k-th recording, so a small run still sees every digit and speaker
  const step = Math.max(1, Math.floor(recordings.length / limit));
  return recordings.filter((_, i) => i % step === 0).slice(0, limit);
}

/** Trains and evaluates the selected models; saves them with their feature normalisation. */
export async function trainSpeech(options: SpeechTrainOptions, print: (line: string) => void = console.log): Promise<SpeechResult> {
  const started = performance.now();
  const backend = await initBackend({ backend: options.backend });
  const dir = fsddDir(options.dataDir);
  print(`Loading FSDD from ${dir}…`);
  const fsdd = await loadingData(() => loadFsdd({ dataDir: dir }));
  const train = takePerSplit(fsdd.train, options.limit);
  const test = takePerSplit(fsdd.test, options.limit);
  print(`${train.length} train / ${test.length} test recordings (test = index 0–4 of every digit and speaker) on ${backend.backend}`);
  const lengths = [...train, ...test].map((r) => r.samples.length);
  checkSpeechMemory(
    options,
    stringCounts(options),
    { trainCount: train.length, meanSamples: lengths.reduce((a, b) => a + b, 0) / lengths.length, maxSamples: Math.max(...lengths) },
    SPEECH_SHAPES,
  );
  const outDir = resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const classifier = options.task === 'ctc' ? undefined : await trainClassifier(options, train, test, outDir, print);
  const ctc = options.task === 'classify' ? undefined : await trainCtc(options, train, test, outDir, print);
  const result = { ...(classifier && { classifier }), ...(ctc && { ctc }) };
  const seconds = (performance.now() - started) / 1000;
  writeFileSync(join(outDir, 'results.json'), JSON.stringify({ options, ...result, seconds }, null, 2) + '\n');
  print(`Total time ${formatSeconds(seconds)} on ${backend.backend}; wrote ${outDir}/results.json (transcribe a WAV with: pnpm demo speech transcribe FILE.wav --model-dir ${options.outDir})`);
  return { ...result, seconds };
}

function saveFeatures(dir: string, hopMs: number, normalizer: FeatureNormalizer): void {
  writeFileSync(join(dir, 'features.json'), JSON.stringify({ hopMs, mean: Array.from(normalizer.mean), std: Array.from(normalizer.std) }) + '\n');
}

async function trainClassifier(
  options: SpeechTrainOptions,
  trainRecordings: readonly FsddRecording[],
  testRecordings: readonly FsddRecording[],
  outDir: string,
  print: (line: string) => void,
): Promise<NonNullable<SpeechResult['classifier']>> {
  const started = performance.now();
  const extractor = speechExtractor(CLASSIFY_HOP_MS);
  const split = normalizeSplits(digitExamples(trainRecordings, extractor, MAX_DIGIT_FRAMES), [digitExamples(testRecordings, extractor, MAX_DIGIT_FRAMES)]);
  const test = split.others[0]!;
  const model = digitClassifier(13, options.units, options.seed);
  print('');
  print(model.summary());
  print('N→1: spoken digit → class');
  const loss = sparseCategoricalCrossentropy({ fromLogits: true });
  try {
    await trainLoop({
      model,
      examples: split.train,
      epochs: options.classifyEpochs,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      seed: options.seed,
      loss: (logits, batch) => loss(tensor(batch.digits.map((d) => d[0]!), [batch.digits.length], 'int32'), logits),
      afterEpoch: () => `test accuracy ${classifierAccuracy(model, test).toFixed(4)}`,
      print,
    });
    const accuracy = classifierAccuracy(model, test);
    const dir = join(outDir, 'classifier');
    await saveModel(model, dir);
    saveFeatures(dir, CLASSIFY_HOP_MS, split.normalizer);
    const seconds = (performance.now() - started) / 1000;
    print(`Classifier: test accuracy ${(100 * accuracy).toFixed(2)} % on ${test.length} recordings (${formatSeconds(seconds)}); saved to ${dir}`);
    return { accuracy, seconds, testCount: test.length };
  } finally {
    model.dispose();
  }
}

function* batchesOf(n: number, size: number): Generator<number[]> {
  for (let start = 0; start < n; start += size) yield Array.from({ length: Math.min(size, n - start) }, (_, i) => start + i);
}

function classifierAccuracy(model: Sequential, examples: readonly SpeechExample[]): number {
  let correct = 0;
  for (const indices of batchesOf(examples.length, 64)) {
    const batch = makeBatch(examples, indices);
    const predicted = tidy(() => Array.from(argMax(model.apply(batch.x, { training: false }), -1).dataSync()));
    batch.x.dispose();
    predicted.forEach((p, i) => (correct += p === batch.digits[i]![0] ? 1 : 0));
  }
  return correct / examples.length;
}

/** Greedy and beam character error rates (Σ edit distance / Σ reference digits) and exact-string accuracy. */
function ctcErrorRates(model: Sequential, examples: readonly SpeechExample[], beamWidth: number): { greedyCer: number; beamCer: number; stringAccuracy: number } {
  let reference = 0;
  let greedyErrors = 0;
  let beamErrors = 0;
  let exact = 0;
  for (const indices of batchesOf(examples.length, 32)) {
    const batch = makeBatch(examples, indices);
    const logits = model.apply(batch.x, { training: false });
    const greedy = ctcGreedyDecode(logits, { blank: CTC_BLANK, inputLengths: batch.lengths });
    const beams = ctcBeamDecode(logits, { blank: CTC_BLANK, inputLengths: batch.lengths, beamWidth });
    logits.dispose();
    batch.x.dispose();
    batch.digits.forEach((digits, i) => {
      const target = digits.map((d) => d + 1);
      const best = beams[i]![0]!.labels;
      reference += target.length;
      greedyErrors += editDistance(greedy[i]!, target);
      const distance = editDistance(best, target);
      beamErrors += distance;
      exact += distance === 0 ? 1 : 0;
    });
  }
  return { greedyCer: greedyErrors / reference, beamCer: beamErrors / reference, stringAccuracy: exact / examples.length };
}

/** The digit strings CTC trains and tests on (fewer in a --limit smoke run). */
function stringCounts(options: SpeechTrainOptions): { trainStrings: number; testStrings: number } {
  if (options.limit === undefined) return { trainStrings: options.trainStrings, testStrings: options.testStrings };
  return { trainStrings: Math.min(options.trainStrings, 4 * options.limit), testStrings: Math.min(options.testStrings, options.limit) };
}

async function trainCtc(
  options: SpeechTrainOptions,
  trainRecordings: readonly FsddRecording[],
  testRecordings: readonly FsddRecording[],
  outDir: string,
  print: (line: string) => void,
): Promise<NonNullable<SpeechResult['ctc']>> {
  const started = performance.now();
  const extractor = speechExtractor(CTC_HOP_MS);
  const { trainStrings: trainCount, testStrings: testCount } = stringCounts(options);
  print('');
  print(`N→M: ${trainCount} training strings from train-split recordings, ${testCount} test strings from test-split recordings`);
  const split = normalizeSplits(stringExamples(trainRecordings, trainCount, options.seed, extractor), [
    stringExamples(testRecordings, testCount, options.seed + 1_000_003, extractor),
  ]);
  const test = split.others[0]!;
  const model = digitStringRecognizer(13, options.units, options.seed);
  print(model.summary());
  try {
    await trainLoop({
      model,
      examples: split.train,
      epochs: options.ctcEpochs,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      seed: options.seed,
      loss: (logits, batch) =>
        ctcLossFromTargets(logits, { labels: batch.digits.map((ds) => ds.map((d) => d + 1)), inputLengths: batch.lengths }, { blank: CTC_BLANK }),
      afterEpoch: (epoch) => (epoch % 5 === 4 || epoch === options.ctcEpochs - 1 ? `test CER (greedy) ${ctcErrorRates(model, test, 1).greedyCer.toFixed(4)}` : ''),
      print,
    });
    const rates = ctcErrorRates(model, test, options.beamWidth);
    const dir = join(outDir, 'ctc');
    await saveModel(model, dir);
    saveFeatures(dir, CTC_HOP_MS, split.normalizer);
    const seconds = (performance.now() - started) / 1000;
    print(
      `CTC: test CER greedy ${(100 * rates.greedyCer).toFixed(2)} %, prefix beam (width ${options.beamWidth}) ${(100 * rates.beamCer).toFixed(2)} %; ` +
        `whole strings right ${(100 * rates.stringAccuracy).toFixed(1)} % of ${test.length} (${formatSeconds(seconds)}); saved to ${dir}`,
    );
    return { ...rates, seconds, testCount: test.length };
  } finally {
    model.dispose();
  }
}

/** Linear-interpolation resampling to `rate` (enough for speech into an 8 kHz MFCC front end). */
function resample(samples: Float32Array, from: number, to: number): Float32Array {
  if (from === to) return samples;
  const out = new Float32Array(Math.max(1, Math.floor((samples.length * to) / from)));
  for (let i = 0; i < out.length; i++) {
    const x = (i * from) / to;
    const j = Math.floor(x);
    const a = samples[j] ?? 0;
    const b = samples[j + 1] ?? a;
    out[i] = a + (b - a) * (x - j);
  }
  return out;
}

async function transcribe(options: SpeechTranscribeOptions, print: (line: string) => void): Promise<void> {
  if (!existsSync(options.file)) throw new UsageError(`${options.file} does not exist`);
  const ctcDir = join(options.modelDir, 'ctc');
  if (!existsSync(join(ctcDir, 'model.json'))) throw new UsageError(`no trained CTC model in ${ctcDir} (run: pnpm demo speech train)`);
  await initBackend({ backend: options.backend });
  const wav = await loadingData(() => parseWav(readFileSync(options.file), options.file));
  const samples = resample(wav.samples, wav.sampleRate, SAMPLE_RATE);
  const run = async (dir: string, audio: Float32Array): Promise<{ model: Sequential; x: ReturnType<typeof makeBatch> }> => {
    const saved = await loadingData(() => JSON.parse(readFileSync(join(dir, 'features.json'), 'utf8')) as { hopMs: number; mean: number[]; std: number[] });
    const normalizer = { mean: Float32Array.from(saved.mean), std: Float32Array.from(saved.std) };
    const features = normalizeFeatures(speechExtractor(saved.hopMs).mfcc(audio), normalizer);
    const model = (await loadingData(() => loadModel(dir))) as Sequential;
    return { model, x: makeBatch([{ features, digits: [] }], [0]) };
  };
  // the recogniser was trained on strings with silence before and after: give it some (150 ms each side)
  const edge = Math.round(0.15 * SAMPLE_RATE);
  const padded = new Float32Array(samples.length + 2 * edge);
  padded.set(samples, edge);
  const ctc = await run(ctcDir, padded);
  const logits = ctc.model.apply(ctc.x.x, { training: false });
  const [best] = ctcBeamDecode(logits, { blank: CTC_BLANK, beamWidth: options.beamWidth })[0]!;
  logits.dispose();
  ctc.x.x.dispose();
  ctc.model.dispose();
  const digits = best!.labels.map((k) => k - 1);
  print(`${options.file}: ${(samples.length / SAMPLE_RATE).toFixed(2)} s → "${digits.join(' ')}" (CTC prefix beam, ln p = ${best!.logProb.toFixed(2)})`);
  const classifierDir = join(options.modelDir, 'classifier');
  if (digits.length <= 1 && existsSync(join(classifierDir, 'model.json'))) {
    const one = await run(classifierDir, samples);
    const p = tidy(() => Array.from(softmax(one.model.apply(one.x.x, { training: false })).dataSync()));
    one.x.x.dispose();
    one.model.dispose();
    const top = p.indexOf(Math.max(...p));
    print(`  single-digit classifier: ${top} (p = ${p[top]!.toFixed(3)})`);
  }
}
