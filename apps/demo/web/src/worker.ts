/**
 * The training worker: all tensor work happens here, on the wasm backend, so the page never freezes.
 * It loads the data, trains with @rnnkit/training's `fit`, and answers classify / generate / inspect
 * requests — also while training, between two updates.
 */
import { recurrenceKernelInfo } from '@rnnkit/cells';
import { initBackend } from '@rnnkit/tensor';
import { loadKerasModel } from '@rnnkit/keras';
import { loadModelFromIndexedDb, saveModelToIndexedDb } from '@rnnkit/models';
import type { Sequential } from '@rnnkit/models';
import { adam, binaryAccuracy, binaryCrossentropy, fit, sparseCategoricalAccuracy, sparseCategoricalCrossentropy } from '@rnnkit/training';
import type { Callback, Loss, Metric } from '@rnnkit/training';
// The demo imports @tensorflow/* only for these asset URLs: Vite copies the binaries and gives their addresses.
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { charCorpus, generate } from './chars';
import type { CharCorpus } from './chars';
import { decodeImdbSlice } from './imdb-slice';
import type { ImdbSlice } from './imdb-slice';
import { denseReadout, inspectRecurrent } from './inspect';
import { layerChain, sentimentMisfit } from './keras-fit';
import { charModel, sentimentModel } from './models';
import type { BackendSummary, FromWorker, Readout, StateSeries, TaskName, ToWorker, TrainSettings } from './protocol';
import { classifyReview, lexicon, readTokens, reviewText, splitData } from './sentiment';
import type { Lexicon } from './sentiment';
import { keptModel } from './run-outcome';
import type { RunEnd } from './run-outcome';
import { assertSettings } from './validation';

const CHAR_WINDOW = 64;

const scope = self as unknown as { postMessage(message: FromWorker): void; onmessage: ((event: MessageEvent<ToWorker | { type: 'init'; dataUrl: string }>) => void) | null };
const post = (message: FromWorker): void => scope.postMessage(message);

interface Data {
  readonly imdb: ImdbSlice;
  readonly lex: Lexicon;
  readonly corpus: CharCorpus;
}

let data: Data | null = null;
const models: Partial<Record<TaskName, Sequential>> = {};
let training = false;
let stopRequested = false;

class TrainingStopped extends Error {}

async function load(dataUrl: string): Promise<Data> {
  const get = async (name: string): Promise<Response> => {
    const response = await fetch(new URL(name, dataUrl));
    if (!response.ok) throw new Error(`could not load ${name}: HTTP ${response.status}`);
    return response;
  };
  const [bytes, words, text] = await Promise.all([
    get('imdb-slice.bin').then((r) => r.arrayBuffer()),
    get('imdb-words.json').then((r) => r.json() as Promise<string[]>),
    get('shakespeare.txt').then((r) => r.text()),
  ]);
  const imdb = decodeImdbSlice(new Uint8Array(bytes));
  return { imdb, lex: lexicon(words, imdb.numWords), corpus: charCorpus(text, CHAR_WINDOW) };
}

/** Reports every update, lets queued messages (stop, classify…) run, and stops mid-epoch on request. */
function liveReport(task: TaskName, accuracyName: string): Callback {
  let started = 0;
  let seen = 0;
  let correctSoFar = 0;
  let globalStep = 0;
  return {
    name: 'live-report',
    onEpochBegin() {
      started = performance.now();
      seen = 0;
      correctSoFar = 0;
    },
    async onBatchEnd(_batch, logs) {
      seen += logs.size;
      globalStep++;
      // fit reports the epoch's running mean; this batch's own accuracy is the difference of the sums
      const runningAccuracy = logs.running[accuracyName] ?? Number.NaN;
      const accuracy = (runningAccuracy * seen - correctSoFar) / logs.size;
      correctSoFar = runningAccuracy * seen;
      post({
        type: 'batch',
        task,
        epoch: logs.epoch,
        step: logs.step,
        globalStep,
        loss: logs.loss,
        accuracy,
        runningLoss: logs.running['loss'] ?? logs.loss,
        runningAccuracy,
        samplesPerSecond: seen / Math.max(1e-3, (performance.now() - started) / 1000),
      });
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (stopRequested) throw new TrainingStopped();
    },
    onEpochEnd(epoch, logs) {
      const model = models[task];
      const sample =
        task === 'chars' && model !== undefined && data !== null
          ? generate(model, data.corpus.vocabulary, { prompt: 'ROMEO:\n', length: 160, temperature: 0.7, seed: epoch }).text
          : undefined;
      post({ type: 'epoch', task, epoch, globalStep, logs, ...(sample === undefined ? {} : { sample }) });
    },
  };
}

