/**
 * CTC loss on tfjs tensors: per-sample negative log-likelihoods of label sequences under per-step
 * class scores, with the exact gradient with respect to the logits (`customGrad`, no autodiff tape
 * through the recursion).
 *
 * Shapes: B batch, T steps, C classes (blank included); labels are B sequences of ids in [0, C) \ {blank}.
 * The equations are in `ctc-core.ts`; this file handles batches, lengths, validation and reductions.
 */
import { assertTensor, customGrad, div, expandDims, mul, sum, tensor, tensor1d, tidy } from '@rnnkit/tensor';
import type { GradSaveFunc, Scalar, Tensor } from '@rnnkit/tensor';
import { ctcAlpha, ctcLogitGradient, extendLabels, logSoftmaxRows } from './ctc-core';
import type { Loss, LossWeights } from './reduce';

/** Options of the CTC loss: the blank id and PyTorch's `zero_infinity`. */
export interface CtcOptions {
  /** The blank class id. Default 0 (PyTorch; Keras/TensorFlow use C − 1). */
  readonly blank?: number;
  /**
   * Samples without any alignment (input shorter than the labels need) get loss 0 and gradient 0
   * instead of loss +∞ (PyTorch's `zero_infinity`). Default false. Their gradient is 0 either way.
   */
  readonly zeroInfinity?: boolean;
}

/** Options of {@link ctcLoss}: those of {@link CtcOptions} and the reduction over the batch. */
export interface CtcLossOptions extends CtcOptions {
  /**
   * `'mean'` (default): mean of the per-sample losses over the batch (Keras' `ctc_batch_cost` averaged).
   * `'sum'`: their sum. `'meanPerLabel'`: each loss divided by its label length (at least 1), then the
   * batch mean — PyTorch's `reduction='mean'`.
   */
  readonly reduction?: 'mean' | 'sum' | 'meanPerLabel';
}

/** The label sequences of a batch and, optionally, the real length of each input (default T). */
export interface CtcTargets {
  readonly labels: readonly ArrayLike<number>[];
  readonly inputLengths?: ArrayLike<number>;
}

function checkTargets(logits: Tensor, targets: CtcTargets, blank: number, who: string): { B: number; T: number; C: number; lengths: Int32Array } {
  assertTensor(logits, `${who}: logits`);
  if (logits.rank !== 3) throw new Error(`${who}: logits must be [B, T, C], got shape [${logits.shape.join(', ')}]`);
  const [B, T, C] = logits.shape as [number, number, number];
  if (!(Number.isInteger(blank) && blank >= 0 && blank < C)) throw new Error(`${who}: blank must be a class id in [0, ${C}), got ${blank}`);
  if (targets.labels.length !== B) throw new Error(`${who}: labels must hold B = ${B} sequences, got ${targets.labels.length}`);
  targets.labels.forEach((seq, b) => {
    for (let i = 0; i < seq.length; i++) {
      const id = seq[i]!;
      if (!Number.isInteger(id) || id < 0 || id >= C || id === blank) {
        throw new Error(`${who}: labels[${b}][${i}] must be a class id in [0, ${C}) other than the blank ${blank}, got ${id}`);
      }
    }
  });
  const lengths = new Int32Array(B).fill(T);
  if (targets.inputLengths !== undefined) {
    if (targets.inputLengths.length !== B) throw new Error(`${who}: inputLengths must hold B = ${B} lengths, got ${targets.inputLengths.length}`);
    for (let b = 0; b < B; b++) {
      const n = targets.inputLengths[b]!;
      if (!(Number.isInteger(n) && n >= 1 && n <= T)) throw new Error(`${who}: inputLengths[${b}] must be an integer in [1, ${T}], got ${n}`);
      lengths[b] = n;
    }
  }
  return { B, T, C, lengths };
}

/**
 * Per-sample CTC loss, `nll_b = −ln p(labels_b | logits_b[0 … inputLengths_b))`, shape [B].
 * Steps at or after a sample's input length are ignored (their gradient is 0). The caller owns the result.
 *
 * @example
 * const nll = ctcLossPerSample(logits, { labels: [[1, 2, 2], [3]], inputLengths: [50, 31] }); // [2]
 */
