/**
 * `translate`: English → French with an encoder–decoder and attention, step by step.
 *
 *   fra.txt → the first --pairs pairs → normalise, tokenise into words, keep ≤ --max-length tokens a side
 *   → source + <end>, <start> + target (decoder input), target + <end> (decoder output), padded after
 *   → seq2seq(encoder, attention, decoder), fit with teacher forcing and a loss masked to real target words
 *   → greedy and beam-search translations, attention weights of the greedy one as a heat-map.
 *
 * Shapes: N pairs, S source length (English + <end>), T target length (French + <end>), V vocabularies.
 * The model takes one packed input [N, S + T] (source, then decoder input) and returns logits [N, T, V].
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cast, initBackend, notEqual, scalar, tensor2d, tidy } from '@rnnkit/tensor';
import type { BackendInfo, Tensor } from '@rnnkit/tensor';
import { decode, encode, loadFraEng, normalizeSentence, padBatch, permutation, prepareTranslationCorpus } from '@rnnkit/datasets';
import type { SentencePair, TranslationCorpus, Vocabulary } from '@rnnkit/datasets';
import { beamSearch, disposeState, greedyDecode, saveModel, seq2seq } from '@rnnkit/models';
import type { Seq2seq } from '@rnnkit/models';
import { adam, evaluate, fit, sparseCategoricalAccuracy, sparseCategoricalCrossentropy } from '@rnnkit/training';
import type { ArrayData } from '@rnnkit/training';
import { datasetDir } from './find-shared-data';
import { fitProgress } from './fit-progress';
import { renderHeatmapSvg } from './plot-svg';
import type { TranslateOptions } from './translate-options';
import { checkMemory, memoryLimit, recurrentActivations, recurrentParams, trainingState } from './memory-estimate';
import type { MemoryPart } from './memory-estimate';
import { UsageError } from './usage-error';

export interface Translation {
  readonly english: string;
  /** The corpus' French, for held-out sentences. */
  readonly reference?: string;
  readonly greedy: string;
  readonly beam: string;
  /** English words that are not in the vocabulary (read as <unk>). */
  readonly unknown: readonly string[];
}

export interface TranslateResult {
  readonly backend: BackendInfo;
  readonly pairs: { readonly train: number; readonly test: number; readonly dropped: number };
  readonly vocabulary: { readonly english: number; readonly french: number };
  /** Held-out loss and word accuracy (teacher forcing, real words only). */
  readonly test: { readonly loss: number; readonly accuracy: number };
  readonly translations: readonly Translation[];
  readonly seconds: number;
  readonly heatmapFile: string;
  readonly modelDir: string;
}

