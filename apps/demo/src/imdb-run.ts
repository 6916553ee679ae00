/**
 * The seed experiment: Keras' IMDB sentiment script, line for line with the model's own `compile`,
 * `fit` and `evaluate`; the demo adds progress bars, checkpoints (`--resume`), a plot and the saved model.
 *
 *   (x_train, y_train), (x_test, y_test) = imdb.load_data(num_words=10000)
 *   x_train = pad_sequences(x_train, maxlen=200); x_test = pad_sequences(x_test, maxlen=200)
 *   model = Sequential([Embedding(10000, 32), SimpleRNN(32), Dense(1, activation='sigmoid')])
 *   model.compile(optimizer='adam', loss='binary_crossentropy', metrics=['accuracy'])
 *   model.fit(x_train, y_train, epochs=5, batch_size=128, validation_split=0.2)
 *   model.evaluate(x_test, y_test)
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dispose, initBackend } from '@rnnkit/tensor';
import type { BackendInfo, Scalar, Tensor } from '@rnnkit/tensor';
import { loadImdb, padSequences } from '@rnnkit/datasets';
import { saveModel } from '@rnnkit/models';
import type { History } from '@rnnkit/models';
import { decodeCheckpoint, disposeCheckpoint, CHECKPOINT_FILE } from '@rnnkit/training';
import type { Checkpoint } from '@rnnkit/training';
import { buildImdbModel } from './imdb-model';
import type { ImdbOptions } from './imdb-options';
import { findSharedData } from './find-shared-data';
import { fitProgress } from './fit-progress';
import { renderPanelsSvg } from './plot-svg';
import { checkMemory, memoryLimit, recurrentActivations, recurrentParams, trainingState } from './memory-estimate';
import type { MemoryPart } from './memory-estimate';
import { loadingData, UsageError } from './usage-error';

export interface ImdbResult {
  readonly backend: BackendInfo;
  readonly history: History;
  readonly test: { readonly loss: number; readonly accuracy: number };
  readonly seconds: number;
  readonly outDir: string;
  /** The trained model (`loadModel(modelDir)` in @rnnkit/models; what `classify` reads). */
  readonly modelDir: string;
}

function imdbDataDir(options: ImdbOptions): string | undefined {
  if (options.dataDir !== undefined) {
    if (!existsSync(options.dataDir)) throw new UsageError(`--data-dir ${options.dataDir} does not exist`);
    return options.dataDir;
  }
  if (process.env['RNNKIT_IMDB_DIR'] !== undefined) return undefined; // loadImdb reads it
  const shared = findSharedData();
  return shared === undefined ? undefined : join(shared, 'imdb');
}

/**
 * The checkpoint `--resume` continues from, checked against the model these options build before any
 * data is read: a run with another --cell, --units, --embed, --num-words or --maxlen has other weights.
 */
export function resumeCheckpoint(checkpointDir: string, params: Readonly<Record<string, Tensor>>): Checkpoint {
  const file = join(checkpointDir, CHECKPOINT_FILE);
  if (!existsSync(file)) throw new UsageError(`--resume: no checkpoint in ${checkpointDir} (run without --resume first)`);
  const checkpoint = decodeCheckpoint(readFileSync(file), { source: file });
  const shape = (t: Tensor | undefined): string => (t === undefined ? 'absent' : `[${t.shape.join(', ')}]`);
  const names = [...new Set([...Object.keys(params), ...Object.keys(checkpoint.params)])];
  const differs = names.find((name) => shape(params[name]) !== shape(checkpoint.params[name]));
  if (differs !== undefined) {
    const there = shape(checkpoint.params[differs]);
    disposeCheckpoint(checkpoint);
    throw new UsageError(
      `--resume: ${file} is from a run with other options (weight ${differs} is ${there} there, ${shape(params[differs])} with these); ` +
        'resume with that run\'s --cell, --units, --embed, --num-words and --maxlen, or pass another --out',
    );
  }
  return checkpoint;
}

/** Embedding(numWords, E) → recurrent(H) → Dense(1), trained in batches of B × maxlen (see memory-estimate.ts). */
export function imdbMemory(o: Pick<ImdbOptions, 'cell' | 'units' | 'embed' | 'numWords' | 'maxlen' | 'batchSize'>): MemoryPart[] {
  const directions = o.cell === 'bilstm' ? 2 : 1;
  const params = o.numWords * o.embed + recurrentParams(o.cell, o.embed, o.units) + directions * o.units + 1;
  return [trainingState(params), { what: `activations of a batch of ${o.batchSize} × ${o.maxlen}`, values: o.batchSize * o.maxlen * (recurrentActivations(o.cell, o.units) + 2 * o.embed) }];
}

