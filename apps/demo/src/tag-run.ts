/**
 * `pnpm demo tag`: part-of-speech tagging on UD English EWT (N→N), step by step.
 *
 *   train:  CoNLL-U splits → word, character and tag vocabularies of train → sentences as ids
 *           → the tagger of tag-model.ts, trained on length-bucketed batches, early-stopped on dev
 *           → test accuracy against the most-frequent-tag baseline, per-tag P/R/F1, confusion.svg,
 *             tagged test sentences; the model and its vocabularies saved together.
 *   tag:    sentences → tokens (tag-tokenize.ts) → the saved model → one tag per token.
 *
 * Shapes: N sentences, B a batch, T words, L characters per word slot, K tags.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildTaggingVocabularies, encodeTagged, encodeTaggedWords, loadUdEwt, taggingVocabulariesFromJson, taggingVocabulariesToJson } from '@rnnkit/datasets';
import type { EncodedSentence, TaggedSentence, TaggingVocabularies, TreebankSplits } from '@rnnkit/datasets';
import { loadModel, saveModel } from '@rnnkit/models';
import type { Functional } from '@rnnkit/models';
import { initBackend } from '@rnnkit/tensor';
import type { BackendInfo } from '@rnnkit/tensor';
import { datasetDir } from './find-shared-data';
import { checkMemory, memoryLimit, recurrentActivations, recurrentParams, trainingState } from './memory-estimate';
import type { MemoryPart } from './memory-estimate';
import { formatSeconds } from './progress-bar';
import { renderConfusionSvg } from './tag-confusion-svg';
import { confusionMatrix, mostFrequentTagBaseline, tagReport } from './tag-metrics';
import type { TagReport } from './tag-metrics';
import { posTagger } from './tag-model';
import { parseTagOptions, TAG_HELP } from './tag-options';
import type { TagOptions } from './tag-options';
import { tokenizeSentence } from './tag-tokenize';
import { predictTags, trainTagger } from './tag-train';
import type { TagEpoch, TaggerModel } from './tag-train';
import { loadingData, UsageError } from './usage-error';

const VOCABULARIES_FILE = 'vocabularies.json';

/** A sentence with the predicted tag of each token (and the gold tag, for treebank sentences). */
export interface TaggedText {
  readonly words: readonly string[];
  readonly predicted: readonly string[];
  readonly gold?: readonly string[];
  /** Words that read as <unk> (their characters are still read when the model has character features). */
  readonly unknown: readonly string[];
}

export interface TagResult {
  readonly backend: BackendInfo;
  readonly sentences: { readonly train: number; readonly dev: number; readonly test: number };
  readonly epochs: readonly TagEpoch[];
  readonly bestEpoch: number;
  readonly test: TagReport;
  /** Test accuracy of the most-frequent-tag baseline (unknown words → the most frequent tag). */
  readonly baselineAccuracy: number;
  readonly samples: readonly TaggedText[];
  readonly seconds: number;
  readonly confusionFile: string;
  readonly modelDir: string;
}

/** The command: train (no sentences) or tag the sentences given. Prints as it goes; null for --help. */
export async function runTagCommand(argv: readonly string[], print: (line: string) => void = console.log): Promise<TagResult | TaggedText[] | null> {
  const options = parseTagOptions(argv);
  if (options === null) {
    print(TAG_HELP);
    return null;
  }
  if (options.sentences.length > 0) {
    const tagged = await tagSentences(options);
    for (const line of formatTagged(tagged)) print(line);
    return tagged;
  }
  const result = await runTag(options, print, print === console.log);
  print('');
  print(`Test accuracy ${result.test.accuracy.toFixed(4)} on ${result.test.tokens.toLocaleString('en')} words (most-frequent-tag baseline ${result.baselineAccuracy.toFixed(4)}); macro F1 ${result.test.macroF1.toFixed(4)}`);
  print(`Total time ${formatSeconds(result.seconds)} on ${result.backend.backend}${result.backend.backend === 'wasm' ? ` (SIMD ${result.backend.simd ? 'on' : 'off'})` : ''}`);
  print(`Wrote ${result.confusionFile} (confusion matrix) and results.json; saved the model to ${result.modelDir} (tag a sentence with: pnpm demo tag "Time flies like an arrow ."${options.modelDir === 'out/tag/model' ? '' : ` --model ${options.modelDir}`})`);
  return result;
}

