/**
 * `textgen`: char-rnn on tiny-shakespeare, step by step.
 *
 *   text → characters → ids; the first 90 % train, the last 10 % validate
 *   the training ids become B parallel streams (char-rnn's layout), read in chunks of k steps:
 *     for each chunk: logits, s' = model(x_chunk, s); L = CE(y_chunk, logits); θ ← adam(clip(∂L/∂θ)); s ← stop_gradient(s')
 *   every few chunks: samples at several temperatures, streaming one character at a time
 *
 * Shapes: B streams, L stream length, k chunk length, V characters.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { dispose, initBackend, reshape, tensor1d, tensor2d, tensor3d, tidy } from '@rnnkit/tensor';
import type { BackendInfo, Tensor } from '@rnnkit/tensor';
import { bpttChunks, buildCharVocabulary, charTokens, encode, loadTinyShakespeare, splitStream } from '@rnnkit/datasets';
import type { Vocabulary } from '@rnnkit/datasets';
import { disposeState, sampleDecode, saveModel, sequentialStepper } from '@rnnkit/models';
import type { Sequential, StepState } from '@rnnkit/models';
import { adam, sparseCategoricalCrossentropy, truncatedBptt } from '@rnnkit/training';
import type { RecurrentState } from '@rnnkit/training';
import { datasetDir } from './find-shared-data';
import { createProgressWriter, formatSeconds } from './progress-bar';
import { buildCharModel, charChunkStep, zeroCharState } from './textgen-model';
import type { TextgenOptions } from './textgen-options';
import { checkMemory, memoryLimit, recurrentActivations, recurrentParams, trainingState } from './memory-estimate';
import type { MemoryPart } from './memory-estimate';
import { loadingData, UsageError } from './usage-error';

export interface TextgenSample {
  readonly temperature: number;
  readonly text: string;
}

export interface TextgenResult {
  readonly backend: BackendInfo;
  /** Training loss of every chunk (nats per character). */
  readonly losses: readonly number[];
  /** Validation loss after each epoch (nats per character). */
  readonly validationLosses: readonly number[];
  /** The samples printed last. */
  readonly samples: readonly TextgenSample[];
  readonly seconds: number;
  readonly modelDir: string;
}

/** Samples `length` characters after `prompt` at each temperature, one character per step. */
export function sampleText(model: Sequential, vocabulary: Vocabulary, prompt: string, options: { readonly length: number; readonly temperatures: readonly number[]; readonly seed: number }): TextgenSample[] {
  const { stepper, initialState } = sequentialStepper(model);
  const ids = Array.from(encode(vocabulary, charTokens(prompt)));
  // run the prompt through the model, all but its last character (that one starts the sampling)
  let state: StepState = initialState(1);
  for (const id of ids.slice(0, -1)) {
    const input = tensor1d([id], 'int32');
    const step = stepper.step(state, input);
    dispose([input, step.logits]);
    disposeState(state);
    state = step.state;
  }
  const samples = options.temperatures.map((temperature, i) => {
    const { tokens } = sampleDecode(stepper, state, { startToken: ids.at(-1)!, maxLength: options.length, temperature, seed: options.seed + i });
    return { temperature, text: prompt + tokens[0]!.map((id) => vocabulary.tokens[id]).join('') };
  });
  disposeState(state);
  return samples;
}

function printSamples(samples: readonly TextgenSample[], print: (line: string) => void): void {
  for (const s of samples) {
    print(`  ── temperature ${s.temperature} ──`);
    for (const line of s.text.split('\n')) print(`  │ ${line}`);
  }
}

/** Mean cross-entropy over a held-out stream, read in chunks with the state carried over (no gradients). */
function validationLoss(model: Sequential, ids: Int32Array, batchSize: number, steps: number): number {
  const rows = Math.max(1, Math.min(batchSize, Math.floor((ids.length - 1) / steps)));
  const chunks = bpttChunks(ids, { batchSize: rows, steps });
  if (chunks.length === 0) return Number.NaN;
  const step = charChunkStep(model);
  const loss = sparseCategoricalCrossentropy({ fromLogits: true });
  let state = zeroCharState(model, rows);
  let total = 0;
  for (const chunk of chunks) {
    const previous = state;
    const out = tidy(() => {
      const { y, state: next } = step(tensor2d(chunk.inputs, [rows, steps], 'int32'), previous, false);
      return { value: loss(tensor2d(chunk.targets, [rows, steps], 'int32'), y), state: next };
    });
    total += out.value.dataSync()[0]!;
    dispose([out.value, ...Object.values(previous)]);
    state = out.state;
  }
  dispose(Object.values(state));
  return total / chunks.length;
}

/** Embedding(V, E) → recurrent(H) → Dense(V) over B streams of k steps (see memory-estimate.ts). */
export function textgenMemory(o: Pick<TextgenOptions, 'cell' | 'units' | 'embed' | 'batchSize' | 'steps'>, vocabulary: number): MemoryPart[] {
  const params = vocabulary * o.embed + recurrentParams(o.cell, o.embed, o.units) + (o.units + 1) * vocabulary;
  const perStep = recurrentActivations(o.cell, o.units) + 2 * o.embed + 2 * vocabulary;
  return [trainingState(params), { what: `activations of ${o.batchSize} streams × ${o.steps} steps`, values: o.batchSize * o.steps * perStep }];
}

