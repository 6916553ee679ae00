/**
 * The two backpropagation-through-time loops, written out.
 *
 *   full BPTT:       one update per batch; the loss of the whole sequence is differentiated through
 *                    every timestep of `forward` (fit runs this).
 *   truncated BPTT:  a long stream is cut into chunks of k steps; each chunk is one update, its
 *                    initial state is the previous chunk's final state with the gradient cut, and a
 *                    stream's state is reset where a new sequence starts in it.
 *
 * Shapes: B batch (parallel streams), T time, k chunk length, I input features, O outputs.
 */
import { add, keep, mul, slice, sub, tensor2d, tidy, variableGrads } from '@rnnkit/tensor';
import type { Scalar, Tensor } from '@rnnkit/tensor';
import { clipGradients } from './clipping';
import type { GradientClipping } from './clipping';
import type { LossWeights, Loss } from './losses/reduce';
import type { Optimizer, Params } from './optimizers/optimizer';

/**
 * The value of `f` and its gradients with respect to the trainable `params`, keyed by parameter name.
 * Non-trainable variables (moving statistics, which the forward pass updates itself) get no gradient.
 */
export function lossAndGradients(params: Params, f: () => Scalar): { loss: number; grads: Record<string, Tensor> } {
  const names = Object.keys(params).filter((n) => params[n]!.trainable);
  if (names.length === 0) throw new Error(`lossAndGradients: none of the ${Object.keys(params).length} params is trainable`);
  const variables = names.map((n) => params[n]!);
  const paramOf = new Map(variables.map((v, i) => [v.name, names[i]!]));
  const { value, grads } = variableGrads(f, variables);
  const loss = value.dataSync()[0]!;
  value.dispose();
  return { loss, grads: Object.fromEntries(Object.entries(grads).map(([varName, g]) => [paramOf.get(varName)!, g])) };
}

function assertFinite(what: string, value: number, where: string): void {
  if (Number.isFinite(value)) return;
  throw new Error(
    `${where.split(':')[0]}: the ${what} is ${value} ${where.slice(where.indexOf(':') + 2)}; training stopped before this update ` +
      '(the weights are those of the previous step, and the last checkpoint is kept)',
  );
}

/**
 * Clip, check, step: gradients → clipped gradients (global norm measured first) → optimiser update.
 * `where` ("fit: at epoch 2, step 3") names the step in the error a non-finite norm raises.
 */
export function applyUpdate(
  params: Params,
  grads: Readonly<Record<string, Tensor>>,
  optimizer: Optimizer,
  clipping: GradientClipping,
  where: string,
): { gradientNorm: number; learningRate: number } {
  const clipped = clipGradients(grads, clipping);
  try {
    assertFinite('gradient norm', clipped.globalNorm, where);
    const learningRate = optimizer.learningRate();
    optimizer.applyGradients(params, clipped.grads);
    return { gradientNorm: clipped.globalNorm, learningRate };
  } finally {
    for (const g of Object.values(clipped.grads)) g.dispose();
  }
}

/** Options of {@link fullBpttStep}: parameters, optimiser, loss, targets and the forward pass of one batch. */
export interface FullBpttStepOptions {
  readonly params: Params;
  /** Predictions for the whole batch, e.g. [B, T, O] or [B, O]. */
  readonly predict: () => Tensor;
  readonly loss: Loss;
  readonly y: Tensor;
  readonly weights?: LossWeights;
  readonly optimizer: Optimizer;
  readonly clipping?: GradientClipping;
  /** Names the step in errors, e.g. "fit: at epoch 2, step 3". */
  readonly where?: string;
}

/**
 * One full-BPTT update: L = loss(y, predict()), ∂L/∂θ through every timestep, clip, step.
 * Throws before updating when L or ‖∂L/∂θ‖ is not finite. Call it inside `tidy`; the predictions
 * are returned kept (for metrics) and belong to the caller.
 */
export function fullBpttStep(options: FullBpttStepOptions): { loss: number; gradientNorm: number; learningRate: number; yPred: Tensor } {
  const where = options.where ?? 'fullBpttStep: at this step';
  let yPred: Tensor | undefined;
  let grads: Record<string, Tensor> = {};
  try {
    // a loss that throws leaves the kept predictions to free here (and the tape to @rnnkit/tensor's variableGrads)
    const computed = lossAndGradients(options.params, () => {
      yPred = keep(options.predict());
      return options.loss(options.y, yPred, options.weights);
    });
    grads = computed.grads;
    assertFinite('loss', computed.loss, where);
    return { loss: computed.loss, ...applyUpdate(options.params, grads, options.optimizer, options.clipping ?? {}, where), yPred: yPred! };
  } catch (error) {
    yPred?.dispose();
    throw error;
  } finally {
    for (const g of Object.values(grads)) g.dispose();
  }
}

/** Named recurrent state, e.g. `{ h }` or `{ h, c }`, each [B, H]. */
export type RecurrentState = Readonly<Record<string, Tensor>>;

