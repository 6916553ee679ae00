/**
 * `pnpm demo caption`: describe a picture in words (1→N), step by step.
 *
 *   MNIST test images → training scenes (images 0–7,999, fresh every step) and held-out scenes
 *   (images 8,000–9,999) → captions as word ids: <start> + words (decoder input), words + <end> (target)
 *   → the captioner of caption-model.ts, in two phases: (1) the encoder and layout head alone on the
 *     layout loss, scored by the layout head's held-out reading; (2) the decoder on the frozen encoder
 *     (or both, `--fine-tune`), teacher forcing, a loss masked to real words
 *   → greedy captions of the held-out scenes after every epoch, greedy and beam at the end
 *   → corpus BLEU-4 against every phrasing of each scene, exact match, digit accuracy; sheet.svg,
 *     results.json and the model (encoder/, decoder/, vocabulary.json).
 *
 * Shapes: B scenes, S×S pixels (S = 64), T caption length (the batch's longest + 1), V vocabulary.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { buildVocabulary, CAPTION_WORDS, captionedSceneBatch, decode, encode, loadMnistTest, SCENE_SIZE } from '@rnnkit/datasets';
import type { MnistDigits, Scene, Vocabulary } from '@rnnkit/datasets';
import { beamSearch, disposeState, greedyDecode, saveModel } from '@rnnkit/models';
import { add, argMax, cast, dispose, initBackend, mul, scalar, tensor, tidy } from '@rnnkit/tensor';
import type { BackendInfo, Tensor } from '@rnnkit/tensor';
import { adam, applyUpdate, exponentialDecay, lossAndGradients, sparseCategoricalCrossentropy } from '@rnnkit/training';
import type { Loss, Optimizer } from '@rnnkit/training';
import { corpusBleu } from './caption-bleu';
import type { Bleu } from './caption-bleu';
import { captionScores, layoutScores } from './caption-metrics';
import type { CaptionScores } from './caption-metrics';
import { captioner, LAYOUT_CELLS } from './caption-model';
import type { Captioner } from './caption-model';
import { CAPTION_HELP, parseCaptionOptions } from './caption-options';
import type { CaptionOptions } from './caption-options';
import { captionSheetSvg } from './caption-sheet';
import { datasetDir } from './find-shared-data';
import { checkMemory, memoryLimit, recurrentActivations, recurrentParams, trainingState } from './memory-estimate';
import type { MemoryPart } from './memory-estimate';
import { createProgressWriter, formatSeconds } from './progress-bar';
import { loadingData, UsageError } from './usage-error';

/** MNIST test images [0, 8000) make training scenes, [8000, 10000) held-out scenes. */
const HELD_OUT_FROM = 8000;
/** The longest caption has 21 words; decoding stops a little after. */
const MAX_CAPTION = 24;
const EVAL_BATCH = 100;
/** Phase 1's learning rate decays to this share of `--encoder-lr` by its last step, phase 2's to this share of `--lr`. */
const ENCODER_LR_DECAY = 0.05;
const CAPTION_LR_DECAY = 0.2;

/** A learning rate for printing: 3 significant digits (0.004 · 0.2 is 0.0008000000000000001). */
const rate = (x: number): string => String(Number(x.toPrecision(3)));

/** BLEU and the other scores of one way of decoding. */
export interface CaptionFigures {
  readonly bleu: Bleu;
  readonly scores: CaptionScores;
}

/** Phase 1: the encoder and layout head trained alone, and what the layout head reads of the held-out scenes. */
export interface CaptionEncoderPhase {
  readonly steps: number;
  /** The layout loss, averaged over the phase's last tenth of steps. */
  readonly loss: number;
  /** Held-out cells whose content (empty, or digit and size) the layout head names right. */
  readonly cellAccuracy: number;
  /** Held-out digits whose class the layout head names right. */
  readonly digitAccuracy: number;
  readonly seconds: number;
}

export interface CaptionEpoch {
  readonly epoch: number;
  readonly loss: number;
  /** Greedy captions of the held-out scenes. */
  readonly bleu4: number;
  readonly exactMatch: number;
  readonly digitAccuracy: number;
  readonly seconds: number;
}

