/**
 * `classify`: a review → word ids exactly as the IMDB model was trained on → its score, and which
 * words moved it (occlusion: the score of the review minus the score without that word).
 *
 * Ids (Keras' imdb.load_data defaults, as `imdb` trains): [1 (start), rank(w₁) + 3, …], where a word
 * not in the index or with rank + 3 ≥ numWords becomes 2 (out of vocabulary); then pre-padding and
 * pre-truncation to maxlen. numWords and maxlen are read from the saved model (embedding size, input length).
 *
 * Shapes: W words, L = maxlen, R = min(W, L) words the model reads; the R + 1 variants (the review, then
 * each word it reads left out) are scored in batches [≤ OCCLUSION_BATCH, L]. Words cut off before the
 * last L ids are not read, so leaving one out changes nothing: they get no variant, and memory stays
 * O(L²) whatever the review's length.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { initBackend, tensor2d, tidy } from '@rnnkit/tensor';
import type { BackendInfo } from '@rnnkit/tensor';
import { loadImdbWordIndex, padSequences, wordTokens } from '@rnnkit/datasets';
import type { WordIndex } from '@rnnkit/datasets';
import { loadModel } from '@rnnkit/models';
import type { SaveableModel, Sequential } from '@rnnkit/models';
import type { ClassifyOptions } from './classify-options';
import { findSharedData } from './find-shared-data';
import { UsageError } from './usage-error';

/** Keras' imdb.load_data defaults, which `imdb` trains with. */
export const IMDB_IDS = { start: 1, oov: 2, indexFrom: 3 } as const;

export interface WordEffect {
  readonly word: string;
  /** Position in the review (0-based, in words). */
  readonly position: number;
  /** score(review) − score(review without this word): > 0 pushed towards positive. */
  readonly effect: number;
  readonly outOfVocabulary: boolean;
}

export interface ClassifyResult {
  readonly backend: BackendInfo;
  readonly modelName: string;
  readonly numWords: number;
  readonly maxlen: number;
  readonly words: readonly string[];
  /** The first word the model reads: 0, or W − maxlen when the review (with its start id) is longer than maxlen. */
  readonly readFrom: number;
  readonly score: number;
  /** One per word the model reads (words from `readFrom` on). */
  readonly effects: readonly WordEffect[];
}

/** The loaded model, checked to be an IMDB-style classifier: ids [B, L] → Embedding(numWords, ·) → … → [B, 1]. */
export async function loadSentimentModel(dir: string): Promise<{ model: SaveableModel; numWords: number; maxlen: number }> {
  const where = resolve(dir);
  if (!existsSync(join(where, 'model.json'))) {
    throw new UsageError(`no model at ${where} — train one first with: pnpm demo imdb (it saves out/imdb-<cell>/model), or pass --model DIR`);
  }
  let model: SaveableModel;
  try {
    model = await loadModel(where);
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
    throw new UsageError(`cannot load the model in ${where}: ${message}`);
  }
  // sequentialFromTopology built it, so a 'sequential' topology means a Sequential model
  const classifier = model.topology().kind === 'sequential' ? (model as Sequential) : undefined;
  const first = classifier?.layers[0]?.spec;
  const output = classifier?.outputShape ?? [];
  if (classifier === undefined || first?.kind !== 'embedding' || output.length !== 2 || output[1] !== 1) {
    model.dispose();
    throw new UsageError(`${where} is not a sentiment model (expected Embedding → … → Dense(1) on word ids, as pnpm demo imdb saves)`);
  }
  const maxlen = classifier.inputShape[1] ?? 200;
  return { model, numWords: first.inputDim, maxlen };
}

/** Word ids as training made them (see the file comment). */
export function reviewIds(words: readonly string[], index: WordIndex, numWords: number): Int32Array {
  const ids = new Int32Array(words.length + 1);
  ids[0] = IMDB_IDS.start;
  words.forEach((w, i) => {
    const rank = index.get(w);
    const id = rank === undefined ? IMDB_IDS.oov : rank + IMDB_IDS.indexFrom;
    ids[i + 1] = id < numWords ? id : IMDB_IDS.oov;
  });
  return ids;
}

/** Variants scored per model call: bounds the activations of one call, whatever maxlen is. */
export const OCCLUSION_BATCH = 128;