export async function runImdb(options: ImdbOptions, print: (line: string) => void = console.log): Promise<ImdbResult> {
  const started = performance.now();
  checkMemory(imdbMemory(options), memoryLimit(options.backend), '--units, --embed, --num-words, --maxlen or --batch-size');
  const backend = await initBackend({ backend: options.backend });
  const dataDir = imdbDataDir(options);
  const outDir = resolve(options.outDir);
  const checkpointDir = join(outDir, 'checkpoint');
  const model = buildImdbModel(options);
  let resumed: Checkpoint | undefined;
  try {
    resumed = options.resume ? await loadingData(() => resumeCheckpoint(checkpointDir, model.params)) : undefined;
  } catch (error) {
    model.dispose();
    throw error;
  }
  try {
    print(`Loading IMDB (top ${options.numWords} words) from ${dataDir ?? 'the Keras download cache'}…`);
    const imdb = await loadingData(() => loadImdb({ numWords: options.numWords, ...(dataDir === undefined ? {} : { dataDir }) }));
    const take = <T>(xs: readonly T[]): readonly T[] => (options.limit === undefined ? xs : xs.slice(0, options.limit));
    const trainSeqs = take(imdb.train.sequences);
    const testSeqs = take(imdb.test.sequences);
    const yTrain = imdb.train.labels.subarray(0, trainSeqs.length);
    const yTest = imdb.test.labels.subarray(0, testSeqs.length);
    // Keras' pad_sequences defaults: int32, zeros before a short review, a long one loses its beginning
    const xTrain = padSequences(trainSeqs, { maxlen: options.maxlen });
    const xTest = padSequences(testSeqs, { maxlen: options.maxlen });
    print(`${trainSeqs.length} train sequences, ${testSeqs.length} test sequences; padSequences(maxlen ${options.maxlen}) → [${trainSeqs.length}, ${options.maxlen}]`);
    print('');
    print(model.summary());
    print('');
    mkdirSync(outDir, { recursive: true });
    model.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const history = await model.fit(xTrain, yTrain, {
      epochs: options.epochs,
      batchSize: options.batchSize,
      validationSplit: options.validationSplit,
      seed: options.seed,
      callbacks: [fitProgress(print, 'accuracy', 'acc', print === console.log)],
      checkpoint: { dir: checkpointDir },
      ...(resumed === undefined ? {} : { resumeFrom: resumed }),
    });
    // compiled with one metric, evaluate returns tfjs-layers' [loss, accuracy] scalars
    const [loss, accuracy] = model.evaluate(xTest, yTest, { batchSize: options.batchSize }) as [Scalar, Scalar];
    const test = { loss: loss.dataSync()[0]!, accuracy: accuracy.dataSync()[0]! };
    dispose([loss, accuracy]);
    writeOutputs(outDir, options, history, test);
    const modelDir = join(outDir, 'model');
    await saveModel(model, modelDir);
    return { backend, history, test, seconds: (performance.now() - started) / 1000, outDir, modelDir };
  } finally {
    if (resumed !== undefined) disposeCheckpoint(resumed);
    model.dispose();
  }
}

function writeOutputs(outDir: string, options: ImdbOptions, history: History, test: { loss: number; accuracy: number }): void {
  const h = history.history;
  const series = (name: string, color: string, label: string) => ({ label, values: h[name] ?? [], color });
  const svg = renderPanelsSvg(
    [
      { title: 'loss', series: [series('loss', '#d62728', 'train'), series('val_loss', '#1f77b4', 'validation')] },
      { title: 'accuracy', series: [series('accuracy', '#d62728', 'train'), series('val_accuracy', '#1f77b4', 'validation')] },
    ],
    `rnnkit · IMDB · ${options.cell}(${options.units}) · test accuracy ${test.accuracy.toFixed(4)}`,
  );
  writeFileSync(join(outDir, 'curves.svg'), svg);
  writeFileSync(join(outDir, 'history.json'), JSON.stringify({ options, history: h, test }, null, 2) + '\n');
}
