/**
 * Puts the Keras-shaped training methods on a model. Every method calls @rnnkit/training through the
 * same structural interface its free functions take — `params` (all the model's variables; training
 * updates the trainable ones, checkpoints keep all) and a `forward` — so `model.fit(x, y, options)`
 * runs exactly the loop of `fit({ params: model.params, forward, … })`.
 *
 * Shapes: N samples, B batch; x is [N, ...] (the model's input), y is [N, ...] (its targets).
 */
import { scalar } from '@rnnkit/tensor';
import type { Scalar, Tensor } from '@rnnkit/tensor';
import { evaluate, fit, predict } from '@rnnkit/training';
import type { Callback, Data, FitOptions, Forward, Loss, Metric, Optimizer } from '@rnnkit/training';
import type { Model } from '../model';
import type { Shape } from '../shape';
import type { ModelCompileArgs, ModelEvaluateArgs, ModelFitArgs, ModelPredictArgs, ModelTraining, ValidationData } from './args';
import { checkInputShape, checkTargetShape } from './check-shapes';
import { classWeightToSampleWeight } from './class-weight';
import { stopTrainingWatcher, verboseLogger } from './fit-callbacks';
import { toHistory } from './history';
import { shapeOf, toData } from './inputs';
import type { TensorLike } from './inputs';
import { resolveLoss } from './loss-names';
import type { LossKind } from './loss-names';
import { matchRankLoss, matchRankMetric } from './match-rank';
import { resolveMetric } from './metric-names';
import { resolveOptimizer } from './optimizer-names';
import { getWeights, setWeights } from './weights';

/** Shapes a model may declare (with `null` batch axis); checked before training when present. */
export interface ModelShapes {
  readonly inputShape?: Shape;
  readonly outputShape?: Shape;
}

interface Compiled {
  readonly optimizer: Optimizer;
  readonly ownsOptimizer: boolean;
  readonly loss: Loss;
  readonly kind: LossKind;
  readonly metrics: readonly Metric[];
}

/**
 * `model` with {@link ModelTraining}'s methods added (the same object, so the model's own methods
 * and fields stay as they are); `dispose` also frees an optimiser `compile` made from a name.
 * `M` is the model's full type, e.g. `withTraining<Sequential>({ kind: 'sequential', … })`.
 */