function loadTreebank(options: TagOptions): TreebankSplits {
  const dataDir = datasetDir(options.dataDir, 'ud-ewt');
  if (dataDir === undefined && !process.env['RNNKIT_DATA_DIR']) {
    throw new UsageError('UD English EWT not found: pass --data-dir DIR (a folder with en_ewt-ud-{train,dev,test}.conllu.gz) or set RNNKIT_DATA_DIR to a folder with ud-ewt/');
  }
  return loadUdEwt(dataDir === undefined ? {} : { dataDir });
}

/**
 * Words [B, T] through Embedding(V, E), characters [B, T, L] through Embedding(C, c) and two RNNs of U units
 * per word, Bidirectional(H) over T, Dense(K): a batch keeps the activations of every step (memory-estimate.ts).
 * T and L are the longest sentence and word slot; an estimate from above.
 */
export function tagMemory(
  o: Pick<TagOptions, 'cell' | 'units' | 'embed' | 'chars' | 'charEmbed' | 'charUnits' | 'batchSize'>,
  sizes: { readonly words: number; readonly chars: number; readonly tags: number; readonly T: number; readonly L: number },
): MemoryPart[] {
  const charWidth = o.chars ? 2 * o.charUnits : 0;
  const params =
    sizes.words * o.embed +
    (o.chars ? sizes.chars * o.charEmbed + 2 * recurrentParams(o.cell, o.charEmbed, o.charUnits) : 0) +
    2 * recurrentParams(o.cell, o.embed + charWidth, o.units) +
    (2 * o.units + 1) * sizes.tags;
  const perWord = 2 * (o.embed + charWidth) + 2 * recurrentActivations(o.cell, o.units) + 4 * o.units + 2 * sizes.tags;
  const perChar = o.chars ? 2 * (o.charEmbed + recurrentActivations(o.cell, o.charUnits)) : 0;
  const activations = o.batchSize * sizes.T * (perWord + sizes.L * perChar);
  return [trainingState(params), { what: `activations of a batch of ${o.batchSize} sentences of up to ${sizes.T} words`, values: activations }];
}

/** Test sentences to show: up to `count` of 6–16 words, spread over the split. */
function sampleIndices(sentences: readonly TaggedSentence[], count: number): number[] {
  const fitting = sentences.map((s, i) => ({ n: s.words.length, i })).filter((s) => s.n >= 6 && s.n <= 16);
  const pool = fitting.length > 0 ? fitting : sentences.map((s, i) => ({ n: s.words.length, i }));
  const step = Math.max(1, Math.floor(pool.length / count));
  return pool.filter((_, k) => k % step === 0).slice(0, count).map((s) => s.i);
}