function loadPairs(options: TranslateOptions): SentencePair[] {
  const dataDir = datasetDir(options.dataDir, 'fra-eng');
  if (dataDir === undefined && !process.env['RNNKIT_DATA_DIR']) {
    throw new UsageError('no English–French pairs found: pass --data-dir DIR (a folder holding fra.txt, from manythings.org/anki fra-eng.zip) or set RNNKIT_DATA_DIR to a folder with fra-eng/fra.txt');
  }
  try {
    return loadFraEng(dataDir === undefined ? {} : { dataDir });
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Rows `indices` as the packed model input [n, S + T] and the decoder targets [n, T]. */
function packRows(corpus: TranslationCorpus, indices: ArrayLike<number>, S: number, T: number): { x: ArrayData; y: ArrayData } {
  const examples = corpus.examples;
  const source = padBatch(examples.map((e) => e.source), indices, { length: S });
  const input = padBatch(examples.map((e) => e.targetInput), indices, { length: T });
  const output = padBatch(examples.map((e) => e.targetOutput), indices, { length: T });
  const n = indices.length;
  const x = new Int32Array(n * (S + T));
  for (let r = 0; r < n; r++) {
    x.set(source.data.subarray(r * S, (r + 1) * S), r * (S + T));
    x.set(input.data.subarray(r * T, (r + 1) * T), r * (S + T) + S);
  }
  return { x: { values: x, shape: [n, S + T], dtype: 'int32' }, y: { values: output.data, shape: [n, T], dtype: 'int32' } };
}

function englishTokens(sentence: string): string[] {
  return normalizeSentence(sentence).split(' ').filter((w) => w !== '');
}

/** Greedy and beam translations of `sentences` (one batch each), and the greedy attention weights. */
function translateAll(model: Seq2seq, corpus: TranslationCorpus, sentences: readonly string[], S: number, T: number, beamWidth: number) {
  const src = corpus.sourceVocabulary;
  const tgt = corpus.targetVocabulary;
  const tokens = sentences.map((s) => englishTokens(s).slice(0, S - 1));
  const ids = tokens.map((t) => encode(src, t, { addEnd: true }));
  const batch = padBatch(ids, ids.map((_, i) => i), { length: S });
  const source = tensor2d(batch.data, [sentences.length, S], 'int32');
  const state = model.encode(source);
  const start = tgt.special.start!;
  const end = tgt.special.end!;
  try {
    const greedy = greedyDecode(model.stepper, state, { startToken: start, endToken: end, maxLength: T + 2 });
    const beam = beamSearch(model.stepper, state, { startToken: start, endToken: end, maxLength: T + 2, beamWidth, lengthPenalty: 1 });
    const words = (v: Vocabulary, row: readonly number[]) => decode(v, row).join(' ');
    return sentences.map((english, i) => ({
      english,
      tokens: tokens[i]!,
      greedy: words(tgt, greedy.tokens[i]!),
      greedyTokens: greedy.tokens[i]!.map((id) => tgt.tokens[id]!),
      beam: words(tgt, beam.tokens[i]!),
      attention: greedy.attention?.[i] ?? [],
      unknown: tokens[i]!.filter((w) => !src.ids.has(w)),
    }));
  } finally {
    disposeState(state);
    source.dispose();
  }
}

/**
 * Encoder Embedding(Vs, E) → recurrent(H), decoder Embedding(Vt, E) → recurrent(H) with attention
 * (at most two H × H scores), Dense(2H → Vt) over the context and the state; a batch is B × (S + T)
 * steps and B × T × Vt logits (see memory-estimate.ts). An estimate from above for every attention.
 */
export function translateMemory(
  o: Pick<TranslateOptions, 'cell' | 'units' | 'embed' | 'batchSize'>,
  sizes: { readonly source: number; readonly target: number; readonly S: number; readonly T: number },
): MemoryPart[] {
  const H = o.units;
  const params =
    (sizes.source + sizes.target) * o.embed + 2 * recurrentParams(o.cell, o.embed, H) + 2 * H * H + H + (2 * H + 1) * sizes.target;
  const activations = o.batchSize * ((sizes.S + sizes.T) * (recurrentActivations(o.cell, H) + 2 * o.embed) + sizes.T * (2 * sizes.target + sizes.S + 2 * H));
  return [trainingState(params), { what: `activations of a batch of ${o.batchSize} pairs`, values: activations }];
}

export async function runTranslate(options: TranslateOptions, print: (line: string) => void = console.log, showProgress = print === console.log): Promise<TranslateResult> {
  const started = performance.now();
  const backend = await initBackend({ backend: options.backend });
  const all = loadPairs(options);
  const corpus = prepareTranslationCorpus(all.slice(0, options.pairs), { maxLength: options.maxLength });
  const n = corpus.examples.length;
  const testCount = Math.max(options.heldOut > 0 ? 1 : 0, Math.round(n * options.heldOut));
  if (n - testCount < 2) throw new UsageError(`--pairs ${options.pairs} with --max-length ${options.maxLength} leaves ${n} pairs: too few to train on`);
  const S = Math.max(...corpus.examples.map((e) => e.source.length));
  const T = Math.max(...corpus.examples.map((e) => e.targetOutput.length));
  const order = permutation(n, options.seed);
  const testRows = order.subarray(0, testCount);
  const trainRows = order.subarray(testCount);
  print(
    `fra-eng: ${Math.min(options.pairs, all.length)} pairs read, ${corpus.dropped} longer than ${options.maxLength} tokens dropped → ` +
      `${trainRows.length} train, ${testRows.length} held out; vocabularies: ${corpus.sourceVocabulary.tokens.length} English, ` +
      `${corpus.targetVocabulary.tokens.length} French words; S = ${S}, T = ${T}`,
  );
  checkMemory(
    translateMemory(options, { source: corpus.sourceVocabulary.tokens.length, target: corpus.targetVocabulary.tokens.length, S, T }),
    memoryLimit(options.backend),
    '--units, --embed, --batch-size or --pairs',
  );
  const train = packRows(corpus, trainRows, S, T);
  const test = packRows(corpus, testRows, S, T);

  const model = seq2seq({
    sourceVocab: corpus.sourceVocabulary.tokens.length,
    targetVocab: corpus.targetVocabulary.tokens.length,
    embeddingDim: options.embed,
    units: options.units,
    cell: options.cell,
    attention: options.attention,
    sourceLength: S,
    seed: options.seed,
    name: `translate_${options.cell}_${options.attention}`,
  });
  print('');
  print(model.summary());
  print('');
  const forward = (x: Tensor, training: boolean, context: { readonly seed: number }): Tensor => model.apply(x, { training, seed: context.seed });
  const loss = sparseCategoricalCrossentropy({ fromLogits: true });
  // only real target words count: padding (id 0) after <end> is masked out of loss and accuracy
  const mask = (_x: Tensor, y: Tensor): Tensor => tidy(() => cast(notEqual(y, scalar(0, 'int32')), 'float32'));
  const metrics = [sparseCategoricalAccuracy({ name: 'accuracy' })];
  const optimizer = adam({ learningRate: options.learningRate });
  try {
    await fit({
      params: model.params,
      forward,
      loss,
      mask,
      optimizer,
      x: train.x,
      y: train.y,
      epochs: options.epochs,
      batchSize: options.batchSize,
      seed: options.seed,
      metrics,
      clipping: { globalNorm: 5 },
      ...(testRows.length > 0 ? { validationData: test } : {}),
      callbacks: [fitProgress(print, 'accuracy', 'acc', showProgress)],
    });
    const testLogs = testRows.length === 0 ? {} : await evaluate({ forward, loss, mask, metrics, x: test.x, y: test.y, batchSize: options.batchSize });

    // held-out sentences first (with the corpus' French), then the user's
    const sampleRows = Array.from(testRows.subarray(0, 6));
    const held = sampleRows.map((r) => corpus.examples[r]!);
    const references = held.map((e) => decode(corpus.targetVocabulary, e.targetOutput).join(' '));
    const heldEnglish = held.map((e) => decode(corpus.sourceVocabulary, e.source).join(' '));
    const sentences = [...options.sentences, ...heldEnglish];
    const results = sentences.length === 0 ? [] : translateAll(model, corpus, sentences, S, T, options.beamWidth);
    const translations: Translation[] = results.map((r, i) => {
      const k = i - options.sentences.length;
      return { english: r.english, greedy: r.greedy, beam: r.beam, unknown: r.unknown, ...(k >= 0 ? { reference: references[k]! } : {}) };
    });

    const outDir = resolve(options.outDir);
    mkdirSync(outDir, { recursive: true });
    const heatmapFile = join(outDir, 'attention.svg');
    const first = results[0];
    if (first !== undefined) {
      const svg = renderHeatmapSvg(
        {
          title: `Attention: “${first.english}” → “${first.greedy}”`,
          rowLabels: [...first.greedyTokens, '<end>'].slice(0, first.attention.length),
          columnLabels: [...first.tokens, '<end>', ...new Array<string>(Math.max(0, S - first.tokens.length - 1)).fill('·')],
          values: first.attention,
        },
        `rnnkit · translate · ${options.cell}(${options.units}) · ${options.attention} attention · rows: French words generated (greedy), columns: English words read`,
      );
      writeFileSync(heatmapFile, svg);
    }
    const modelDir = join(outDir, 'model');
    await saveModel(model, modelDir);
    writeFileSync(join(outDir, 'vocabularies.json'), JSON.stringify({ english: corpus.sourceVocabulary.tokens, french: corpus.targetVocabulary.tokens }) + '\n');
    return {
      backend,
      pairs: { train: trainRows.length, test: testRows.length, dropped: corpus.dropped },
      vocabulary: { english: corpus.sourceVocabulary.tokens.length, french: corpus.targetVocabulary.tokens.length },
      test: { loss: testLogs['loss'] ?? Number.NaN, accuracy: testLogs['accuracy'] ?? Number.NaN },
      translations,
      seconds: (performance.now() - started) / 1000,
      heatmapFile,
      modelDir,
    };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

/** The translations as lines: English, the reference when held out, greedy and beam output. */
export function formatTranslations(translations: readonly Translation[], beamWidth: number): string[] {
  const lines: string[] = [];
  for (const t of translations) {
    lines.push(`  EN      ${t.english}${t.unknown.length > 0 ? `   (not in the vocabulary: ${t.unknown.join(', ')})` : ''}`);
    if (t.reference !== undefined) lines.push(`  FR ref  ${t.reference}`);
    lines.push(`  greedy  ${t.greedy}`);
    lines.push(`  beam ${String(beamWidth).padEnd(2)} ${t.beam}`);
    lines.push('');
  }
  return lines;
}
