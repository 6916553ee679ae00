/**
 * The messages between the page (main.ts) and the training worker (worker.ts). Plain JSON-able
 * values only: the page never holds a tensor.
 */
import type { KeptModel, RunEnd } from './run-outcome';

export type CellChoice = 'simplernn' | 'lstm' | 'gru';
export type TaskName = 'sentiment' | 'chars';

export interface TrainSettings {
  readonly task: TaskName;
  readonly cell: CellChoice;
  readonly units: number;
  readonly embed: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
}

export interface BackendSummary {
  readonly backend: string;
  readonly simd: boolean;
  readonly threads: number;
  /** @rnnkit/cells' recurrence kernel: the threads large layers split over, and helpers running now. */
  readonly kernel: { readonly threads: number; readonly helpers: number };
}

export interface DataSummary {
  readonly imdbTrain: number;
  readonly imdbTest: number;
  readonly numWords: number;
  readonly maxlen: number;
  readonly characters: number;
  readonly charVocabulary: number;
  readonly charWindow: number;
}

/** A word of a classified review and how much it moved the score. */
export interface WordScore {
  readonly word: string;
  /** False for words outside the model's vocabulary (they read as the out-of-vocabulary id 2). */
  readonly known: boolean;
  /** False for words cut off by pre-truncation to maxlen (the model never saw them). */
  readonly read: boolean;
  /** logit p(review) − logit p(review without this word): > 0 pushed the score towards positive. */
  readonly contribution: number;
}

/** One panel of the hidden-state view: values[t][unit] for every token t. */
export interface StateSeries {
  readonly name: string;
  readonly description: string;
  readonly values: number[][];
  /** The range of the activation: [−1, 1] for tanh, [0, 1] for gates; c is unbounded. */
  readonly range: readonly [number, number];
}

/** The output layer read at every step: what the model would answer if the text ended at token t. */
export interface Readout {
  readonly label: string;
  readonly description: string;
  /** One value per token (NaN where there is none). */
  readonly values: number[];
  /** 'sentiment': p(positive), centred on 0.5; 'probability': a probability from 0 up. */
  readonly kind: 'sentiment' | 'probability';
}

export type ToWorker =
  | { readonly type: 'train'; readonly settings: TrainSettings }
  | { readonly type: 'stop' }
  | { readonly type: 'classify'; readonly id: number; readonly text: string }
  | { readonly type: 'generate'; readonly id: number; readonly prompt: string; readonly length: number; readonly temperature: number; readonly seed: number }
  | { readonly type: 'inspect'; readonly id: number; readonly task: TaskName; readonly text: string }
  | { readonly type: 'review'; readonly id: number; readonly index: number }
  /** Keep the trained model in the browser's IndexedDB, or bring it back (after a reload, say). */
  | { readonly type: 'save'; readonly id: number; readonly task: TaskName }
  | { readonly type: 'load'; readonly id: number; readonly task: TaskName }
  /** Make a Keras file (.keras or .h5) the sentiment model, if it fits the page's IMDB pipeline. */
  | { readonly type: 'open-keras'; readonly id: number; readonly file: File };

export type FromWorker =
  | { readonly type: 'ready'; readonly backend: BackendSummary; readonly data: DataSummary }
  | {
      readonly type: 'started';
      readonly settings: TrainSettings;
      readonly params: number;
      readonly summary: string;
      readonly stepsPerEpoch: number;
    }
  | {
      readonly type: 'batch';
      readonly task: TaskName;
      readonly epoch: number;
      readonly step: number;
      readonly globalStep: number;
      readonly loss: number;
      readonly accuracy: number;
      /** Running means over the epoch so far. */
      readonly runningLoss: number;
      readonly runningAccuracy: number;
      readonly samplesPerSecond: number;
    }
  | { readonly type: 'epoch'; readonly task: TaskName; readonly epoch: number; readonly globalStep: number; readonly logs: Readonly<Record<string, number>>; readonly sample?: string }
  | {
      readonly type: 'finished';
      readonly task: TaskName;
      readonly reason: RunEnd;
      /** The model the task holds now: this run's, the one from before it, or none (see run-outcome.ts). */
      readonly kept: KeptModel;
      /** Why a failed run failed. */
      readonly message?: string;
      readonly seconds: number;
      readonly kernel: BackendSummary['kernel'];
    }
  /** `numWords`: the vocabulary of the model that scored (ids below it; a Keras file's may be smaller than the page's). */
  | { readonly type: 'classified'; readonly id: number; readonly score: number; readonly words: readonly WordScore[]; readonly numWords: number }
  | { readonly type: 'generated'; readonly id: number; readonly prompt: string; readonly text: string; readonly skipped: string }
  | { readonly type: 'inspected'; readonly id: number; readonly task: TaskName; readonly cell: CellChoice; readonly tokens: readonly string[]; readonly series: readonly StateSeries[]; readonly readout: Readout }
  | { readonly type: 'review'; readonly id: number; readonly text: string; readonly label: number }
  | { readonly type: 'saved'; readonly id: number; readonly task: TaskName; readonly params: number }
  | { readonly type: 'loaded'; readonly id: number; readonly task: TaskName; readonly params: number }
  | { readonly type: 'opened-keras'; readonly id: number; readonly name: string; readonly bytes: number; readonly params: number; readonly layers: string; readonly summary: string }
  | { readonly type: 'error'; readonly id?: number; readonly message: string };