/**
 * Trains a new model for `settings.task`. While it trains, classify / generate / inspect use it (the
 * page re-scores after every epoch); when it ends, `keptModel` decides whether it replaces the
 * task's previous model or is discarded (failed, or stopped before its first epoch ended).
 */
async function train(settings: TrainSettings, d: Data): Promise<void> {
  assertSettings(settings);
  const previous = models[settings.task];
  const sentiment = settings.task === 'sentiment';
  const model = sentiment
    ? sentimentModel({ cell: settings.cell, numWords: d.imdb.numWords, embed: settings.embed, units: settings.units, maxlen: d.imdb.maxlen, seed: settings.seed })
    : charModel({ cell: settings.cell, vocabulary: d.corpus.vocabulary.tokens.length, embed: settings.embed, units: settings.units, seed: settings.seed });
  const trainSet = sentiment ? splitData(d.imdb, 'train') : d.corpus.train;
  const testSet = sentiment ? splitData(d.imdb, 'test') : d.corpus.validation;
  const loss: Loss = sentiment ? binaryCrossentropy() : sparseCategoricalCrossentropy({ fromLogits: true });
  const metric: Metric = sentiment ? binaryAccuracy({ name: 'accuracy' }) : sparseCategoricalAccuracy({ name: 'accuracy' });
  post({
    type: 'started',
    settings,
    params: model.countParams(),
    summary: model.summary(),
    stepsPerEpoch: Math.ceil(trainSet.x.shape[0]! / settings.batchSize),
  });
  const started = performance.now();
  let end: RunEnd = 'done';
  let message: string | undefined;
  let epochsCompleted = 0;
  const countEpochs: Callback = {
    name: 'count-epochs',
    onEpochEnd() {
      epochsCompleted++;
    },
  };
  models[settings.task] = model;
  try {
    await fit({
      params: model.params,
      forward: (x, isTraining, context) => model.apply(x, { training: isTraining, seed: context.seed }),
      loss,
      optimizer: adam({ learningRate: settings.learningRate }),
      x: trainSet.x,
      y: trainSet.y,
      epochs: settings.epochs,
      batchSize: settings.batchSize,
      validationData: testSet,
      seed: settings.seed,
      metrics: [metric],
      clipping: { globalNorm: 5 },
      callbacks: [liveReport(settings.task, 'accuracy'), countEpochs],
    });
  } catch (error) {
    end = error instanceof TrainingStopped ? 'stopped' : 'failed';
    if (end === 'failed') message = error instanceof Error ? error.message : String(error);
  }
  const kept = keptModel(end, epochsCompleted, previous !== undefined);
  if (kept === 'this run') {
    previous?.dispose();
  } else {
    model.dispose();
    if (previous === undefined) delete models[settings.task];
    else models[settings.task] = previous;
  }
  post({
    type: 'finished',
    task: settings.task,
    reason: end,
    kept,
    ...(message === undefined ? {} : { message }),
    seconds: (performance.now() - started) / 1000,
    kernel: kernelSummary(),
  });
}

function needModel(task: TaskName): Sequential {
  const model = models[task];
  if (model === undefined) throw new Error(task === 'sentiment' ? 'Train the sentiment model first.' : 'Train the character model first.');
  return model;
}

function needData(): Data {
  if (data === null) throw new Error('The data is still loading.');
  return data;
}

/** Where a task's model is kept in IndexedDB. */
const storageKey = (task: TaskName): string => `rnnkit-demo/${task}`;

async function saveModel(task: TaskName): Promise<number> {
  const model = needModel(task);
  await saveModelToIndexedDb(model, storageKey(task));
  return model.countParams();
}

