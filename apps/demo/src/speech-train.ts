/**
 * The speech demo's training loop: length-bucketed batches (little padding), one update per batch
 * (full BPTT through the model), gradient clipping by global norm, Adam.
 */
import { bucketByLength } from '@rnnkit/datasets';
import type { Sequential } from '@rnnkit/models';
import { dispose, tidy } from '@rnnkit/tensor';
import type { Scalar, Tensor } from '@rnnkit/tensor';
import { adam, applyUpdate, exponentialDecay, lossAndGradients } from '@rnnkit/training';
import { makeBatch } from './speech-data';
import type { SpeechBatch, SpeechExample } from './speech-data';
import { formatSeconds } from './progress-bar';

export interface TrainLoopOptions {
  readonly model: Sequential;
  readonly examples: readonly SpeechExample[];
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** The batch loss from the model's output for it. */
  readonly loss: (output: Tensor, batch: SpeechBatch) => Scalar;
  /** Called after each epoch (e.g. to evaluate); its text is printed after the epoch's loss. */
  readonly afterEpoch?: (epoch: number) => string;
  readonly print: (line: string) => void;
}

/** Trains in place; returns the mean training loss of every epoch. */
export async function trainLoop(options: TrainLoopOptions): Promise<number[]> {
  const { model, examples } = options;
  const lengths = examples.map((e) => e.features.frames);
  const stepsPerEpoch = Math.ceil(examples.length / options.batchSize);
  const optimizer = adam({
    learningRate: exponentialDecay({ initialLearningRate: options.learningRate, decaySteps: stepsPerEpoch, decayRate: 0.9 }),
  });
  const losses: number[] = [];
  const tty = process.stdout.isTTY === true;
  try {
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      const started = performance.now();
      const batches = bucketByLength(lengths, { batchSize: options.batchSize, seed: options.seed + epoch, boundaries: quantiles(lengths, 6) });
      let sum = 0;
      for (let i = 0; i < batches.length; i++) {
        const batch = makeBatch(examples, batches[i]!);
        try {
          tidy(() => {
            const { loss, grads } = lossAndGradients(model.params, () => options.loss(model.apply(batch.x, { training: true }), batch));
            applyUpdate(model.params, grads, optimizer, { globalNorm: 5 }, `speech: at epoch ${epoch + 1}, step ${i + 1}`);
            dispose(Object.values(grads));
            sum += loss;
          });
        } finally {
          batch.x.dispose();
        }
        if (tty) process.stdout.write(`\r  epoch ${epoch + 1}/${options.epochs}  batch ${i + 1}/${batches.length}  loss ${(sum / (i + 1)).toFixed(4)}   `);
        await Promise.resolve();
      }
      if (tty) process.stdout.write('\r');
      losses.push(sum / batches.length);
      const extra = options.afterEpoch?.(epoch) ?? '';
      options.print(`  epoch ${epoch + 1}/${options.epochs}  ${formatSeconds((performance.now() - started) / 1000)}  loss ${(sum / batches.length).toFixed(4)}${extra ? `  ${extra}` : ''}          `);
    }
  } finally {
    optimizer.dispose();
  }
  return losses;
}

/** k − 1 length boundaries that split `lengths` into k groups of similar size. */
function quantiles(lengths: readonly number[], k: number): number[] {
  const sorted = [...lengths].sort((a, b) => a - b);
  const cuts = Array.from({ length: k - 1 }, (_, i) => sorted[Math.floor(((i + 1) * sorted.length) / k)]!);
  return [...new Set(cuts)].filter((c, i, all) => i === 0 || c > all[i - 1]!);
}