export interface CaptionSample {
  readonly references: readonly string[];
  readonly greedy: string;
  readonly beam: string;
}

export interface CaptionResult {
  readonly backend: BackendInfo;
  /** Phase 1, or null with `--encoder-steps 0`. */
  readonly encoder: CaptionEncoderPhase | null;
  readonly epochs: readonly CaptionEpoch[];
  readonly testScenes: number;
  readonly greedy: CaptionFigures;
  readonly beam: CaptionFigures;
  readonly samples: readonly CaptionSample[];
  readonly seconds: number;
  readonly outDir: string;
  readonly sheetFile: string | null;
  readonly modelDir: string;
}

/** The command: trains, scores and prints. Null for --help. */
export async function runCaptionCommand(argv: readonly string[], print: (line: string) => void = console.log): Promise<CaptionResult | null> {
  const options = parseCaptionOptions(argv);
  if (options === null) {
    print(CAPTION_HELP);
    return null;
  }
  const result = await runCaption(options, print, print === console.log);
  print('');
  for (const line of formatFigures(result, options.beamWidth)) print(line);
  print('');
  for (const s of result.samples.slice(0, 6)) {
    print(`  greedy  ${s.greedy}`);
    print(`  beam ${String(options.beamWidth).padEnd(2)} ${s.beam}`);
    print(`  e.g.    ${s.references[0]}${s.references.length > 1 ? `   (${s.references.length} phrasings)` : ''}`);
    print('');
  }
  const b = result.backend;
  print(`Total time ${formatSeconds(result.seconds)} on ${b.backend}${b.backend === 'wasm' ? ` (SIMD ${b.simd ? 'on' : 'off'})` : ''}`);
  print(`Wrote ${result.sheetFile === null ? '' : `${result.sheetFile} (scenes with their captions), `}${result.outDir}/results.json; saved the model to ${result.modelDir}`);
  return result;
}

/** The figures table: BLEU-4, its precisions, exact match and the digit scores, greedy and beam. */
export function formatFigures(result: Pick<CaptionResult, 'greedy' | 'beam' | 'testScenes'>, beamWidth: number): string[] {
  const row = (label: string, f: CaptionFigures) =>
    `  ${label.padEnd(8)} ${f.bleu.bleu.toFixed(4)}   ${f.bleu.precisions.map((p) => p.toFixed(3)).join('/')}   ${f.bleu.brevityPenalty.toFixed(3)}   ${f.scores.exactMatch.toFixed(4)}   ${f.scores.digitAccuracy.toFixed(4)}      ${f.scores.digitRecall.toFixed(4)}`;
  return [
    `Held-out scenes (${result.testScenes}, handwriting never seen in training):`,
    '           BLEU-4   p1/p2/p3/p4               BP      exact    digit acc   digit recall',
    row('greedy', result.greedy),
    row(`beam ${beamWidth}`, result.beam),
  ];
}

function loadDigits(options: CaptionOptions): Promise<MnistDigits> {
  const dir = datasetDir(options.dataDir, 'mnist');
  if (dir === undefined && !process.env['RNNKIT_DATA_DIR']) {
    throw new UsageError('MNIST not found: pass --data-dir DIR (a folder with t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz) or set RNNKIT_DATA_DIR to a folder with mnist/');
  }
  return loadingData(() => loadMnistTest(dir === undefined ? {} : { dataDir: dir }));
}

/**
 * Conv 5×5/2 (f), 3×3 (2f) and 3×3 (4f) each with batch normalisation and pooling, Dense(16f → F) and
 * its normalisation, the decoder's bridge, embedding, recurrent layer and output; a batch keeps every
 * conv and normalisation output and every decoder step (memory-estimate.ts). An estimate from above.
 */