async function loadModel(task: TaskName): Promise<number> {
  if (training) throw new Error('A training run is in progress; stop it first.');
  const loaded = await loadModelFromIndexedDb(storageKey(task));
  if (!('layers' in loaded)) {
    loaded.dispose();
    throw new Error(`The model saved for ${task} is not a sequential model.`);
  }
  models[task]?.dispose();
  models[task] = loaded as Sequential;
  return loaded.countParams();
}

/**
 * The page's lexicon cut to the ids `model`'s Embedding reads (a Keras file's model may know fewer
 * words than the page: the others read as the out-of-vocabulary id, as imdb.load_data(num_words) gives them).
 */
function lexiconOf(model: Sequential, d: Data): Lexicon {
  const first = model.layers[0]?.spec;
  const numWords = first?.kind === 'embedding' ? Math.min(first.inputDim, d.lex.numWords) : d.lex.numWords;
  return numWords === d.lex.numWords ? d.lex : lexicon(d.lex.words, numWords);
}

/**
 * Reads a Keras file and makes it the sentiment model when it fits the page's pipeline; otherwise
 * (not Keras, corrupt, or a model that does not take imdb word ids to one probability) throws why,
 * and the previous model stays.
 */
async function openKeras(file: File, d: Data): Promise<FromWorker & { type: 'opened-keras' }> {
  if (training) throw new Error('A training run is in progress; stop it first.');
  const warnings: string[] = [];
  const model = await loadKerasModel(file, { onWarning: (w) => warnings.push(w) });
  const misfit = sentimentMisfit(model, { numWords: d.imdb.numWords, maxlen: d.imdb.maxlen });
  if (misfit !== null || model.kind !== 'sequential') {
    const layers = model.kind === 'sequential' ? ` (${layerChain(model)})` : '';
    model.dispose();
    throw new Error(`${file.name} is a Keras model${layers}, but not one the page can score reviews with: ${misfit ?? 'it is not sequential'}.`);
  }
  if (training) {
    model.dispose();
    throw new Error('A training run started while the file was read; stop it first.');
  }
  models.sentiment?.dispose();
  models.sentiment = model;
  const summary = warnings.length === 0 ? model.summary() : `${model.summary()}\n${warnings.join('\n')}`;
  return { type: 'opened-keras', id: 0, name: file.name, bytes: file.size, params: model.countParams(), layers: layerChain(model), summary };
}