/** Options of {@link truncatedBptt}: the model over one chunk with its state explicit, the streams, the truncation length k and the training settings. */
export interface TruncatedBpttOptions<S extends RecurrentState> {
  readonly params: Params;
  /**
   * The model over one chunk, with its state explicit: x [B, k', I] and the incoming state → outputs
   * [B, k', O] and the outgoing state (k' ≤ k at the stream's end or at a sequence start).
   */
  readonly step: (x: Tensor, state: S) => { readonly y: Tensor; readonly state: S };
  /** The state every stream starts from (and is reset to), for B streams; new tensors on every call. */
  readonly initialState: (batchSize: number) => S;
  readonly loss: Loss;
  readonly optimizer: Optimizer;
  /** B parallel streams: x [B, T, I], y [B, T, ...] (targets per step). */
  readonly x: Tensor;
  readonly y: Tensor;
  /** Truncation length k. */
  readonly k: number;
  /** 1 where a new sequence starts in a stream ([B, T] as a flat row-major array); its state is reset there. */
  readonly sequenceStarts?: ArrayLike<number>;
  readonly clipping?: GradientClipping;
  /** Passes over the streams. Default 1. */
  readonly epochs?: number;
  /** Called after every chunk's update. */
  readonly onChunkEnd?: (info: { readonly epoch: number; readonly chunk: number; readonly start: number; readonly length: number; readonly loss: number; readonly gradientNorm: number }) => void;
}

/** Chunk boundaries: every k steps, and wherever any stream starts a new sequence. */
function chunkStarts(T: number, B: number, k: number, starts: ArrayLike<number> | undefined): number[] {
  const cuts = new Set<number>();
  for (let t = 0; t < T; t += k) cuts.add(t);
  if (starts !== undefined) {
    for (let b = 0; b < B; b++) for (let t = 0; t < T; t++) if (starts[b * T + t] === 1) cuts.add(t);
  }
  return [...cuts].sort((a, b) => a - b);
}

/**
 * Truncated BPTT over B long streams (Williams & Peng; char-rnn's training loop):
 *
 *   for each chunk [t0, t1) of at most k steps:
 *     s ← reset(s) where a stream starts a new sequence at t0      (s_b ← s0_b)
 *     (ŷ, s') = step(x[:, t0:t1], s);  L = loss(y[:, t0:t1], ŷ)   (gradients flow within the chunk only)
 *     θ ← update(θ, clip(∂L/∂θ))
 *     s ← s' with its gradient cut                                 (a constant for the next chunk's tape)
 *
 * Returns the loss of every chunk, in order.
 */
export async function truncatedBptt<S extends RecurrentState>(options: TruncatedBpttOptions<S>): Promise<{ losses: number[] }> {
  const { x, y, k } = options;
  const [B, T] = x.shape as [number, number];
  if (!(Number.isInteger(k) && k > 0)) throw new Error(`truncatedBptt: k must be a positive integer, got ${k}`);
  if (x.rank < 3) throw new Error(`truncatedBptt: x must be [B, T, I], got [${x.shape.join(', ')}]`);
  if (y.shape[0] !== B || y.shape[1] !== T) throw new Error(`truncatedBptt: y must start with [${B}, ${T}], got [${y.shape.join(', ')}]`);
  if (options.sequenceStarts !== undefined && options.sequenceStarts.length !== B * T) {
    throw new Error(`truncatedBptt: sequenceStarts must hold B·T = ${B * T} flags, got ${options.sequenceStarts.length}`);
  }
  const cuts = chunkStarts(T, B, k, options.sequenceStarts);
  const losses: number[] = [];
  const timeSlice = (t: Tensor, t0: number, length: number): Tensor =>
    slice(t, [0, t0, ...t.shape.slice(2).map(() => 0)], [B, length, ...t.shape.slice(2).map(() => -1)]);

  for (let epoch = 0; epoch < (options.epochs ?? 1); epoch++) {
    let state: S = options.initialState(B);
    // the state in hand is freed however the epoch ends, a throwing loss or callback included
    try {
      for (let c = 0; c < cuts.length; c++) {
        const t0 = cuts[c]!;
        const length = (cuts[c + 1] ?? T) - t0;
        const where = `truncatedBptt: at epoch ${epoch + 1}, chunk ${c + 1} (steps ${t0}…${t0 + length - 1})`;
        const previous = state;
        const result = tidy(() => {
          // reset the streams that start a new sequence here: s ← s·(1 − r) + s0·r
          let incoming = previous;
          const starts = options.sequenceStarts;
          if (starts !== undefined && c > 0) {
            const r = Array.from({ length: B }, (_, b) => (starts[b * T + t0] === 1 ? 1 : 0));
            if (r.some((v) => v === 1)) {
              const reset = tensor2d(r, [B, 1]);
              const initial = options.initialState(B);
              incoming = Object.fromEntries(
                Object.entries(previous).map(([name, s]) => [name, add(mul(s, sub(1, reset)), mul(initial[name]!, reset))]),
              ) as unknown as S;
            }
          }
          let outgoing: S | undefined;
          try {
            const { loss, grads } = lossAndGradients(options.params, () => {
              const out = options.step(timeSlice(x, t0, length), incoming);
              outgoing = Object.fromEntries(Object.entries(out.state).map(([name, s]) => [name, keep(s)])) as unknown as S;
              return options.loss(timeSlice(y, t0, length), out.y);
            });
            assertFinite('loss', loss, where);
            const { gradientNorm } = applyUpdate(options.params, grads, options.optimizer, options.clipping ?? {}, where);
            // the hand-off: the final state leaves the tape here, so the next chunk's gradient stops at it
            return { loss, gradientNorm, state: outgoing! };
          } catch (error) {
            for (const s of Object.values(outgoing ?? {})) s.dispose();
            throw error;
          }
        });
        const handedOn = new Set(Object.values(result.state));
        for (const s of Object.values(previous)) if (!handedOn.has(s)) s.dispose();
        state = result.state;
        losses.push(result.loss);
        options.onChunkEnd?.({ epoch, chunk: c, start: t0, length, loss: result.loss, gradientNorm: result.gradientNorm });
        await Promise.resolve();
      }
    } finally {
      for (const s of Object.values(state)) s.dispose();
    }
  }
  return { losses };
}