export function captionMemory(o: Pick<CaptionOptions, 'filters' | 'features' | 'units' | 'embed' | 'cell' | 'batchSize'>, vocabulary: number): MemoryPart[] {
  const f = o.filters;
  const conv = 25 * f + f + 9 * f * 2 * f + 2 * f + 9 * 2 * f * 4 * f + 4 * f + 4 * (7 * f + o.features);
  const params = conv + (16 * f + 1) * o.features + (o.features + 1) * o.units + vocabulary * o.embed + recurrentParams(o.cell, o.embed, o.units) + (o.units + 1) * vocabulary;
  const image = 3 * (32 * 32 * f + 16 * 16 * 2 * f + 8 * 8 * 4 * f) + SCENE_SIZE * SCENE_SIZE + 3 * o.features;
  const words = MAX_CAPTION * (recurrentActivations(o.cell, o.units) + o.embed + 2 * vocabulary);
  return [trainingState(params), { what: `activations of a batch of ${o.batchSize} scenes`, values: o.batchSize * (image + words) }];
}

/** What each cell of each scene holds [B, 4]: 0 empty, 1 + digit for a large digit, 11 + digit for a small one. */
export function layoutTargets(scenes: readonly Pick<Scene, 'digits'>[]): Int32Array {
  const out = new Int32Array(scenes.length * LAYOUT_CELLS);
  scenes.forEach((s, b) => {
    for (const d of s.digits) out[b * LAYOUT_CELLS + d.row * 2 + d.col] = 1 + d.digit + (d.size === 'small' ? 10 : 0);
  });
  return out;
}

/** Decoder input (<start> + words) and target (words + <end>) of each caption, zero-padded to the longest: [B, T] each. */
function captionBatch(vocabulary: Vocabulary, captions: readonly string[]): { input: Int32Array; target: Int32Array; T: number } {
  const ids = captions.map((c) => encode(vocabulary, c.split(' ')));
  const T = Math.max(...ids.map((x) => x.length)) + 1;
  const input = new Int32Array(captions.length * T);
  const target = new Int32Array(captions.length * T);
  ids.forEach((x, b) => {
    input[b * T] = vocabulary.special.start!;
    input.set(x, b * T + 1);
    target.set(x, b * T);
    target[b * T + x.length] = vocabulary.special.end!;
  });
  return { input, target, T };
}

/** Greedy (and with `beamWidth`, beam-search) captions of `images` [N, S, S], as words. */
export function captionImages(model: Captioner, vocabulary: Vocabulary, images: Float32Array, count: number, beamWidth: number | null): { greedy: string[][]; beam: string[][] } {
  const greedy: string[][] = [];
  const beam: string[][] = [];
  const pixels = SCENE_SIZE * SCENE_SIZE;
  const words = (row: readonly number[]) => decode(vocabulary, row);
  for (let start = 0; start < count; start += EVAL_BATCH) {
    const n = Math.min(EVAL_BATCH, count - start);
    const state = tidy(() => {
      const x = tensor(images.subarray(start * pixels, (start + n) * pixels), [n, SCENE_SIZE, SCENE_SIZE, 1]);
      return model.decoder.initialState(model.encoder.apply(x, { training: false }));
    });
    try {
      const decodeOptions = { startToken: vocabulary.special.start!, endToken: vocabulary.special.end!, maxLength: MAX_CAPTION };
      greedy.push(...greedyDecode(model.decoder.stepper, state, decodeOptions).tokens.map(words));
      if (beamWidth !== null) beam.push(...beamSearch(model.decoder.stepper, state, { ...decodeOptions, beamWidth, lengthPenalty: 1 }).tokens.map(words));
    } finally {
      disposeState(state);
    }
  }
  return { greedy, beam };
}

/** One step of phase 1: the encoder and layout head on the layout loss. Returns the loss. */
function layoutStep(model: Captioner, batch: { readonly images: Float32Array; readonly scenes: readonly Scene[] }, loss: Loss, optimizer: Optimizer, where: string): number {
  const B = batch.scenes.length;
  return tidy(() => {
    const x = tensor(batch.images, [B, SCENE_SIZE, SCENE_SIZE, 1]);
    const layout = tensor(layoutTargets(batch.scenes), [B, LAYOUT_CELLS], 'int32');
    const update = lossAndGradients(model.encoderParams, () => loss(layout, model.layoutHead.apply(model.encoder.apply(x, { training: true }), { training: true })));
    applyUpdate(model.encoderParams, update.grads, optimizer, { globalNorm: 5 }, where);
    dispose(Object.values(update.grads) as Tensor[]);
    return update.loss;
  });
}

