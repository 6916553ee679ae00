import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { any, cast, grad, matMul, notEqual, reshape, tensor, tensor2d, tidy, variable } from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { describeEachBackend, expectClose, expectNoLeaks, gradcheck } from '@rnnkit/testkit';
import { ctcAlpha, ctcLogitGradient, extendLabels, logSoftmaxRows } from './ctc-core';
import { ctcLoss, ctcLossFromTargets, ctcLossPerSample, labelsFromPadded } from './ctc';
import { adam } from '../optimizers/index';
import { lossAndGradients } from '../bptt';
import { fit } from '../fit';

interface TorchCase {
  readonly name: string;
  readonly shape: [number, number, number];
  readonly blank: number;
  readonly zeroInfinity: boolean;
  readonly labels: number[][];
  readonly inputLengths: number[];
  readonly logits: number[];
  readonly losses: (number | 'Infinity')[];
  readonly meanPerLabel: number | 'Infinity';
  readonly grad: number[];
}
const torchCases = (JSON.parse(readFileSync(join(__dirname, '..', '..', 'fixtures', 'ctc', 'ctc-torch.json'), 'utf8')) as { cases: TorchCase[] }).cases;
const num = (v: number | 'Infinity'): number => (v === 'Infinity' ? Infinity : v);

/** −ln Σ over every path π ∈ C^T whose collapse (merge repeats, drop blanks) equals `labels`, by enumeration. */
function bruteForceNll(logits: ArrayLike<number>, T: number, C: number, labels: readonly number[], blank: number): number {
  const logProbs = logSoftmaxRows(logits, 0, T, C);
  let total = 0;
  const path = new Array<number>(T).fill(0);
  for (let code = 0; code < C ** T; code++) {
    let rest = code;
    for (let t = 0; t < T; t++) {
      path[t] = rest % C;
      rest = Math.floor(rest / C);
    }
    const collapsed: number[] = [];
    path.forEach((k, t) => {
      if (k !== blank && (t === 0 || path[t - 1] !== k)) collapsed.push(k);
    });
    if (collapsed.length !== labels.length || collapsed.some((k, i) => k !== labels[i])) continue;
    total += Math.exp(path.reduce((s, k, t) => s + logProbs[t * C + k]!, 0));
  }
  return -Math.log(total);
}

function randomLogits(n: number, seed: number): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return (s / 2 ** 32) * 4 - 2;
  });
}

function coreNll(logits: ArrayLike<number>, T: number, C: number, labels: readonly number[], blank: number): number {
  return ctcAlpha(logSoftmaxRows(logits, 0, T, C), T, C, extendLabels(labels, blank), blank).nll;
}

const tiny: { labels: number[]; T: number; C: number; blank: number }[] = [
  { labels: [1], T: 1, C: 2, blank: 0 },
  { labels: [1, 2], T: 4, C: 3, blank: 0 },
  { labels: [1, 1], T: 5, C: 3, blank: 0 },
  { labels: [2, 1, 2], T: 6, C: 3, blank: 0 },
  { labels: [], T: 4, C: 3, blank: 0 },
  { labels: [0, 1], T: 5, C: 3, blank: 2 },
  { labels: [1, 1, 2], T: 7, C: 3, blank: 0 },
];

describe('CTC forward–backward (float64) against a brute-force sum over all alignments', () => {
  test.each(tiny)('labels $labels, T = $T, C = $C, blank $blank', ({ labels, T, C, blank }) => {
    const logits = randomLogits(T * C, 7 + T * 13 + labels.length);
    const expected = bruteForceNll(logits, T, C, labels, blank);
    expect(Math.abs(coreNll(logits, T, C, labels, blank) - expected)).toBeLessThan(1e-12 * Math.max(1, expected));
  });

  test('an impossible alignment (repeats need blanks between them) is +∞', () => {
    expect(coreNll(randomLogits(6, 1), 2, 3, [1, 1], 0)).toBe(Infinity);
    expect(bruteForceNll(randomLogits(6, 1), 2, 3, [1, 1], 0)).toBe(Infinity);
    expect(coreNll(randomLogits(6, 1), 2, 3, [1, 2, 1], 0)).toBe(Infinity);
    expect(coreNll(randomLogits(9, 1), 3, 3, [1, 2, 1], 0)).toBeCloseTo(bruteForceNll(randomLogits(9, 1), 3, 3, [1, 2, 1], 0), 12);
  });

  test.each(tiny.slice(1))('gradient check against central differences of the brute force: labels $labels', ({ labels, T, C, blank }) => {
    const logits = randomLogits(T * C, 99 + T);
    const ext = extendLabels(labels, blank);
    const logProbs = logSoftmaxRows(logits, 0, T, C);
    const { logAlpha, nll } = ctcAlpha(logProbs, T, C, ext, blank);
    const analytic = ctcLogitGradient(logProbs, T, C, ext, blank, logAlpha, nll);
    const report = gradcheck((inputs) => bruteForceNll(inputs['z']!, T, C, labels, blank), { z: logits }, { z: analytic });
    expect(report.mismatches).toEqual([]);
    // negative control: a gradient with one entry off by 1e-4 is rejected
    const wrong = Float64Array.from(analytic);
    wrong[C + 1] = wrong[C + 1]! + 1e-4;
    expect(gradcheck((inputs) => bruteForceNll(inputs['z']!, T, C, labels, blank), { z: logits }, { z: wrong }).ok).toBe(false);
  });
});

