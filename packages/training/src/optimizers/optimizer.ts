/**
 * The optimiser contract and the one driver every optimiser shares: per-variable slot state
 * (moments, accumulators) kept by parameter NAME, a step counter, a learning rate that may follow a
 * schedule, Keras 3's decoupled weight decay, and exact export/restore of all of it.
 *
 * An optimiser is a pure update rule (see `sgd.ts`, `adam.ts`, …) plus this driver; the rule sees
 * tensors and numbers only, so its file reads like the published equations.
 */
import { clone, fill, keep, mul, sub, tidy, variable } from '@rnnkit/tensor';
import type { Tensor, Variable } from '@rnnkit/tensor';
import type { LearningRateSchedule } from '../schedules';

/** Parameters by name; optimisers touch only the trainable ones that have a gradient. */
export type Params = Readonly<Record<string, Variable>>;
/** Gradients by parameter name. */
export type Grads = Readonly<Record<string, Tensor>>;

/** Numbers a rule needs at step t (1-based: t = 1 on the first update). */
export interface StepContext {
  readonly learningRate: number;
  readonly t: number;
}

/**
 * A pure per-variable update rule: `(w, g, slots) → (w', slots')`. `slots` lists the per-variable
 * state with its initial value (Adagrad starts its accumulator at 0.1, everything else at 0).
 */
export interface UpdateRule {
  readonly slots: Readonly<Record<string, number>>;
  /** One update of one variable: the new value and slots from the old ones and the gradient. */
  update(
    w: Tensor,
    g: Tensor,
    slots: Readonly<Record<string, Tensor>>,
    step: StepContext,
  ): { readonly w: Tensor; readonly slots: Readonly<Record<string, Tensor>> };
}

/** Everything an optimiser holds, for checkpoints. Tensors are copies owned by the holder. */
export interface OptimizerState {
  readonly name: string;
  /** Updates applied so far. */
  readonly iterations: number;
  /** Factor on the (scheduled) learning rate, changed by reduce-on-plateau. */
  readonly learningRateScale: number;
  /** slots[paramName][slotName]. */
  readonly slots: Readonly<Record<string, Readonly<Record<string, Tensor>>>>;
}

/** An optimiser: updates named variables from their gradients; its state is keyed by parameter name and can be saved and restored. */
export interface Optimizer {
  readonly name: string;
  /** Updates applied so far. */
  readonly iterations: number;
  /** The learning rate the next update uses: schedule(iterations) × scale. */
  learningRate(): number;
  /** Multiplies every later learning rate by `factor` (used by reduce-on-plateau). */
  scaleLearningRate(factor: number): void;
  /**
   * One update of every parameter that has a gradient: decoupled weight decay
   * (w ← w − w·λ·η, Keras 3), then the rule. Parameters without a gradient are left alone.
   */
  applyGradients(params: Params, grads: Grads): void;
  /** A copy of the full state (caller owns and disposes the tensors). */
  getState(): OptimizerState;
  /** Replaces the state by a copy of `state` (the caller keeps ownership of its tensors). */
  setState(state: OptimizerState): void;
  /** Frees the slot variables. */
  dispose(): void;
}

/** Options every optimiser takes. */
export interface OptimizerOptions {
  /** A constant, or a schedule of the step count (Keras: lr = schedule(iterations)). */
  readonly learningRate?: number | LearningRateSchedule;
  /** Decoupled weight decay λ (Keras 3 `weight_decay`, AdamW): w ← w − w·λ·η before each update. */
  readonly weightDecay?: number;
  /** Parameter names that get no weight decay (biases, usually). */
  readonly excludeFromWeightDecay?: readonly string[];
}

/** Builds an {@link Optimizer} from a rule. Used by `sgd`, `adam`, `adamw`, `rmsprop`, `adagrad`. */
export function createOptimizer(name: string, rule: UpdateRule, options: OptimizerOptions, defaultLearningRate: number): Optimizer {
  const schedule = options.learningRate ?? defaultLearningRate;
  const weightDecay = options.weightDecay ?? 0;
  const noDecay = new Set(options.excludeFromWeightDecay ?? []);
  if (typeof schedule === 'number' && !(schedule >= 0)) throw new Error(`${name}: learningRate must be ≥ 0, got ${schedule}`);
  if (!(weightDecay >= 0)) throw new Error(`${name}: weightDecay must be ≥ 0, got ${weightDecay}`);

  let iterations = 0;
  let scale = 1;
  const slots = new Map<string, Record<string, Variable>>();

  const learningRate = (): number => scale * (typeof schedule === 'number' ? schedule : schedule(iterations));

  function slotsFor(paramName: string, param: Variable): Record<string, Variable> {
    let own = slots.get(paramName);
    if (own === undefined) {
      own = {};
      for (const [slot, initial] of Object.entries(rule.slots)) {
        own[slot] = tidy(() => variable(fill(param.shape, initial, 'float32'), false));
      }
      slots.set(paramName, own);
    }
    return own;
  }

  return {
    name,
    get iterations() {
      return iterations;
    },
    learningRate,
    scaleLearningRate(factor) {
      if (!(factor > 0)) throw new Error(`${name}.scaleLearningRate: factor must be > 0, got ${factor}`);
      scale *= factor;
    },
    applyGradients(params, grads) {
      const lr = learningRate();
      const t = iterations + 1;
      for (const [paramName, g] of Object.entries(grads)) {
        const w = params[paramName];
        if (w === undefined) throw new Error(`${name}: got a gradient for "${paramName}", which is not among the params`);
        if (!w.trainable) throw new Error(`${name}: got a gradient for "${paramName}", which is not trainable`);
        const own = slotsFor(paramName, w);
        tidy(() => {
          const decayed = weightDecay > 0 && !noDecay.has(paramName) ? sub(w, mul(mul(w, weightDecay), lr)) : w;
          const next = rule.update(decayed, g, own, { learningRate: lr, t });
          for (const [slot, value] of Object.entries(next.slots)) own[slot]!.assign(value);
          w.assign(next.w);
        });
      }
      iterations = t;
    },
    getState() {
      const copy: Record<string, Record<string, Tensor>> = {};
      for (const [paramName, own] of slots) {
        copy[paramName] = Object.fromEntries(Object.entries(own).map(([slot, v]) => [slot, keep(clone(v))]));
      }
      return { name, iterations, learningRateScale: scale, slots: copy };
    },
    setState(state) {
      if (state.name !== name) throw new Error(`${name}.setState: the state belongs to a ${state.name} optimiser`);
      for (const own of slots.values()) for (const v of Object.values(own)) v.dispose();
      slots.clear();
      for (const [paramName, saved] of Object.entries(state.slots)) {
        const own: Record<string, Variable> = {};
        for (const slot of Object.keys(rule.slots)) {
          const value = saved[slot];
          if (value === undefined) throw new Error(`${name}.setState: slot "${slot}" of "${paramName}" is missing`);
          own[slot] = tidy(() => variable(clone(value), false));
        }
        slots.set(paramName, own);
      }
      iterations = state.iterations;
      scale = state.learningRateScale;
    },
    dispose() {
      for (const own of slots.values()) for (const v of Object.values(own)) v.dispose();
      slots.clear();
    },
  };
}