/**
 * One step of phase 2, teacher forcing. With `tuneEncoder` every weight learns from the captions' loss plus
 * `layoutLoss` × the layout loss; otherwise the encoder is frozen (inference mode: its batch normalisation
 * uses the moving statistics, as in decoding) and only the decoder learns. Returns the loss.
 */
function captionStep(
  model: Captioner,
  batch: { readonly images: Float32Array; readonly scenes: readonly Scene[] },
  words: { readonly input: Int32Array; readonly target: Int32Array; readonly T: number },
  o: { readonly loss: Loss; readonly optimizer: Optimizer; readonly tuneEncoder: boolean; readonly layoutLoss: number },
  where: string,
): number {
  const B = batch.scenes.length;
  return tidy(() => {
    const x = tensor(batch.images, [B, SCENE_SIZE, SCENE_SIZE, 1]);
    const input = tensor(words.input, [B, words.T], 'int32');
    const target = tensor(words.target, [B, words.T], 'int32');
    // real words and <end> count; the padding after <end> does not
    const mask = cast(tensor(Int32Array.from(words.target, (id) => (id !== 0 ? 1 : 0)), [B, words.T], 'int32'), 'float32');
    const params = o.tuneEncoder ? model.params : model.decoderParams;
    const frozen = o.tuneEncoder ? null : model.encoder.apply(x, { training: false });
    const update = lossAndGradients(params, () => {
      if (frozen !== null) return o.loss(target, model.decoder.forward(frozen, input, { training: true }), { mask });
      const out = model.forward(x, input, true);
      const captions = o.loss(target, out.words, { mask });
      return o.layoutLoss === 0 ? captions : add(captions, mul(scalar(o.layoutLoss), o.loss(tensor(layoutTargets(batch.scenes), [B, LAYOUT_CELLS], 'int32'), out.layout)));
    });
    applyUpdate(params, update.grads, o.optimizer, { globalNorm: 5 }, where);
    dispose(Object.values(update.grads) as Tensor[]);
    return update.loss;
  });
}

/** The layout head's class of each cell of `images` [N, S, S] (inference mode): [N·4]. */
export function readLayouts(model: Captioner, images: Float32Array, count: number): Int32Array {
  const out = new Int32Array(count * LAYOUT_CELLS);
  const pixels = SCENE_SIZE * SCENE_SIZE;
  for (let start = 0; start < count; start += EVAL_BATCH) {
    const n = Math.min(EVAL_BATCH, count - start);
    const classes = tidy(() => {
      const x = tensor(images.subarray(start * pixels, (start + n) * pixels), [n, SCENE_SIZE, SCENE_SIZE, 1]);
      return argMax(model.layoutHead.apply(model.encoder.apply(x, { training: false }), { training: false }), 2).dataSync();
    });
    out.set(classes, start * LAYOUT_CELLS);
  }
  return out;
}

function figures(generated: readonly string[][], scenes: readonly Scene[]): CaptionFigures {
  const references = scenes.map((s) => s.captions.map((c) => c.split(' ')));
  return { bleu: corpusBleu(generated, references), scores: captionScores(generated, scenes) };
}

