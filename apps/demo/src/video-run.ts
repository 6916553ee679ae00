/**
 * `pnpm demo video`: motion recognition on Moving-MNIST-style clips with a CNN per frame and an RNN
 * over the frames. Training clips are generated fresh every step from MNIST test images 0–7,999;
 * held-out clips use only images 8,000–9,999.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { loadMnistTest, MOTION_CLASSES, movingMnistBatch, sliceDigits } from '@rnnkit/datasets';
import type { ClipOptions, MnistDigits } from '@rnnkit/datasets';
import { saveModel } from '@rnnkit/models';
import type { Sequential } from '@rnnkit/models';
import { argMax, dispose, initBackend, softmax, tensor, tidy } from '@rnnkit/tensor';
import type { BackendInfo } from '@rnnkit/tensor';
import { adam, applyUpdate, lossAndGradients, sparseCategoricalCrossentropy } from '@rnnkit/training';
import { formatSeconds } from './progress-bar';
import { loadingData, UsageError } from './usage-error';
import { frameStrip, grayscalePng, stripsSvg } from './video-image';
import { checkVideoMemory } from './video-memory';
import { videoClassifier } from './video-model';
import { parseVideoOptions, VIDEO_HELP } from './video-options';
import type { VideoOptions } from './video-options';

const FRAMES = 16;
const SIZE = 64;
/** MNIST test images [0, 8000) make training clips, [8000, 10000) held-out clips. */
const HELD_OUT_FROM = 8000;

export interface VideoResult {
  readonly backend: BackendInfo;
  readonly accuracies: number[];
  readonly testAccuracy: number;
  readonly seconds: number;
  readonly outDir: string;
}

function mnistDir(flag: string | undefined): string {
  if (flag !== undefined) {
    if (!existsSync(flag)) throw new UsageError(`--data-dir ${flag} does not exist`);
    return flag;
  }
  const roots = [process.env['RNNKIT_SHARED_DATA'], ...[process.cwd(), __dirname].flatMap(ancestors).map((d) => join(d, 'shared', 'data'))];
  for (const root of roots) if (root !== undefined && root !== '' && existsSync(join(root, 'mnist', 't10k-images-idx3-ubyte.gz'))) return join(root, 'mnist');
  if (process.env['RNNKIT_DATA_DIR']) return join(process.env['RNNKIT_DATA_DIR'], 'mnist');
  throw new UsageError('MNIST not found: pass --data-dir (a folder with t10k-images-idx3-ubyte.gz) or set RNNKIT_SHARED_DATA');
}

function ancestors(start: string): string[] {
  const out: string[] = [];
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    out.push(dir);
    if (dirname(dir) === dir) return out;
  }
}

/** The command. Returns null when help was printed. */
export async function runVideoCommand(argv: readonly string[], print: (line: string) => void = console.log): Promise<VideoResult | null> {
  const options = parseVideoOptions(argv);
  if (options === null) {
    print(VIDEO_HELP);
    return null;
  }
  return trainVideo(options, print);
}

function clipTensor(digits: MnistDigits, indices: number[], clipOptions: ClipOptions): { x: ReturnType<typeof tensor>; labels: Int32Array; frames: Float32Array } {
  const batch = movingMnistBatch(digits, indices, clipOptions);
  return { x: tensor(batch.frames, [indices.length, FRAMES, SIZE, SIZE, 1]), labels: batch.labels, frames: batch.frames };
}

function predictions(model: Sequential, digits: MnistDigits, count: number, clipOptions: ClipOptions): { predicted: number[]; labels: number[]; probabilities: number[] } {
  const predicted: number[] = [];
  const labels: number[] = [];
  const probabilities: number[] = [];
  for (let start = 0; start < count; start += 50) {
    const indices = Array.from({ length: Math.min(50, count - start) }, (_, i) => start + i);
    const batch = clipTensor(digits, indices, clipOptions);
    tidy(() => {
      const p = softmax(model.apply(batch.x, { training: false }));
      const best = Array.from(argMax(p, -1).dataSync());
      const values = p.dataSync();
      best.forEach((k, i) => probabilities.push(values[i * MOTION_CLASSES.length + k]!));
      predicted.push(...best);
    });
    labels.push(...batch.labels);
    batch.x.dispose();
  }
  return { predicted, labels, probabilities };
}