export function withTraining<M extends Model & ModelShapes & ModelTraining>(model: Omit<M, keyof ModelTraining> & Model & ModelShapes): M {
  const who = model.name;
  const disposeModel = model.dispose;
  let compiled: Compiled | null = null;
  let busy = false;
  let runs = 0;

  const forward: Forward = (x, training, context) => model.apply(x, { training, seed: context.seed });

  const requireCompiled = (method: string): Compiled => {
    if (compiled === null) throw new Error(`${who}.${method}: the model must be compiled first, e.g. model.compile({ optimizer: 'adam', loss: 'binary_crossentropy' })`);
    return compiled;
  };
  const inputs = (x: TensorLike, method: string, name = 'x'): Data => {
    const data = toData(x, name, `${who}.${method}`);
    if (model.inputShape !== undefined) checkInputShape(shapeOf(data), model.inputShape, `${who}.${method}`, name);
    return data;
  };
  const targets = (y: TensorLike, kind: LossKind, method: string, name = 'y'): Data => {
    const data = toData(y, name, `${who}.${method}`);
    if (model.outputShape !== undefined) checkTargetShape(shapeOf(data), model.outputShape, kind, `${who}.${method}`, name);
    return data;
  };
  const exclusive = async <T>(method: string, run: () => Promise<T>): Promise<T> => {
    if (busy) throw new Error(`${who}.${method}: another fit() or trainOnBatch() on this model is still running`);
    busy = true;
    try {
      return await run();
    } finally {
      busy = false;
    }
  };

  const validation = (data: ValidationData, kind: LossKind): NonNullable<FitOptions['validationData']> => {
    if (!Array.isArray(data) || data.length < 2 || data.length > 3) {
      throw new Error(`${who}.fit: validationData must be [x, y] or [x, y, sampleWeight], got ${Array.isArray(data) ? `an array of ${data.length}` : typeof data}`);
    }
    const [x, y, sampleWeight] = data;
    return {
      x: inputs(x, 'fit', 'validationData[0]'),
      y: targets(y, kind, 'fit', 'validationData[1]'),
      ...(sampleWeight !== undefined && { sampleWeight: toData(sampleWeight, 'validationData[2]', `${who}.fit`) }),
    };
  };

  // the object gains exactly the members of ModelTraining, which completes an M
  const trained = Object.assign(model, {
    stopTraining: false,

    compile(args: ModelCompileArgs): void {
      if (args === null || typeof args !== 'object') throw new Error(`${who}.compile: expected { optimizer, loss, metrics? }, got ${String(args)}`);
      if (args.loss === undefined) throw new Error(`${who}.compile: loss is required (e.g. 'binary_crossentropy')`);
      if (args.optimizer === undefined) throw new Error(`${who}.compile: optimizer is required (e.g. 'adam')`);
      const { loss, kind } = resolveLoss(args.loss, `${who}.compile`);
      const given = args.metrics === undefined ? [] : Array.isArray(args.metrics) ? args.metrics : [args.metrics as string | Metric];
      const metrics = (given as readonly (string | Metric)[]).map((m) => matchRankMetric(resolveMetric(m, kind, `${who}.compile`)));
      const names = new Set<string>(['loss']);
      for (const m of metrics) {
        if (names.has(m.name)) throw new Error(`${who}.compile: two metrics (or a metric and the loss) are both logged as '${m.name}'`);
        names.add(m.name);
      }
      const { optimizer, owned } = resolveOptimizer(args.optimizer, `${who}.compile`);
      if (compiled?.ownsOptimizer === true && compiled.optimizer !== optimizer) compiled.optimizer.dispose();
      compiled = { optimizer, ownsOptimizer: owned, loss: matchRankLoss(loss), kind, metrics };
    },

    fit(x: TensorLike, y: TensorLike, args: ModelFitArgs = {}) {
      return exclusive('fit', async () => {
        const c = requireCompiled('fit');
        trained.stopTraining = false;
        const xData = inputs(x, 'fit');
        const yData = targets(y, c.kind, 'fit');
        if (args.sampleWeight !== undefined && args.classWeight !== undefined) {
          throw new Error(`${who}.fit: give sampleWeight or classWeight, not both (Keras refuses them together)`);
        }
        const sampleWeight =
          args.classWeight !== undefined
            ? classWeightToSampleWeight(yData, args.classWeight, `${who}.fit`)
            : args.sampleWeight === undefined
              ? undefined
              : toData(args.sampleWeight, 'sampleWeight', `${who}.fit`);
        const validationData = args.validationData === undefined ? undefined : validation(args.validationData, c.kind);
        const n = shapeOf(xData)[0]!;
        const split = validationData === undefined ? args.validationSplit : undefined;
        const samples = split === undefined ? n : Math.floor(n * (1 - split));
        const batchSize = args.batchSize ?? 32;
        const steps = Math.ceil(samples / batchSize);
        const verbose = args.verbose ?? 0;
        const given: readonly Callback[] = args.callbacks === undefined ? [] : Array.isArray(args.callbacks) ? args.callbacks : [args.callbacks as Callback];
        const epochs = args.epochs ?? 1;
        const initialEpoch = args.initialEpoch ?? 0;
        const seed = args.seed ?? runs;
        runs++;
        const history = await fit({
          params: model.params,
          forward,
          loss: c.loss,
          optimizer: c.optimizer,
          metrics: c.metrics,
          x: xData,
          y: yData,
          epochs,
          initialEpoch,
          batchSize,
          seed,
          callbacks: [...given, ...verboseLogger(verbose, steps, `${who}.fit`), stopTrainingWatcher(() => trained.stopTraining)],
          ...(sampleWeight !== undefined && { sampleWeight }),
          ...(validationData !== undefined && { validationData }),
          ...(split !== undefined && { validationSplit: split }),
          ...(args.shuffle !== undefined && { shuffle: args.shuffle }),
          ...(args.clipping !== undefined && { clipping: args.clipping }),
          ...(args.mask !== undefined && { mask: args.mask }),
          ...(args.checkpoint !== undefined && { checkpoint: args.checkpoint }),
          ...(args.resumeFrom !== undefined && { resumeFrom: args.resumeFrom }),
        });
        const doValidation = validationData !== undefined || split !== undefined;
        const logged = ['loss', ...c.metrics.map((m) => m.name)];
        return toHistory(history, {
          epochs,
          initialEpoch,
          samples,
          steps,
          batchSize,
          verbose,
          doValidation,
          metrics: doValidation ? [...logged, ...logged.map((k) => `val_${k}`)] : logged,
        });
      });
    },

    evaluate(x: TensorLike, y: TensorLike, args: ModelEvaluateArgs = {}): Scalar | Scalar[] {
      const c = requireCompiled('evaluate');
      const logs = evaluate({
        forward,
        loss: c.loss,
        metrics: c.metrics,
        x: inputs(x, 'evaluate'),
        y: targets(y, c.kind, 'evaluate'),
        ...(args.batchSize !== undefined && { batchSize: args.batchSize }),
        ...(args.sampleWeight !== undefined && { sampleWeight: toData(args.sampleWeight, 'sampleWeight', `${who}.evaluate`) }),
        ...(args.mask !== undefined && { mask: args.mask }),
      });
      const values = [logs['loss']!, ...c.metrics.map((m) => logs[m.name]!)];
      return values.length === 1 ? scalar(values[0]!) : values.map((v) => scalar(v));
    },

    predict(x: TensorLike, args: ModelPredictArgs = {}): Tensor {
      return predict({ forward, x: inputs(x, 'predict'), ...(args.batchSize !== undefined && { batchSize: args.batchSize }) });
    },

    trainOnBatch(x: TensorLike, y: TensorLike): Promise<number | number[]> {
      return exclusive('trainOnBatch', async () => {
        const c = requireCompiled('trainOnBatch');
        const xData = inputs(x, 'trainOnBatch');
        const history = await fit({
          params: model.params,
          forward,
          loss: c.loss,
          optimizer: c.optimizer,
          metrics: c.metrics,
          x: xData,
          y: targets(y, c.kind, 'trainOnBatch'),
          batchSize: Math.max(1, shapeOf(xData)[0]!),
          shuffle: false,
          seed: runs++,
        });
        const values = [history.history['loss']![0]!, ...c.metrics.map((m) => history.history[m.name]![0]!)];
        return values.length === 1 ? values[0]! : values;
      });
    },

    predictOnBatch(x: TensorLike): Tensor {
      const data = inputs(x, 'predictOnBatch');
      return predict({ forward, x: data, batchSize: Math.max(1, shapeOf(data)[0]!) });
    },

    getWeights(trainableOnly = false): Tensor[] {
      return getWeights(model.params, trainableOnly);
    },

    setWeights(weights: readonly Tensor[]): void {
      setWeights(model.params, weights, who);
    },

    dispose(): void {
      if (compiled?.ownsOptimizer === true) compiled.optimizer.dispose();
      compiled = null;
      disposeModel();
    },
  } satisfies ModelTraining & Pick<Model, 'dispose'>);
  return trained as unknown as M;
}