/** Trains and samples; `print` receives every line, the progress bar goes to stdout when `showProgress`. */
export async function runTextgen(options: TextgenOptions, print: (line: string) => void = console.log, showProgress = print === console.log): Promise<TextgenResult> {
  const started = performance.now();
  const backend = await initBackend({ backend: options.backend });
  const dataDir = datasetDir(options.dataDir, 'tiny-shakespeare');
  print(`Loading tiny-shakespeare from ${dataDir ?? 'the download cache'}…`);
  const corpus = await loadingData(() => loadTinyShakespeare(dataDir === undefined ? {} : { dataDir }));
  const text = options.chars === undefined ? corpus : corpus.slice(0, options.chars);
  const vocabulary = buildCharVocabulary(text, { specials: [] });
  const unknown = [...new Set(charTokens(options.prompt))].filter((c) => !vocabulary.ids.has(c));
  if (unknown.length > 0) throw new UsageError(`--prompt has characters the training text never uses: ${unknown.map((c) => JSON.stringify(c)).join(' ')}`);
  const [trainIds, validIds] = splitStream(encode(vocabulary, charTokens(text)), 0.9);

  // B parallel streams of length L = ⌊(n − 1)/B⌋: one bpttChunks chunk as long as the streams;
  // truncatedBptt cuts it into k-step chunks itself
  const B = options.batchSize;
  const L = Math.floor((trainIds.length - 1) / B);
  if (L < options.steps) {
    throw new UsageError(`--chars ${options.chars ?? corpus.length} leaves ${trainIds.length} training characters: too few for ${B} streams of at least --steps ${options.steps}`);
  }
  const [streams] = bpttChunks(trainIds, { batchSize: B, steps: L });
  const chunksPerEpoch = Math.ceil(L / options.steps);
  print(
    `${text.length.toLocaleString('en')} characters, vocabulary of ${vocabulary.tokens.length}; ${trainIds.length.toLocaleString('en')} train, ` +
      `${validIds.length.toLocaleString('en')} validation; ${B} streams × ${L} steps → ${chunksPerEpoch} chunks of ${options.steps} per epoch`,
  );

  checkMemory(textgenMemory(options, vocabulary.tokens.length), memoryLimit(options.backend), '--units, --embed, --batch-size or --steps');
  const model = buildCharModel({ vocabularySize: vocabulary.tokens.length, embed: options.embed, units: options.units, cell: options.cell, seed: options.seed });
  print('');
  print(model.summary());
  print('');

  const step = charChunkStep(model);
  const x = tensor3d(streams!.inputs, [B, L, 1], 'int32');
  const y = tensor2d(streams!.targets, [B, L], 'int32');
  const sample = () => sampleText(model, vocabulary, options.prompt, { length: options.sampleLength, temperatures: options.temperatures, seed: options.seed });
  const optimizer = adam({ learningRate: options.learningRate });
  const writer = showProgress ? createProgressWriter() : { update: () => undefined, end: () => undefined };
  const losses: number[] = [];
  const validationLosses: number[] = [];
  let samples: TextgenSample[] = [];
  let epochStarted = 0;
  try {
    print(`Before training (loss ln ${vocabulary.tokens.length} = ${Math.log(vocabulary.tokens.length).toFixed(3)}):`);
    printSamples(sampleText(model, vocabulary, options.prompt, { length: 80, temperatures: [1], seed: options.seed }), print);
    epochStarted = performance.now();
    await truncatedBptt({
      params: model.params,
      step: (xChunk: Tensor, state: RecurrentState) => step(reshape(xChunk, [xChunk.shape[0]!, xChunk.shape[1]!]), state, true),
      initialState: (rows) => zeroCharState(model, rows),
      loss: sparseCategoricalCrossentropy({ fromLogits: true }),
      optimizer,
      x,
      y,
      k: options.steps,
      clipping: { globalNorm: options.clipNorm },
      epochs: options.epochs,
      onChunkEnd: ({ epoch, chunk, loss }) => {
        losses.push(loss);
        const recent = losses.slice(-Math.min(losses.length, 20));
        const seconds = (performance.now() - epochStarted) / 1000;
        const rate = ((chunk + 1) * B * options.steps) / Math.max(seconds, 1e-9);
        writer.update({
          epoch: epoch + 1,
          epochs: options.epochs,
          batch: chunk + 1,
          batches: chunksPerEpoch,
          metrics: { loss: recent.reduce((a, b) => a + b, 0) / recent.length },
          samplesPerSecond: rate,
          etaSeconds: ((chunksPerEpoch - chunk - 1) * B * options.steps) / rate,
          unit: 'chars',
        });
        const lastOfEpoch = chunk === chunksPerEpoch - 1;
        if ((chunk + 1) % options.sampleEvery !== 0 && !lastOfEpoch) return;
        writer.end();
        const paused = performance.now();
        if (lastOfEpoch) {
          const v = validationLoss(model, validIds, B, options.steps);
          validationLosses.push(v);
          print(`  epoch ${epoch + 1} done in ${formatSeconds(seconds)} — validation loss ${v.toFixed(4)} (${(v / Math.LN2).toFixed(3)} bits/char)`);
        }
        samples = sample();
        print(`Samples after ${epoch * chunksPerEpoch + chunk + 1} chunks (epoch ${epoch + 1}, loss ${loss.toFixed(4)}):`);
        printSamples(samples, print);
        // the next epoch's clock starts now; within an epoch, sampling time does not count as training
        epochStarted = lastOfEpoch ? performance.now() : epochStarted + (performance.now() - paused);
      },
    });
    writer.end();
    const outDir = resolve(options.outDir);
    const modelDir = join(outDir, 'model');
    await saveModel(model, modelDir);
    mkdirSync(outDir, { recursive: true });
    writeFileSync(join(outDir, 'vocabulary.json'), JSON.stringify(vocabulary.tokens) + '\n');
    return { backend, losses, validationLosses, samples, seconds: (performance.now() - started) / 1000, modelDir };
  } finally {
    dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}