/** Trains on fresh clips, evaluates on held-out digits after every epoch, saves the model and strip.svg. */
export async function trainVideo(options: VideoOptions, print: (line: string) => void = console.log): Promise<VideoResult> {
  const started = performance.now();
  checkVideoMemory(options, MOTION_CLASSES.length);
  const backend = await initBackend({ backend: options.backend });
  const dir = mnistDir(options.dataDir);
  const all = await loadingData(() => loadMnistTest({ dataDir: dir }));
  const trainDigits = sliceDigits(all, 0, HELD_OUT_FROM);
  const heldOutDigits = sliceDigits(all, HELD_OUT_FROM, all.count);
  const trainClips: ClipOptions = { seed: options.seed, frames: FRAMES, size: SIZE, level: options.level };
  const testClips: ClipOptions = { seed: options.seed + 7919, frames: FRAMES, size: SIZE, level: options.level };
  print(`MNIST from ${dir}: ${trainDigits.count} digits for training clips, ${heldOutDigits.count} unseen digits for ${options.testClips} held-out clips; level ${options.level}, on ${backend.backend}`);
  print(`Classes: ${MOTION_CLASSES.join(', ')}`);
  const model = videoClassifier({ frames: FRAMES, size: SIZE, classes: MOTION_CLASSES.length, units: options.units, cell: options.cell, seed: options.seed });
  print('');
  print(model.summary());
  const loss = sparseCategoricalCrossentropy({ fromLogits: true });
  const optimizer = adam({ learningRate: options.learningRate });
  const accuracies: number[] = [];
  const tty = process.stdout.isTTY === true;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const epochStart = performance.now();
      let sum = 0;
      for (let step = 0; step < options.stepsPerEpoch; step++) {
        const first = (epoch * options.stepsPerEpoch + step) * options.batchSize;
        const batch = clipTensor(trainDigits, Array.from({ length: options.batchSize }, (_, i) => first + i), trainClips);
        tidy(() => {
          const y = tensor(batch.labels, [batch.labels.length], 'int32');
          const { loss: value, grads } = lossAndGradients(model.params, () => loss(y, model.apply(batch.x, { training: true })));
          applyUpdate(model.params, grads, optimizer, { globalNorm: 5 }, `video: at epoch ${epoch + 1}, step ${step + 1}`);
          dispose(Object.values(grads));
          sum += value;
        });
        batch.x.dispose();
        if (tty) process.stdout.write(`\r  epoch ${epoch + 1}/${options.epochs}  step ${step + 1}/${options.stepsPerEpoch}  loss ${(sum / (step + 1)).toFixed(4)}   `);
        await Promise.resolve();
      }
      const { predicted, labels } = predictions(model, heldOutDigits, options.testClips, testClips);
      const accuracy = predicted.filter((p, i) => p === labels[i]).length / labels.length;
      accuracies.push(accuracy);
      if (tty) process.stdout.write('\r');
      print(`  epoch ${epoch + 1}/${options.epochs}  ${formatSeconds((performance.now() - epochStart) / 1000)}  loss ${(sum / options.stepsPerEpoch).toFixed(4)}  held-out accuracy ${accuracy.toFixed(4)}          `);
    }
    const outDir = resolve(options.outDir);
    mkdirSync(outDir, { recursive: true });
    await saveModel(model, join(outDir, 'model'));
    writeStrip(model, heldOutDigits, options, testClips, join(outDir, 'strip.svg'));
    const testAccuracy = accuracies.at(-1) ?? Number.NaN;
    const seconds = (performance.now() - started) / 1000;
    writeFileSync(join(outDir, 'results.json'), JSON.stringify({ options, accuracies, testAccuracy, seconds }, null, 2) + '\n');
    print(`Held-out accuracy ${(100 * testAccuracy).toFixed(2)} % on ${options.testClips} clips of unseen digits (${formatSeconds(seconds)}); wrote ${outDir}/strip.svg and model/`);
    return { backend, accuracies, testAccuracy, seconds, outDir };
  } finally {
    optimizer.dispose();
    model.dispose();
  }
}

function writeStrip(model: Sequential, digits: MnistDigits, options: VideoOptions, clipOptions: ClipOptions, file: string): void {
  if (options.stripClips === 0) return;
  const { predicted, labels, probabilities } = predictions(model, digits, options.stripClips, clipOptions);
  const rows = predicted.map((p, i) => {
    const clip = movingMnistBatch(digits, [i], clipOptions);
    const strip = frameStrip(clip.frames, FRAMES, SIZE);
    return {
      png: grayscalePng(strip, FRAMES * SIZE, SIZE),
      width: FRAMES * SIZE,
      height: SIZE,
      caption: `predicted ${MOTION_CLASSES[p]} (p = ${probabilities[i]!.toFixed(2)}) · true ${MOTION_CLASSES[labels[i]!]}`,
      correct: p === labels[i],
    };
  });
  writeFileSync(file, stripsSvg(rows, `rnnkit · CNN per frame → ${options.cell.toUpperCase()}(${options.units}) · held-out clips (unseen digits), 16 frames each`));
}