export async function runCaption(options: CaptionOptions, print: (line: string) => void = console.log, showProgress = print === console.log): Promise<CaptionResult> {
  const started = performance.now();
  const backend = await initBackend({ backend: options.backend });
  const digits = await loadDigits(options);
  if (digits.count <= HELD_OUT_FROM) throw new UsageError(`MNIST test set with ${digits.count} images: the caption demo needs all 10,000 (images 8,000– are held out)`);
  const vocabulary = buildVocabulary([CAPTION_WORDS], { specials: ['pad', 'start', 'end'] });
  checkMemory(captionMemory(options, vocabulary.tokens.length), memoryLimit(options.backend), '--filters, --features, --units, --embed or --batch-size');
  const sceneOptions = { seed: options.seed, heldOutFrom: HELD_OUT_FROM } as const;
  const heldOut = captionedSceneBatch(digits, Array.from({ length: options.testScenes }, (_, i) => i), { ...sceneOptions, split: 'held-out' });
  print(
    `MNIST: scenes of 1–3 digits on ${SCENE_SIZE}×${SCENE_SIZE}; training scenes from images 0–${HELD_OUT_FROM - 1} (fresh every step), ` +
      `${options.testScenes} held-out scenes from images ${HELD_OUT_FROM}–${digits.count - 1}; vocabulary ${vocabulary.tokens.length} words; on ${backend.backend}`,
  );
  print(`e.g. "${heldOut.scenes[0]!.caption}"`);
  const model = captioner({ size: SCENE_SIZE, filters: options.filters, features: options.features, vocabulary: vocabulary.tokens.length, embed: options.embed, units: options.units, cell: options.cell, seed: options.seed });
  print('');
  print(model.encoder.summary());
  print(model.decoder.summary());
  print('');
  const loss = sparseCategoricalCrossentropy({ fromLogits: true });
  const encoderOptimizer = adam({ learningRate: exponentialDecay({ initialLearningRate: options.encoderLearningRate, decaySteps: Math.max(1, options.encoderSteps), decayRate: ENCODER_LR_DECAY }) });
  const optimizer = adam({ learningRate: exponentialDecay({ initialLearningRate: options.learningRate, decaySteps: options.epochs * options.stepsPerEpoch, decayRate: CAPTION_LR_DECAY }) });
  const writer = showProgress ? createProgressWriter() : { update: () => undefined, end: () => undefined };
  const B = options.batchSize;
  // training scenes 0, 1, 2, … of the stream: phase 1 takes the first encoderSteps·B, phase 2 the next ones
  let drawn = 0;
  const nextBatch = () => {
    const batch = captionedSceneBatch(digits, Array.from({ length: B }, (_, i) => drawn + i), { ...sceneOptions, split: 'train' });
    drawn += B;
    return batch;
  };
  const progress = (epoch: number, epochs: number, step: number, steps: number, metrics: Record<string, number>, since: number) => {
    const rate = ((step + 1) * B) / Math.max((performance.now() - since) / 1000, 1e-9);
    writer.update({ epoch, epochs, batch: step + 1, batches: steps, metrics, samplesPerSecond: rate, etaSeconds: ((steps - step - 1) * B) / rate, unit: 'scenes' });
  };
  const tuneEncoder = options.fineTune || options.encoderSteps === 0;
  const phases = options.encoderSteps > 0 ? 2 : 1;
  const epochs: CaptionEpoch[] = [];
  let encoder: CaptionEncoderPhase | null = null;
  try {
    if (options.encoderSteps > 0) {
      print(`Phase 1/2 — the encoder alone: the layout loss (what each cell holds), ${options.encoderSteps} steps, Adam ${options.encoderLearningRate} decaying to ${rate(options.encoderLearningRate * ENCODER_LR_DECAY)}`);
      const phaseStart = performance.now();
      const losses: number[] = [];
      for (let step = 0; step < options.encoderSteps; step++) {
        const batch = nextBatch();
        losses.push(layoutStep(model, batch, loss, encoderOptimizer, `caption: at encoder step ${step + 1}`));
        const recent = losses.slice(-Math.max(1, Math.ceil(losses.length / 10)));
        progress(1, 1, step, options.encoderSteps, { 'layout loss': recent.reduce((a, b) => a + b, 0) / recent.length }, phaseStart);
        await Promise.resolve();
      }
      writer.end();
      const read = layoutScores(readLayouts(model, heldOut.images, options.testScenes), layoutTargets(heldOut.scenes));
      const tail = losses.slice(-Math.max(1, Math.ceil(losses.length / 10)));
      encoder = { steps: options.encoderSteps, loss: tail.reduce((a, b) => a + b, 0) / tail.length, ...read, seconds: (performance.now() - phaseStart) / 1000 };
      print(`  encoder ${formatSeconds(encoder.seconds)} — layout loss ${encoder.loss.toFixed(4)}  held-out layout head: cells ${encoder.cellAccuracy.toFixed(4)}  digits read ${encoder.digitAccuracy.toFixed(4)}`);
      print('');
    }
    print(
      `Phase ${phases}/${phases} — captions: ${tuneEncoder ? `decoder and encoder together${options.layoutLoss > 0 ? ` (layout loss × ${options.layoutLoss} beside the captions')` : ''}` : 'the decoder on the frozen encoder'}, ` +
        `${options.epochs} × ${options.stepsPerEpoch} steps, Adam ${options.learningRate} decaying to ${rate(options.learningRate * CAPTION_LR_DECAY)}`,
    );
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const epochStart = performance.now();
      let sum = 0;
      for (let step = 0; step < options.stepsPerEpoch; step++) {
        const batch = nextBatch();
        const words = captionBatch(vocabulary, batch.scenes.map((s) => s.caption));
        sum += captionStep(model, batch, words, { loss, optimizer, tuneEncoder, layoutLoss: options.layoutLoss }, `caption: at epoch ${epoch + 1}, step ${step + 1}`);
        progress(epoch + 1, options.epochs, step, options.stepsPerEpoch, { loss: sum / (step + 1) }, epochStart);
        await Promise.resolve();
      }
      writer.end();
      const { greedy } = captionImages(model, vocabulary, heldOut.images, options.testScenes, null);
      const f = figures(greedy, heldOut.scenes);
      const record = { epoch: epoch + 1, loss: sum / options.stepsPerEpoch, bleu4: f.bleu.bleu, exactMatch: f.scores.exactMatch, digitAccuracy: f.scores.digitAccuracy, seconds: (performance.now() - epochStart) / 1000 };
      epochs.push(record);
      print(
        `  epoch ${epoch + 1}/${options.epochs} ${formatSeconds(record.seconds)} — loss ${record.loss.toFixed(4)}  held-out greedy: BLEU-4 ${record.bleu4.toFixed(4)}  exact ${record.exactMatch.toFixed(4)}  digit acc ${record.digitAccuracy.toFixed(4)}`,
      );
    }
    const decoded = captionImages(model, vocabulary, heldOut.images, options.testScenes, options.beamWidth);
    const greedy = figures(decoded.greedy, heldOut.scenes);
    const beam = figures(decoded.beam, heldOut.scenes);
    const samples = heldOut.scenes.map((s, i) => ({ references: s.captions, greedy: decoded.greedy[i]!.join(' '), beam: decoded.beam[i]!.join(' ') }));

    const outDir = resolve(options.outDir);
    mkdirSync(outDir, { recursive: true });
    let sheetFile: string | null = null;
    if (options.sheet > 0) {
      sheetFile = join(outDir, 'sheet.svg');
      const pixels = SCENE_SIZE * SCENE_SIZE;
      const rows = samples.slice(0, options.sheet).map((s, i) => ({
        pixels: heldOut.images.subarray(i * pixels, (i + 1) * pixels),
        size: SCENE_SIZE,
        greedy: s.greedy,
        beam: s.beam,
        reference: s.references[0]!,
        greedyExact: s.references.includes(s.greedy),
        beamExact: s.references.includes(s.beam),
      }));
      const title = `rnnkit · caption · CNN → ${options.cell.toUpperCase()}(${options.units}) · held-out scenes (unseen handwriting) · BLEU-4 greedy ${greedy.bleu.bleu.toFixed(3)}, beam ${beam.bleu.bleu.toFixed(3)}`;
      writeFileSync(sheetFile, captionSheetSvg(rows, title, options.beamWidth));
    }
    const modelDir = join(outDir, 'model');
    await saveModel(model.encoder, join(modelDir, 'encoder'));
    await saveModel(model.decoder, join(modelDir, 'decoder'));
    writeFileSync(join(modelDir, 'vocabulary.json'), JSON.stringify({ words: vocabulary.tokens }) + '\n');
    const seconds = (performance.now() - started) / 1000;
    writeFileSync(
      join(outDir, 'results.json'),
      JSON.stringify({ options, encoder, epochs, testScenes: options.testScenes, greedy, beam, seconds, samples: samples.slice(0, 20) }, null, 2) + '\n',
    );
    return { backend, encoder, epochs, testScenes: options.testScenes, greedy, beam, samples, seconds, outDir, sheetFile, modelDir };
  } finally {
    encoderOptimizer.dispose();
    optimizer.dispose();
    model.dispose();
  }
}