function handle(message: ToWorker): void {
  switch (message.type) {
    case 'train': {
      if (training) throw new Error('A training run is in progress; stop it first.');
      training = true;
      stopRequested = false;
      train(message.settings, needData())
        .catch((error: unknown) => {
          // the model could not be built: the task keeps whatever model it had
          const task = message.settings.task;
          post({
            type: 'finished',
            task,
            reason: 'failed',
            kept: models[task] === undefined ? 'none' : 'previous',
            message: error instanceof Error ? error.message : String(error),
            seconds: 0,
            kernel: kernelSummary(),
          });
        })
        .finally(() => {
          training = false;
        });
      return;
    }
    case 'stop':
      stopRequested = true;
      return;
    case 'classify': {
      const d = needData();
      const model = needModel('sentiment');
      const lex = lexiconOf(model, d);
      const { score, words } = classifyReview(model, lex, d.imdb.maxlen, message.text);
      post({ type: 'classified', id: message.id, score, words, numWords: lex.numWords });
      return;
    }
    case 'generate': {
      const d = needData();
      const { text, skipped } = generate(needModel('chars'), d.corpus.vocabulary, message);
      post({ type: 'generated', id: message.id, prompt: message.prompt, text, skipped });
      return;
    }
    case 'inspect': {
      const d = needData();
      const model = needModel(message.task);
      if (message.task === 'sentiment') {
        // the classifier reads the review pre-padded to maxlen: run through the padding, show the words
        const { labels, ids } = readTokens(lexiconOf(model, d), d.imdb.maxlen, message.text);
        const padding = d.imdb.maxlen - ids.length;
        const series = inspectRecurrent(model, [...new Array<number>(padding).fill(0), ...ids], padding);
        const readout: Readout = {
          label: 'p(+)',
          description: 'the output layer read at this token: p(positive) for the review so far (the last column is the score)',
          values: denseReadout(model, hiddenStates(series)).map((row) => row[0]!),
          kind: 'sentiment',
        };
        post({ type: 'inspected', id: message.id, task: message.task, cell: cellOf(model), tokens: labels, series, readout });
      } else {
        const chars = [...message.text].filter((c) => d.corpus.vocabulary.ids.has(c)).slice(0, 120);
        if (chars.length === 0) throw new Error('The text has no character the model knows.');
        const ids = chars.map((c) => d.corpus.vocabulary.ids.get(c)!);
        const series = inspectRecurrent(model, ids);
        const readout: Readout = {
          label: 'p(next)',
          description: 'the probability the model gave to the character that comes next',
          values: denseReadout(model, hiddenStates(series)).map((row, t) => (t + 1 < ids.length ? row[ids[t + 1]!]! : Number.NaN)),
          kind: 'probability',
        };
        post({ type: 'inspected', id: message.id, task: message.task, cell: cellOf(model), tokens: chars, series, readout });
      }
      return;
    }
    case 'save':
    case 'load': {
      const { id, task } = message;
      (message.type === 'save' ? saveModel(task) : loadModel(task))
        .then((params) => post({ type: message.type === 'save' ? 'saved' : 'loaded', id, task, params }))
        .catch((error: unknown) => post({ type: 'error', id, message: error instanceof Error ? error.message : String(error) }));
      return;
    }
    case 'open-keras': {
      const { id } = message;
      openKeras(message.file, needData())
        .then((answer) => post({ ...answer, id }))
        .catch((error: unknown) => post({ type: 'error', id, message: error instanceof Error ? error.message : String(error) }));
      return;
    }
    case 'review': {
      const d = needData();
      const n = d.imdb.test.sequences.length;
      const index = ((message.index % n) + n) % n;
      post({ type: 'review', id: message.id, text: reviewText(d.lex, d.imdb.test.sequences[index]!), label: d.imdb.test.labels[index]! });
      return;
    }
  }
}

function hiddenStates(series: readonly StateSeries[]): number[][] {
  return series.find((s) => s.name === 'h')?.values ?? [];
}

function cellOf(model: Sequential): 'simplernn' | 'lstm' | 'gru' {
  const spec = model.layers[1]?.spec;
  const kind = spec?.kind === 'rnn' ? spec.cell.kind : 'simpleRnn';
  return kind === 'simpleRnn' ? 'simplernn' : kind;
}

function kernelSummary(): BackendSummary['kernel'] {
  const { threads, helpers } = recurrenceKernelInfo();
  return { threads, helpers };
}

scope.onmessage = (event) => {
  const message = event.data;
  if (message.type === 'init') {
    initBackend({
      backend: 'wasm',
      threads: 1, // tfjs' threaded build fails to start its workers from this bundled module worker; the recurrence kernel has its own threads
      wasmPaths: {
        'tfjs-backend-wasm.wasm': wasmUrl,
        'tfjs-backend-wasm-simd.wasm': wasmSimdUrl,
        'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimdUrl,
      },
    })
      .then(async (backend) => {
        data = await load(message.dataUrl);
        const d = data;
        post({
          type: 'ready',
          backend: { ...backend, kernel: kernelSummary() },
          data: {
            imdbTrain: d.imdb.train.sequences.length,
            imdbTest: d.imdb.test.sequences.length,
            numWords: d.imdb.numWords,
            maxlen: d.imdb.maxlen,
            characters: d.corpus.characters,
            charVocabulary: d.corpus.vocabulary.tokens.length,
            charWindow: d.corpus.window,
          },
        });
      })
      .catch((error: unknown) => post({ type: 'error', message: `Start-up failed: ${error instanceof Error ? error.message : String(error)}` }));
    return;
  }
  try {
    handle(message);
  } catch (error) {
    post({ type: 'error', ...('id' in message ? { id: message.id } : {}), message: error instanceof Error ? error.message : String(error) });
  }
};
