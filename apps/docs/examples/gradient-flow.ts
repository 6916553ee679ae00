/**
 * Vanishing and exploding gradients, measured (the guide's page 6 pastes this program's output).
 *
 *   pnpm --filter @rnnkit/docs gradients            (wasm backend; about 20 s)
 *
 * Task: a sequence of T random inputs; the label is the sign of the FIRST input's first feature, so
 * the loss at the end depends on what happened T steps earlier. Model: a recurrent cell, then the
 * logit z = h_T·Why + by, loss L = binary cross-entropy of σ(z) computed from the logit (so a
 * saturated sigmoid does not hide the gradient).
 *
 * Part 1 measures ‖∂L/∂h_t‖ for every t at initialisation: the gradient that reaches step t from the
 * loss at step T. It adds a zero tensor ε_t to each h_t and differentiates L with respect to the ε_t
 * (∂L/∂ε_t = ∂L/∂h_t), stepping the cells with `cellStep` under tfjs autodiff.
 * Part 2 trains an exploding SimpleRNN with plain SGD, with and without gradient clipping, and prints
 * the global gradient norm before and after clipping at each step, and the loss.
 *
 * Shapes: B batch, T time, I input features, H hidden units.
 */
import {
  add,
  createRng,
  grads,
  initBackend,
  matMul,
  mul,
  norm,
  scalar,
  tensor1d,
  tensor2d,
  tensor3d,
  tidy,
  unstack,
  variable,
  zerosTensor,
} from '@rnnkit/tensor';
import type { Tensor } from '@rnnkit/tensor';
import { cellStep, gruCell, initCellParams, lstmCell, scan, simpleRnnCell, zeroState } from '@rnnkit/cells';
import type { CellConfig, CellParams } from '@rnnkit/cells';
import { binaryCrossentropy, fit, sgd } from '@rnnkit/training';

const B = 32;
const T = 100;
const I = 4;
const H = 32;

/** Inputs uniform in [−1, 1) and labels: 1 when x[b, 0, 0] > 0. */
function makeTask(seed: number): { xs: Float32Array; ys: Float32Array } {
  const rng = createRng(seed);
  const xs = Float32Array.from({ length: B * T * I }, () => 2 * rng.uniform() - 1);
  const ys = Float32Array.from({ length: B }, (_, b) => (xs[b * T * I]! > 0 ? 1 : 0));
  return { xs, ys };
}

interface Variant {
  readonly label: string;
  readonly config: CellConfig;
  /** Multiplies the recurrent kernel Whh (1 = Keras' orthogonal initialisation). */
  readonly recurrentScale: number;
  /** LSTM only: the forget gate's bias (Keras' unitForgetBias sets 1). */
  readonly forgetBias?: number;
}

function paramsFor(v: Variant, seed: number): CellParams {
  const p = initCellParams(v.config, seed);
  const whh = v.recurrentScale === 1 ? p.whh : mul(p.whh, scalar(v.recurrentScale));
  if (v.forgetBias === undefined) return { ...p, whh };
  // LSTM gate columns i, f, c, o: the forget gate's bias is bh[H : 2H]
  const bh = tensor1d(Array.from({ length: 4 * H }, (_, k) => (k >= H && k < 2 * H ? v.forgetBias! : 0)));
  return { ...p, whh, bh };
}

/** ‖∂L/∂h_t‖ (Frobenius norm over the batch) for t = 1 … T. */
function hiddenGradientNorms(v: Variant, xs: Tensor, ys: Tensor): number[] {
  return tidy(() => {
    const params = paramsFor(v, 1);
    const why = tensor2d(Array.from({ length: H }, (_, k) => ((k % 7) - 3) / 10), [H, 1]);
    const steps = unstack(xs, 1); // T × [B, I]
    const loss = binaryCrossentropy({ fromLogits: true });
    const f = (...eps: Tensor[]): Tensor => {
      let state = zeroState(v.config, B);
      for (let t = 0; t < T; t++) {
        const next = cellStep(v.config, params, state, steps[t]!).state;
        state = { ...next, h: add(next.h, eps[t]!) };
      }
      return loss(ys, matMul(state.h, why));
    };
    const eps = Array.from({ length: T }, () => zerosTensor([B, H]));
    return grads(f)(eps).map((g) => norm(g).dataSync()[0]!);
  });
}