export function ctcLossPerSample(logits: Tensor, targets: CtcTargets, options: CtcOptions = {}): Tensor {
  const blank = options.blank ?? 0;
  const zeroInfinity = options.zeroInfinity ?? false;
  const { B, T, C, lengths } = checkTargets(logits, targets, blank, 'ctcLoss');
  const run = customGrad((...args: Array<Tensor | GradSaveFunc>) => {
    const values = (args[0] as Tensor).dataSync();
    const samples = targets.labels.map((seq, b) => {
      const steps = lengths[b]!;
      const logProbs = logSoftmaxRows(values, b * T * C, steps, C);
      const ext = extendLabels(seq, blank);
      return { steps, logProbs, ext, ...ctcAlpha(logProbs, steps, C, ext, blank) };
    });
    // only +∞ (no alignment) is zeroed; NaN logits give a NaN loss, never 0 or +∞
    const nll = samples.map((s) => (s.nll === Infinity && zeroInfinity ? 0 : s.nll));
    return {
      value: tensor1d(nll, 'float32'),
      gradFunc: (dy: Tensor) => {
        const grad = new Float32Array(B * T * C);
        samples.forEach((s, b) => {
          if (s.nll === Infinity) return; // no alignment: zero gradient, never NaN
          const g = ctcLogitGradient(s.logProbs, s.steps, C, s.ext, blank, s.logAlpha, s.nll);
          grad.set(g, b * T * C);
        });
        return mul(tensor(grad, [B, T, C]), expandDims(expandDims(dy, 1), 2));
      },
    };
  });
  return run(logits);
}

/** Reduces per-sample CTC losses (see {@link CtcLossOptions.reduction}), with optional sample weights [B]. */
function reduceCtc(perSample: Tensor, labelLengths: readonly number[], reduction: CtcLossOptions['reduction'], sampleWeight?: Tensor): Scalar {
  return tidy(() => {
    let l = perSample;
    if (sampleWeight !== undefined) l = mul(l, sampleWeight);
    if (reduction === 'sum') return sum(l);
    if (reduction === 'meanPerLabel') l = div(l, tensor1d(labelLengths.map((n) => Math.max(n, 1))));
    return div(sum(l), perSample.shape[0]!);
  }) as Scalar;
}

/**
 * The batch CTC loss from explicit targets: `reduce_b nll_b` (default the batch mean).
 */
export function ctcLossFromTargets(logits: Tensor, targets: CtcTargets, options: CtcLossOptions = {}): Scalar {
  return tidy(() => reduceCtc(ctcLossPerSample(logits, targets, options), targets.labels.map((l) => l.length), options.reduction));
}

/** Label rows of a padded [B, S] tensor: the ids before the first negative value of each row. */
export function labelsFromPadded(yTrue: Tensor, who = 'ctcLoss'): number[][] {
  if (yTrue.rank !== 2) throw new Error(`${who}: yTrue must be padded labels [B, S] (−1 after the end), got shape [${yTrue.shape.join(', ')}]`);
  const [B, S] = yTrue.shape as [number, number];
  const values = yTrue.dataSync();
  return Array.from({ length: B }, (_, b) => {
    const row: number[] = [];
    for (let i = 0; i < S; i++) {
      const v = values[b * S + i]!;
      if (v < 0) break;
      row.push(v);
    }
    return row;
  });
}

/**
 * CTC as a `Loss` for `fit`/`evaluate`: yTrue is [B, S] label ids padded with −1 (any negative value
 * ends a row), yPred the logits [B, T, C]; a [B, T] mask (1 = real step, a prefix of each row) gives
 * the input lengths, e.g. `mask: (x) => any(notEqual(x, 0), -1)` over zero-padded features.
 *
 * @example fit({ …, loss: ctcLoss({ blank: 0 }), y: { values: paddedLabels, shape: [N, S] }, mask })
 */
export function ctcLoss(options: CtcLossOptions = {}): Loss {
  return (yTrue: Tensor, yPred: Tensor, weights: LossWeights = {}): Scalar =>
    tidy(() => {
      const labels = labelsFromPadded(yTrue);
      let inputLengths: Int32Array | undefined;
      if (weights.mask !== undefined) {
        if (weights.mask.rank !== 2 || weights.mask.shape[0] !== yPred.shape[0] || weights.mask.shape[1] !== yPred.shape[1]) {
          throw new Error(`ctcLoss: mask must be [B, T] = [${yPred.shape.slice(0, 2).join(', ')}], got [${weights.mask.shape.join(', ')}]`);
        }
        const m = weights.mask.dataSync();
        const [B, T] = weights.mask.shape as [number, number];
        inputLengths = new Int32Array(B);
        for (let b = 0; b < B; b++) {
          let n = 0;
          for (let t = 0; t < T; t++) n += m[b * T + t]! > 0 ? 1 : 0;
          inputLengths[b] = Math.max(n, 1);
        }
      }
      const perSample = ctcLossPerSample(yPred, inputLengths === undefined ? { labels } : { labels, inputLengths }, options);
      return reduceCtc(perSample, labels.map((l) => l.length), options.reduction, weights.sampleWeight);
    }) as Scalar;
}
