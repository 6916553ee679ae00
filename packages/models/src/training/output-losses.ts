/**
 * `compile`'s loss, loss weights and metrics for each of a model's outputs, as Keras takes them: one
 * value for every output, a list in the outputs' order, or an object keyed by output name. A flat
 * metrics list applies to every output (tfjs-layers, Keras 2); a list of lists or an object gives
 * each output its own.
 */
import type { Loss, Metric } from '@rnnkit/training';
import { resolveLoss } from './loss-names';
import type { LossKind } from './loss-names';
import { matchRankLoss, matchRankMetric } from './match-rank';
import { resolveMetric } from './metric-names';

/** A loss by name or as a function. */
export type LossIdentifier = string | Loss;
/** A metric by name or as an instance. */
export type MetricIdentifier = string | Metric;

/** `compile`'s `loss`: one for every output, a list in output order, or by output name. */
export type CompileLoss = LossIdentifier | readonly LossIdentifier[] | Readonly<Record<string, LossIdentifier>>;
/** `compile`'s `metrics`: for every output (one or a flat list), a list of lists in output order, or by output name. */
export type CompileMetrics =
  | MetricIdentifier
  | readonly (MetricIdentifier | readonly MetricIdentifier[])[]
  | Readonly<Record<string, MetricIdentifier | readonly MetricIdentifier[]>>;
/** `compile`'s `lossWeights`: the weight of each output's loss in the total, in output order or by name. Default 1 each. */
export type LossWeights = readonly number[] | Readonly<Record<string, number>>;

/** How one output is trained: its loss (and the kind `'accuracy'` resolves by), its weight and its metrics. */
export interface OutputTraining {
  readonly name: string;
  readonly loss: Loss;
  readonly kind: LossKind;
  readonly weight: number;
  readonly metrics: readonly Metric[];
}

const isPlainObject = (v: unknown): v is Readonly<Record<string, unknown>> =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Metric).create !== 'function';

/** One value per output from `given` (one for all, a list in order, or by name), `fallback` where an object leaves one out. */
function perOutput<T>(given: T | readonly T[] | Readonly<Record<string, T>>, names: readonly string[], fallback: T | undefined, what: string, who: string): T[] {
  if (Array.isArray(given)) {
    if (given.length !== names.length) throw new Error(`${who}: ${what} must have one entry per output (${names.map((n) => `'${n}'`).join(', ')}), got ${given.length}`);
    return [...(given as readonly T[])];
  }
  if (isPlainObject(given)) {
    const unknown = Object.keys(given).filter((k) => !names.includes(k));
    if (unknown.length > 0) throw new Error(`${who}: ${what} names ${unknown.map((k) => `'${k}'`).join(', ')}, which the model's outputs (${names.map((n) => `'${n}'`).join(', ')}) are not`);
    return names.map((name) => {
      const value = (given as Readonly<Record<string, T>>)[name] ?? fallback;
      if (value === undefined) throw new Error(`${who}: ${what} gives nothing for output '${name}'`);
      return value;
    });
  }
  return names.map(() => given as T);
}

/** Each output's loss, weight and metrics from `compile`'s arguments (errors name `who`). */
export function resolveOutputs(
  args: { readonly loss: CompileLoss; readonly lossWeights?: LossWeights; readonly metrics?: CompileMetrics },
  outputNames: readonly string[],
  who: string,
): OutputTraining[] {
  const losses = perOutput<LossIdentifier>(args.loss, outputNames, undefined, 'loss', who).map((l) => resolveLoss(l, who));
  const weights = args.lossWeights === undefined ? outputNames.map(() => 1) : perOutput<number>(args.lossWeights, outputNames, 1, 'lossWeights', who);
  weights.forEach((w, k) => {
    if (typeof w !== 'number' || !Number.isFinite(w)) throw new Error(`${who}: lossWeights for output '${outputNames[k]}' must be a finite number, got ${String(w)}`);
  });
  const given = args.metrics ?? [];
  const nested = Array.isArray(given) && given.some((m) => Array.isArray(m));
  const metricLists: readonly (MetricIdentifier | readonly MetricIdentifier[])[] =
    isPlainObject(given) || nested
      ? perOutput<MetricIdentifier | readonly MetricIdentifier[]>(given as Readonly<Record<string, MetricIdentifier | readonly MetricIdentifier[]>>, outputNames, [], 'metrics', who)
      : outputNames.map(() => (Array.isArray(given) ? (given as readonly MetricIdentifier[]) : [given as MetricIdentifier]));
  return outputNames.map((name, k) => {
    const list = metricLists[k]!;
    const ids = Array.isArray(list) ? (list as readonly MetricIdentifier[]) : [list as MetricIdentifier];
    const { loss, kind } = losses[k]!;
    return { name, loss: matchRankLoss(loss), kind, weight: weights[k]!, metrics: ids.map((m) => matchRankMetric(resolveMetric(m, kind, who))) };
  });
}

/** Throws when two logged values would share a name. */
export function checkLogNames(names: readonly string[], who: string): void {
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) throw new Error(`${who}: two metrics (or a metric and the loss) are both logged as '${n}'`);
    seen.add(n);
  }
}
