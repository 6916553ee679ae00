/**
 * Learning-rate schedules: pure functions of the update step (0 on the first update, as Keras
 * passes `iterations`). Being pure, they need no state in a checkpoint beyond the optimiser's step
 * count; reduce-on-plateau, which does keep state, is a callback (`reduceLearningRateOnPlateau`).
 */

/** η(step). */
export type LearningRateSchedule = (step: number) => number;

function positive(value: number, what: string, fn: string): void {
  if (!(value > 0 && Number.isFinite(value))) throw new Error(`${fn}: ${what} must be a positive number, got ${value}`);
}

/** η(step) = η₀. */
export function constantSchedule(learningRate: number): LearningRateSchedule {
  if (!(learningRate >= 0)) throw new Error(`constantSchedule: learningRate must be ≥ 0, got ${learningRate}`);
  return () => learningRate;
}

/** Options of {@link exponentialDecay}. */
export interface ExponentialDecayOptions {
  readonly initialLearningRate: number;
  readonly decaySteps: number;
  readonly decayRate: number;
  /** Decay in whole intervals (⌊step / decaySteps⌋). Default false. */
  readonly staircase?: boolean;
}

/** Keras `ExponentialDecay`: η(step) = η₀ · rate^(step / decaySteps), the exponent floored when `staircase`. */
export function exponentialDecay(options: ExponentialDecayOptions): LearningRateSchedule {
  const { initialLearningRate, decaySteps, decayRate } = options;
  positive(decaySteps, 'decaySteps', 'exponentialDecay');
  positive(decayRate, 'decayRate', 'exponentialDecay');
  return (step) => {
    const p = step / decaySteps;
    return initialLearningRate * decayRate ** (options.staircase === true ? Math.floor(p) : p);
  };
}

/** Options of {@link stepDecay}. */
export interface StepDecayOptions {
  readonly initialLearningRate: number;
  /** Steps between two reductions. */
  readonly stepSize: number;
  /** Factor γ applied at each reduction. Default 0.1. */
  readonly gamma?: number;
}

/** PyTorch `StepLR` over update steps: η(step) = η₀ · γ^⌊step / stepSize⌋. */
export function stepDecay(options: StepDecayOptions): LearningRateSchedule {
  const gamma = options.gamma ?? 0.1;
  positive(options.stepSize, 'stepSize', 'stepDecay');
  positive(gamma, 'gamma', 'stepDecay');
  return (step) => options.initialLearningRate * gamma ** Math.floor(step / options.stepSize);
}

/** Options of {@link cosineDecay}. */
export interface CosineDecayOptions {
  /** Starting rate (of the warm-up when there is one). */
  readonly initialLearningRate: number;
  /** Length of the cosine part, after the warm-up. */
  readonly decaySteps: number;
  /** Floor of the decay as a fraction of the peak. Default 0. */
  readonly alpha?: number;
  /** Linear warm-up length. Default 0 (no warm-up). */
  readonly warmupSteps?: number;
  /** Peak rate reached at the end of the warm-up. Default: `initialLearningRate` (no warm-up). */
  readonly warmupTarget?: number;
}

/**
 * Keras 3 `CosineDecay` with linear warm-up. With peak η̂ = warmupTarget ?? η₀ and W warm-up steps:
 *
 *   step < W:   η = η₀ + (η̂ − η₀) · step / W
 *   otherwise:  f = min((step − W) / decaySteps, 1),  η = η̂ · ((1 − α) · ½(1 + cos πf) + α)
 */
export function cosineDecay(options: CosineDecayOptions): LearningRateSchedule {
  const alpha = options.alpha ?? 0;
  const warmupSteps = options.warmupSteps ?? 0;
  const peak = options.warmupTarget ?? options.initialLearningRate;
  positive(options.decaySteps, 'decaySteps', 'cosineDecay');
  if (!(warmupSteps >= 0)) throw new Error(`cosineDecay: warmupSteps must be ≥ 0, got ${warmupSteps}`);
  if (!(alpha >= 0 && alpha <= 1)) throw new Error(`cosineDecay: alpha must be in [0, 1], got ${alpha}`);
  return (step) => {
    if (step < warmupSteps) return options.initialLearningRate + ((peak - options.initialLearningRate) * step) / warmupSteps;
    const fraction = Math.min((step - warmupSteps) / options.decaySteps, 1);
    return peak * ((1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * fraction)) + alpha);
  };
}
