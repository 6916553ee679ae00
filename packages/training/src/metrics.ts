/**
 * Metrics reported by `fit` and `evaluate`: running means over an epoch, computed on the host
 * from the batch's labels and predictions (exact counts, the same on every backend).
 *
 * Shapes: B batch, T time, K outputs / C classes. Predictions are [B, K] or [B, T, K]; a mask, when
 * there is one, is [B] or [B, T] and excludes padded steps.
 *
 * A NaN prediction in a real (unmasked) sample makes the metric NaN. Keras compares NaN as false
 * (binary accuracy 0.5 and AUC 0.5 for all-NaN outputs); a diverged model must not look like a coin.
 */
import type { Tensor } from '@rnnkit/tensor';

/** A running value over many batches. */
export interface MetricAccumulator {
  /** Adds a batch (only real steps where a mask is given). */
  update(yTrue: Tensor, yPred: Tensor, mask?: Tensor): void;
  /** The metric over everything added so far. */
  result(): number;
}

/** A metric: its name in logs (Keras' names by default) and a fresh accumulator per epoch. */
export interface Metric {
  readonly name: string;
  /** A fresh accumulator (one per epoch and per evaluation). */
  create(): MetricAccumulator;
}

/** Mean of per-sample scores over real samples. `score(row)` sees the last-axis rows of yTrue and yPred. */
function meanOverSamples(
  name: string,
  width: (yTrue: Tensor, yPred: Tensor) => { trueWidth: number; predWidth: number },
  score: (yTrue: ArrayLike<number>, t0: number, yPred: ArrayLike<number>, p0: number, trueWidth: number, predWidth: number) => number,
): Metric {
  return {
    name,
    create() {
      let total = 0;
      let count = 0;
      return {
        update(yTrue, yPred, mask) {
          const { trueWidth, predWidth } = width(yTrue, yPred);
          const t = yTrue.dataSync();
          const p = yPred.dataSync();
          const samples = p.length / predWidth;
          const m = mask?.dataSync();
          const perMask = m === undefined ? 1 : samples / m.length;
          for (let s = 0; s < samples; s++) {
            const weight = m === undefined ? 1 : m[Math.floor(s / perMask)]!;
            if (weight === 0) continue;
            const p0 = s * predWidth;
            const value = hasNaN(p, p0, predWidth) ? NaN : score(t, s * trueWidth, p, p0, trueWidth, predWidth);
            total += weight * value;
            count += weight;
          }
        },
        result: () => (count === 0 ? 0 : total / count),
      };
    },
  };
}

function hasNaN(values: ArrayLike<number>, from: number, width: number): boolean {
  for (let k = 0; k < width; k++) if (Number.isNaN(values[from + k])) return true;
  return false;
}

const lastAxis = (yTrue: Tensor, yPred: Tensor): { trueWidth: number; predWidth: number } => ({
  trueWidth: yTrue.shape[yTrue.rank - 1] ?? 1,
  predWidth: yPred.shape[yPred.rank - 1] ?? 1,
});

function argmax(values: ArrayLike<number>, from: number, width: number): number {
  let best = 0;
  for (let c = 1; c < width; c++) if (values[from + c]! > values[from + best]!) best = c;
  return best;
}

/** Keras `binary_accuracy`: mean over K of [ (ŷ > threshold) = y ]. Threshold 0.5 (use 0 for logits). */
export function binaryAccuracy(options: { readonly threshold?: number; readonly name?: string } = {}): Metric {
  const threshold = options.threshold ?? 0.5;
  return meanOverSamples(options.name ?? 'binary_accuracy', lastAxis, (t, t0, p, p0, _tw, width) => {
    let hits = 0;
    for (let k = 0; k < width; k++) if ((p[p0 + k]! > threshold ? 1 : 0) === t[t0 + k]!) hits++;
    return hits / width;
  });
}

/** Keras `categorical_accuracy`: [argmax ŷ = argmax y] with one-hot y. */
export function categoricalAccuracy(options: { readonly name?: string } = {}): Metric {
  return meanOverSamples(options.name ?? 'categorical_accuracy', lastAxis, (t, t0, p, p0, tw, pw) =>
    argmax(p, p0, pw) === argmax(t, t0, tw) ? 1 : 0,
  );
}

/** Keras `sparse_categorical_accuracy`: [argmax ŷ = y] with integer class ids y ([B] or [B, T], trailing 1 allowed). */
export function sparseCategoricalAccuracy(options: { readonly name?: string } = {}): Metric {
  return meanOverSamples(
    options.name ?? 'sparse_categorical_accuracy',
    (_yTrue, yPred) => ({ trueWidth: 1, predWidth: yPred.shape[yPred.rank - 1] ?? 1 }),
    (t, t0, p, p0, _tw, pw) => (argmax(p, p0, pw) === t[t0]! ? 1 : 0),
  );
}

/**
 * Area under the ROC curve from confusion counts at `numThresholds` thresholds (Keras `AUC`
 * defaults: 200 thresholds spaced evenly in (0, 1) plus −ε and 1 + ε, trapezoidal rule). Binary
 * labels, probabilities as predictions; masked steps are skipped.
 */
export function auc(options: { readonly numThresholds?: number; readonly name?: string } = {}): Metric {
  const n = options.numThresholds ?? 200;
  if (!(Number.isInteger(n) && n > 2)) throw new Error(`auc: numThresholds must be an integer > 2, got ${n}`);
  const thresholds = [-1e-7, ...Array.from({ length: n - 2 }, (_, i) => (i + 1) / (n - 1)), 1 + 1e-7];
  return {
    name: options.name ?? 'auc',
    create() {
      const tp = new Float64Array(n);
      const fp = new Float64Array(n);
      let positives = 0;
      let negatives = 0;
      let sawNaN = false;
      return {
        update(yTrue, yPred, mask) {
          const t = yTrue.dataSync();
          const p = yPred.dataSync();
          const m = mask?.dataSync();
          const perMask = m === undefined ? 1 : p.length / m.length;
          for (let i = 0; i < p.length; i++) {
            const w = m === undefined ? 1 : m[Math.floor(i / perMask)]!;
            if (w === 0) continue;
            if (Number.isNaN(p[i])) sawNaN = true;
            const label = t[i]! > 0.5;
            if (label) positives += w;
            else negatives += w;
            for (let j = 0; j < n; j++) {
              if (!(p[i]! > thresholds[j]!)) break;
              if (label) tp[j]! += w;
              else fp[j]! += w;
            }
          }
        },
        result() {
          if (sawNaN) return NaN;
          if (positives === 0 || negatives === 0) return 0;
          let area = 0;
          for (let j = 0; j < n - 1; j++) {
            const x0 = fp[j]! / negatives;
            const x1 = fp[j + 1]! / negatives;
            area += ((x0 - x1) * (tp[j]! + tp[j + 1]!)) / positives / 2;
          }
          return area;
        },
      };
    },
  };
}