/**
 * The occlusion of `ids` ([start, w₀ … w_{W−1}]) as the model sees it: `scores[0]` is the score of
 * the review, `scores[j + 1]` that of the review without word `readFrom + j`, for each word the model
 * reads. Each variant is made from the last maxlen + 1 ids only (leaving a word out pulls one more id
 * into the window), padded and truncated as in training, and scored `OCCLUSION_BATCH` rows at a time.
 */
export function occlusionScores(
  ids: Int32Array,
  maxlen: number,
  score: (batch: Int32Array, rows: number) => ArrayLike<number>,
): { readFrom: number; scores: Float32Array } {
  const readFrom = Math.max(0, ids.length - 1 - maxlen);
  // tail[0] is ids[readFrom]: the window, plus the id a left-out word pulls in
  const tail = ids.subarray(readFrom);
  const variants = ids.length - readFrom; // the review, then one per word read
  const variant = (v: number): Int32Array => (v === 0 ? tail : Int32Array.from([...tail.subarray(0, v), ...tail.subarray(v + 1)]));
  const scores = new Float32Array(variants);
  for (let start = 0; start < variants; start += OCCLUSION_BATCH) {
    const rows = Array.from({ length: Math.min(OCCLUSION_BATCH, variants - start) }, (_, r) => variant(start + r));
    const padded = padSequences(rows, { maxlen, padding: 'pre', truncating: 'pre', dtype: 'int32' });
    scores.set(Array.from(score(padded.data as Int32Array, rows.length)), start);
  }
  return { readFrom, scores };
}

async function wordIndex(options: ClassifyOptions): Promise<WordIndex> {
  let dataDir = options.dataDir;
  if (dataDir !== undefined && !existsSync(dataDir)) throw new UsageError(`--data-dir ${dataDir} does not exist`);
  if (dataDir === undefined && process.env['RNNKIT_IMDB_DIR'] === undefined) {
    const shared = findSharedData('imdb');
    if (shared !== undefined) dataDir = join(shared, 'imdb');
  }
  try {
    return await loadImdbWordIndex(dataDir === undefined ? {} : { dataDir });
  } catch (error) {
    throw new UsageError((error instanceof Error ? error.message : String(error)).split('\n')[0]!);
  }
}

export async function runClassify(options: ClassifyOptions): Promise<ClassifyResult> {
  const backend = await initBackend({ backend: options.backend });
  const { model, numWords, maxlen } = await loadSentimentModel(options.modelDir);
  try {
    const index = await wordIndex(options);
    const words = wordTokens(options.text);
    if (words.length === 0) throw new UsageError('the review has no words to score');
    const ids = reviewIds(words, index, numWords);
    const { readFrom, scores } = occlusionScores(ids, maxlen, (batch, rows) =>
      tidy(() => model.apply(tensor2d(batch, [rows, maxlen], 'int32'), { training: false }).dataSync()),
    );
    const score = scores[0]!;
    const effects = words.slice(readFrom).map((word, j) => {
      const k = readFrom + j;
      return { word, position: k, effect: score - scores[j + 1]!, outOfVocabulary: ids[k + 1] === IMDB_IDS.oov };
    });
    return { backend, modelName: model.name, numWords, maxlen, words, readFrom, score, effects };
  } finally {
    model.dispose();
  }
}

/** The verdict and the words that moved it most, strongest first. */
export function formatClassification(result: ClassifyResult, top: number): string[] {
  const oov = result.effects.filter((e) => e.outOfVocabulary).length;
  const lines = [
    `Model ${result.modelName}: top ${result.numWords.toLocaleString('en')} words, reads the last ${result.maxlen} ids`,
    `Review: ${result.words.length} words${oov > 0 ? ` (${oov} outside the vocabulary, read as the OOV id)` : ''}` +
      `${result.readFrom > 0 ? `; longer than the model reads, so the first ${result.readFrom} are cut off as in training` : ''}`,
    '',
    `Score ${result.score.toFixed(4)} → ${result.score >= 0.5 ? 'positive' : 'negative'}`,
    '',
    'Words that moved the score most (score − score without the word):',
  ];
  const ranked = [...result.effects].sort((a, b) => Math.abs(b.effect) - Math.abs(a.effect)).slice(0, top);
  for (const e of ranked) {
    const sign = e.effect >= 0 ? '+' : '−';
    lines.push(`  ${sign}${Math.abs(e.effect).toFixed(4)}  ${e.word}${e.outOfVocabulary ? ' (out of vocabulary)' : ''}   [word ${e.position + 1}]`);
  }
  return lines;
}