function format(x: number): string {
  if (!Number.isFinite(x)) return String(x).padStart(9);
  return (x === 0 ? '0' : x.toExponential(2)).padStart(9);
}

async function clippingRun(v: Variant, xs: Tensor, ys: Tensor, clip: number | undefined): Promise<string[]> {
  const init = paramsFor(v, 1);
  const params = {
    wxh: variable(init.wxh),
    whh: variable(init.whh),
    bh: variable(init.bh!),
    why: variable(tensor2d(Array.from({ length: H }, (_, k) => ((k % 7) - 3) / 10), [H, 1])),
    by: variable(zerosTensor([1])),
  };
  const lines: string[] = [];
  try {
  await fit({
    params,
    forward: (x) => add(matMul(scan(v.config, params, x).outputs, params.why), params.by),
    loss: binaryCrossentropy({ fromLogits: true }),
    optimizer: sgd({ learningRate: 0.05 }),
    x: xs,
    y: ys,
    epochs: 8,
    batchSize: B,
    shuffle: false,
    ...(clip === undefined ? {} : { clipping: { globalNorm: clip } }),
    callbacks: [
      {
        name: 'record',
        onBatchEnd(_batch, logs) {
          const after = clip === undefined ? logs.gradientNorm : Math.min(logs.gradientNorm, clip);
          lines.push(`  step ${String(logs.epoch + 1).padStart(2)}: ‖g‖ before ${format(logs.gradientNorm)}, after ${format(after)}, loss ${format(logs.loss)}`);
        },
      },
    ],
  });
  } catch (error) {
    lines.push(`  stopped: ${(error as Error).message.split(';')[0]}`);
  }
  Object.values(params).forEach((p) => p.dispose());
  return lines;
}

async function main(): Promise<void> {
  const info = await initBackend();
  console.log(`backend ${info.backend}, B=${B}, T=${T}, I=${I}, H=${H}; label = sign of x[0]`);
  const { xs: xData, ys: yData } = makeTask(7);
  const xs = tensor3d(xData, [B, T, I]);
  const ys = tensor2d(yData, [B, 1]);

  const variants: Variant[] = [
    { label: 'SimpleRNN (Keras init)', config: simpleRnnCell({ inputSize: I, units: H }), recurrentScale: 1 },
    { label: 'SimpleRNN linear, Whh × 1.1', config: simpleRnnCell({ inputSize: I, units: H, activation: 'linear' }), recurrentScale: 1.1 },
    { label: 'LSTM (Keras init)', config: lstmCell({ inputSize: I, units: H }), recurrentScale: 1 },
    { label: 'LSTM, forget bias 5', config: lstmCell({ inputSize: I, units: H }), recurrentScale: 1, forgetBias: 5 },
    { label: 'GRU (Keras init)', config: gruCell({ inputSize: I, units: H }), recurrentScale: 1 },
  ];
  const shown = [T, 90, 75, 50, 25, 10, 1];
  console.log('\n‖∂L/∂h_t‖ at initialisation (L depends on h_T only):\n');
  console.log(`${'t ='.padEnd(28)}${shown.map((t) => String(t).padStart(9)).join('')}   ratio t=1 / t=T`);
  for (const v of variants) {
    const norms = hiddenGradientNorms(v, xs, ys);
    const row = shown.map((t) => format(norms[t - 1]!)).join('');
    console.log(`${v.label.padEnd(28)}${row}   ${format(norms[0]! / norms[T - 1]!)}`);
  }

  const exploding = variants[1]!;
  console.log(`\nTraining ${exploding.label} with SGD (lr 0.05), one batch per step, without clipping:`);
  for (const line of await clippingRun(exploding, xs, ys, undefined)) console.log(line);
  console.log('\nThe same run with clipping: { globalNorm: 1 } (PyTorch clip_grad_norm_):');
  for (const line of await clippingRun(exploding, xs, ys, 1)) console.log(line);
}

await main();