describeEachBackend(['cpu', 'wasm'], 'ctcLoss', () => {
  test.each(torchCases)('PyTorch ctc_loss: $name (losses, reduction mean, gradients)', (c) => {
    tidy(() => {
      const logits = tensor(c.logits, c.shape);
      const targets = { labels: c.labels, inputLengths: c.inputLengths };
      const options = { blank: c.blank, zeroInfinity: c.zeroInfinity };
      expectClose(ctcLossPerSample(logits, targets, options), c.losses.map(num), { rtol: 1e-5, atol: 1e-5 }, `${c.name}: losses`);
      expectClose(ctcLossFromTargets(logits, targets, { ...options, reduction: 'meanPerLabel' }), num(c.meanPerLabel), { rtol: 1e-5, atol: 1e-5 }, 'mean');
      const g = grad((z: Tensor) => ctcLossFromTargets(z, targets, { ...options, reduction: 'sum' }))(logits);
      expectClose(g, c.grad, { rtol: 1e-4, atol: 1e-5 }, `${c.name}: ∂loss/∂logits`);
    });
  });

  test('without zeroInfinity an impossible sample is +∞ but its gradient is 0, never NaN', () => {
    tidy(() => {
      const logits = tensor(Float32Array.from(randomLogits(2 * 3 * 3, 3)), [2, 3, 3]);
      const targets = { labels: [[1, 1, 1], [2]] };
      expect(Array.from(ctcLossPerSample(logits, targets).dataSync())[0]).toBe(Infinity);
      const g = grad((z: Tensor) => ctcLossFromTargets(z, targets, { reduction: 'sum' }))(logits).dataSync();
      expect(g.every(Number.isFinite)).toBe(true);
      expect(Array.from(g.subarray(0, 9)).every((v) => v === 0)).toBe(true);
      expect(ctcLossFromTargets(logits, targets, { zeroInfinity: true }).dataSync()[0]).toBeGreaterThan(0);
    });
  });

  test('as a Loss: padded labels (−1) and a [B, T] mask give the same value as explicit targets; sample weights', () => {
    const c = torchCases[0]!;
    tidy(() => {
      const logits = tensor(c.logits, c.shape);
      const [B, T] = c.shape;
      const S = Math.max(...c.labels.map((l) => l.length));
      const padded = tensor2d(c.labels.flatMap((l) => [...l, ...new Array<number>(S - l.length).fill(-1)]), [B, S]);
      const mask = tensor2d(c.inputLengths.flatMap((n) => Array.from({ length: T }, (_, t) => (t < n ? 1 : 0))), [B, T]);
      expect(labelsFromPadded(padded)).toEqual(c.labels);
      const asLoss = ctcLoss()(padded, logits, { mask }).dataSync()[0]!;
      const direct = ctcLossFromTargets(logits, { labels: c.labels, inputLengths: c.inputLengths }).dataSync()[0]!;
      expect(asLoss).toBeCloseTo(direct, 5);
      expect(asLoss).toBeCloseTo(c.losses.map(num).reduce((a, b) => a + b, 0) / B, 4);
      const weighted = ctcLoss({ reduction: 'sum' })(padded, logits, { mask, sampleWeight: tensor([1, 0, 0, 2], [4]) }).dataSync()[0]!;
      expect(weighted).toBeCloseTo(num(c.losses[0]!) + 2 * num(c.losses[3]!), 4);
    });
  });

  test('bad arguments are named', () => {
    tidy(() => {
      const logits = tensor(Float32Array.from(randomLogits(12, 1)), [1, 4, 3]);
      expect(() => ctcLossPerSample(logits, { labels: [[0]] })).toThrow(/labels\[0\]\[0\] must be a class id in \[0, 3\) other than the blank 0, got 0/);
      expect(() => ctcLossPerSample(logits, { labels: [[1], [2]] })).toThrow(/labels must hold B = 1 sequences, got 2/);
      expect(() => ctcLossPerSample(logits, { labels: [[1]], inputLengths: [5] })).toThrow(/inputLengths\[0\] must be an integer in \[1, 4\], got 5/);
      expect(() => ctcLossPerSample(logits, { labels: [[1]] }, { blank: 3 })).toThrow(/blank must be a class id in \[0, 3\), got 3/);
      expect(() => ctcLossPerSample(tensor(Float32Array.from(randomLogits(12, 1)), [4, 3]), { labels: [[1]] })).toThrow(/logits must be \[B, T, C\], got shape \[4, 3\]/);
    });
  });

  test('training free logits on the loss makes the greedy path spell the label', () => {
    const z = variable(tensor(Float32Array.from(randomLogits(1 * 8 * 4, 5)), [1, 8, 4]), true, 'ctc-test-z');
    const optimizer = adam({ learningRate: 0.1 });
    const targets = { labels: [[1, 2, 2, 3]] };
    let first = 0;
    let last = 0;
    for (let step = 0; step < 60; step++) {
      const { loss, grads } = lossAndGradients({ z }, () => ctcLossFromTargets(z, targets));
      if (step === 0) first = loss;
      last = loss;
      optimizer.applyGradients({ z }, grads);
      Object.values(grads).forEach((g) => g.dispose());
    }
    expect(last).toBeLessThan(first / 10);
    const path = tidy(() => Array.from(z.argMax(-1).dataSync()));
    const collapsed = path.filter((k, t) => k !== 0 && (t === 0 || path[t - 1] !== k));
    expect(collapsed).toEqual([1, 2, 2, 3]);
    optimizer.dispose();
    z.dispose();
  });

  test('fit trains with ctcLoss: labels padded with −1 as y, the mask of real steps from zero-padded x', async () => {
    // 12 sequences of T = 6 one-hot symbols (0 = padding frames); the target is the symbols without repeats
    const T = 6;
    const C = 4;
    const sequences = Array.from({ length: 12 }, (_, n) => Array.from({ length: 3 + (n % 4) }, (_, t) => 1 + ((n + Math.floor(t / 2)) % 3)));
    const x = new Float32Array(12 * T * C);
    sequences.forEach((seq, n) => seq.forEach((k, t) => (x[(n * T + t) * C + k] = 1)));
    const labels = sequences.map((seq) => seq.filter((k, t) => t === 0 || seq[t - 1] !== k));
    const S = Math.max(...labels.map((l) => l.length));
    const y = labels.flatMap((l) => [...l, ...new Array<number>(S - l.length).fill(-1)]);
    const w = variable(tensor(Float32Array.from(randomLogits(C * C, 11)), [C, C]), true, 'ctc-fit-w');
    const history = await fit({
      params: { w },
      forward: (batch) => reshape(matMul(reshape(batch, [-1, C]), w), [batch.shape[0]!, T, C]),
      loss: ctcLoss(),
      optimizer: adam({ learningRate: 0.1 }),
      x: { values: x, shape: [12, T, C] },
      y: { values: y, shape: [12, S] },
      mask: (batch) => cast(any(notEqual(batch, 0), -1), 'float32'),
      epochs: 30,
      batchSize: 4,
    });
    const losses = history.history['loss']!;
    expect(losses.at(-1)!).toBeLessThan(losses[0]! / 4);
    w.dispose();
  });

  test('no tensors leak from the loss and its gradient', async () => {
    const c = torchCases[0]!;
    const logits = tensor(c.logits, c.shape);
    const run = (): void => {
      tidy(() => {
        grad((z: Tensor) => ctcLossFromTargets(z, { labels: c.labels, inputLengths: c.inputLengths }))(logits);
      });
    };
    await expectNoLeaks(run, 3, 'ctc');
    logits.dispose();
  });
});