export async function runTag(options: TagOptions, print: (line: string) => void = console.log, showProgress = print === console.log): Promise<TagResult> {
  const started = performance.now();
  const backend = await initBackend({ backend: options.backend });
  const all = await loadingData(() => loadTreebank(options));
  const take = (split: readonly TaggedSentence[]) => (options.limit === undefined ? split : split.slice(0, options.limit));
  const train = take(all.train);
  const dev = take(all.dev);
  const test = take(all.test);
  const tagSet = [...new Set([all.train, all.dev, all.test].flatMap((split) => split.flatMap((s) => s.tags)))];
  const vocabularies = buildTaggingVocabularies(train, { wordMinCount: options.minCount, maxWordLength: options.maxWordLength, tags: tagSet });
  const count = (split: readonly TaggedSentence[]) => split.reduce((n, s) => n + s.words.length, 0).toLocaleString('en');
  print(
    `UD English EWT: ${train.length} train / ${dev.length} dev / ${test.length} test sentences (${count(train)} / ${count(dev)} / ${count(test)} words); ` +
      `vocabularies: ${vocabularies.words.tokens.length} words (seen ≥ ${options.minCount}×, lower-cased), ${vocabularies.chars.tokens.length} characters, ${vocabularies.tags.tokens.length} tags`,
  );
  const T = Math.max(...train.map((s) => s.words.length));
  checkMemory(
    tagMemory(options, { words: vocabularies.words.tokens.length, chars: vocabularies.chars.tokens.length, tags: vocabularies.tags.tokens.length, T, L: options.maxWordLength + 2 }),
    memoryLimit(options.backend),
    '--units, --embed, --char-units, --char-embed or --batch-size',
  );
  const encoded = { train: encodeTagged(vocabularies, train), dev: encodeTagged(vocabularies, dev), test: encodeTagged(vocabularies, test) };
  const baseline = mostFrequentTagBaseline(train, test);
  const baselineAccuracy = accuracyOf(baseline, test);

  const model = posTagger({
    words: vocabularies.words.tokens.length,
    chars: vocabularies.chars.tokens.length,
    tags: vocabularies.tags.tokens.length,
    wordEmbed: options.embed,
    charEmbed: options.charEmbed,
    charUnits: options.chars ? options.charUnits : 0,
    units: options.units,
    cell: options.cell,
    dropout: options.dropout,
    seed: options.seed,
  });
  print('');
  print(model.summary());
  print('');
  try {
    const trained = await trainTagger({
      model,
      chars: options.chars,
      train: encoded.train,
      dev: encoded.dev,
      epochs: options.epochs,
      patience: options.patience,
      batchSize: options.batchSize,
      learningRate: options.learningRate,
      seed: options.seed,
      print,
      showProgress,
    });
    const predicted = predictTags(model, encoded.test, options.chars);
    const matrix = confusionMatrix(concat(encoded.test.map((s) => s.tags)), concat(predicted), vocabularies.tags.tokens.length);
    const report = tagReport(matrix, vocabularies.tags.tokens);
    print('');
    for (const line of formatReport(report)) print(line);
    const samples = sampleIndices(test, 6).map((i) => taggedText(vocabularies, test[i]!.words, predicted[i]!, encoded.test[i]!, test[i]!.tags));
    print('');
    print('Tagged test sentences (wrong tags show the gold one in brackets):');
    for (const line of formatTagged(samples)) print(line);

    const outDir = resolve(options.outDir);
    mkdirSync(outDir, { recursive: true });
    const confusionFile = join(outDir, 'confusion.svg');
    const name = `bi${options.cell}(${options.units})${options.chars ? ` + char ${options.cell}(${options.charUnits}) ×2` : ', words only'}`;
    writeFileSync(
      confusionFile,
      renderConfusionSvg(
        matrix,
        vocabularies.tags.tokens,
        `UPOS confusion on UD English EWT test: accuracy ${(100 * report.accuracy).toFixed(2)} % of ${report.tokens.toLocaleString('en')} words`,
        `rnnkit · tag · ${name} · rows: gold tag, columns: predicted; shade: share of the row (blue: right, red: confused)`,
      ),
    );
    const modelDir = resolve(options.modelDir);
    await saveModel(model, modelDir);
    writeFileSync(join(modelDir, VOCABULARIES_FILE), JSON.stringify(taggingVocabulariesToJson(vocabularies)) + '\n');
    const seconds = (performance.now() - started) / 1000;
    writeFileSync(
      join(outDir, 'results.json'),
      JSON.stringify({ options: { ...options, sentences: undefined }, epochs: trained.epochs, bestEpoch: trained.bestEpoch, test: report, baselineAccuracy, confusion: matrix, seconds }, null, 1) + '\n',
    );
    return {
      backend,
      sentences: { train: train.length, dev: dev.length, test: test.length },
      epochs: trained.epochs,
      bestEpoch: trained.bestEpoch,
      test: report,
      baselineAccuracy,
      samples,
      seconds,
      confusionFile,
      modelDir,
    };
  } finally {
    model.dispose();
  }
}

