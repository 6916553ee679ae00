/**
 * Training and prediction of the tagger: batches of sentences of similar length (little padding), one
 * full-BPTT update per batch with the loss masked to real words, Adam, clipping by global norm, and
 * early stopping on dev accuracy with the best epoch's weights restored.
 *
 * Shapes: B sentences, T words, L characters per word slot, K tags.
 */
import { bucketByLength, taggingBatch } from '@rnnkit/datasets';
import type { EncodedSentence, TaggingBatch } from '@rnnkit/datasets';
import type { Model } from '@rnnkit/models';
import { argMax, cast, clone, dispose, keep, tensor, tidy } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { adam, applyUpdate, lossAndGradients, sparseCategoricalCrossentropy } from '@rnnkit/training';
import { createProgressWriter, formatSeconds } from './progress-bar';

/** A model that takes `[words]` or `[words, chars, charsReversed]` (the tagger of tag-model.ts, or one loaded from disk). */
export interface TaggerModel extends Model {
  apply(x: Tensor | readonly Tensor[], options: { readonly training: boolean; readonly seed?: number }): Tensor;
}

/** The model inputs of a batch: words [B, T], and with characters chars and charsReversed [B, T, L]. The caller disposes them. */
export function batchInputs(batch: TaggingBatch, chars: boolean): Tensor[] {
  const words = tensor(batch.words, [batch.batch, batch.time], 'int32');
  if (!chars) return [words];
  const shape = [batch.batch, batch.time, batch.wordLength];
  return [words, tensor(batch.chars, shape, 'int32'), tensor(batch.charsReversed, shape, 'int32')];
}

/** The predicted tag ids of every sentence (batches of `batchSize` in order; T per batch). */
export function predictTags(model: TaggerModel, sentences: readonly EncodedSentence[], chars: boolean, batchSize = 64): Int32Array[] {
  const out: Int32Array[] = [];
  for (let start = 0; start < sentences.length; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, sentences.length - start) }, (_, i) => start + i);
    const batch = taggingBatch(sentences, indices, { charPadding: 'pre' });
    const ids = tidy(() => {
      const xs = batchInputs(batch, chars);
      return argMax(model.apply(xs, { training: false }), -1).dataSync() as Int32Array;
    });
    indices.forEach((_, b) => out.push(ids.slice(b * batch.time, b * batch.time + batch.lengths[b]!)));
  }
  return out;
}

/** Token accuracy of predicted against gold tags. */
export function tokenAccuracy(predicted: readonly Int32Array[], sentences: readonly EncodedSentence[]): number {
  let correct = 0;
  let total = 0;
  sentences.forEach((s, i) => {
    s.tags.forEach((t, k) => (correct += predicted[i]![k] === t ? 1 : 0));
    total += s.tags.length;
  });
  return total === 0 ? 0 : correct / total;
}

export interface TrainTaggerOptions {
  readonly model: TaggerModel;
  readonly chars: boolean;
  readonly train: readonly EncodedSentence[];
  readonly dev: readonly EncodedSentence[];
  readonly epochs: number;
  readonly patience: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly print: (line: string) => void;
  readonly showProgress: boolean;
}

/** One epoch's figures. */
export interface TagEpoch {
  readonly epoch: number;
  readonly loss: number;
  readonly devAccuracy: number;
  readonly seconds: number;
}

/** Trains in place; the model ends with the weights of its best dev epoch. */
export async function trainTagger(o: TrainTaggerOptions): Promise<{ readonly epochs: readonly TagEpoch[]; readonly bestEpoch: number }> {
  const { model } = o;
  const lengths = o.train.map((s) => s.words.length);
  const words = lengths.reduce((a, b) => a + b, 0);
  const optimizer = adam({ learningRate: o.learningRate });
  const loss = sparseCategoricalCrossentropy({ fromLogits: true });
  const writer = o.showProgress ? createProgressWriter() : { update: () => undefined, end: () => undefined };
  const epochs: TagEpoch[] = [];
  let best: { epoch: number; accuracy: number; weights: Record<string, Tensor> } | null = null;
  try {
    for (let epoch = 0; epoch < o.epochs; epoch++) {
      const started = performance.now();
      const batches = bucketByLength(lengths, { batchSize: o.batchSize, seed: o.seed + epoch });
      let sum = 0;
      let seen = 0;
      for (let i = 0; i < batches.length; i++) {
        const batch = taggingBatch(o.train, batches[i]!, { charPadding: 'pre' });
        tidy(() => {
          const xs = batchInputs(batch, o.chars);
          const y = tensor(batch.tags, [batch.batch, batch.time], 'int32');
          const mask = cast(tensor(batch.mask, [batch.batch, batch.time], 'int32'), 'float32');
          const seed = (o.seed * 1_000_003 + epoch * 100_003 + i) >>> 0;
          const step = lossAndGradients(model.params, () => loss(y, model.apply(xs, { training: true, seed }), { mask }));
          applyUpdate(model.params, step.grads, optimizer, { globalNorm: 5 }, `tag: at epoch ${epoch + 1}, step ${i + 1}`);
          dispose(Object.values(step.grads));
          sum += step.loss;
        });
        seen += batch.lengths.reduce((a, b) => a + b, 0);
        const seconds = (performance.now() - started) / 1000;
        const rate = seen / Math.max(seconds, 1e-9);
        writer.update({ epoch: epoch + 1, epochs: o.epochs, batch: i + 1, batches: batches.length, metrics: { loss: sum / (i + 1) }, samplesPerSecond: rate, etaSeconds: (words - seen) / rate, unit: 'words' });
        await Promise.resolve();
      }
      writer.end();
      const devAccuracy = tokenAccuracy(predictTags(model, o.dev, o.chars), o.dev);
      const record = { epoch: epoch + 1, loss: sum / batches.length, devAccuracy, seconds: (performance.now() - started) / 1000 };
      epochs.push(record);
      const better = best === null || devAccuracy > best.accuracy;
      if (better) {
        if (best !== null) dispose(Object.values(best.weights));
        best = { epoch: epoch + 1, accuracy: devAccuracy, weights: snapshot(model) };
      }
      o.print(`  epoch ${epoch + 1}/${o.epochs} ${formatSeconds(record.seconds)} — loss ${record.loss.toFixed(4)}  dev accuracy ${devAccuracy.toFixed(4)}${better ? ' (best)' : ''}`);
      if (epoch + 1 - best!.epoch >= o.patience && epoch + 1 < o.epochs) {
        o.print(`  no better dev accuracy for ${o.patience} epoch${o.patience === 1 ? '' : 's'}: stopping, with the weights of epoch ${best!.epoch}`);
        break;
      }
    }
    if (best !== null) restore(model, best.weights);
    return { epochs, bestEpoch: best?.epoch ?? 0 };
  } finally {
    if (best !== null) dispose(Object.values(best.weights));
    optimizer.dispose();
  }
}

/** Copies of the trainable weights (kept outside any tidy). */
function snapshot(model: TaggerModel): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(model.params).map(([name, v]) => [name, keep(clone(v))]));
}

function restore(model: TaggerModel, weights: Readonly<Record<string, Tensor>>): void {
  for (const [name, v] of Object.entries(model.params)) v.assign(weights[name]!);
}
