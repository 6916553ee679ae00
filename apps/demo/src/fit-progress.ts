/**
 * The `fit` callback every demo command shows: a progress bar per epoch (loss, a metric,
 * samples/s, ETA) and, after it, the epoch's figures with their validation counterparts.
 */
import type { Callback } from '@rnnkit/training';
import { createProgressWriter, formatSeconds } from './progress-bar';

/** `metric` is the log name of the metric to show (e.g. `accuracy`); its short label is `label`. */
export function fitProgress(print: (line: string) => void, metric = 'accuracy', label = 'acc', showBar = true): Callback {
  const writer = showBar ? createProgressWriter() : { update: () => undefined, end: () => undefined };
  let started = 0;
  let seen = 0;
  return {
    name: 'demo-progress',
    onEpochBegin() {
      started = performance.now();
      seen = 0;
    },
    onBatchEnd(_batch, logs, context) {
      seen += logs.size;
      const seconds = (performance.now() - started) / 1000;
      const rate = seen / Math.max(seconds, 1e-9);
      writer.update({
        epoch: logs.epoch + 1,
        epochs: context.epochs,
        batch: logs.step + 1,
        // a stream read to its end has no known length (the demo's data is in memory)
        batches: context.stepsPerEpoch ?? logs.step + 1,
        metrics: { loss: logs.running['loss'] ?? logs.loss, [label]: logs.running[metric] ?? Number.NaN },
        samplesPerSecond: rate,
        etaSeconds: context.samples === null ? Number.NaN : (context.samples - seen) / rate,
      });
    },
    onEpochEnd(epoch, logs, context) {
      const seconds = (performance.now() - started) / 1000;
      writer.end();
      const validation = logs['val_loss'] === undefined ? '' : `  val_loss ${logs['val_loss'].toFixed(4)}  val_${label} ${logs[`val_${metric}`]?.toFixed(4)}`;
      print(`  epoch ${epoch + 1}/${context.epochs} ${formatSeconds(seconds)} — loss ${logs['loss']?.toFixed(4)}  ${label} ${logs[metric]?.toFixed(4)}${validation}`);
    },
  };
}