function concat(rows: readonly Int32Array[]): Int32Array {
  const out = new Int32Array(rows.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const r of rows) {
    out.set(r, at);
    at += r.length;
  }
  return out;
}

function accuracyOf(predicted: readonly (readonly string[])[], gold: readonly TaggedSentence[]): number {
  let right = 0;
  let total = 0;
  gold.forEach((s, i) => {
    s.tags.forEach((t, k) => (right += predicted[i]![k] === t ? 1 : 0));
    total += s.tags.length;
  });
  return total === 0 ? 0 : right / total;
}

function taggedText(v: TaggingVocabularies, words: readonly string[], predicted: Int32Array, encoded: EncodedSentence, gold?: readonly string[]): TaggedText {
  const unknown = words.filter((_, k) => encoded.words[k] === v.words.special.unknown);
  return { words, predicted: Array.from(predicted, (id) => v.tags.tokens[id]!), ...(gold === undefined ? {} : { gold }), unknown };
}

/** The per-tag table: precision, recall, F1 and support, then the totals. */
export function formatReport(report: TagReport): string[] {
  const lines = ['  tag      precision  recall   F1       support'];
  for (const s of report.perTag) {
    lines.push(`  ${s.tag.padEnd(8)} ${s.precision.toFixed(4).padStart(9)}  ${s.recall.toFixed(4)}   ${s.f1.toFixed(4)}   ${String(s.support).padStart(7)}`);
  }
  lines.push(`  accuracy ${report.accuracy.toFixed(4)} · macro F1 ${report.macroF1.toFixed(4)} · ${report.tokens} words`);
  return lines;
}

/** `word/TAG` per token; a wrong tag gets the gold one in brackets; unknown words are listed after. */
export function formatTagged(texts: readonly TaggedText[]): string[] {
  const lines: string[] = [];
  for (const t of texts) {
    const tokens = t.words.map((w, k) => {
      const p = t.predicted[k]!;
      const g = t.gold?.[k];
      return g === undefined || g === p ? `${w}/${p}` : `${w}/${p}[${g}]`;
    });
    lines.push(`  ${tokens.join(' ')}`);
    if (t.unknown.length > 0) lines.push(`    (not in the word vocabulary: ${t.unknown.join(', ')})`);
  }
  return lines;
}

/** Tags the sentences of `options` with the saved model and its vocabularies. */
export async function tagSentences(options: TagOptions): Promise<TaggedText[]> {
  const dir = resolve(options.modelDir);
  if (!existsSync(join(dir, 'model.json')) || !existsSync(join(dir, VOCABULARIES_FILE))) {
    throw new UsageError(`no tagger at ${dir} (model.json and ${VOCABULARIES_FILE}) — train one first with: pnpm demo tag (it saves out/tag/model), or pass --model DIR`);
  }
  await initBackend({ backend: options.backend });
  const file = join(dir, VOCABULARIES_FILE);
  const vocabularies = await loadingData(() => {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new UsageError(`${file} is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    return taggingVocabulariesFromJson(json, file);
  });
  const loaded = await loadingData(() => loadModel(dir));
  try {
    if (loaded.topology().kind !== 'functional') throw new UsageError(`${dir} holds a ${loaded.topology().kind} model, not the tagger pnpm demo tag saves`);
    const model = loaded as unknown as Functional & TaggerModel;
    const chars = model.inputs.length === 3;
    const tokens = options.sentences.map(tokenizeSentence);
    const encoded = tokens.map((words) => encodeTaggedWords(vocabularies, words));
    const predicted = predictTags(model, encoded, chars);
    return tokens.map((words, i) => taggedText(vocabularies, words, predicted[i]!, encoded[i]!));
  } finally {
    loaded.dispose();
  }
}
